//! The user's work in localStorage, so a reload restores it. A failing storage (private
//! mode, quota) never loses what is on screen: saving just stops.

use engine::json::{self, Value};

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

/// Keeps the current local work aside before a shared workspace replaces it.
pub fn back_up() {
    if let (Some(s), Some(v)) = (storage(), load()) {
        let _ = s.set_item(BACKUP_KEY, &v.to_json());
    }
}

/// The work kept aside by `back_up`, if any.
pub fn backup() -> Option<Value> {
    let text = storage()?.get_item(BACKUP_KEY).ok().flatten()?;
    json::parse(&text).ok()
}
