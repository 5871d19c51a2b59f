//! The user's work in localStorage, so a reload restores it. What is in the editor is what is
//! saved, broken JSON included. When it cannot be saved (too large, quota full, storage off)
//! the caller is told why, so the page can say so and offer the workspace file.

use engine::syntax::json::{self, Value};

const KEY: &str = "asl-playground.workspace.v1";
/// The work that was open when a share link replaced it.
const BACKUP_KEY: &str = "asl-playground.before-link.v1";
/// "opened" while the saved workspace is a link, file or exercise as opened, unedited: it is
/// not the user's own work, and opening the next link keeps the backup as it is.
const ORIGIN_KEY: &str = "asl-playground.workspace-origin.v1";
/// A hash of the last fragment this tab wrote into its address (in sessionStorage: per tab,
/// kept across reloads): after a reload, that address is the page's own (possibly older than
/// the saved work), not a link someone opened.
const OWN_LINK_KEY: &str = "asl-playground.own-link.v1";
/// Larger workspaces are not autosaved (they would crowd the origin's quota of about 5 MB).
pub const MAX_CHARS: usize = 2_000_000;

/// Why the workspace could not be saved.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveProblem {
    /// Over `MAX_CHARS` characters (this many).
    TooLarge(usize),
    /// The browser refused the write (its storage is full).
    Full,
    /// This browser gives the page no storage (private mode, disabled).
    Unavailable,
}

impl std::fmt::Display for SaveProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveProblem::TooLarge(n) => write!(f, "This workspace is too large to keep in the browser ({:.1} MB; at most {:.0} MB are kept).", *n as f64 / 1e6, MAX_CHARS as f64 / 1e6),
            SaveProblem::Full => write!(f, "Your work can't be saved in this browser: its storage is full."),
            SaveProblem::Unavailable => write!(f, "Your work can't be saved in this browser: it gives the page no storage (private mode?)."),
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read(key: &str) -> Option<Value> {
    let text = storage()?.get_item(key).ok().flatten()?;
    json::parse(&text).ok()
}

fn write(key: &str, text: &str) -> Result<(), SaveProblem> {
    if text.len() > MAX_CHARS {
        return Err(SaveProblem::TooLarge(text.len()));
    }
    let s = storage().ok_or(SaveProblem::Unavailable)?;
    s.set_item(key, text).map_err(|_| SaveProblem::Full)
}

pub fn load() -> Option<Value> {
    read(KEY)
}

/// The work kept aside when a link replaced it.
pub fn load_backup() -> Option<Value> {
    read(BACKUP_KEY)
}

/// Is the saved workspace a link, file or exercise as it was opened (not the user's own)?
pub fn saved_is_opened() -> bool {
    storage()
        .and_then(|s| s.get_item(ORIGIN_KEY).ok().flatten())
        .is_some_and(|o| o == "opened")
}

/// Saves the workspace; `opened`: it is a link, file or exercise as opened, unedited. When it
/// cannot be saved, the address (which keeps following the work) is no longer the page's own:
/// after a reload it opens as a link, the older saved work kept aside.
pub fn save(workspace: &Value, opened: bool) -> Result<(), SaveProblem> {
    let saved = write(KEY, &workspace.to_json())
        .and_then(|()| write(ORIGIN_KEY, if opened { "opened" } else { "own" }));
    if saved.is_err() {
        forget_own_link();
    }
    SAVING_WORKS.with(|w| w.set(saved.is_ok()));
    saved
}

thread_local! {
    /// Did the last save work? Only then is the address written the page's own.
    static SAVING_WORKS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// The autosave is paused (another tab saved): the address is not the page's own either.
pub fn pause() {
    SAVING_WORKS.with(|w| w.set(false));
    forget_own_link();
}

fn forget_own_link() {
    if let Some(s) = tab_storage() {
        let _ = s.remove_item(OWN_LINK_KEY);
    }
}

/// Keeps the work a link, an exercise or a project replaced (the state's `kept_aside`).
pub fn save_backup(workspace: &Value) -> Result<(), SaveProblem> {
    write(BACKUP_KEY, &workspace.to_json())
}

/// Is `change` (a `storage` event) another tab saving the workspace?
pub fn is_workspace_change(change: &web_sys::StorageEvent) -> bool {
    change.key().as_deref() == Some(KEY)
}

/// FNV-1a: stable across builds (the hash outlives the page that wrote it).
fn link_hash(fragment: &str) -> String {
    let h = fragment
        .trim_start_matches('#')
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{h:016x}")
}

fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Notes that this tab wrote `fragment` into its own address (while saving works: else the
/// address holds work the storage does not).
pub fn remember_own_link(fragment: &str) {
    if !SAVING_WORKS.with(std::cell::Cell::get) {
        return;
    }
    if let Some(s) = tab_storage() {
        let _ = s.set_item(OWN_LINK_KEY, &link_hash(fragment));
    }
}

/// Did this tab write `fragment` into its address (a reload, not a link being opened)?
pub fn is_own_link(fragment: &str) -> bool {
    tab_storage()
        .and_then(|s| s.get_item(OWN_LINK_KEY).ok().flatten())
        .is_some_and(|h| h == link_hash(fragment))
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
