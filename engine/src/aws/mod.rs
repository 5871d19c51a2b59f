//! AWS around the interpreter: the way in from a real project (`import`: SAM, CloudFormation,
//! CDK, Serverless, Terraform) and the way back out (`export`: files, templates, CLI commands).

pub mod export;
pub mod import;

#[cfg(feature = "import")]
mod extras;
#[cfg(feature = "import")]
pub use extras::module_call;
