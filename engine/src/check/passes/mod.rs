//! Checks that run after the model is built.

pub(crate) mod aws_warnings;
pub(crate) mod jsonata_and_variables;

use super::*;

/// Runs the passes over the definition, after the model is built.
pub(crate) fn run(b: &mut Builder, definition: &Value) {
    walk_definition(
        definition,
        &mut jsonata_and_variables::JsonataAndVariables::new(b),
    );
    walk_definition(definition, &mut aws_warnings::AwsWarnings(b));
}
