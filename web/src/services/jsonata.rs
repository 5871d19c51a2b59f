//! The JSONata library, loaded on demand as a second wasm module (web/jsonata) and handed to
//! the engine, so pages without JSONata never download it.

use crate::bindings;

/// Does this definition text use JSONata? (A cheap test on the text; a false positive only
/// loads the module early.)
pub fn used_in(definition: &str) -> bool {
    definition.contains("{%") || definition.contains("\"JSONata\"")
}

/// Starts loading; `done` gets `Ok` once the engine can evaluate JSONata, or the reason.
pub fn load(done: super::Loaded) {
    super::load_module(
        bindings::jsonata_load(),
        || {
            engine::query::jsonata::host::set(|request| {
                bindings::jsonata_call(request).unwrap_or_else(|e| {
                    engine::obj! { "threw" => format!("the JSONata module failed: {}", bindings::describe(&e)) }
                        .to_json()
                })
            })
        },
        done,
    );
}
