//! Text → values, the bottom of the pipeline. A definition is JSON or YAML (decided by its
//! content, whatever the file is called); both read into the same `json::Value` with a
//! `SpanMap` of byte spans into the text as written, and placeholders (`${…}`, CloudFormation
//! intrinsics) are substituted here, so everything above sees plain ASL while every diagnostic
//! still points into the user's text.

pub mod json;
pub(crate) mod substitute;
pub mod time;
pub mod yaml;

use json::{ParseError, SpanMap, Value};
use std::rc::Rc;
pub use substitute::{Origin, Substitutions, Use};

/// How a definition is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Yaml,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// JSON when the text starts (after blanks) with `{`, `[` or `"`, or is empty; YAML otherwise
/// (`#` comments, `---`, `StartAt: …`).
pub fn detect(text: &str) -> Format {
    match text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .bytes()
        .next()
    {
        None | Some(b'{' | b'[' | b'"') => Format::Json,
        _ => Format::Yaml,
    }
}

/// A definition read from its text: the substituted value, where everything stands in the
/// text, and every placeholder met.
#[derive(Clone, Debug)]
pub struct Definition {
    pub format: Format,
    pub value: Value,
    pub spans: SpanMap,
    pub uses: Vec<Use>,
}

/// Reads a definition (JSON or YAML) and substitutes its placeholders.
pub fn read_definition(text: &str, given: &Substitutions) -> Result<Definition, ParseError> {
    let format = detect(text);
    let (value, spans) = match format {
        Format::Json => json::parse_with_spans(text)?,
        Format::Yaml => yaml::parse_with_spans(text)?,
    };
    let substituted = if substitute::has_placeholders(text) {
        substitute::substitute(&value, text, &spans, given)
    } else {
        substitute::Substituted {
            value,
            uses: Vec::new(),
        }
    };
    Ok(Definition {
        format,
        value: substituted.value,
        spans,
        uses: substituted.uses,
    })
}

/// The definition converted to the other format (comments are not carried over). Bare
/// placeholders become strings in YAML, which has no other way to write them.
pub fn convert(text: &str, to: Format) -> Result<String, ParseError> {
    let (value, _) = match detect(text) {
        Format::Json => json::parse_with_spans(text)?,
        Format::Yaml => yaml::parse_with_spans(text)?,
    };
    Ok(match to {
        Format::Json => value.to_json_pretty(),
        Format::Yaml => yaml::to_yaml(&value),
    })
}

/// Reads a substitutions file: a JSON or YAML map of NAME: value.
pub fn read_substitutions(text: &str) -> Result<Substitutions, String> {
    let value = match detect(text) {
        Format::Json => json::parse(text).map_err(|e| e.message)?,
        Format::Yaml => yaml::parse_with_spans(text).map_err(|e| e.message)?.0,
    };
    match value {
        Value::Object(m) => Ok(Rc::unwrap_or_clone(m)),
        Value::Null => Ok(Substitutions::default()),
        other => Err(format!(
            "substitutions must be a map of NAME: value, not {}",
            other.type_name()
        )),
    }
}
