//! Builds the model from definition text and reports every problem AWS would report (never
//! only the first), with AWS's codes, AWS-style messages and JSON-pointer locations, each
//! located in the source text.

mod build;
pub mod diagnostic;
pub mod fields;
mod passes;

pub use build::task::classify_resource;
pub use fields::*;

use crate::check::diagnostic::{codes, Diagnostic, Severity, Sink};
use crate::model::*;
use crate::query::choice::{self, Condition, Operand};
use crate::query::failure::errors;
use crate::query::path::JsonPath;
use crate::query::template;
use crate::syntax::json::{self, line_col, Span, Value};
use crate::syntax::time::parse_rfc3339;
use crate::syntax::{self, Format, Origin, Substitutions, Use};
use rustc_hash::FxHashMap;
use std::rc::Rc;

pub(crate) const MAX_STATE_NAME: usize = 80;

/// AWS's hard quota on a state machine definition: 1 MB.
pub const MAX_DEFINITION_BYTES: usize = 1 << 20;

/// The one finding for a definition over `MAX_DEFINITION_BYTES`, marked where it goes over.
fn too_large(text: &str, size: usize, format: Format) -> Validation {
    let at = json::floor_char_boundary(text, MAX_DEFINITION_BYTES.min(text.len()));
    let span = Span {
        start: at,
        end: text.len(),
    };
    let message = format!("The definition is {size} bytes, over AWS's 1 MB quota: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to {MAX_DEFINITION_BYTES}");
    unreadable(text, span, codes::SCHEMA_VALIDATION_FAILED, message, format)
}

/// A definition that yields no model: its one error, marked at `span`.
fn unreadable(
    text: &str,
    span: Span,
    code: &'static str,
    message: String,
    format: Format,
) -> Validation {
    Validation {
        machine: None,
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            code,
            message,
            location: None,
            span,
            start: line_col(text, span.start),
            end: line_col(text, span.end),
        }],
        format,
        substitutions: Vec::new(),
    }
}
const MAX_SECONDS: i64 = 99_999_999;

/// The outcome of checking a definition: the model (when the text was a JSON object) and every
/// diagnostic. `machine` is usable for drawing even with errors; run it only when
/// `is_valid()`.
#[derive(Debug, Clone)]
pub struct Validation {
    pub machine: Option<Rc<StateMachine>>,
    pub diagnostics: Vec<Diagnostic>,
    /// How the definition is written.
    pub format: Format,
    /// Every placeholder met, with the value used, in reading order.
    pub substitutions: Vec<Use>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.machine.is_some()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

pub fn validate(text: &str, workflow_type: WorkflowType) -> Validation {
    validate_with(text, workflow_type, &Substitutions::default())
}

/// Validates a definition (JSON or YAML) after substituting its placeholders with `given` (and
/// plausible values for the others, each reported as a warning at its place).
pub fn validate_with(text: &str, workflow_type: WorkflowType, given: &Substitutions) -> Validation {
    if text.len() > MAX_DEFINITION_BYTES * 4 {
        // Far over AWS's limit: refused without reading (a 50 MB paste must not cost a parse
        // per keystroke).
        return too_large(text, text.len(), syntax::detect(text));
    }
    let read = match syntax::read_definition(text, given) {
        Ok(x) => x,
        Err(e) => {
            let format = syntax::detect(text);
            let (code, message) = if text.trim().is_empty() {
                (
                    codes::SCHEMA_VALIDATION_FAILED,
                    "Definition must be a valid JSON object".to_string(),
                )
            } else if format == Format::Yaml && e.message == syntax::yaml::UNAVAILABLE {
                (codes::YAML_UNAVAILABLE, e.message)
            } else if format == Format::Yaml {
                (codes::INVALID_YAML, e.message)
            } else {
                (codes::INVALID_JSON_DESCRIPTION, e.message)
            };
            let offset = json::floor_char_boundary(text, e.offset);
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            return unreadable(text, Span { start: offset, end }, code, message, format);
        }
    };
    let (value, spans) = (read.value, read.spans);
    // AWS measures the definition it is sent: JSON as written, YAML once converted to JSON.
    let size = match read.format {
        // (Its nesting is bounded by the YAML reader; a size is all that is asked here.)
        Format::Yaml => value.measure().map_or(text.len(), |m| m.size),
        _ => text.len(),
    };
    if size > MAX_DEFINITION_BYTES {
        return too_large(text, size, read.format);
    }
    let mut sink = Sink::new(text, &spans);
    if value.as_object().is_none() {
        sink.schema("Definition must be a valid JSON object", "");
        let mut d = sink.items;
        d[0].location = None;
        return Validation {
            machine: None,
            diagnostics: d,
            format: read.format,
            substitutions: read.uses,
        };
    }
    for u in read.uses.iter().filter(|u| u.origin == Origin::Guessed) {
        sink.push_at(
            Severity::Warning,
            codes::SUBSTITUTION_NOT_SET,
            format!(
                "No value is set for ${{{}}}; the playground uses {} (set it under Substitutions)",
                u.name,
                u.value
                    .as_str()
                    .map_or_else(|| u.value.to_json(), |s| format!("'{s}'"))
            ),
            &u.pointer,
            u.span,
        );
    }
    // At most AWS's 100 results per validation: each report builds its pointer.
    for (parent, key, span) in spans.duplicate_keys().take(100) {
        let pointer = &format!("{parent}/{}", crate::syntax::json::escape_pointer(key));
        let span = &span;
        if parent.ends_with("/States") {
            sink.push_at(
                Severity::Error,
                codes::DUPLICATE_STATE_NAME,
                format!("Duplicate State name: {key}"),
                pointer,
                *span,
            );
        } else {
            sink.push_at(
                Severity::Error,
                codes::SCHEMA_VALIDATION_FAILED,
                format!("Duplicate field '{key}'"),
                pointer,
                *span,
            );
        }
    }
    for (pointer, span, kept) in spans.inexact_numbers().take(100) {
        let written = text.get(span.start..span.end).unwrap_or("");
        let mut kept_text = String::new();
        crate::syntax::json::write_number(&mut kept_text, crate::syntax::json::Number::Float(kept));
        sink.push_at(
            Severity::Warning,
            codes::INEXACT_NUMBER,
            format!("{written} cannot be kept exactly: a JSON number is a 64-bit float here, so it becomes {kept_text}"),
            &pointer,
            span,
        );
    }
    let mut b = Builder {
        sink,
        workflow_type,
        all_names: FxHashMap::default(),
        top_language: QueryLanguage::JsonPath,
    };
    let machine = b.machine(&value, text.len());
    passes::run(&mut b, &value);
    let mut diagnostics = b.sink.items;
    // In reading order, as an editor lists them.
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Validation {
        machine: Some(Rc::new(machine)),
        diagnostics,
        format: read.format,
        substitutions: read.uses,
    }
}

struct Builder<'a> {
    sink: Sink<'a>,
    workflow_type: WorkflowType,
    /// Every state name in the machine, for uniqueness across nesting.
    all_names: FxHashMap<Rc<str>, String>,
    top_language: QueryLanguage,
}

fn esc(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn required(sink: &mut Sink, obj: &json::Map, names: &[&str], pointer: &str) -> bool {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !obj.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        sink.schema(
            format!("These fields are required: [{}]", missing.join(", ")),
            pointer,
        );
    }
    missing.is_empty()
}
