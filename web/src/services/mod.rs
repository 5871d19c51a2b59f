//! Browser effects: localStorage, downloads, the colour scheme, loading the on-demand modules
//! (JSONata; the extras module with YAML, projects, TestState and exercise Markdown), and the
//! Web Worker that runs what may take long.

pub mod extras;
pub mod jsonata;
pub mod link;
pub mod storage;
pub mod worker;

/// Told once an on-demand module is there (or why it could not be loaded).
pub type Loaded = Box<dyn FnOnce(Result<(), String>)>;

/// Awaits an on-demand module's loading (`promise`); once it is there, `loaded` hands its
/// `call` to the engine, then `done` is told (or told why not).
pub fn load_module(
    promise: Result<js_sys::Promise, wasm_bindgen::JsValue>,
    loaded: impl FnOnce() + 'static,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    let promise = match promise {
        Ok(p) => p,
        Err(e) => return done(Err(crate::bindings::describe(&e))),
    };
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => {
                loaded();
                done(Ok(()));
            }
            Err(e) => done(Err(crate::bindings::describe(&e))),
        }
    });
}

/// The browser's monotonic clock in milliseconds (the reducer's `Clock` for run slices).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Ok(a) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a) {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Offers the workspace as the file "Open a workspace or exercise file…" reads back.
pub fn download_workspace(ws: &crate::state::Workspace) {
    download(
        "workspace.asl-playground.json",
        "application/json",
        &ws.to_value().to_json_pretty(),
    )
}

/// Does the system prefer a dark colour scheme?
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
