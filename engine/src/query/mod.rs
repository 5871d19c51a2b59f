//! Evaluating one field, in either query language: what an expression sees (`env`), JSONPath
//! with Jayway's semantics (`path`), the `States.*` intrinsic functions, payload templates,
//! Choice rules, and JSONata (`jsonata`, the only module that knows the JSONata library).

pub mod choice;
pub mod env;
pub mod failure;
pub mod intrinsics;
pub mod jsonata;
pub(crate) mod path;
pub(crate) mod template;

#[cfg(all(target_arch = "wasm32", feature = "jsonata"))]
mod wasm_entropy;
