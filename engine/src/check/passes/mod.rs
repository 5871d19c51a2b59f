//! Checks that run after the model is built.

pub(crate) mod aws_warnings;
pub(crate) mod jsonata_and_variables;

use super::*;
