//! `Retry` and `Catch`: error names, retriers, catchers.

use super::*;

impl Builder<'_> {
    pub(crate) fn error_equals(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        is_last: bool,
    ) -> Vec<Rc<str>> {
        let ptr = format!("{pointer}/ErrorEquals");
        let Some(arr) = v.and_then(Value::as_array) else {
            if v.is_some() {
                self.sink.schema(
                    "The value for the field 'ErrorEquals' must be an array of error names",
                    &ptr,
                );
            }
            return Vec::new();
        };
        if arr.is_empty() {
            self.sink
                .schema("The field 'ErrorEquals' must name at least one error", &ptr);
        }
        let names: Vec<Rc<str>> = arr
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Value::String(s) => Some(s.clone()),
                _ => {
                    self.sink
                        .schema("An error name must be a string", &format!("{ptr}/{i}"));
                    None
                }
            })
            .collect();
        if names.iter().any(|n| &**n == errors::ALL) {
            if names.len() > 1 {
                self.sink
                    .schema("'States.ALL' must appear alone in 'ErrorEquals'", &ptr);
            }
            if !is_last {
                self.sink.schema(
                    "The retrier or catcher with 'States.ALL' must be the last one",
                    &ptr,
                );
            }
        }
        for (i, n) in names.iter().enumerate() {
            if n.starts_with("States.") && !errors::PREDEFINED.contains(&&**n) {
                self.sink.push(Severity::Warning, codes::SCHEMA_VALIDATION_FAILED, format!("'{n}' is not a predefined error name; names starting with 'States.' are reserved"), &format!("{ptr}/{i}"));
            }
        }
        names
    }

    pub(crate) fn retriers(&mut self, v: Option<&Value>, pointer: &str) -> Vec<Retrier> {
        let Some(v) = v else { return Vec::new() };
        let ptr = format!("{pointer}/Retry");
        let Some(arr) = v.as_array() else {
            self.sink
                .schema("The value for the field 'Retry' must be an array", &ptr);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, r) in arr.iter().enumerate() {
            let rp = format!("{ptr}/{i}");
            let Some(o) = r.as_object() else {
                self.sink.schema("A retrier must be an object", &rp);
                continue;
            };
            required(&mut self.sink, o, &["ErrorEquals"], &rp);
            for k in o.keys() {
                if !RETRIER_FIELDS.contains(&k.as_ref()) {
                    self.sink.schema(
                        format!("Field '{k}' is not supported"),
                        &format!("{rp}/{}", esc(k)),
                    );
                }
            }
            let error_equals = self.error_equals(o.get("ErrorEquals"), &rp, i + 1 == arr.len());
            let interval_seconds = o
                .get("IntervalSeconds")
                .and_then(|v| {
                    self.int_field(
                        v,
                        &format!("{rp}/IntervalSeconds"),
                        "IntervalSeconds",
                        1,
                        MAX_SECONDS,
                    )
                })
                .unwrap_or(1) as f64;
            let max_attempts = o
                .get("MaxAttempts")
                .and_then(|v| {
                    self.int_field(
                        v,
                        &format!("{rp}/MaxAttempts"),
                        "MaxAttempts",
                        0,
                        MAX_SECONDS,
                    )
                })
                .unwrap_or(3) as u64;
            let backoff_rate = match o.get("BackoffRate") {
                None => 2.0,
                Some(v) => match v.as_number().map(|n| n.as_f64()) {
                    Some(b) if b >= 1.0 => b,
                    _ => {
                        self.sink.schema("The value for the field 'BackoffRate' must be a number greater than or equal to 1.0", &format!("{rp}/BackoffRate"));
                        2.0
                    }
                },
            };
            let max_delay_seconds = o
                .get("MaxDelaySeconds")
                .and_then(|v| {
                    self.int_field(
                        v,
                        &format!("{rp}/MaxDelaySeconds"),
                        "MaxDelaySeconds",
                        1,
                        31_622_400,
                    )
                })
                .map(|v| v as f64);
            let jitter_full = match o.get("JitterStrategy") {
                None => false,
                Some(v) => {
                    match v.as_str() {
                        Some("FULL") => true,
                        Some("NONE") => false,
                        _ => {
                            self.sink.schema("The value for the field 'JitterStrategy' must be one of [FULL, NONE]", &format!("{rp}/JitterStrategy"));
                            false
                        }
                    }
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter_full,
            });
        }
        out
    }

    pub(crate) fn catchers(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        language: QueryLanguage,
    ) -> Vec<Catcher> {
        let Some(v) = v else { return Vec::new() };
        let ptr = format!("{pointer}/Catch");
        let Some(arr) = v.as_array() else {
            self.sink
                .schema("The value for the field 'Catch' must be an array", &ptr);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, c) in arr.iter().enumerate() {
            let cp = format!("{ptr}/{i}");
            let Some(o) = c.as_object() else {
                self.sink.schema("A catcher must be an object", &cp);
                continue;
            };
            required(&mut self.sink, o, &["ErrorEquals", "Next"], &cp);
            for k in o.keys() {
                let ok = match language {
                    QueryLanguage::JsonPath => CATCHER_FIELDS_JSONPATH,
                    QueryLanguage::Jsonata => CATCHER_FIELDS_JSONATA,
                }
                .contains(&k.as_ref());
                if !ok {
                    self.sink.schema(
                        format!("Field '{k}' is not supported"),
                        &format!("{cp}/{}", esc(k)),
                    );
                }
            }
            let error_equals = self.error_equals(o.get("ErrorEquals"), &cp, i + 1 == arr.len());
            let next_name = o
                .get("Next")
                .and_then(Value::as_str)
                .map(Rc::from)
                .unwrap_or_else(|| Rc::from(""));
            let result_path = self.result_path(o.get("ResultPath"), &format!("{cp}/ResultPath"));
            let assign = self.assign(o.get("Assign"), &format!("{cp}/Assign"));
            let compiled = self.compiled(o, &cp, language);
            out.push(Catcher {
                error_equals,
                next: None,
                next_name,
                result_path,
                assign,
                output: o.get("Output").cloned(),
                compiled,
            });
        }
        out
    }
}
