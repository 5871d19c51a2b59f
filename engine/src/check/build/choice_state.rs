//! Choice states and their rules (comparisons, `Is*`, `And`/`Or`/`Not`, JSONata conditions).

use super::*;

impl Builder<'_> {
    pub(crate) fn choice(
        &mut self,
        obj: &json::Map,
        pointer: &str,
        language: QueryLanguage,
    ) -> Kind {
        required(&mut self.sink, obj, &["Choices"], pointer);
        let mut rules = Vec::new();
        match obj.get("Choices").map(|c| c.as_array()) {
            Some(Some(arr)) => {
                if arr.is_empty() {
                    self.sink.schema(
                        "The field 'Choices' must hold at least one rule",
                        &format!("{pointer}/Choices"),
                    );
                }
                for (i, r) in arr.iter().enumerate() {
                    let rp = format!("{pointer}/Choices/{i}");
                    let Some(o) = r.as_object() else {
                        self.sink.schema("A choice rule must be an object", &rp);
                        continue;
                    };
                    if !o.contains_key("Next") {
                        self.sink.schema("These fields are required: [Next]", &rp);
                    }
                    let condition = self.condition(o, &rp, language, true);
                    rules.push(ChoiceRule {
                        condition: condition.unwrap_or(Condition::And(Vec::new())),
                        next: None,
                        next_name: o
                            .get("Next")
                            .and_then(Value::as_str)
                            .map(Rc::from)
                            .unwrap_or_else(|| Rc::from("")),
                        assign: self.assign(o.get("Assign"), &format!("{rp}/Assign")),
                        output: o.get("Output").cloned(),
                        compiled: self.compiled(o, &rp, language),
                    });
                }
            }
            Some(None) => self.sink.schema(
                "The value for the field 'Choices' must be an array",
                &format!("{pointer}/Choices"),
            ),
            None => {}
        }
        let default = obj
            .get("Default")
            .and_then(Value::as_str)
            .map(|d| (None, Rc::from(d)));
        Kind::Choice { rules, default }
    }

    pub(crate) fn condition(
        &mut self,
        o: &json::Map,
        pointer: &str,
        language: QueryLanguage,
        top: bool,
    ) -> Option<Condition> {
        if !top && o.contains_key("Next") {
            self.sink.schema(
                "Field 'Next' is not supported inside a nested rule",
                &format!("{pointer}/Next"),
            );
        }
        if language == QueryLanguage::Jsonata {
            return self.jsonata_condition(o, pointer);
        }
        let ops: Vec<String> = choice::operator_names()
            .filter(|n| o.contains_key(n.as_str()))
            .collect();
        let combinators: Vec<&str> = ["And", "Or", "Not"]
            .into_iter()
            .filter(|n| o.contains_key(*n))
            .collect();
        for k in o.keys() {
            let known = ["Variable", "Next", "Comment", "And", "Or", "Not", "Assign"]
                .contains(&k.as_ref())
                || choice::operator_names().any(|n| n == **k);
            if !known {
                self.sink.schema(
                    format!("Field '{k}' is not supported"),
                    &format!("{pointer}/{}", esc(k)),
                );
            }
        }
        if ops.len() + combinators.len() != 1 {
            self.sink.schema(
                "A choice rule must have exactly one comparison operator, or one of And, Or, Not",
                pointer,
            );
            return None;
        }
        if let Some(c) = combinators.first() {
            return self.combinator(c, o, pointer, language);
        }
        self.comparison(&ops[0], o, pointer)
    }

    /// A JSONata rule: its `Condition`, an expression or a constant.
    fn jsonata_condition(&mut self, o: &json::Map, pointer: &str) -> Option<Condition> {
        match o.get("Condition") {
            Some(Value::String(s)) if is_jsonata_expr(s) => match crate::query::jsonata::parse(s) {
                Ok(e) => Some(Condition::Jsonata(Rc::new(e))),
                Err(e) => {
                    self.jsonata_error(&format!("{pointer}/Condition"), &e);
                    None
                }
            },
            Some(Value::Bool(b)) => Some(if *b {
                Condition::And(Vec::new())
            } else {
                Condition::Or(Vec::new())
            }),
            Some(_) => {
                self.sink.schema(
                    "The value for the field 'Condition' must be a JSONata expression",
                    &format!("{pointer}/Condition"),
                );
                None
            }
            None => {
                self.sink
                    .schema("These fields are required: [Condition]", pointer);
                None
            }
        }
    }

    /// `And`, `Or` (non-empty arrays of rules) or `Not` (one rule).
    fn combinator(
        &mut self,
        c: &str,
        o: &json::Map,
        pointer: &str,
        language: QueryLanguage,
    ) -> Option<Condition> {
        let cp = format!("{pointer}/{c}");
        match (c, o.get(c)) {
            ("Not", Some(Value::Object(inner))) => self
                .condition(inner, &cp, language, false)
                .map(|c| Condition::Not(Box::new(c))),
            ("And" | "Or", Some(Value::Array(items))) if !items.is_empty() => {
                let mut subs = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_object() {
                        Some(io) => {
                            subs.extend(self.condition(io, &format!("{cp}/{i}"), language, false))
                        }
                        None => self
                            .sink
                            .schema("A choice rule must be an object", &format!("{cp}/{i}")),
                    }
                }
                Some(if c == "And" {
                    Condition::And(subs)
                } else {
                    Condition::Or(subs)
                })
            }
            _ => {
                self.sink.schema(
                    format!(
                        "The value for the field '{c}' must be {}",
                        if c == "Not" {
                            "a choice rule"
                        } else {
                            "a non-empty array of choice rules"
                        }
                    ),
                    &cp,
                );
                None
            }
        }
    }

    /// A comparison (`Variable` and one operator, its operand a literal or a `...Path`) or a
    /// type test.
    fn comparison(&mut self, op: &str, o: &json::Map, pointer: &str) -> Option<Condition> {
        let op = op.to_string();
        let variable = match o.get("Variable") {
            None => {
                self.sink
                    .schema("These fields are required: [Variable]", pointer);
                return None;
            }
            Some(v) => self.path_field(v, &format!("{pointer}/Variable"), "Variable")?,
        };
        let value = o.get(op.as_str()).cloned().unwrap_or_default();
        let op_ptr = format!("{pointer}/{op}");
        if let Some((_, test)) = choice::TYPE_TESTS.iter().find(|(n, _)| *n == op) {
            let Some(expected) = value.as_bool() else {
                self.sink.schema(
                    format!("The value for the field '{op}' must be a boolean"),
                    &op_ptr,
                );
                return None;
            };
            return Some(Condition::Test {
                variable,
                test: *test,
                expected,
            });
        }
        if op == "StringMatches" {
            let Some(p) = value.as_str() else {
                self.sink.schema(
                    "The value for the field 'StringMatches' must be a string",
                    &op_ptr,
                );
                return None;
            };
            return Some(Condition::Matches {
                variable,
                pattern: choice::compile_pattern(p),
            });
        }
        let (base, is_path) = match op.strip_suffix("Path") {
            Some(b) => (b.to_string(), true),
            None => (op.clone(), false),
        };
        let (_, kind, cmp) = *choice::COMPARISONS.iter().find(|(n, _, _)| *n == base)?;
        let operand = if is_path {
            Operand::Path(self.path_field(&value, &op_ptr, &op)?)
        } else {
            let ok = match kind {
                choice::Operands::String => value.as_str().is_some(),
                choice::Operands::Numeric => value.as_number().is_some(),
                choice::Operands::Boolean => value.as_bool().is_some(),
                choice::Operands::Timestamp => value.as_str().and_then(parse_rfc3339).is_some(),
            };
            if !ok {
                let what = match kind {
                    choice::Operands::String => "a string",
                    choice::Operands::Numeric => "a number",
                    choice::Operands::Boolean => "a boolean",
                    choice::Operands::Timestamp => "an RFC3339 timestamp",
                };
                self.sink.schema(
                    format!("The value for the field '{op}' must be {what}"),
                    &op_ptr,
                );
                return None;
            }
            Operand::Literal(value)
        };
        Some(Condition::Compare {
            variable,
            kind,
            cmp,
            operand,
        })
    }
}
