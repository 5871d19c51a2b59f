//! What the graph writes: box widths from their text, and the labels of Choice rules and
//! Catch edges.

use engine::query::choice::{Cmp, Condition, Operand, Operands, TypeTest};

/// Estimated text width (the SVG uses a 13px sans-serif font).
pub(super) fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 7.2
}

/// A short description of a Choice rule, for its edge label.
pub fn describe(c: &Condition) -> String {
    let op = |cmp: &Cmp| match cmp {
        Cmp::Equals => "==",
        Cmp::LessThan => "<",
        Cmp::GreaterThan => ">",
        Cmp::LessThanEquals => "<=",
        Cmp::GreaterThanEquals => ">=",
    };
    match c {
        Condition::Compare {
            variable,
            kind,
            cmp,
            operand,
        } => {
            let rhs = match operand {
                Operand::Literal(v) => v.to_json(),
                Operand::Path(p) => p.source.to_string(),
            };
            let k = match kind {
                Operands::Timestamp => " (time)",
                _ => "",
            };
            format!("{} {} {rhs}{k}", variable.source, op(cmp))
        }
        Condition::Matches { variable, .. } => format!("{} matches", variable.source),
        Condition::Test {
            variable,
            test,
            expected,
        } => {
            let t = match test {
                TypeTest::IsNull => "is null",
                TypeTest::IsPresent => "is present",
                TypeTest::IsNumeric => "is numeric",
                TypeTest::IsString => "is string",
                TypeTest::IsBoolean => "is boolean",
                TypeTest::IsTimestamp => "is timestamp",
            };
            format!(
                "{} {}{t}",
                variable.source,
                if *expected { "" } else { "not " }
            )
        }
        Condition::And(cs) => cs.iter().map(describe).collect::<Vec<_>>().join(" and "),
        Condition::Or(cs) => cs.iter().map(describe).collect::<Vec<_>>().join(" or "),
        Condition::Not(c) => format!("not ({})", describe(c)),
        Condition::Jsonata(e) => engine::query::jsonata::quoted(e).to_string(),
    }
}

pub(super) fn clip(s: String, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    } else {
        s
    }
}
