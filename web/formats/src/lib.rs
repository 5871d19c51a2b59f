//! The formats module: YAML, the project import and the project export of the engine behind
//! one export. The page loads it only when a definition is YAML, a project is opened or
//! exported, and hands `call` to its own engine (`engine::syntax::yaml::host`).

use wasm_bindgen::prelude::*;

/// One `engine::aws::formats_call` request in, its answer out (both JSON text).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    engine::aws::formats_call(request)
}
