//! Diagnostics as data, shaped like AWS ValidateStateMachineDefinition's (`severity`, `code`,
//! `message`, `location`) plus where they stand in the source text.

use crate::syntax::json::{line_col, Span, SpanMap, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        }
    }
}

/// One finding about a definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// AWS's code, e.g. `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`.
    pub code: &'static str,
    /// AWS-style message, without the location suffix.
    pub message: String,
    /// JSON pointer into the definition, e.g. `/States/Charge/Retry/0`; `None` when the text
    /// is not a JSON object at all.
    pub location: Option<String>,
    /// Byte range in the source text.
    pub span: Span,
    /// 1-based line and column (UTF-16 units) of the span's start and end.
    pub start: (usize, usize),
    pub end: (usize, usize),
}

impl Diagnostic {
    /// AWS's one-line form: `CODE: message at /location`.
    pub fn aws_text(&self) -> String {
        match &self.location {
            Some(loc) => format!("{}: {} at {}", self.code, self.message, loc),
            None => format!("{}: {}", self.code, self.message),
        }
    }

    pub fn to_value(&self) -> Value {
        let mut v = crate::obj! {
            "severity" => self.severity.as_str(),
            "code" => self.code,
            "message" => self.message.as_str(),
        };
        if let (Some(loc), Value::Object(m)) = (&self.location, &mut v) {
            std::rc::Rc::make_mut(m).insert("location".into(), Value::from(loc.as_str()));
        }
        if let Value::Object(m) = &mut v {
            let m = std::rc::Rc::make_mut(m);
            m.insert("line".into(), Value::from(self.start.0 as i64));
            m.insert("column".into(), Value::from(self.start.1 as i64));
            m.insert("endLine".into(), Value::from(self.end.0 as i64));
            m.insert("endColumn".into(), Value::from(self.end.1 as i64));
            m.insert("start".into(), Value::from(self.span.start as i64));
            m.insert("end".into(), Value::from(self.span.end as i64));
        }
        v
    }
}

/// See `Sink::full`. The page lists them, the CLI prints them; AWS answers at most 100.
pub(crate) const MAX_PER_SEVERITY: usize = 100;

/// Collects diagnostics for one source text, locating each pointer through the span map.
pub(crate) struct Sink<'a> {
    pub text: &'a str,
    pub spans: &'a SpanMap,
    pub items: Vec<Diagnostic>,
    /// Findings kept, per severity.
    counts: [usize; 2],
}

impl<'a> Sink<'a> {
    pub(crate) fn new(text: &'a str, spans: &'a SpanMap) -> Self {
        Sink {
            text,
            spans,
            items: Vec::new(),
            counts: [0; 2],
        }
    }

    /// The span to underline for a pointer: a scalar's own text, or the key naming an object
    /// or array (underlining a whole state would be noise).
    pub(crate) fn span_of(&self, pointer: &str) -> Span {
        let value = self.spans.value(pointer);
        let key = self.spans.key(pointer);
        let is_container = value.is_some() && self.spans.is_container(self.text, pointer);
        match (value, key) {
            (Some(_), Some(k)) if is_container => k,
            (Some(v), _) if !is_container => v,
            (Some(v), _) => Span {
                start: v.start,
                end: (v.start + 1).min(v.end),
            },
            (None, Some(k)) => k,
            (None, None) => {
                // A pointer to something absent: fall back to its nearest present parent.
                match pointer.rfind('/') {
                    Some(i) if i > 0 => self.span_of(&pointer[..i]),
                    _ => self.span_of_root(),
                }
            }
        }
    }

    fn span_of_root(&self) -> Span {
        match self.spans.value("") {
            Some(s) => Span {
                start: s.start,
                end: (s.start + 1).min(s.end),
            },
            None => Span::default(),
        }
    }

    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        pointer: &str,
    ) {
        if self.full(severity) {
            return;
        }
        let span = self.span_of(pointer);
        self.push_at(severity, code, message, pointer, span);
    }

    /// Each severity keeps at most `MAX_PER_SEVERITY` findings (each holds its pointer, and a
    /// hostile definition can repeat one mistake a million times); errors are never crowded out
    /// by warnings, so a definition with an error never reads as valid.
    pub(crate) fn full(&self, severity: Severity) -> bool {
        self.counts[severity as usize] >= MAX_PER_SEVERITY
    }

    pub(crate) fn push_at(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        pointer: &str,
        span: Span,
    ) {
        if self.full(severity) {
            return;
        }
        self.counts[severity as usize] += 1;
        let location = if pointer.is_empty() {
            "/".to_string()
        } else {
            pointer.to_string()
        };
        self.items.push(Diagnostic {
            severity,
            code,
            message: message.into(),
            location: Some(location),
            span,
            start: line_col(self.text, span.start),
            end: line_col(self.text, span.end),
        });
    }

    pub(crate) fn error(&mut self, code: &'static str, message: impl Into<String>, pointer: &str) {
        self.push(Severity::Error, code, message, pointer);
    }

    pub(crate) fn schema(&mut self, message: impl Into<String>, pointer: &str) {
        self.push(
            Severity::Error,
            codes::SCHEMA_VALIDATION_FAILED,
            message,
            pointer,
        );
    }
}

pub mod codes {
    pub(crate) const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    pub(crate) const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    pub(crate) const MISSING_END_STATE: &str = "MISSING_END_STATE";
    pub(crate) const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    pub(crate) const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    pub(crate) const INVALID_LABEL_NAME: &str = "INVALID_LABEL_NAME";
    pub(crate) const NO_DOLLAR: &str = "NO_DOLLAR";
    pub(crate) const NO_PATH: &str = "NO_PATH";
    pub(crate) const PASS_RESULT_IS_STATIC: &str = "PASS_RESULT_IS_STATIC";
    // The playground's own (AWS reads JSON after substitution and has no such codes).
    /// The YAML text could not be read.
    pub(crate) const INVALID_YAML: &str = "INVALID_YAML";
    /// The page's YAML module is not loaded yet.
    pub const YAML_UNAVAILABLE: &str = "YAML_UNAVAILABLE";
    /// A placeholder nobody gave a value: a plausible one is used.
    pub const SUBSTITUTION_NOT_SET: &str = "SUBSTITUTION_NOT_SET";
    /// A number the definition writes that a 64-bit float cannot hold (it would change).
    pub(crate) const INEXACT_NUMBER: &str = "INEXACT_NUMBER";
}
