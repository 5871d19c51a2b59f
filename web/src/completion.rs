//! ASL-aware completion for the editor: given where the cursor is (the JSON path to it and
//! whether a key is expected), what may go there. Pure; the editor bridge calls it.

use engine::model::QueryLanguage;
use engine::query::failure::errors::PREDEFINED;
use engine::query::intrinsics::FUNCTION_NAMES;
use engine::syntax::json::{self, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub label: String,
    pub kind: &'static str,
    pub detail: String,
}

fn item(label: impl Into<String>, kind: &'static str, detail: impl Into<String>) -> Item {
    Item {
        label: label.into(),
        kind,
        detail: detail.into(),
    }
}

const STATE_TYPES: &[(&str, &str)] = &[
    ("Pass", "passes its input on, optionally shaped"),
    ("Task", "calls a service (mocked here)"),
    ("Choice", "branches on rules"),
    ("Wait", "waits (virtual clock)"),
    ("Succeed", "ends successfully"),
    ("Fail", "ends with an error"),
    ("Parallel", "runs branches side by side"),
    ("Map", "runs a processor per item"),
];

/// The fields a state of this type accepts in this query language: exactly what validation
/// accepts (one table, in `engine::check`).
fn fields_for(type_name: &str, jsonata: bool) -> Vec<&'static str> {
    use engine::check::{allowed_fields, JSONATA_ONLY, JSONPATH_ONLY};
    let all = allowed_fields(type_name);
    if all.is_empty() {
        return vec!["Type"];
    }
    all.iter()
        .copied()
        .filter(|k| {
            if jsonata {
                !JSONPATH_ONLY.contains(k)
            } else {
                !JSONATA_ONLY.contains(k)
            }
        })
        .collect()
}

/// Every state name in the definition, nested graphs included (the one raw walk).
fn state_names(doc: &Value, out: &mut Vec<String>) {
    struct Names<'o>(&'o mut Vec<String>);
    impl<'a> engine::check::DefinitionVisitor<'a> for Names<'_> {
        fn state(&mut self, name: &'a str, _: &'a Value, _: &str, _: QueryLanguage) {
            self.0.push(name.to_string());
        }
    }
    engine::check::walk_definition(doc, &mut Names(out));
}

/// Follows a path of keys (strings) and indices (numbers) from the document root.
fn at<'a>(doc: &'a Value, path: &[Value]) -> Option<&'a Value> {
    let mut v = doc;
    for p in path {
        v = match (v, p) {
            (Value::Object(m), Value::String(k)) => m.get(&**k)?,
            (Value::Array(a), Value::Number(n)) => a.get(n.as_i64()? as usize)?,
            _ => return None,
        };
    }
    Some(v)
}

/// `request`: `{"path": [...], "inKey": bool, "text": "..."}`; answers a JSON list of
/// `{label, type, detail}`.
pub fn complete(request: &str) -> String {
    let Ok(req) = json::parse(request) else {
        return "[]".into();
    };
    let path: Vec<Value> = req
        .get("path")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let in_key = req.get("inKey").and_then(Value::as_bool).unwrap_or(false);
    let doc = req
        .get("text")
        .and_then(Value::as_str)
        .and_then(|t| json::parse(t).ok())
        .unwrap_or_default();
    let items = match req.get("jsonata").and_then(Value::as_str) {
        Some(token) => jsonata_suggestions(&doc, &path, token),
        None => suggestions(&doc, &path, in_key),
    };
    let list: Vec<Value> = items
        .into_iter()
        .map(|i| engine::obj! { "label" => i.label, "type" => i.kind, "detail" => i.detail })
        .collect();
    Value::from(list).to_json()
}

/// AWS's additions to JSONata in Step Functions.
const AWS_JSONATA_FUNCTIONS: &[(&str, &str)] = &[
    ("$partition", "(array, size) → chunks"),
    ("$range", "(start, end, step) → numbers"),
    ("$hash", "(value, algorithm) → hex digest"),
    ("$random", "([seed]) → number in [0, 1)"),
    ("$uuid", "() → v4 UUID"),
    ("$parse", "(json string) → value"),
];

/// The JSONata built-ins people reach for in workflows.
const JSONATA_FUNCTIONS: &[&str] = &[
    "$abs",
    "$append",
    "$average",
    "$boolean",
    "$ceil",
    "$contains",
    "$count",
    "$distinct",
    "$each",
    "$exists",
    "$filter",
    "$floor",
    "$formatNumber",
    "$fromMillis",
    "$join",
    "$keys",
    "$length",
    "$lookup",
    "$lowercase",
    "$map",
    "$match",
    "$max",
    "$merge",
    "$millis",
    "$min",
    "$not",
    "$now",
    "$number",
    "$pad",
    "$power",
    "$reduce",
    "$replace",
    "$reverse",
    "$round",
    "$sift",
    "$sort",
    "$split",
    "$spread",
    "$sqrt",
    "$string",
    "$substring",
    "$substringAfter",
    "$substringBefore",
    "$sum",
    "$toMillis",
    "$trim",
    "$type",
    "$uppercase",
    "$zip",
];

const CONTEXT_FIELDS: &[&str] = &[
    "Execution.Id",
    "Execution.Input",
    "Execution.Name",
    "Execution.RoleArn",
    "Execution.StartTime",
    "Execution.RedriveCount",
    "State.Name",
    "State.EnteredTime",
    "State.RetryCount",
    "StateMachine.Id",
    "StateMachine.Name",
    "Task.Token",
    "Map.Item.Index",
    "Map.Item.Value",
];

/// The variables a state at `path` can read: what the states of its graph and of the graphs
/// around it assign (a Distributed Map's children see none from outside).
fn variables_in_scope(doc: &Value, path: &[Value]) -> Vec<String> {
    fn assigned(graph: &Value, out: &mut Vec<String>) {
        let mut collect = |v: Option<&Value>| {
            for k in v
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.keys())
            {
                let name = k.strip_suffix(".$").unwrap_or(k).to_string();
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        };
        for s in graph
            .get("States")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
        {
            collect(s.get("Assign"));
            for key in ["Choices", "Catch"] {
                for r in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                    collect(r.get("Assign"));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut v = doc;
    assigned(v, &mut out);
    for (i, p) in path.iter().enumerate() {
        let next = match (v, p) {
            (Value::Object(m), Value::String(k)) => m.get(&**k),
            (Value::Array(a), Value::Number(n)) => n.as_i64().and_then(|n| a.get(n as usize)),
            _ => None,
        };
        let Some(next) = next else { break };
        let entering_processor = matches!(p.as_str(), Some("ItemProcessor" | "Iterator"))
            || (i > 0 && path[i - 1].as_str() == Some("Branches"));
        if entering_processor {
            let distributed = next
                .get("ProcessorConfig")
                .and_then(|c| c.get("Mode"))
                .and_then(Value::as_str)
                == Some("DISTRIBUTED");
            if distributed {
                out.clear();
            }
            assigned(next, &mut out);
        }
        v = next;
    }
    out
}

/// Completion inside a `{% %}` string: `token` is the `$word.field` before the cursor.
pub fn jsonata_suggestions(doc: &Value, path: &[Value], token: &str) -> Vec<Item> {
    // Where the cursor is: the innermost state, its field, and whether inside a catcher.
    let states_at = path.iter().rposition(|p| p.as_str() == Some("States"));
    let state = states_at.and_then(|i| at(doc, &path[..i + 2]));
    let field = states_at
        .and_then(|i| path.get(i + 2))
        .and_then(Value::as_str);
    let in_catch = field == Some("Catch");
    let top_field = if in_catch {
        states_at
            .and_then(|i| path.get(i + 4))
            .and_then(Value::as_str)
    } else {
        field
    };
    let type_name = state
        .and_then(|s| s.get("Type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let result_allowed = !in_catch
        && matches!(type_name, "Task" | "Map" | "Parallel")
        && matches!(top_field, Some("Output" | "Assign"));
    let error_allowed = in_catch && matches!(top_field, Some("Output" | "Assign"));
    if token.starts_with("$states.context.") {
        return CONTEXT_FIELDS
            .iter()
            .map(|f| item(format!("$states.context.{f}"), "property", "context object"))
            .collect();
    }
    if token.starts_with("$states.") {
        let mut out = vec![
            item("$states.input", "property", "the state's input"),
            item("$states.context", "property", "the context object"),
        ];
        if result_allowed {
            out.push(item(
                "$states.result",
                "property",
                "the task's, Map's or Parallel's result",
            ));
        }
        if error_allowed {
            out.push(item("$states.errorOutput", "property", "the caught error"));
        }
        return out;
    }
    let mut out = vec![item(
        "$states",
        "variable",
        "input, context, result, errorOutput",
    )];
    out.extend(
        variables_in_scope(doc, path)
            .into_iter()
            .map(|v| item(format!("${v}"), "variable", "workflow variable")),
    );
    out.extend(
        AWS_JSONATA_FUNCTIONS
            .iter()
            .map(|(f, d)| item(*f, "function", format!("Step Functions {d}"))),
    );
    out.extend(
        JSONATA_FUNCTIONS
            .iter()
            .map(|f| item(*f, "function", "JSONata")),
    );
    out
}

pub fn suggestions(doc: &Value, path: &[Value], in_key: bool) -> Vec<Item> {
    let key = |i: usize| path.get(path.len().wrapping_sub(i)).and_then(Value::as_str);
    // The one language rule (a state's own field, else its graph's, else the top level's).
    let jsonata = engine::check::language_at(doc, path) == QueryLanguage::Jsonata;
    let names = || {
        let mut n = Vec::new();
        state_names(doc, &mut n);
        n.into_iter()
            .map(|s| item(s, "variable", "state"))
            .collect::<Vec<_>>()
    };
    if in_key {
        // Inside a state object: the fields its Type allows.
        if path.len() >= 2 && key(2) == Some("States") {
            let t = at(doc, path)
                .and_then(|s| s.get("Type"))
                .and_then(Value::as_str)
                .unwrap_or("");
            return fields_for(t, jsonata)
                .into_iter()
                .map(|f| item(f, "property", format!("{t} field")))
                .collect();
        }
        if path.is_empty()
            || (path.len() >= 2 && matches!(key(2), Some("Branches")))
            || key(1) == Some("ItemProcessor")
        {
            return [
                "StartAt",
                "States",
                "Comment",
                "TimeoutSeconds",
                "QueryLanguage",
                "ProcessorConfig",
            ]
            .into_iter()
            .filter(|f| !path.is_empty() || *f != "ProcessorConfig")
            .map(|f| item(f, "property", "state machine field"))
            .collect();
        }
        if key(2) == Some("Retry") {
            return engine::check::RETRIER_FIELDS
                .iter()
                .map(|f| item(*f, "property", "retrier"))
                .collect();
        }
        if key(2) == Some("Catch") {
            let fields = if jsonata {
                engine::check::CATCHER_FIELDS_JSONATA
            } else {
                engine::check::CATCHER_FIELDS_JSONPATH
            };
            return fields
                .iter()
                .map(|f| item(*f, "property", "catcher"))
                .collect();
        }
        if matches!(key(2), Some("Choices" | "And" | "Or")) || key(1) == Some("Not") {
            let mut f: Vec<Item> = engine::query::choice::operator_names()
                .map(|o| item(o, "property", "comparison"))
                .collect();
            f.extend(
                [
                    "Variable",
                    "Next",
                    "And",
                    "Or",
                    "Not",
                    "Condition",
                    "Assign",
                ]
                .into_iter()
                .map(|o| item(o, "property", "rule")),
            );
            return f;
        }
        return Vec::new();
    }
    match key(1) {
        Some("Type") => STATE_TYPES
            .iter()
            .map(|(t, d)| item(*t, "type", *d))
            .collect(),
        Some("StartAt" | "Next" | "Default") => names(),
        Some("QueryLanguage") => vec![
            item("JSONPath", "constant", "default"),
            item("JSONata", "constant", "since Nov 2024"),
        ],
        Some("JitterStrategy") => vec![
            item("FULL", "constant", "random in [0, delay]"),
            item("NONE", "constant", "default"),
        ],
        Some("Mode") => vec![
            item("INLINE", "constant", ""),
            item("DISTRIBUTED", "constant", ""),
        ],
        Some("Resource") => [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "arn:aws:states:::sns:publish",
            "arn:aws:states:::dynamodb:putItem",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::events:putEvents",
        ]
        .into_iter()
        .map(|r| item(r, "constant", "service integration"))
        .collect(),
        _ if path.len() >= 2 && key(2) == Some("ErrorEquals") => PREDEFINED
            .iter()
            .map(|e| item(*e, "constant", "predefined error"))
            .collect(),
        Some(k) if k.ends_with(".$") || k.ends_with("Path") || k == "Variable" => {
            let mut out = vec![
                item("$", "variable", "the input"),
                item("$$.Execution.Input", "variable", "context"),
                item("$$.State.Name", "variable", "context"),
                item("$$.Map.Item.Value", "variable", "context"),
                item("$$.Task.Token", "variable", "context"),
            ];
            if k.ends_with(".$") {
                out.extend(
                    FUNCTION_NAMES
                        .iter()
                        .map(|(n, _)| item(format!("{n}()"), "function", "intrinsic")),
                );
            }
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(doc: &str, path: &str, in_key: bool) -> Vec<String> {
        let doc = json::parse(doc).unwrap_or_default();
        let path = json::parse(path)
            .ok()
            .and_then(|p| p.as_array().cloned())
            .unwrap_or_default();
        suggestions(&doc, &path, in_key)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn suggests_what_fits_the_cursor() {
        let doc = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"x","End":true},"B":{"Type":"Pass","End":true}}}"#;
        assert!(labels(doc, r#"["States","A"]"#, true).contains(&"Retry".to_string()));
        assert!(!labels(doc, r#"["States","B"]"#, true).contains(&"Retry".to_string()));
        assert_eq!(
            labels(doc, r#"["States","A","Next"]"#, false),
            vec!["A", "B"]
        );
        assert!(labels(doc, r#"["States","A","Type"]"#, false).contains(&"Parallel".to_string()));
        assert!(
            labels(doc, r#"["States","A","Retry",0,"ErrorEquals",0]"#, false)
                .contains(&"States.TaskFailed".to_string())
        );
        assert!(labels(doc, r#"["States","A","Parameters","x.$"]"#, false)
            .contains(&"States.Format()".to_string()));
        assert!(labels(doc, r#"[]"#, true).contains(&"StartAt".to_string()));
    }

    #[test]
    fn fields_follow_the_state_s_query_language() {
        // A JSONPath machine: a JSONata state gets JSONata's fields; a state inside its
        // processor takes the top level's language, not the Map's.
        let doc = r#"{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#;
        let map = labels(doc, r#"["States","M"]"#, true);
        assert!(map.contains(&"Arguments".to_string()) || map.contains(&"Output".to_string()));
        assert!(!map.contains(&"InputPath".to_string()));
        let inner = labels(doc, r#"["States","M","ItemProcessor","States","P"]"#, true);
        assert!(inner.contains(&"InputPath".to_string()));
        assert!(!inner.contains(&"Output".to_string()));
    }

    fn jsonata_labels(doc: &str, path: &str, token: &str) -> Vec<String> {
        let doc = json::parse(doc).unwrap_or_default();
        let path = json::parse(path)
            .ok()
            .and_then(|p| p.as_array().cloned())
            .unwrap_or_default();
        jsonata_suggestions(&doc, &path, token)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn jsonata_completion_follows_aws_rules_and_scopes() {
        let doc = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
            "A":{"Type":"Task","Resource":"x","Assign":{"total":1},"Output":"{% %}","Arguments":{"p":"{% %}"},
                 "Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% %}","Next":"M"}],"Next":"M"},
            "M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"inner":2},"End":true}}},"End":true},
            "D":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"J","States":{"J":{"Type":"Pass","Output":"{% %}","End":true}}},"End":true}}}"#;
        let output = jsonata_labels(doc, r#"["States","A","Output"]"#, "$states.");
        assert!(output.contains(&"$states.result".to_string()), "{output:?}");
        assert!(!output.contains(&"$states.errorOutput".to_string()));
        let args = jsonata_labels(doc, r#"["States","A","Arguments","p"]"#, "$states.");
        assert!(!args.contains(&"$states.result".to_string()), "{args:?}");
        let catch = jsonata_labels(doc, r#"["States","A","Catch",0,"Output"]"#, "$states.");
        assert!(
            catch.contains(&"$states.errorOutput".to_string()),
            "{catch:?}"
        );
        assert!(!catch.contains(&"$states.result".to_string()));
        let top = jsonata_labels(doc, r#"["States","A","Output"]"#, "$");
        assert!(top.contains(&"$total".to_string()) && !top.contains(&"$inner".to_string()));
        assert!(top.contains(&"$partition".to_string()) && top.contains(&"$sum".to_string()));
        let inner = jsonata_labels(
            doc,
            r#"["States","M","ItemProcessor","States","I","Assign","inner"]"#,
            "$",
        );
        assert!(inner.contains(&"$total".to_string()) && inner.contains(&"$inner".to_string()));
        let distributed = jsonata_labels(
            doc,
            r#"["States","D","ItemProcessor","States","J","Output"]"#,
            "$",
        );
        assert!(
            !distributed.contains(&"$total".to_string()),
            "{distributed:?}"
        );
        let ctx = jsonata_labels(doc, r#"["States","A","Output"]"#, "$states.context.");
        assert!(ctx.contains(&"$states.context.Map.Item.Value".to_string()));
    }
}
