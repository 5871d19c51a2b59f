//! The extras module's protocol: what the page's first module (the engine without YAML, the
//! import, the export and, to stay small, without calling TestState) asks the module built
//! with them (`web/extras`). JSON text in, JSON text out; nothing panics on a malformed
//! request.

use super::export::{self, ProjectMachine, Target};
use super::import;
use crate::model::WorkflowType;
use crate::syntax::json::{self, Value};
use crate::syntax::{self, Format};

/// One request: `{"op": "yaml", "text"}` (parse, for `syntax::yaml::host`),
/// `{"op": "convert", "text", "to": "json"|"yaml"}`, `{"op": "import", "files": [{path,
/// text}]}`, `{"op": "export", "machines": [{name, type, definition, substitutions}],
/// "target", "format"?, "mocks"?, "open"?, "input"?, "zip"?}`, `{"op": "teststate", "request",
/// "substitutions"?}` (AWS's TestState, answered as `{"answer"}`).
pub fn module_call(request: &str) -> String {
    let answer = match json::parse(request) {
        Ok(r) => answer(&r),
        Err(e) => crate::obj! { "error" => format!("the request is not JSON: {}", e.message) },
    };
    answer.to_json()
}

fn text<'a>(r: &'a Value, k: &str) -> &'a str {
    r.get(k).and_then(Value::as_str).unwrap_or("")
}

fn answer(r: &Value) -> Value {
    match text(r, "op") {
        "yaml" => syntax::yaml::host_answer(text(r, "text")),
        "convert" => {
            let to = if text(r, "to") == "yaml" {
                Format::Yaml
            } else {
                Format::Json
            };
            match syntax::convert(text(r, "text"), to) {
                Ok(t) => crate::obj! { "text" => t },
                Err(e) => crate::obj! { "error" => e.message, "offset" => e.offset as i64 },
            }
        }
        "import" => {
            let files: Vec<(String, String)> = r
                .get("files")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|f| (text(f, "path").to_string(), text(f, "text").to_string()))
                .collect();
            import::import(&files, &files).to_value()
        }
        "export" => {
            let Some(target) = Target::parse(text(r, "target")) else {
                return crate::obj! { "error" => "target must be sam, cdk, terraform or serverless" };
            };
            let machines: Vec<ProjectMachine> = r
                .get("machines")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|m| ProjectMachine {
                    name: text(m, "name").to_string(),
                    workflow_type: WorkflowType::parse(text(m, "type")).unwrap_or_default(),
                    definition: text(m, "definition").to_string(),
                    substitutions: m
                        .get("substitutions")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            let format = match text(r, "format") {
                "json" => Some(Format::Json),
                "yaml" => Some(Format::Yaml),
                _ => None,
            };
            // The mocks are the open machine's (`open`: its index among `machines`).
            let open = r
                .get("open")
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                .unwrap_or(0)
                .max(0) as usize;
            let mocks = r.get("mocks").filter(|m| !m.is_null()).map(|m| (m, open));
            let input = r.get("input").and_then(Value::as_str);
            let project = export::project(&machines, target, format, mocks, input);
            let files: Vec<Value> = project
                .files
                .iter()
                .map(|(p, t)| crate::obj! { "path" => p.as_str(), "text" => t.as_str() })
                .collect();
            let mut out = crate::obj! { "files" => files };
            #[cfg(feature = "zip")]
            if r.get("zip").and_then(Value::as_bool) == Some(true) {
                use base64::Engine as _;
                let zipped = match export::zip(&project) {
                    Ok(bytes) => {
                        Value::from(base64::engine::general_purpose::STANDARD.encode(bytes))
                    }
                    Err(e) => {
                        return crate::obj! { "error" => format!("the zip could not be made: {e}") }
                    }
                };
                if let Value::Object(m) = &mut out {
                    std::rc::Rc::make_mut(m).insert("zip".into(), zipped);
                }
            }
            out
        }
        "teststate" => {
            let given = r
                .get("substitutions")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let answer = crate::aws::teststate::answer_json(
                r.get("request").unwrap_or(&Value::Null),
                &given,
            );
            // An API error is AWS's answer too: it goes back as the answer, not as a failure
            // of the module.
            crate::obj! { "answer" => answer }
        }
        other => crate::obj! { "error" => format!("unknown op '{other}'") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_every_op_and_refuses_nonsense() {
        let call = |r: Value| json::parse(&module_call(&r.to_json())).unwrap();
        let y = call(crate::obj! { "op" => "yaml", "text" => "StartAt: A\n" });
        assert_eq!(
            y.pointer("/value/StartAt").and_then(Value::as_str),
            Some("A")
        );
        let c = call(crate::obj! { "op" => "convert", "text" => "{\"a\": [1]}", "to" => "yaml" });
        assert_eq!(c.get("text").and_then(Value::as_str), Some("a:\n  - 1\n"));
        let files = Value::from(vec![
            crate::obj! { "path" => "a.asl.json", "text" => "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}" },
        ]);
        let i = call(crate::obj! { "op" => "import", "files" => files });
        assert_eq!(
            i.pointer("/machines/0/name").and_then(Value::as_str),
            Some("a")
        );
        let machines = Value::from(vec![
            crate::obj! { "name" => "M", "type" => "EXPRESS", "definition" => "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}" },
        ]);
        let e = call(
            crate::obj! { "op" => "export", "target" => "sam", "machines" => machines, "zip" => true },
        );
        assert!(
            e.get("zip")
                .and_then(Value::as_str)
                .is_some_and(|z| z.starts_with("UEsD")),
            "{}",
            e.to_json()
        );
        assert!(call(crate::obj! { "op" => "nope" }).get("error").is_some());
        assert!(json::parse(&module_call("not json"))
            .unwrap()
            .get("error")
            .is_some());
    }
}
