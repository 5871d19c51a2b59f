//! ASL Playground's engine: an Amazon States Language interpreter that behaves like AWS Step
//! Functions. Pure: no I/O, no wall clock, no OS randomness; time and seeds come in through
//! the API, so every run is reproducible.
//!
//! The folders are the pipeline, each using only the ones before it:
//! `syntax` (text → values with spans: JSON, YAML, `${…}` substitutions) → `query` (one field
//! evaluated in either query language: JSONPath, intrinsics, payload templates, Choice rules,
//! JSONata) → `model` (the typed ASL tree) → `check` (definition → model + diagnostics) and
//! `run` (the interpreter on a virtual clock, with its history) → `aws` (the services around
//! it: TestState, cost, the advisor, import and export) → `api` (the plain-data facade the CLI,
//! the web app and the tests use) → `playground` (this project's own features: exercises,
//! conformance replay).

#![deny(unsafe_code)]
#![warn(unreachable_pub)]

pub mod api;
pub mod aws;
pub mod check;
pub mod model;
pub mod playground;
pub mod query;
pub mod run;
pub mod syntax;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
