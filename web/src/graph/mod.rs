//! The state machine graph: `layout` turns the engine's model into boxes and edge paths (pure,
//! tested natively); `view` draws them as SVG with the run's statuses.

pub mod layout;
mod view;

pub use view::Graph;
