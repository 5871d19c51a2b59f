//! AWS around the interpreter: TestState (`teststate`, with the integrations' output `shapes`),
//! the cost model (`cost`) and the move-to-Express `advisor`, the way in from a real project
//! (`import`: SAM, CloudFormation, CDK, Serverless, Terraform) and the way back out (`export`:
//! files, templates, CLI commands).

pub mod advisor;
pub mod cost;
pub mod export;
pub mod import;
pub(crate) mod shapes;
pub mod teststate;

#[cfg(feature = "import")]
mod extras;
#[cfg(feature = "import")]
pub use extras::module_call;
