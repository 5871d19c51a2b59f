//! One component per file.

pub mod cost_meter;
pub mod definition_pane;
pub mod diagnostics;
pub mod editor;
pub mod exercise_panel;
pub mod graph_pane;
pub mod history;
pub mod inspector;
pub mod json_input;
pub mod machine_tabs;
pub mod move_advisor;
pub mod open_project;
pub mod run_extras;
pub mod run_pane;
pub mod run_panel;
pub mod save_notice;
pub mod share_bar;
pub mod substitutions;
pub mod test_state;
pub mod to_aws;
pub mod top_bar;
