//! Choice rules: every comparison operator (and its `*Path` form), the `Is*` tests,
//! `StringMatches`, and `And`/`Or`/`Not`.

use crate::query::env::Env;
use crate::query::failure::Failure;
use crate::query::path::JsonPath;
use crate::syntax::json::Value;
use crate::syntax::time::parse_rfc3339;
use std::cmp::Ordering;

/// What a comparison compares its operands as (`StringEquals`, `NumericLessThan`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operands {
    String,
    Numeric,
    Boolean,
    Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeTest {
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Literal(Value),
    Path(JsonPath),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Compare {
        variable: JsonPath,
        kind: Operands,
        cmp: Cmp,
        operand: Operand,
    },
    Matches {
        variable: JsonPath,
        pattern: Vec<PatternPart>,
    },
    Test {
        variable: JsonPath,
        test: TypeTest,
        expected: bool,
    },
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// A JSONata `Condition` expression (its own query language; evaluated by the JSONata
    /// layer).
    Jsonata(std::rc::Rc<crate::query::jsonata::Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternPart {
    Literal(String),
    Star,
}

/// All comparison operator names with what they compare and how.
pub(crate) const COMPARISONS: &[(&str, Operands, Cmp)] = &[
    ("StringEquals", Operands::String, Cmp::Equals),
    ("StringLessThan", Operands::String, Cmp::LessThan),
    ("StringGreaterThan", Operands::String, Cmp::GreaterThan),
    (
        "StringLessThanEquals",
        Operands::String,
        Cmp::LessThanEquals,
    ),
    (
        "StringGreaterThanEquals",
        Operands::String,
        Cmp::GreaterThanEquals,
    ),
    ("NumericEquals", Operands::Numeric, Cmp::Equals),
    ("NumericLessThan", Operands::Numeric, Cmp::LessThan),
    ("NumericGreaterThan", Operands::Numeric, Cmp::GreaterThan),
    (
        "NumericLessThanEquals",
        Operands::Numeric,
        Cmp::LessThanEquals,
    ),
    (
        "NumericGreaterThanEquals",
        Operands::Numeric,
        Cmp::GreaterThanEquals,
    ),
    ("BooleanEquals", Operands::Boolean, Cmp::Equals),
    ("TimestampEquals", Operands::Timestamp, Cmp::Equals),
    ("TimestampLessThan", Operands::Timestamp, Cmp::LessThan),
    (
        "TimestampGreaterThan",
        Operands::Timestamp,
        Cmp::GreaterThan,
    ),
    (
        "TimestampLessThanEquals",
        Operands::Timestamp,
        Cmp::LessThanEquals,
    ),
    (
        "TimestampGreaterThanEquals",
        Operands::Timestamp,
        Cmp::GreaterThanEquals,
    ),
];

pub(crate) const TYPE_TESTS: &[(&str, TypeTest)] = &[
    ("IsNull", TypeTest::IsNull),
    ("IsPresent", TypeTest::IsPresent),
    ("IsNumeric", TypeTest::IsNumeric),
    ("IsString", TypeTest::IsString),
    ("IsBoolean", TypeTest::IsBoolean),
    ("IsTimestamp", TypeTest::IsTimestamp),
];

/// Every operator field a rule may carry.
pub fn operator_names() -> impl Iterator<Item = String> {
    COMPARISONS
        .iter()
        .flat_map(|(n, _, _)| [n.to_string(), format!("{n}Path")])
        .chain(TYPE_TESTS.iter().map(|(n, _)| n.to_string()))
        .chain(["StringMatches".to_string()])
}

/// Splits a `StringMatches` pattern: `*` matches any run; `\*` and `\\` are literal.
pub(crate) fn compile_pattern(p: &str) -> Vec<PatternPart> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => lit.push(n),
                None => lit.push('\\'),
            },
            '*' => {
                if !lit.is_empty() {
                    parts.push(PatternPart::Literal(std::mem::take(&mut lit)));
                }
                parts.push(PatternPart::Star);
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(PatternPart::Literal(lit));
    }
    parts
}

/// Glob matching in linear time: the text before the first `*` is a prefix, the text after
/// the last one a suffix, and each literal between stars is taken at its leftmost place after
/// the one before (for `*`-only patterns the leftmost choice never loses a match). Trying every
/// split instead is exponential in the stars (`*a*a*a…*b` against 200 `a`s ran for minutes).
fn pattern_matches(parts: &[PatternPart], s: &str) -> bool {
    fn literal(p: &PatternPart) -> Option<&str> {
        match p {
            PatternPart::Literal(l) => Some(l.as_str()),
            PatternPart::Star => None,
        }
    }
    if !parts.iter().any(|p| matches!(p, PatternPart::Star)) {
        return parts
            .iter()
            .filter_map(literal)
            .eq(std::iter::once(s).filter(|s| !s.is_empty()));
    }
    let mut literals: &[PatternPart] = parts;
    let mut rest = s;
    if let Some((PatternPart::Literal(first), tail)) = literals.split_first() {
        let Some(r) = rest.strip_prefix(first.as_str()) else {
            return false;
        };
        (rest, literals) = (r, tail);
    }
    if let Some((PatternPart::Literal(last), head)) = literals.split_last() {
        let Some(r) = rest.strip_suffix(last.as_str()) else {
            return false;
        };
        (rest, literals) = (r, head);
    }
    for l in literals.iter().filter_map(literal) {
        match rest.find(l) {
            Some(i) => rest = &rest[i + l.len()..],
            None => return false,
        }
    }
    true
}

/// A path a rule compares must exist (only `IsPresent` may look at a missing one). AWS's
/// wording, as several AWS-checked emulators record it.
fn variable_value(env: &Env, variable: &JsonPath) -> Result<Value, Failure> {
    env.eval_path(variable).map_err(|_| {
        Failure::runtime(format!(
            "Invalid path '{}': The choice state's condition path references an invalid value.",
            variable.source
        ))
    })
}

fn ordering_ok(cmp: Cmp, ord: Ordering) -> bool {
    match cmp {
        Cmp::Equals => ord == Ordering::Equal,
        Cmp::LessThan => ord == Ordering::Less,
        Cmp::GreaterThan => ord == Ordering::Greater,
        Cmp::LessThanEquals => ord != Ordering::Greater,
        Cmp::GreaterThanEquals => ord != Ordering::Less,
    }
}

/// Java's `String.compareTo` orders by UTF-16 code units.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn compare(kind: Operands, cmp: Cmp, a: &Value, b: &Value) -> bool {
    match kind {
        Operands::String => match (a, b) {
            (Value::String(x), Value::String(y)) => ordering_ok(cmp, utf16_cmp(x, y)),
            _ => false,
        },
        Operands::Numeric => match (a, b) {
            (Value::Number(x), Value::Number(y)) => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .is_some_and(|o| ordering_ok(cmp, o)),
            _ => false,
        },
        Operands::Boolean => match (a, b) {
            (Value::Bool(x), Value::Bool(y)) => ordering_ok(cmp, x.cmp(y)),
            _ => false,
        },
        Operands::Timestamp => match (
            a.as_str().and_then(parse_rfc3339),
            b.as_str().and_then(parse_rfc3339),
        ) {
            (Some(x), Some(y)) => ordering_ok(cmp, x.cmp(&y)),
            _ => false,
        },
    }
}

impl Condition {
    /// Evaluates a JSONPath rule. `Jsonata` conditions are answered by `jsonata` (the caller
    /// passes it in), so this module stays free of the JSONata library.
    pub(crate) fn eval(
        &self,
        env: &Env,
        jsonata: &mut dyn FnMut(&crate::query::jsonata::Expr) -> Result<bool, Failure>,
    ) -> Result<bool, Failure> {
        match self {
            Condition::And(cs) => {
                for c in cs {
                    if !c.eval(env, jsonata)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Condition::Or(cs) => {
                for c in cs {
                    if c.eval(env, jsonata)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Condition::Not(c) => Ok(!c.eval(env, jsonata)?),
            Condition::Jsonata(expr) => jsonata(expr),
            Condition::Test {
                variable,
                test,
                expected,
            } => {
                let found = env.eval_path(variable).ok();
                let actual = match (test, &found) {
                    (TypeTest::IsPresent, f) => f.is_some(),
                    (_, None) => false,
                    (TypeTest::IsNull, Some(v)) => v.is_null(),
                    (TypeTest::IsNumeric, Some(v)) => matches!(v, Value::Number(_)),
                    (TypeTest::IsString, Some(v)) => matches!(v, Value::String(_)),
                    (TypeTest::IsBoolean, Some(v)) => matches!(v, Value::Bool(_)),
                    (TypeTest::IsTimestamp, Some(v)) => {
                        v.as_str().and_then(parse_rfc3339).is_some()
                    }
                };
                Ok(actual == *expected)
            }
            Condition::Matches { variable, pattern } => {
                let v = variable_value(env, variable)?;
                Ok(v.as_str().is_some_and(|s| pattern_matches(pattern, s)))
            }
            Condition::Compare {
                variable,
                kind,
                cmp,
                operand,
            } => {
                let v = variable_value(env, variable)?;
                let other = match operand {
                    Operand::Literal(l) => l.clone(),
                    Operand::Path(p) => variable_value(env, p)?,
                };
                Ok(compare(*kind, *cmp, &v, &other))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tries every split: exponential, but the reference for small cases.
    fn matches_by_every_split(parts: &[PatternPart], s: &str) -> bool {
        match parts.split_first() {
            None => s.is_empty(),
            Some((PatternPart::Literal(l), rest)) => s
                .strip_prefix(l.as_str())
                .is_some_and(|r| matches_by_every_split(rest, r)),
            Some((PatternPart::Star, rest)) => s
                .char_indices()
                .map(|(i, _)| i)
                .chain([s.len()])
                .any(|i| matches_by_every_split(rest, &s[i..])),
        }
    }

    #[test]
    fn string_matches_agrees_with_trying_every_split_and_stays_linear() {
        // Every pattern and text over a small alphabet, up to a few characters.
        let words = |alphabet: &[&str], n: usize| {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..n {
                last = last
                    .iter()
                    .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        };
        let patterns = words(&["a", "b", "*", "\\*", "é"], 4);
        let texts = words(&["a", "b", "*", "é"], 4);
        for p in &patterns {
            let parts = compile_pattern(p);
            for t in &texts {
                assert_eq!(
                    pattern_matches(&parts, t),
                    matches_by_every_split(&parts, t),
                    "{p:?} against {t:?}"
                );
            }
        }
        // The red-team case: a dozen stars against 200 characters (minutes by every split).
        let parts = compile_pattern("*a*a*a*a*a*a*a*a*a*a*a*a*b");
        assert!(!pattern_matches(&parts, &"a".repeat(200)));
        assert!(pattern_matches(&parts, &format!("{}b", "a".repeat(200))));
    }

    #[test]
    fn patterns() {
        let p = compile_pattern("log-*.txt");
        assert!(pattern_matches(&p, "log-2024.txt"));
        assert!(!pattern_matches(&p, "log-2024.txtx"));
        assert!(pattern_matches(&compile_pattern("a\\*b"), "a*b"));
        assert!(!pattern_matches(&compile_pattern("a\\*b"), "axb"));
        assert!(pattern_matches(&compile_pattern("*"), ""));
    }
}
