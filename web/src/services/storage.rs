//! The user's work in localStorage, so a reload restores it. A failing storage (private
//! mode, quota) never loses what is on screen: saving just stops.

use engine::syntax::json::{self, Value};

const KEY: &str = "asl-playground.workspace.v1";
/// The work that was open when a share link replaced it.
const BACKUP_KEY: &str = "asl-playground.before-link.v1";
/// Larger workspaces are not autosaved (they would crowd the origin's quota).
const MAX_CHARS: usize = 2_000_000;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load() -> Option<Value> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    json::parse(&text).ok()
}

pub fn save(workspace: &Value) {
    let text = workspace.to_json();
    if text.len() > MAX_CHARS {
        return;
    }
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, &text);
    }
}

/// Keeps the work a link, an exercise or a project replaced (the state's `kept_aside`).
pub fn save_backup(workspace: &Value) {
    let text = workspace.to_json();
    if text.len() > MAX_CHARS {
        return;
    }
    if let Some(s) = storage() {
        let _ = s.set_item(BACKUP_KEY, &text);
    }
}

const PROGRESS_KEY: &str = "asl-playground.exercises.v1";

/// Exercises whose checks all passed, by id.
pub fn done_exercises() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .and_then(|t| json::parse(&t).ok())
        .and_then(|v| v.as_array().cloned())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn mark_done(id: &str) {
    let mut done = done_exercises();
    if done.iter().any(|d| d == id) {
        return;
    }
    done.push(id.to_string());
    if let Some(s) = storage() {
        let list: Vec<Value> = done.iter().map(|d| Value::from(d.as_str())).collect();
        let _ = s.set_item(PROGRESS_KEY, &Value::from(list).to_json());
    }
}
