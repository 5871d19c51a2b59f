//! The only place that talks to JavaScript: the CodeMirror bridge (web/js/editor.js, exposed
//! as `window.AslEditor`), the JSONata module loader (web/js/jsonata.js, `window.AslJsonata`),
//! the extras module loader with the file helpers (web/js/extras.js, `window.AslExtras`), and
//! the page's Web Worker (web/js/worker.js, `window.AslWorker`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = AslEditor, js_name = create)]
    #[allow(clippy::too_many_arguments)]
    pub fn editor_create(
        parent: &web_sys::Element,
        doc: &str,
        on_change: &Closure<dyn FnMut(String)>,
        on_cursor: &Closure<dyn FnMut(u32)>,
        completions: &Closure<dyn FnMut(String) -> String>,
        on_run: &Closure<dyn FnMut()>,
        on_step: &Closure<dyn FnMut()>,
        dark: bool,
    ) -> u32;
    #[wasm_bindgen(js_namespace = AslEditor, js_name = setText)]
    pub fn editor_set_text(id: u32, text: &str);
    #[wasm_bindgen(js_namespace = AslEditor, js_name = setDiagnostics)]
    pub fn editor_set_diagnostics(id: u32, diagnostics_json: &str);
    #[wasm_bindgen(js_namespace = AslEditor, js_name = highlight)]
    pub fn editor_highlight(id: u32, from: i32, to: i32, scroll: bool);
    #[wasm_bindgen(js_namespace = AslEditor, js_name = format)]
    pub fn editor_format(id: u32) -> bool;
    #[wasm_bindgen(js_namespace = AslEditor, js_name = setDark)]
    pub fn editor_set_dark(id: u32, dark: bool);
}

/// Is the editor bundle loaded? (The page degrades to a textarea when it is not.)
pub fn editor_available() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("AslEditor"))
        .is_ok_and(|v| !v.is_undefined())
}

#[wasm_bindgen]
extern "C" {
    /// Renders SVG text to a PNG of the given size and offers it as a download.
    #[wasm_bindgen(js_namespace = AslEditor, js_name = exportPng)]
    pub fn export_png(svg: &str, width: f64, height: f64, filename: &str);
}

#[wasm_bindgen]
extern "C" {
    /// Loads the JSONata module (once); the promise settles when `jsonata_call` works.
    #[wasm_bindgen(catch, js_namespace = AslJsonata, js_name = load)]
    pub fn jsonata_load() -> Result<js_sys::Promise, JsValue>;
    /// One `engine::query::jsonata::host_call` request in, its answer out.
    #[wasm_bindgen(catch, js_namespace = AslJsonata, js_name = call)]
    pub fn jsonata_call(request: &str) -> Result<String, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// Loads the extras module (once); the promise settles when `module_call` works.
    #[wasm_bindgen(catch, js_namespace = AslExtras, js_name = load)]
    pub fn extras_load() -> Result<js_sys::Promise, JsValue>;
    /// One `engine::aws::module_call` request in, its answer out.
    #[wasm_bindgen(catch, js_namespace = AslExtras, js_name = call)]
    pub fn module_call(request: &str) -> Result<String, JsValue>;
    /// The files of a file or folder picker: a promise of JSON text `[{path, text}]`.
    #[wasm_bindgen(catch, js_namespace = AslExtras, js_name = fromInput)]
    pub fn files_from_input(input: &web_sys::HtmlInputElement) -> Result<js_sys::Promise, JsValue>;
    /// The files and folders of a drop: a promise of JSON text `[{path, text}]`.
    #[wasm_bindgen(catch, js_namespace = AslExtras, js_name = fromDrop)]
    pub fn files_from_drop(data: &web_sys::DataTransfer) -> Result<js_sys::Promise, JsValue>;
    /// Offers base64 bytes as a download.
    #[wasm_bindgen(catch, js_namespace = AslExtras, js_name = downloadBase64)]
    pub fn download_base64(name: &str, mime: &str, b64: &str) -> Result<(), JsValue>;
}

/// A JavaScript exception's message, for the user.
pub fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

#[wasm_bindgen]
extern "C" {
    /// Asks the page's Web Worker one extras-module request (web/js/worker.js): a promise of
    /// the answer text; `record` keeps the JSONata answers it gave for the page's engine.
    #[wasm_bindgen(catch, js_namespace = AslWorker, js_name = ask)]
    pub fn worker_ask(
        request: &str,
        needs_jsonata: bool,
        record: bool,
    ) -> Result<js_sys::Promise, JsValue>;
    /// Terminates the worker; what it was doing is dropped (the next ask starts a fresh one).
    #[wasm_bindgen(catch, js_namespace = AslWorker, js_name = stop)]
    pub fn worker_stop() -> Result<(), JsValue>;
}
