//! ASL Playground's engine: an Amazon States Language interpreter that behaves like AWS Step
//! Functions. Pure: no I/O, no wall clock, no OS randomness; time and seeds come in through
//! the API, so every run is reproducible.
//!
//! Pipeline: `json` (values, spans) → `validate` (builds `model`, reports diagnostics) →
//! `exec` (runs on a virtual clock, records `history`). `path`, `intrinsics`, `template` and
//! `choice` evaluate the JSONPath query language. `api` is the plain-data facade the CLI, the
//! web app and the tests use.

#![deny(unsafe_code)]

pub mod advisor;
pub mod api;
pub mod aws;
pub mod choice;
pub mod conformance;
pub mod cost;
pub mod diagnostic;
pub mod distributed;
pub mod env;
pub mod exec;
pub mod exercise;
pub mod history;
pub mod intrinsics;
pub mod jsonata;
pub mod mocks;
pub mod model;
pub mod path;
pub mod shapes;
pub mod syntax;
pub mod template;
pub mod teststate;
pub mod validate;

// Paths from before `syntax/` (the next step moves every module into the pipeline's tree).
pub use aws::export as aws_export;
pub use syntax::{json, time};

#[cfg(all(target_arch = "wasm32", feature = "jsonata"))]
mod wasm_entropy;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
