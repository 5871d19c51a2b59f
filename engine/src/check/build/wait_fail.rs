//! Wait and Fail states.

use super::*;

impl Builder<'_> {
    pub(crate) fn wait(
        &mut self,
        obj: &json::Map,
        pointer: &str,
        language: QueryLanguage,
    ) -> WaitSpec {
        let given: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        if given.len() != 1 {
            self.sink.schema("A Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath'", pointer);
        }
        let field = given.first().copied().unwrap_or("Seconds");
        let fp = format!("{pointer}/{field}");
        let v = obj.get(field).cloned().unwrap_or(Value::from(0));
        match field {
            "Seconds" => match &v {
                Value::String(s) if language == QueryLanguage::Jsonata && is_jsonata_expr(s) => {
                    WaitSpec::Seconds(Dyn::Jsonata(s.clone()))
                }
                _ => WaitSpec::Seconds(Dyn::Const(
                    self.int_field(&v, &fp, "Seconds", 0, MAX_SECONDS)
                        .unwrap_or(0),
                )),
            },
            "Timestamp" => match v.as_str() {
                Some(s) if language == QueryLanguage::Jsonata && is_jsonata_expr(s) => {
                    WaitSpec::Timestamp(Dyn::Jsonata(Rc::from(s)))
                }
                Some(s) => match parse_rfc3339(s) {
                    Some(t) => WaitSpec::Timestamp(Dyn::Const(t)),
                    None => {
                        self.sink
                            .schema("String does not match RFC3339 timestamp", &fp);
                        WaitSpec::Timestamp(Dyn::Const(0))
                    }
                },
                None => {
                    self.sink
                        .schema("String does not match RFC3339 timestamp", &fp);
                    WaitSpec::Timestamp(Dyn::Const(0))
                }
            },
            "SecondsPath" => WaitSpec::Seconds(
                self.path_field(&v, &fp, field)
                    .map_or(Dyn::Const(0), Dyn::Path),
            ),
            _ => WaitSpec::Timestamp(
                self.path_field(&v, &fp, field)
                    .map_or(Dyn::Const(0), Dyn::Path),
            ),
        }
    }

    pub(crate) fn fail(
        &mut self,
        obj: &json::Map,
        pointer: &str,
        language: QueryLanguage,
    ) -> FailSpec {
        let one = |b: &mut Self, field: &str| -> Option<FailField> {
            let path_field = format!("{field}Path");
            match (obj.get(field), obj.get(path_field.as_str())) {
                (Some(_), Some(_)) => {
                    b.sink.schema(
                        format!("Only one of '{field}' and '{path_field}' may be given"),
                        pointer,
                    );
                    None
                }
                (Some(Value::String(s)), None)
                    if language == QueryLanguage::Jsonata && is_jsonata_expr(s) =>
                {
                    Some(FailField::Jsonata(s.clone()))
                }
                (Some(Value::String(s)), None) => Some(FailField::Const(s.clone())),
                (Some(_), None) => {
                    b.sink.schema(
                        format!("The value for the field '{field}' must be a string"),
                        &format!("{pointer}/{field}"),
                    );
                    None
                }
                // A path or (AWS allows it here) an intrinsic function call.
                (None, Some(v)) => match template::compile_dynamic(&path_field, v) {
                    Ok(t) => Some(FailField::Dynamic(t)),
                    Err(_) => {
                        let fp = format!("{pointer}/{path_field}");
                        b.sink.schema(format!("The value for the field '{path_field}' must be a valid JSONPath or a valid intrinsic function call"), &fp);
                        None
                    }
                },
                (None, None) => None,
            }
        };
        let error = one(self, "Error");
        let cause = one(self, "Cause");
        FailSpec { error, cause }
    }
}
