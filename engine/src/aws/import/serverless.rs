//! The Serverless Framework's `serverless.yml` with the serverless-step-functions plugin:
//! `stepFunctions.stateMachines.*` (name, type, definition inline or `${file(…)}`), with its
//! variables (`${self:…}`, `${opt:…, default}`, `${sls:stage}`, `#{AWS::Region}`) and the
//! CloudFormation resources under `resources.Resources`.

use super::cloudformation::Template;
use super::{beside, machine_name, placeholder_names, yaml_block, Files, Machine};
use crate::model::WorkflowType;
use crate::syntax::json::{self, Value};
use crate::syntax::substitute::expand;
use crate::syntax::{self, Format, Substitutions};

pub(super) fn read(
    path: &str,
    text: &str,
    files: &dyn Files,
    warnings: &mut Vec<String>,
) -> Vec<(Machine, Option<String>)> {
    let (doc, spans) =
        match syntax::yaml::parse_with_spans(text).or_else(|_| json::parse_with_spans(text)) {
            Ok(x) => x,
            Err(e) => {
                let (line, col) = json::line_col(text, e.offset);
                warnings.push(format!("{path}:{line}:{col}: {}", e.message));
                return Vec::new();
            }
        };
    let resources = doc
        .get("resources")
        .and_then(|r| r.get("Resources"))
        .and_then(Value::as_object);
    let template = Template {
        resources,
        parameters: None,
    };
    let vars = Variables {
        doc: &doc,
        template: &template,
    };
    let machines = doc
        .get("stepFunctions")
        .and_then(|s| s.get("stateMachines"))
        .and_then(Value::as_object);
    let mut out = Vec::new();
    for (key, sm) in machines.into_iter().flat_map(|m| m.iter()) {
        let where_ = format!("{path}: stepFunctions.stateMachines.{key}");
        let name = sm
            .get("name")
            .and_then(Value::as_str)
            .map(|n| vars.expand(n, 0))
            .map_or_else(|| machine_name(key), |n| machine_name(&n));
        let workflow_type = sm
            .get("type")
            .and_then(Value::as_str)
            .and_then(WorkflowType::parse)
            .unwrap_or_default();
        let pointer = format!(
            "/stepFunctions/stateMachines/{}/definition",
            json::escape_pointer(key)
        );
        let (definition, format, from) = match sm.get("definition") {
            Some(Value::String(s)) if s.trim_start().starts_with("${file(") => {
                let inner = s.trim().trim_start_matches("${file(");
                let rel = inner
                    .split(')')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['\'', '"']);
                let file = beside(path, rel);
                match files.read(&file) {
                    Some(t) => (t.clone(), syntax::detect(&t), Some(file)),
                    None => {
                        warnings.push(format!("{where_}: {rel} is not among the files opened (open the project's folder to include it)"));
                        continue;
                    }
                }
            }
            Some(def @ Value::Object(_)) => {
                match spans.value(&pointer).and_then(|s| yaml_block(text, s)) {
                    Some(t) => (t, Format::Yaml, None),
                    None => (syntax::yaml::to_yaml(def), Format::Yaml, None),
                }
            }
            _ => {
                warnings.push(format!("{where_}: no definition"));
                continue;
            }
        };
        // Serverless resolves its variables everywhere, included files too.
        let mut substitutions = Substitutions::default();
        for name in placeholder_names(&definition) {
            if let Some(v) = vars.value(&name, 0) {
                substitutions.insert(name, v);
            }
        }
        out.push((
            Machine {
                name,
                workflow_type,
                format,
                definition,
                substitutions,
                file: path.to_string(),
                resource: format!("stepFunctions.stateMachines.{key}"),
            },
            from,
        ));
    }
    if out.is_empty() && warnings.is_empty() {
        warnings.push(format!("{path}: no stepFunctions.stateMachines"));
    }
    out
}

/// Serverless variables, resolved against the file itself.
struct Variables<'a> {
    doc: &'a Value,
    template: &'a Template<'a>,
}

impl Variables<'_> {
    /// A placeholder's value: `self:a.b` from the document, the template's resources
    /// (`X.Arn`, and the functions Serverless names `{fn}LambdaFunction`), defaults.
    fn value(&self, name: &str, depth: usize) -> Option<Value> {
        if depth > 8 {
            return None;
        }
        if let Some(k) = crate::syntax::substitute::known(name) {
            return Some(Value::from(k));
        }
        if let Some(path) = name.strip_prefix("self:") {
            let mut v = self.doc;
            for part in path.split('.') {
                v = v.get(part)?;
            }
            return Some(match v {
                Value::String(s) => Value::from(self.expand(s, depth + 1)),
                other => other.clone(),
            });
        }
        if let Some(v) = self.template.name_value(name, 0) {
            return Some(Value::from(v));
        }
        // Functions: `hello.Arn` and `HelloLambdaFunction.Arn` are the function `hello`, which
        // Serverless names SERVICE-STAGE-hello unless it says otherwise.
        let (id, attr) = name.split_once('.')?;
        let function = id.strip_suffix("LambdaFunction").unwrap_or(id);
        let functions = self.doc.get("functions")?.as_object()?;
        let (key, spec) = functions
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(function))?;
        let service = self
            .doc
            .get("service")
            .and_then(Value::as_str)
            .unwrap_or("service");
        let stage = self
            .doc
            .get("provider")
            .and_then(|p| p.get("stage"))
            .and_then(Value::as_str)
            .map(|s| self.expand(s, depth + 1))
            .filter(|s| !s.contains("${"))
            .unwrap_or_else(|| "dev".into());
        let fname = spec
            .get("name")
            .and_then(Value::as_str)
            .map(|n| self.expand(n, depth + 1))
            .filter(|n| !n.contains("${"))
            .unwrap_or_else(|| format!("{service}-{stage}-{key}"));
        Some(Value::from(match attr {
            "Arn" => format!(
                "arn:aws:lambda:{}:{}:function:{fname}",
                crate::syntax::substitute::REGION,
                crate::syntax::substitute::ACCOUNT
            ),
            _ => fname,
        }))
    }

    /// A string with its `${…}` variables replaced where they resolve.
    fn expand(&self, s: &str, depth: usize) -> String {
        expand(s, |name| {
            self.value(name, depth).map(|v| match v {
                Value::String(s) => s.to_string(),
                other => other.to_json(),
            })
        })
    }
}
