//! The JSONata module: the engine's JSONata library behind one export. The page loads it only
//! when a definition uses JSONata and hands `call` to its own engine (`engine::query::jsonata::host`).

use wasm_bindgen::prelude::*;

/// One `engine::query::jsonata::host_call` request in, its answer out (both JSON text).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    engine::query::jsonata::host_call(request)
}
