//! Fields every state kind shares: paths, payload templates, integers with their `*Path`
//! form, `ResultPath`, `Assign`, transitions, JSONata templates, and the marks inside strings.

use super::*;

impl Builder<'_> {
    pub(crate) fn int_field(
        &mut self,
        v: &Value,
        pointer: &str,
        name: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        match v
            .as_number()
            .and_then(|n| if n.is_int() { n.as_i64() } else { None })
        {
            Some(i) if i >= min && i <= max => Some(i),
            Some(_) => {
                self.sink.schema(
                    format!("The value for the field '{name}' must be between {min} and {max}"),
                    pointer,
                );
                None
            }
            None => {
                self.sink.schema(
                    format!("The value for the field '{name}' must be an integer"),
                    pointer,
                );
                None
            }
        }
    }

    /// Compiles a JSONata template, reporting each syntax error at its place in the string.
    pub(crate) fn jsonata_template(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
    ) -> Option<crate::query::jsonata::Template> {
        let v = v?;
        match crate::query::jsonata::compile(v) {
            Ok(t) => Some(t),
            Err(errs) => {
                for (rel, e) in errs {
                    self.jsonata_error(&format!("{pointer}{rel}"), &e);
                }
                None
            }
        }
    }

    pub(crate) fn jsonata_error(&mut self, pointer: &str, e: &crate::query::jsonata::SyntaxError) {
        // The expression starts after `{%`.
        self.at_string_offset(
            Severity::Error,
            format!("JSONata syntax error: {}", e.message),
            pointer,
            2 + e.offset,
            1,
        );
    }

    /// `Assign` in the state's query language.
    pub(crate) fn assign_spec(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        language: QueryLanguage,
    ) -> Option<AssignSpec> {
        let v = v?;
        match language {
            QueryLanguage::Jsonata => self
                .jsonata_template(Some(v), pointer)
                .map(AssignSpec::Jsonata),
            QueryLanguage::JsonPath => match template::compile(v) {
                Ok(t) => Some(AssignSpec::JsonPath(t)),
                Err(errs) => {
                    for e in errs {
                        self.sink.schema(format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call", e.field), pointer);
                    }
                    None
                }
            },
        }
    }

    pub(crate) fn compiled(
        &mut self,
        obj: &json::Map,
        pointer: &str,
        language: QueryLanguage,
    ) -> Compiled {
        let jsonata = |b: &mut Self, field: &str| match language {
            QueryLanguage::Jsonata => {
                b.jsonata_template(obj.get(field), &format!("{pointer}/{field}"))
            }
            QueryLanguage::JsonPath => None,
        };
        Compiled {
            arguments: jsonata(self, "Arguments"),
            output: jsonata(self, "Output"),
            items: jsonata(self, "Items"),
            item_selector: jsonata(self, "ItemSelector"),
            assign: self.assign_spec(obj.get("Assign"), &format!("{pointer}/Assign"), language),
        }
    }

    /// Marks `len` bytes at `offset` in the decoded text of the string value at `pointer`
    /// (exact through JSON escapes, and in YAML strings that map one to one; never inside a
    /// character).
    pub(crate) fn at_string_offset(
        &mut self,
        severity: Severity,
        message: String,
        pointer: &str,
        offset: usize,
        len: usize,
    ) {
        if self.sink.full(severity) {
            return;
        }
        let span = self
            .sink
            .spans
            .string_range(self.sink.text, pointer, offset, len)
            .unwrap_or_else(|| self.sink.span_of(pointer));
        let text = self.sink.text;
        let start = json::floor_char_boundary(text, span.start);
        // At least the whole character at `start`.
        let first_char_end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        let end = json::floor_char_boundary(text, span.end).max(first_char_end);
        self.sink.push_at(
            severity,
            codes::SCHEMA_VALIDATION_FAILED,
            message,
            pointer,
            Span {
                start,
                end: end.max(start),
            },
        );
    }

    pub(crate) fn assign(&mut self, v: Option<&Value>, pointer: &str) -> Option<Value> {
        let v = v?;
        match v.as_object() {
            Some(m) => {
                for k in m.keys() {
                    let name = k.strip_suffix(".$").unwrap_or(k);
                    if name == "states" {
                        self.sink.schema(
                            "The variable name 'states' is reserved",
                            &format!("{pointer}/{}", esc(k)),
                        );
                    } else if name.chars().count() > 80 {
                        self.sink.schema(
                            format!("The variable name '{name}' is longer than 80 characters"),
                            &format!("{pointer}/{}", esc(k)),
                        );
                    }
                }
            }
            None => self.sink.schema(
                "The value for the field 'Assign' must be an object",
                pointer,
            ),
        }
        Some(v.clone())
    }

    pub(crate) fn transition(
        &mut self,
        type_name: &str,
        obj: &json::Map,
        pointer: &str,
    ) -> Transition {
        if matches!(type_name, "Choice" | "Succeed" | "Fail" | "") {
            return Transition::None;
        }
        let next = obj.get("Next");
        let end = obj.get("End");
        match (next, end) {
            (Some(_), Some(Value::Bool(true))) => {
                self.sink.schema(
                    "A state can have either 'Next' or 'End': true, not both",
                    pointer,
                );
                Transition::End
            }
            (Some(Value::String(n)), _) => Transition::Next(None, n.clone()),
            (Some(_), _) => {
                self.sink.schema(
                    "The value for the field 'Next' must be a state name",
                    &format!("{pointer}/Next"),
                );
                Transition::End
            }
            (None, Some(Value::Bool(true))) => Transition::End,
            (None, Some(Value::Bool(false)) | None) => {
                self.sink
                    .schema("These fields are required: [Next or End]", pointer);
                Transition::End
            }
            (None, Some(_)) => {
                self.sink.schema(
                    "The value for the field 'End' must be a boolean",
                    &format!("{pointer}/End"),
                );
                Transition::End
            }
        }
    }

    pub(crate) fn path_field(&mut self, v: &Value, pointer: &str, field: &str) -> Option<JsonPath> {
        let text = v.as_str();
        match text.map(JsonPath::parse) {
            Some(Ok(p)) => Some(p),
            _ => {
                self.sink.schema(
                    format!("The value for the field '{field}' must be a valid JSONPath"),
                    pointer,
                );
                None
            }
        }
    }

    pub(crate) fn result_path(&mut self, v: Option<&Value>, pointer: &str) -> ResultPath {
        match v {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(v) => match v.as_str().map(JsonPath::parse) {
                Some(Ok(p)) if p.is_identity() => ResultPath::Replace,
                Some(Ok(p)) if p.is_reference() && p.root == crate::query::path::Root::Input => {
                    ResultPath::Path(p)
                }
                _ => {
                    self.sink.schema(
                        "The value for the field 'ResultPath' must be a valid ReferencePath",
                        pointer,
                    );
                    ResultPath::Replace
                }
            },
        }
    }

    pub(crate) fn template_field(
        &mut self,
        obj: &json::Map,
        field: &str,
        pointer: &str,
        language: QueryLanguage,
    ) -> Option<template::Template> {
        let v = obj.get(field)?;
        if language == QueryLanguage::Jsonata {
            return None;
        }
        let field_ptr = format!("{pointer}/{field}");
        match template::compile(v) {
            Ok(t) => Some(t),
            Err(errs) => {
                for e in errs {
                    let span = self
                        .sink
                        .spans
                        .key(&format!("{field_ptr}{}", e.pointer))
                        .unwrap_or_else(|| self.sink.span_of(&field_ptr));
                    self.sink.push_at(
                        Severity::Error,
                        codes::SCHEMA_VALIDATION_FAILED,
                        format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call", e.field),
                        &field_ptr,
                        span,
                    );
                }
                None
            }
        }
    }

    /// A number given as a constant, a `*Path`, or (JSONata) an expression string.
    pub(crate) fn dyn_int(
        &mut self,
        obj: &json::Map,
        field: &str,
        pointer: &str,
        min: i64,
        language: QueryLanguage,
    ) -> Option<Dyn<i64>> {
        let path_field = format!("{field}Path");
        match (obj.get(field), obj.get(path_field.as_str())) {
            (Some(_), Some(_)) => {
                self.sink.schema(
                    format!("Only one of '{field}' and '{path_field}' may be given"),
                    pointer,
                );
                None
            }
            (Some(Value::String(s)), None)
                if language == QueryLanguage::Jsonata && is_jsonata_expr(s) =>
            {
                Some(Dyn::Jsonata(s.clone()))
            }
            (Some(v), None) => self
                .int_field(v, &format!("{pointer}/{field}"), field, min, MAX_SECONDS)
                .map(Dyn::Const),
            (None, Some(v)) => self
                .path_field(v, &format!("{pointer}/{path_field}"), &path_field)
                .map(Dyn::Path),
            (None, None) => None,
        }
    }
}
