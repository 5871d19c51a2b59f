//! AWS's validation warnings: NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC.

use super::*;
use std::fmt::Write as _;

/// AWS's three warnings, for JSONPath states: NO_DOLLAR (a payload field holds a path or an
/// intrinsic call but its name lacks `.$`, so it stays a literal string), NO_PATH (a field
/// that has a `...Path` twin holds a path), PASS_RESULT_IS_STATIC (a Pass state's `Result`
/// holds a path, which Pass never evaluates).
pub(crate) struct AwsWarnings<'b, 's>(pub(crate) &'b mut Builder<'s>);

impl<'a> DefinitionVisitor<'a> for AwsWarnings<'_, '_> {
    fn state(&mut self, _name: &'a str, s: &'a Value, sp: &str, language: QueryLanguage) {
        fn looks_like_path(s: &str) -> bool {
            s == "$" || s.starts_with("$.") || s.starts_with("$[") || s.starts_with("$$")
        }
        fn looks_dynamic(s: &str) -> bool {
            looks_like_path(s) || (s.starts_with("States.") && s.contains('(') && s.ends_with(')'))
        }
        // One pointer buffer for the walk: a pointer is copied only into a message.
        fn no_dollar(b: &mut Builder, v: &Value, ptr: &mut String) {
            let len = ptr.len();
            match v {
                Value::Object(m) => {
                    for (k, x) in m.iter() {
                        ptr.push('/');
                        json::escape_pointer_token(ptr, k);
                        match x {
                            Value::String(s) if !k.ends_with(".$") && looks_dynamic(s) => {
                                b.sink.push(Severity::Warning, codes::NO_DOLLAR, format!("The field '{k}' holds a JSONPath or an intrinsic function call, but its name does not end with '.$': it is passed on as the literal string \"{s}\""), ptr);
                            }
                            _ => no_dollar(b, x, ptr),
                        }
                        ptr.truncate(len);
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        let _ = write!(ptr, "/{i}");
                        no_dollar(b, x, ptr);
                        ptr.truncate(len);
                    }
                }
                _ => {}
            }
        }
        fn static_result(v: &Value) -> bool {
            match v {
                Value::Object(m) => m.iter().any(|(k, x)| k.ends_with(".$") || static_result(x)),
                Value::Array(a) => a.iter().any(static_result),
                Value::String(s) => looks_like_path(s),
                _ => false,
            }
        }
        if language == QueryLanguage::JsonPath {
            for field in ["Parameters", "ResultSelector", "ItemSelector"] {
                if let Some(v) = s.get(field) {
                    no_dollar(self.0, v, &mut format!("{sp}/{field}"));
                }
            }
            for field in ["Timestamp", "Error", "Cause"] {
                if let Some(Value::String(v)) = s.get(field) {
                    if looks_like_path(v) {
                        self.0.sink.push(Severity::Warning, codes::NO_PATH, format!("The value of '{field}' looks like a path, but '{field}' takes a constant: use '{field}Path' to read it from the input"), &format!("{sp}/{field}"));
                    }
                }
            }
            if s.get("Type").and_then(Value::as_str) == Some("Pass")
                && s.get("Result").is_some_and(static_result)
            {
                self.0.sink.push(Severity::Warning, codes::PASS_RESULT_IS_STATIC, "A Pass state's Result is static: the paths in it are not evaluated (use Parameters to read the input)", &format!("{sp}/Result"));
            }
        }
    }
}
