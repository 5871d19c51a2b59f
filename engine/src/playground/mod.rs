//! This project's own features on top of the engine: workshop exercises and their checks, and
//! the replay of the AWS-recorded conformance cases.

pub mod conformance;
pub mod exercise;
