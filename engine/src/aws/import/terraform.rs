//! Terraform: `resource "aws_sfn_state_machine" "NAME" { name, type, definition }`, the
//! definition from `templatefile(path, vars)`, `file(path)`, `jsonencode({...})` or a heredoc,
//! read with hcl-rs (HCL's maintained Rust parser). References (`aws_lambda_function.x.arn`,
//! `var.x`, `local.x`) resolve through the file's own blocks to plausible values.

use super::{beside, machine_name, placeholder_names, Files, Machine};
use crate::model::WorkflowType;
use crate::syntax::json::{self, Map, Value};
use crate::syntax::substitute::{base_name, expand, known, ACCOUNT, REGION};
use crate::syntax::{self, Substitutions};
use hcl::expr::{Expression, ObjectKey, TemplateExpr};
use hcl::{Block, Body};
use std::rc::Rc;

pub(super) fn read(
    path: &str,
    text: &str,
    files: &dyn Files,
    warnings: &mut Vec<String>,
) -> Vec<(Machine, Option<String>)> {
    let body = match hcl::parse(text) {
        Ok(b) => b,
        Err(e) => {
            let first = e.to_string().lines().next().unwrap_or_default().to_string();
            warnings.push(format!("{path}: {first}"));
            return Vec::new();
        }
    };
    let tf = Terraform { body: &body, path };
    let mut out = Vec::new();
    for block in body.blocks().filter(|b| b.identifier() == "resource") {
        let [ty, label] = block.labels() else {
            continue;
        };
        if ty.as_str() != "aws_sfn_state_machine" {
            continue;
        }
        let address = format!("aws_sfn_state_machine.{}", label.as_str());
        let where_ = format!("{path}: {address}");
        let Some(def) = attribute(block.body(), "definition") else {
            warnings.push(format!("{where_}: no definition"));
            continue;
        };
        let mut substitutions = Substitutions::default();
        let (definition, from) =
            match tf.definition(def, &mut substitutions, files, &where_, warnings) {
                Some(x) => x,
                None => continue,
            };
        // Interpolations in a heredoc or jsonencode name the file's resources and variables.
        for name in placeholder_names(&definition) {
            if substitutions.contains_key(&name) {
                continue;
            }
            if let Some(v) = tf.reference(&name, 0) {
                substitutions.insert(name, Value::from(v));
            }
        }
        let name = attribute(block.body(), "name")
            .map(|e| tf.string(e, 0))
            .filter(|n| !n.is_empty() && !n.contains("${"))
            .map_or_else(|| machine_name(label.as_str()), |n| machine_name(&n));
        let workflow_type = attribute(block.body(), "type")
            .map(|e| tf.string(e, 0))
            .and_then(|t| WorkflowType::parse(&t))
            .unwrap_or_default();
        out.push((
            Machine {
                name,
                workflow_type,
                format: syntax::detect(&definition),
                definition,
                substitutions,
                file: path.to_string(),
                resource: address,
            },
            from,
        ));
    }
    out
}

fn attribute<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

struct Terraform<'a> {
    body: &'a Body,
    path: &'a str,
}

const MAX_DEPTH: usize = 12;

impl Terraform<'_> {
    fn block(&self, kind: &str, labels: &[&str]) -> Option<&Block> {
        self.body.blocks().find(|b| {
            b.identifier() == kind
                && b.labels().len() == labels.len()
                && b.labels().iter().zip(labels).all(|(l, w)| l.as_str() == *w)
        })
    }

    /// The definition text of `definition = …`, and the file it came from.
    fn definition(
        &self,
        e: &Expression,
        substitutions: &mut Substitutions,
        files: &dyn Files,
        where_: &str,
        warnings: &mut Vec<String>,
    ) -> Option<(String, Option<String>)> {
        match e {
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                match name {
                    "templatefile" | "file" => {
                        let path = f.args.first()?;
                        self.template_file(
                            path,
                            f.args.get(1),
                            substitutions,
                            files,
                            where_,
                            warnings,
                        )
                    }
                    "jsonencode" => {
                        let v = f
                            .args
                            .first()
                            .map(|a| self.to_json(a, 0))
                            .unwrap_or(Value::Null);
                        Some((v.to_json_pretty(), None))
                    }
                    other => {
                        warnings.push(format!("{where_}: the definition is {other}(…), which this playground does not evaluate; use templatefile, file, jsonencode or a heredoc"));
                        None
                    }
                }
            }
            Expression::TemplateExpr(t) => Some((template_text(t), None)),
            Expression::String(s) => Some((s.clone(), None)),
            Expression::Traversal(_) | Expression::Variable(_) => {
                // `local.definition`, or the older `data.template_file.X.rendered`.
                let text = hcl::format::to_string(e).unwrap_or_default();
                if let Some(data) = text
                    .strip_prefix("data.template_file.")
                    .and_then(|r| r.strip_suffix(".rendered"))
                    .and_then(|n| self.block("data", &["template_file", n]))
                {
                    let path = attribute(data.body(), "template")?;
                    let path = match path {
                        Expression::FuncCall(f) if f.name.name.as_str() == "file" => {
                            f.args.first()?
                        }
                        other => other,
                    };
                    let vars = attribute(data.body(), "vars");
                    return self.template_file(path, vars, substitutions, files, where_, warnings);
                }
                match text.strip_prefix("local.").and_then(|n| self.local(n)) {
                    Some(inner) => self.definition(&inner, substitutions, files, where_, warnings),
                    None => {
                        warnings.push(format!("{where_}: the definition is {text}, which this playground cannot follow"));
                        None
                    }
                }
            }
            _ => {
                warnings.push(format!(
                    "{where_}: this form of definition cannot be read here"
                ));
                None
            }
        }
    }

    /// A template file (`templatefile(path, vars)`, `file(path)`, a `template_file` data
    /// source): its text, and its variables as substitutions.
    fn template_file(
        &self,
        path: &Expression,
        vars: Option<&Expression>,
        substitutions: &mut Substitutions,
        files: &dyn Files,
        where_: &str,
        warnings: &mut Vec<String>,
    ) -> Option<(String, Option<String>)> {
        let rel = self.string(path, 0);
        if let Some(i) = rel.find("${") {
            let var = rel[i + 2..].split('}').next().unwrap_or_default();
            warnings.push(format!("{where_}: the definition file is named by {var}, which this module's caller sets; open the calling module's folder (or the definition file itself)"));
            return None;
        }
        let file = beside(self.path, rel.trim_start_matches("./"));
        let Some(text) = files.read(&file) else {
            warnings.push(format!("{where_}: {rel} is not among the files opened (open the project's folder to include it)"));
            return None;
        };
        if let Some(Expression::Object(vars)) = vars {
            for (k, v) in vars.iter() {
                // Only what the file itself resolves (`module.x.arn`, a variable without a
                // default: the playground guesses and says so).
                if let Some(value) = self.resolved(v, 0) {
                    substitutions.insert(Rc::from(object_key(k).as_str()), Value::from(value));
                }
            }
        }
        Some((text, Some(file)))
    }

    fn local(&self, name: &str) -> Option<Expression> {
        self.body
            .blocks()
            .filter(|b| b.identifier() == "locals")
            .find_map(|b| attribute(b.body(), name).cloned())
    }

    /// An HCL value as JSON for `jsonencode`; references become `${…}` placeholders.
    fn to_json(&self, e: &Expression, depth: usize) -> Value {
        if depth > 64 {
            return Value::Null;
        }
        match e {
            Expression::Null => Value::Null,
            Expression::Bool(b) => Value::Bool(*b),
            Expression::Number(n) => match n.as_i64() {
                Some(i) => Value::from(i),
                None => json::parse(&n.to_string()).unwrap_or(Value::Null),
            },
            Expression::String(s) => Value::from(s.as_str()),
            Expression::Array(items) => Value::from(
                items
                    .iter()
                    .map(|i| self.to_json(i, depth + 1))
                    .collect::<Vec<_>>(),
            ),
            Expression::Object(o) => {
                let mut m = Map::default();
                for (k, v) in o.iter() {
                    m.insert(Rc::from(object_key(k).as_str()), self.to_json(v, depth + 1));
                }
                Value::from(m)
            }
            Expression::TemplateExpr(t) => Value::from(template_text(t)),
            Expression::Parenthesis(inner) => self.to_json(inner, depth + 1),
            other => Value::from(format!(
                "${{{}}}",
                hcl::format::to_string(other).unwrap_or_default()
            )),
        }
    }

    /// An expression's value when the file alone tells it: literals, references to its own
    /// resources, variables with defaults and locals, templates made of those.
    fn resolved(&self, e: &Expression, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match e {
            Expression::String(_) | Expression::Number(_) | Expression::Bool(_) => {
                Some(self.string(e, depth))
            }
            Expression::TemplateExpr(_) => {
                Some(self.string(e, depth)).filter(|s| !s.contains("${"))
            }
            Expression::Parenthesis(inner) => self.resolved(inner, depth + 1),
            Expression::Traversal(_) | Expression::Variable(_) => {
                let text = hcl::format::to_string(e).ok()?;
                self.reference(&text, depth + 1)
                    .filter(|s| !s.contains("${"))
            }
            _ => None,
        }
    }

    /// An expression as a string, references resolved where they can be.
    fn string(&self, e: &Expression, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return String::new();
        }
        match e {
            Expression::String(s) => s.clone(),
            Expression::Number(n) => n.to_string(),
            Expression::Bool(b) => b.to_string(),
            Expression::TemplateExpr(t) => self.interpolate(&template_text(t), depth + 1),
            Expression::Parenthesis(inner) => self.string(inner, depth + 1),
            Expression::Traversal(_) | Expression::Variable(_) => {
                let text = hcl::format::to_string(e).unwrap_or_default();
                self.reference(&text, depth + 1).unwrap_or(text)
            }
            Expression::FuncCall(f) if f.name.name.as_str() == "format" => {
                // format("%s-fn", local.x): the arguments in order.
                let mut parts = f.args.iter().map(|a| self.string(a, depth + 1));
                let pattern = parts.next().unwrap_or_default();
                let mut out = String::new();
                let mut rest = pattern.as_str();
                while let Some(i) = rest.find('%') {
                    out.push_str(&rest[..i]);
                    out.push_str(&parts.next().unwrap_or_default());
                    rest = rest.get(i + 2..).unwrap_or("");
                }
                out.push_str(rest);
                out
            }
            other => hcl::format::to_string(other).unwrap_or_default(),
        }
    }

    /// `${…}` interpolations in a Terraform string, resolved where they can be.
    fn interpolate(&self, s: &str, depth: usize) -> String {
        expand(s, |name| self.reference(name, depth + 1))
    }

    /// What a reference stands for: `var.x` (its default), `local.x`, `data.*` (the
    /// playground's region and account), `TYPE.NAME.ATTRIBUTE` (from the resource's own
    /// attributes).
    fn reference(&self, name: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(k) = known(name) {
            return Some(k);
        }
        if name == "path.module" || name == "path.root" || name == "path.cwd" {
            return Some(".".into());
        }
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["var", v, ..] => {
                let block = self.block("variable", &[v])?;
                let default = attribute(block.body(), "default")?;
                Some(self.string(default, depth + 1))
            }
            ["local", l, ..] => Some(self.string(&self.local(l)?, depth + 1)),
            [ty, n, attr] if ty.starts_with("aws_") => {
                let block = self.block("resource", &[ty, n]);
                let own = |key: &str| {
                    block
                        .and_then(|b| attribute(b.body(), key))
                        .map(|e| self.string(e, depth + 1))
                        .filter(|s| !s.is_empty() && !s.contains("${"))
                };
                let named = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| own(k))
                        .unwrap_or_else(|| base_name(n))
                };
                Some(match (*ty, *attr) {
                    ("aws_lambda_function", "function_name") => named(&["function_name"]),
                    ("aws_lambda_function", _) => format!(
                        "arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}",
                        named(&["function_name"])
                    ),
                    ("aws_sqs_queue", "arn") => {
                        format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{}", named(&["name"]))
                    }
                    ("aws_sqs_queue", "name") => named(&["name"]),
                    ("aws_sqs_queue", _) => format!(
                        "https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{}",
                        named(&["name"])
                    ),
                    ("aws_sns_topic", "name") => named(&["name"]),
                    ("aws_sns_topic", _) => {
                        format!("arn:aws:sns:{REGION}:{ACCOUNT}:{}", named(&["name"]))
                    }
                    ("aws_dynamodb_table", "arn") => format!(
                        "arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{}",
                        named(&["name"])
                    ),
                    ("aws_dynamodb_table", _) => named(&["name"]),
                    ("aws_s3_bucket", "arn") => format!("arn:aws:s3:::{}", named(&["bucket"])),
                    ("aws_s3_bucket", _) => named(&["bucket"]),
                    ("aws_sfn_state_machine", "name") => machine_name(&named(&["name"])),
                    ("aws_sfn_state_machine", _) => format!(
                        "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{}",
                        machine_name(&named(&["name"]))
                    ),
                    ("aws_sfn_activity", "name") => named(&["name"]),
                    ("aws_sfn_activity", _) => format!(
                        "arn:aws:states:{REGION}:{ACCOUNT}:activity:{}",
                        named(&["name"])
                    ),
                    ("aws_iam_role", "arn") => {
                        format!("arn:aws:iam::{ACCOUNT}:role/{}", named(&["name"]))
                    }
                    ("aws_ecs_cluster", "arn" | "id") => format!(
                        "arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{}",
                        named(&["name"])
                    ),
                    ("aws_ecs_task_definition", _) => format!(
                        "arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{}:1",
                        named(&["family"])
                    ),
                    ("aws_cloudwatch_event_bus", "arn") => format!(
                        "arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{}",
                        named(&["name"])
                    ),
                    ("aws_batch_job_queue", _) => format!(
                        "arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{}",
                        named(&["name"])
                    ),
                    ("aws_batch_job_definition", _) => format!(
                        "arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/{}:1",
                        named(&["name"])
                    ),
                    (_, "arn") => {
                        let service = ty
                            .trim_start_matches("aws_")
                            .split('_')
                            .next()
                            .unwrap_or("service");
                        format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{}", named(&["name"]))
                    }
                    _ => named(&["name"]),
                })
            }
            _ => None,
        }
    }
}

fn object_key(k: &ObjectKey) -> String {
    match k {
        ObjectKey::Identifier(i) => i.as_str().to_string(),
        ObjectKey::Expression(Expression::String(s)) => s.clone(),
        ObjectKey::Expression(Expression::TemplateExpr(t)) => template_text(t),
        ObjectKey::Expression(e) => hcl::format::to_string(e).unwrap_or_default(),
        other => hcl::format::to_string(other).unwrap_or_default(),
    }
}

/// A Terraform template's text (`${…}` interpolations kept, a `<<-` heredoc dedented).
fn template_text(t: &TemplateExpr) -> String {
    match t {
        TemplateExpr::QuotedString(s) => s.clone(),
        TemplateExpr::Heredoc(h) => {
            let text = h.template.clone();
            if h.strip == hcl::expr::HeredocStripMode::Indent {
                let indent = text
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start().len())
                    .min()
                    .unwrap_or(0);
                text.lines()
                    .map(|l| l.get(indent..).unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                text
            }
        }
    }
}
