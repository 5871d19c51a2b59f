//! The address bar and the clipboard: reading a share link at start, writing the workspace
//! into the fragment after edits settle (replaceState: no history entry per keystroke),
//! copying the link.

use crate::share::{self, ShareError};
use crate::state::Workspace;

/// The current fragment, `#` included (empty when none).
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page's address with `fragment` (without `#`) as its fragment.
pub fn url_with(fragment: &str) -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = href.split('#').next().unwrap_or("");
    format!("{base}#{fragment}")
}

/// A share link in the address at start: the workspace, or why it cannot be opened (`None`
/// when the address holds no link).
pub fn shared_workspace() -> Option<Result<Workspace, ShareError>> {
    let f = fragment();
    match share::decode(&f) {
        Err(ShareError::NotALink) => None,
        other => Some(other),
    }
}

/// Puts the workspace in the address bar without adding a history entry, and notes it as the
/// page's own address. A workspace larger than a link may unpack to gets no link at all: the
/// page would refuse its own address after a reload.
pub fn write(ws: &Workspace) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let url = match share::encode_within(ws, share::MAX_DECODED_BYTES) {
        Some(fragment) => {
            crate::services::storage::remember_own_link(&fragment);
            url_with(&fragment)
        }
        None => url_without_fragment(),
    };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}

/// The page's address with no fragment.
fn url_without_fragment() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or("").to_string()
}

/// Copies text to the clipboard (best effort: the page also shows the link).
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}
