//! The extras module: what most visits never use, loaded on demand as a second wasm module so
//! the first load stays small. YAML definitions (the page hands `call` to its engine through
//! `engine::syntax::yaml::host`), opening and exporting projects, AWS's TestState, and exercise
//! Markdown; and, in the page's Web Worker, the page's runs ahead of it (`run_ahead`). Requests and
//! answers are JSON text: `engine::aws::module_call` answers the engine's ops, `markdown` and
//! `run` are answered here.

mod markdown;
mod run_ahead;

use engine::syntax::json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The JSONata module's `call`, if the page has loaded it (web/js/jsonata.js).
    #[wasm_bindgen(catch, js_namespace = AslJsonata, js_name = call)]
    fn jsonata_call(request: &str) -> Result<String, JsValue>;
}

/// TestState of a JSONata state evaluates through the JSONata module, as the page's own
/// engine does (the page loads it as soon as a definition uses JSONata).
#[wasm_bindgen(start)]
fn start() {
    engine::query::jsonata::host::set(|request| {
        jsonata_call(request).unwrap_or_else(|_| {
            engine::obj! { "threw" => "the JSONata module is not loaded" }.to_json()
        })
    });
}

/// One request in, its answer out (both JSON text).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    if let Ok(r) = engine::syntax::json::parse(request) {
        if r.get("op").and_then(Value::as_str) == Some("markdown") {
            let trees: Vec<Value> = r
                .get("texts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|t| markdown::tree(t.as_str().unwrap_or("")))
                .collect();
            return engine::obj! { "trees" => trees }.to_json();
        }
        if r.get("op").and_then(Value::as_str) == Some("run") {
            return run_ahead::answer(&r).to_json();
        }
    }
    engine::aws::module_call(request)
}
