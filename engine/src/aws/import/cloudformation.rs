//! SAM (`AWS::Serverless::StateMachine`) and CloudFormation (`AWS::StepFunctions::StateMachine`)
//! templates, YAML or JSON; CDK's synthesized templates (`cdk.out/*.template.json`) are
//! CloudFormation. `Template` resolves what an intrinsic stands for (also for serverless.yml's
//! `resources`).

use super::{beside, machine_name, placeholder_names, yaml_block, Files, Machine};
use crate::model::WorkflowType;
use crate::syntax::json::{self, Map, Value};
use crate::syntax::substitute::{base_name, expand, known, ACCOUNT, REGION};
use crate::syntax::{self, Format, Substitutions};

const SAM: &str = "AWS::Serverless::StateMachine";
const CFN: &str = "AWS::StepFunctions::StateMachine";

/// A template's resources and parameters, to resolve `Ref`, `Fn::GetAtt`, `Fn::Sub` and
/// `Fn::Join` to plausible values.
pub(super) struct Template<'a> {
    pub resources: Option<&'a Map>,
    pub parameters: Option<&'a Map>,
}

/// Intrinsics nest; a template that refers to itself in circles stops here.
const MAX_DEPTH: usize = 16;

impl Template<'_> {
    fn resource(&self, id: &str) -> Option<&Value> {
        self.resources?.get(id)
    }

    fn resource_type(&self, id: &str) -> &str {
        self.resource(id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    fn property(&self, id: &str, key: &str, depth: usize) -> Option<String> {
        let v = self.resource(id)?.get("Properties")?.get(key)?;
        let s = self.resolve(v, depth + 1);
        s.as_str().map(str::to_string).filter(|s| !s.is_empty())
    }

    /// The name AWS would give a resource: its name property, else its logical id.
    fn physical_name(&self, id: &str, depth: usize) -> String {
        let key = match self.resource_type(id) {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => "FunctionName",
            "AWS::SNS::Topic" => "TopicName",
            "AWS::SQS::Queue" => "QueueName",
            "AWS::DynamoDB::Table"
            | "AWS::Serverless::SimpleTable"
            | "AWS::DynamoDB::GlobalTable" => "TableName",
            "AWS::S3::Bucket" => "BucketName",
            SAM => "Name",
            CFN => "StateMachineName",
            "AWS::StepFunctions::Activity" | "AWS::Events::EventBus" | "AWS::Glue::Job" => "Name",
            "AWS::IAM::Role" => "RoleName",
            "AWS::ECS::Cluster" => "ClusterName",
            "AWS::Kinesis::Stream" => "Name",
            "AWS::Logs::LogGroup" => "LogGroupName",
            _ => "Name",
        };
        match self.property(id, key, depth) {
            Some(n) => n,
            None if self.resource_type(id) == "AWS::S3::Bucket" => kebab(id),
            None if matches!(self.resource_type(id), SAM | CFN) => machine_name(id),
            None => id.to_string(),
        }
    }

    /// What `!Ref NAME` stands for.
    pub(super) fn ref_value(&self, name: &str, depth: usize) -> Option<String> {
        if let Some(k) = known(name) {
            return Some(k);
        }
        if let Some(p) = self.parameters.and_then(|p| p.get(name)) {
            let default = p.get("Default").map(|d| self.resolve(d, depth + 1));
            return Some(match default {
                Some(Value::String(s)) => s.to_string(),
                Some(v) if !v.is_null() => v.to_json(),
                _ => name.to_string(),
            });
        }
        self.resource(name)?;
        let n = self.physical_name(name, depth);
        Some(match self.resource_type(name) {
            "AWS::SNS::Topic" => format!("arn:aws:sns:{REGION}:{ACCOUNT}:{n}"),
            "AWS::SQS::Queue" => format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}"),
            SAM | CFN => format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{n}"),
            "AWS::StepFunctions::Activity" => {
                format!("arn:aws:states:{REGION}:{ACCOUNT}:activity:{n}")
            }
            "AWS::Lambda::Version" | "AWS::Lambda::Alias" => {
                format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{n}:1")
            }
            "AWS::ECS::TaskDefinition" => {
                format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{n}:1")
            }
            "AWS::Batch::JobQueue" => format!("arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{n}"),
            "AWS::Batch::JobDefinition" => {
                format!("arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/{n}:1")
            }
            "AWS::SecretsManager::Secret" => {
                format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{n}")
            }
            "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                "a1b2c3d4e5".to_string()
            }
            _ => n,
        })
    }

    /// What `!GetAtt ID.ATTRIBUTE` stands for.
    pub(super) fn getatt(&self, id: &str, attr: &str, depth: usize) -> Option<String> {
        self.resource(id)?;
        let n = self.physical_name(id, depth);
        let ty = self.resource_type(id);
        Some(match (ty, attr) {
            ("AWS::Serverless::Function" | "AWS::Lambda::Function", "Arn") => {
                format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{n}")
            }
            ("AWS::SNS::Topic", "TopicArn") => format!("arn:aws:sns:{REGION}:{ACCOUNT}:{n}"),
            ("AWS::SNS::Topic", "TopicName") => n,
            ("AWS::SQS::Queue", "Arn") => format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{n}"),
            ("AWS::SQS::Queue", "QueueUrl") => {
                format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}")
            }
            ("AWS::SQS::Queue", "QueueName") => n,
            (
                "AWS::DynamoDB::Table"
                | "AWS::Serverless::SimpleTable"
                | "AWS::DynamoDB::GlobalTable",
                "Arn",
            ) => {
                format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{n}")
            }
            ("AWS::DynamoDB::Table", "StreamArn") => {
                format!(
                    "arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{n}/stream/2026-01-01T00:00:00.000"
                )
            }
            ("AWS::S3::Bucket", "Arn") => format!("arn:aws:s3:::{n}"),
            ("AWS::S3::Bucket", _) => format!("{n}.s3.amazonaws.com"),
            (SAM | CFN, "Arn") => format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{n}"),
            (SAM | CFN, "Name") => n,
            ("AWS::StepFunctions::Activity", "Name") => n,
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{ACCOUNT}:role/{n}"),
            ("AWS::Events::EventBus", "Arn") => {
                format!("arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{n}")
            }
            ("AWS::Events::EventBus", "Name") => n,
            ("AWS::ECS::Cluster", "Arn") => format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{n}"),
            ("AWS::Kinesis::Stream", "Arn") => {
                format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{n}")
            }
            ("AWS::Logs::LogGroup", "Arn") => {
                format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{n}:*")
            }
            (_, "Arn") => {
                // AWS::Service::Thing → arn:aws:service:region:account:thing/name
                let mut parts = ty.split("::").skip(1);
                let service = parts.next().unwrap_or("service").to_ascii_lowercase();
                let thing = parts.next().unwrap_or("resource").to_ascii_lowercase();
                format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{thing}/{n}")
            }
            _ => n,
        })
    }

    /// A template value resolved to what AWS would make of it (strings for intrinsics).
    pub(super) fn resolve(&self, v: &Value, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::from("");
        }
        let Some(m) = v.as_object().filter(|m| m.len() == 1) else {
            return v.clone();
        };
        let Some((func, arg)) = m.iter().next() else {
            return v.clone();
        };
        let text = |x: &Value| match self.resolve(x, depth + 1) {
            Value::String(s) => s.to_string(),
            other => other.to_json(),
        };
        match (&**func, arg) {
            ("Ref", Value::String(name)) => Value::from(
                self.ref_value(name, depth)
                    .unwrap_or_else(|| name.to_string()),
            ),
            ("Fn::GetAtt", Value::Array(a)) if a.len() == 2 => {
                let (id, attr) = (text(&a[0]), text(&a[1]));
                Value::from(self.getatt(&id, &attr, depth).unwrap_or(id))
            }
            ("Fn::GetAtt", Value::String(s)) => {
                let (id, attr) = s.split_once('.').unwrap_or((s, "Arn"));
                Value::from(
                    self.getatt(id, attr, depth)
                        .unwrap_or_else(|| id.to_string()),
                )
            }
            ("Fn::Sub", Value::String(t)) => Value::from(self.sub(t, &Map::default(), depth)),
            ("Fn::Sub", Value::Array(a)) if !a.is_empty() => {
                let locals = a
                    .get(1)
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                Value::from(self.sub(a[0].as_str().unwrap_or(""), &locals, depth))
            }
            ("Fn::Join", Value::Array(a)) if a.len() == 2 => {
                let sep = text(&a[0]);
                let list = self.resolve(&a[1], depth + 1);
                let parts: Vec<String> = list.as_array().into_iter().flatten().map(&text).collect();
                Value::from(parts.join(&sep))
            }
            ("Fn::Select", Value::Array(a)) if a.len() == 2 => {
                let i = text(&a[0]).parse::<usize>().unwrap_or(0);
                let list = self.resolve(&a[1], depth + 1);
                list.as_array()
                    .and_then(|l| l.get(i))
                    .map(|x| self.resolve(x, depth + 1))
                    .unwrap_or_else(|| Value::from(""))
            }
            ("Fn::Split", Value::Array(a)) if a.len() == 2 => {
                let sep = text(&a[0]);
                let s = text(&a[1]);
                Value::from(s.split(sep.as_str()).map(Value::from).collect::<Vec<_>>())
            }
            ("Fn::If", Value::Array(a)) if a.len() == 3 => self.resolve(&a[1], depth + 1),
            ("Fn::ImportValue" | "Fn::Base64", x) => Value::from(text(x)),
            ("Fn::FindInMap", Value::Array(a)) => {
                Value::from(a.last().map(&text).unwrap_or_default())
            }
            _ => v.clone(),
        }
    }

    /// `Fn::Sub`'s template with locals, pseudo parameters, parameters and resources.
    fn sub(&self, template: &str, locals: &Map, depth: usize) -> String {
        expand(template, |name| {
            Some(match locals.get(name) {
                Some(v) => match self.resolve(v, depth + 1) {
                    Value::String(s) => s.to_string(),
                    other => other.to_json(),
                },
                None => self
                    .name_value(name, depth)
                    .unwrap_or_else(|| name.to_string()),
            })
        })
    }

    /// A placeholder's value by its name: `X.Attr` a `GetAtt`, `X` a `Ref`.
    pub(super) fn name_value(&self, name: &str, depth: usize) -> Option<String> {
        if let Some(v) = self.ref_value(name, depth) {
            return Some(v);
        }
        let (id, attr) = name.split_once('.')?;
        self.getatt(id, attr, depth)
    }
}

fn kebab(s: &str) -> String {
    base_name(s)
        .chars()
        .enumerate()
        .fold(String::new(), |mut out, (i, c)| {
            if c.is_ascii_uppercase() && i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            out
        })
}

/// The state machines of a SAM or CloudFormation template; with each, the definition file it
/// read (if any).
pub(super) fn read(
    path: &str,
    text: &str,
    files: &dyn Files,
    warnings: &mut Vec<String>,
) -> Vec<(Machine, Option<String>)> {
    let format = syntax::detect(text);
    let parsed = match format {
        Format::Json => json::parse_with_spans(text),
        Format::Yaml => syntax::yaml::parse_with_spans(text),
    };
    let (doc, spans) = match parsed {
        Ok(x) => x,
        Err(e) => {
            let (line, col) = json::line_col(text, e.offset);
            warnings.push(format!("{path}:{line}:{col}: {}", e.message));
            return Vec::new();
        }
    };
    let template = Template {
        resources: doc.get("Resources").and_then(Value::as_object),
        parameters: doc.get("Parameters").and_then(Value::as_object),
    };
    let mut out = Vec::new();
    for (id, r) in template.resources.into_iter().flat_map(|m| m.iter()) {
        let ty = r.get("Type").and_then(Value::as_str).unwrap_or("");
        if ty != SAM && ty != CFN {
            continue;
        }
        let props = r.get("Properties").cloned().unwrap_or_else(Value::object);
        let pointer = format!("/Resources/{}/Properties", json::escape_pointer(id));
        let where_ = format!("{path}: {id}");
        let Some((definition, def_format, from)) = definition_of(
            &props, &pointer, text, format, &spans, &template, path, files, &where_, warnings,
        ) else {
            continue;
        };
        let type_key = if ty == SAM {
            "Type"
        } else {
            "StateMachineType"
        };
        let workflow_type = props
            .get(type_key)
            .map(|t| template.resolve(t, 0))
            .and_then(|t| t.as_str().and_then(WorkflowType::parse))
            .unwrap_or_default();
        let mut substitutions = Substitutions::default();
        if let Some(subs) = props
            .get("DefinitionSubstitutions")
            .and_then(Value::as_object)
        {
            for (k, v) in subs.iter() {
                substitutions.insert(k.clone(), template.resolve(v, 0));
            }
        }
        // An inline definition's intrinsics and a DefinitionString's `${…}` name the template's
        // resources: prefill those. (`${…}` in a DefinitionUri file is replaced only through
        // DefinitionSubstitutions, as AWS does.)
        if from.is_none() {
            for name in placeholder_names(&definition) {
                if substitutions.contains_key(&name) {
                    continue;
                }
                if let Some(v) = template.name_value(&name, 0) {
                    substitutions.insert(name, Value::from(v));
                }
            }
        }
        out.push((
            Machine {
                name: template.physical_name(id, 0),
                workflow_type,
                format: def_format,
                definition,
                substitutions,
                file: path.to_string(),
                resource: id.to_string(),
            },
            from,
        ));
    }
    if out.is_empty() && warnings.is_empty() {
        warnings.push(format!("{path}: no {SAM} or {CFN} resource"));
    }
    out
}

/// The definition text of one state machine resource, its format, and the file it came from.
#[allow(clippy::too_many_arguments)]
fn definition_of(
    props: &Value,
    pointer: &str,
    text: &str,
    format: Format,
    spans: &json::SpanMap,
    template: &Template,
    path: &str,
    files: &dyn Files,
    where_: &str,
    warnings: &mut Vec<String>,
) -> Option<(String, Format, Option<String>)> {
    if let Some(def) = props.get("Definition") {
        let span = spans.value(&format!("{pointer}/Definition"));
        let written = match (format, span) {
            (Format::Yaml, Some(span)) => yaml_block(text, span),
            _ => None,
        };
        return Some(match written {
            Some(t) => (t, Format::Yaml, None),
            None if format == Format::Yaml => (syntax::yaml::to_yaml(def), Format::Yaml, None),
            None => (def.to_json_pretty(), Format::Json, None),
        });
    }
    if let Some(uri) = props.get("DefinitionUri") {
        let Some(rel) = uri.as_str() else {
            warnings.push(format!("{where_}: DefinitionUri points to an S3 object, which cannot be read here; open the definition file instead"));
            return None;
        };
        let file = beside(path, rel);
        return match files.read(&file) {
            Some(t) => Some((t.clone(), syntax::detect(&t), Some(file))),
            None => {
                warnings.push(format!("{where_}: DefinitionUri {rel} is not among the files opened (open the project's folder to include it)"));
                None
            }
        };
    }
    if let Some(s) = props.get("DefinitionString") {
        let text = match s {
            Value::String(t) => t.to_string(),
            other => definition_string(other, template),
        };
        let pretty = json::parse_with_spans(&text)
            .ok()
            .filter(|_| !text.contains('\n'))
            .map(|(v, spans)| {
                if !spans.has_bare_placeholders() {
                    v.to_json_pretty()
                } else {
                    text.clone()
                }
            })
            .unwrap_or(text);
        return Some((pretty, Format::Json, None));
    }
    if props.get("DefinitionS3Location").is_some() {
        warnings.push(format!("{where_}: DefinitionS3Location points to an S3 object, which cannot be read here; open the definition file instead"));
        return None;
    }
    warnings.push(format!(
        "{where_}: no Definition, DefinitionUri or DefinitionString"
    ));
    None
}

/// A `DefinitionString` built with intrinsics (CDK writes `Fn::Join` of strings and `GetAtt`s):
/// the text with each intrinsic as a `${Name}` placeholder.
fn definition_string(v: &Value, template: &Template) -> String {
    let Some((func, arg)) = v.as_object().and_then(|m| m.iter().next()) else {
        return v.to_json();
    };
    match (&**func, arg) {
        ("Fn::Sub", Value::String(t)) => t.to_string(),
        ("Fn::Sub", Value::Array(a)) if !a.is_empty() => {
            // Locals stay placeholders too; their values come through `name_value` (or not).
            a[0].as_str().unwrap_or("").to_string()
        }
        ("Fn::Join", Value::Array(a)) if a.len() == 2 => {
            let sep = a[0].as_str().unwrap_or("");
            let parts: Vec<String> = a[1]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| match p {
                    Value::String(s) => s.to_string(),
                    other => format!(
                        "${{{}}}",
                        intrinsic_name(other).unwrap_or_else(|| template
                            .resolve(other, 0)
                            .as_str()
                            .unwrap_or("")
                            .to_string())
                    ),
                })
                .collect();
            parts.join(sep)
        }
        _ => v.to_json(),
    }
}

/// `{"Ref": "X"}` → `X`, `{"Fn::GetAtt": ["X", "Arn"]}` → `X.Arn`.
fn intrinsic_name(v: &Value) -> Option<String> {
    let (func, arg) = v.as_object()?.iter().next()?;
    match (&**func, arg) {
        ("Ref", Value::String(s)) => Some(s.to_string()),
        ("Fn::GetAtt", Value::Array(a)) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("."),
        ),
        ("Fn::GetAtt", Value::String(s)) => Some(s.to_string()),
        _ => None,
    }
}
