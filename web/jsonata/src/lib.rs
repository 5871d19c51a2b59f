//! The JSONata module: the engine's JSONata library behind one export. The page loads it only
//! when a definition uses JSONata and hands `call` to its own engine (`engine::jsonata::host`).

use wasm_bindgen::prelude::*;

/// One `engine::jsonata::host_call` request in, its answer out (both JSON text).
#[wasm_bindgen]
pub fn call(request: &str) -> String {
    engine::jsonata::host_call(request)
}
