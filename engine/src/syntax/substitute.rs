//! Placeholders in definitions as projects keep them, and their substitution.
//!
//! SAM's and CloudFormation's `DefinitionSubstitutions`, CDK's `definitionSubstitutions` and
//! Terraform's `templatefile` all write `${Name}` into the definition: all or part of a string,
//! or a bare value (`"MaxConcurrency": ${Max}`, JSON only once substituted). The Serverless
//! Framework adds `#{AWS::Region}`, `${self:…}` and `${opt:…}`, and a template's inline
//! definition may hold CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`).
//! Each becomes a `Use`: its name, where it stands in the text, and the value the run uses:
//! the one given, a known one (AWS's pseudo parameters, a default written in the text), or a
//! plausible one guessed from the field it sits in (a Task's `Resource` gets a Lambda ARN named
//! after the placeholder, `QueueUrl` a queue URL, a number field a number), which validation
//! reports as a warning so the definition still validates and runs.

use super::json::{self, Map, Number, Span, SpanMap, Value};
use std::rc::Rc;

/// Values by placeholder name (strings, numbers or booleans).
pub type Substitutions = Map;

/// The playground's simulated account.
pub(crate) const REGION: &str = "us-east-1";
pub(crate) const ACCOUNT: &str = "123456789012";

/// Where a placeholder's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The user or the template gave it.
    Given,
    /// AWS's pseudo parameters (`AWS::Region` …), a default written in the text
    /// (`${opt:stage, 'dev'}`), a Terraform data source.
    Known,
    /// Nobody gave it: a plausible value for the field it sits in.
    Guessed,
}

/// One placeholder where it is used.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub name: Rc<str>,
    /// The JSON pointer of the value it sits in.
    pub pointer: String,
    /// The placeholder's text in the source (an intrinsic's whole object).
    pub span: Span,
    /// What the run uses.
    pub value: Value,
    pub origin: Origin,
}

/// The substituted value and every placeholder met, in reading order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Substituted {
    pub value: Value,
    pub uses: Vec<Use>,
}

/// Substitutes every placeholder of a parsed definition.
pub(crate) fn substitute(
    value: &Value,
    text: &str,
    spans: &SpanMap,
    given: &Substitutions,
) -> Substituted {
    let mut walker = Walker {
        text,
        spans,
        any_bare: spans.has_bare_placeholders(),
        given,
        uses: Vec::new(),
    };
    let mut pointer = String::new();
    let out = walker.walk(value, &mut pointer, &Context::default());
    let mut uses = walker.uses;
    uses.sort_by_key(|u| (u.span.start, u.span.end));
    Substituted {
        value: out.unwrap_or_else(|| value.clone()),
        uses,
    }
}

/// Does the text hold anything this module would substitute? (A cheap test before the walk.)
pub(crate) fn has_placeholders(text: &str) -> bool {
    text.contains("${") || text.contains("#{") || text.contains("Ref") || text.contains("Fn::")
}

/// What a placeholder's surroundings say about the value it wants.
#[derive(Clone, Default)]
struct Context {
    /// The field it sits in (`Resource`, `FunctionName`, `QueueUrl`, …); `PART` when the
    /// placeholder is only part of the string (`arn:${Partition}:states:::…`).
    field: Rc<str>,
}

impl Context {
    const PART: &'static str = " part";
    fn part() -> Context {
        Context {
            field: Rc::from(Context::PART),
        }
    }
}

struct Walker<'a> {
    text: &'a str,
    spans: &'a SpanMap,
    /// Does the text have bare `${Name}` placeholders at all?
    any_bare: bool,
    given: &'a Substitutions,
    uses: Vec<Use>,
}

/// The intrinsic functions a definition may hold (a template's inline definition).
const INTRINSICS: &[&str] = &[
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::If",
    "Fn::Select",
    "Fn::ImportValue",
    "Fn::FindInMap",
    "Fn::Base64",
    "Fn::ToJsonString",
];

impl Walker<'_> {
    /// The substituted value, or `None` when nothing inside changed (no copy is made).
    fn walk(&mut self, v: &Value, pointer: &mut String, ctx: &Context) -> Option<Value> {
        match v {
            Value::String(s) => {
                // (A lookup costs the pointer's length: only when there are any.)
                let bare = self.any_bare && self.spans.is_bare_placeholder(pointer);
                self.string(s, pointer, ctx, bare)
            }
            Value::Array(items) => {
                let mut out: Option<Vec<Value>> = None;
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    let changed = self.walk(item, pointer, ctx);
                    pointer.truncate(len);
                    if let Some(c) = changed {
                        out.get_or_insert_with(|| items.as_ref().clone())[i] = c;
                    }
                }
                out.map(Value::from)
            }
            Value::Object(m) => {
                if m.len() == 1 {
                    if let Some((k, arg)) = m.iter().next() {
                        if INTRINSICS.contains(&&**k) {
                            return Some(self.intrinsic(k, arg, pointer, ctx));
                        }
                    }
                }
                let in_states = pointer.ends_with("/States") || pointer == "/States";
                let mut out: Option<Map> = None;
                for (k, item) in m.iter() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&json::escape_pointer(k));
                    // Inside a state, the field names the value; a state's own name does not.
                    let child_ctx = Context {
                        field: if in_states { Rc::from("") } else { k.clone() },
                    };
                    let changed = self.walk(item, pointer, &child_ctx);
                    pointer.truncate(len);
                    if let Some(c) = changed {
                        out.get_or_insert_with(|| m.as_ref().clone())
                            .insert(k.clone(), c);
                    }
                }
                out.map(Value::from)
            }
            _ => None,
        }
    }

    /// A string's placeholders (`${…}`, `#{…}`).
    fn string(&mut self, s: &str, pointer: &str, ctx: &Context, bare: bool) -> Option<Value> {
        let found = find_placeholders(s, false);
        if found.is_empty() {
            return None;
        }
        let whole = found.len() == 1 && found[0].start == 0 && found[0].end == s.len();
        let mut out = String::new();
        let mut last = 0;
        let mut whole_value = None;
        for p in &found {
            out.push_str(&s[last..p.start]);
            last = p.end;
            let Some(name) = p.name.as_deref() else {
                // An escape: `$${` (Terraform) or `${!` (Fn::Sub) stands for itself.
                out.push_str(&p.literal);
                continue;
            };
            let span = self
                .spans
                .string_range(self.text, pointer, p.start, p.end - p.start)
                .unwrap_or_default();
            let part = if whole { ctx.clone() } else { Context::part() };
            let typed = bare || number_for(&ctx.field).is_some();
            let value = self.resolve(name, pointer, span, &part, whole && typed);
            push_text(&mut out, &value);
            whole_value = Some(value);
        }
        out.push_str(&s[last..]);
        // A bare placeholder takes its value's type; so does a whole-string one in a field
        // that needs a number (`Seconds: ${Delay}` is how YAML writes it: it has no bare form).
        let typed = bare || number_for(&ctx.field).is_some();
        match (whole && typed, whole_value) {
            (true, Some(v)) => Some(typed_bare(v)),
            _ => Some(Value::from(out)),
        }
    }

    fn resolve(
        &mut self,
        name: &str,
        pointer: &str,
        span: Span,
        ctx: &Context,
        bare: bool,
    ) -> Value {
        let (value, origin) = match self.given.get(name) {
            Some(v) => (v.clone(), Origin::Given),
            None => match known(name) {
                Some(v) => (Value::from(v), Origin::Known),
                None => (guess(name, ctx, bare), Origin::Guessed),
            },
        };
        self.uses.push(Use {
            name: Rc::from(name),
            pointer: pointer.to_string(),
            span,
            value: value.clone(),
            origin,
        });
        value
    }

    /// A CloudFormation intrinsic object, resolved to a string.
    fn intrinsic(&mut self, func: &str, arg: &Value, pointer: &mut String, ctx: &Context) -> Value {
        let span = self.spans.value(pointer.as_str()).unwrap_or_default();
        let inner = format!("{pointer}/{}", json::escape_pointer(func));
        match (func, arg) {
            ("Ref", Value::String(name)) => self.resolve(name, pointer, span, ctx, false),
            ("Fn::GetAtt", Value::Array(parts)) => {
                let name: Vec<String> = parts
                    .iter()
                    .map(|p| p.as_str().map_or_else(|| p.to_json(), str::to_string))
                    .collect();
                self.resolve(&name.join("."), pointer, span, ctx, false)
            }
            ("Fn::GetAtt", Value::String(name)) => self.resolve(name, pointer, span, ctx, false),
            ("Fn::Sub", Value::String(template)) => {
                Value::from(self.sub(template, &Map::default(), &inner, ctx))
            }
            ("Fn::Sub", Value::Array(a)) if !a.is_empty() => {
                let template = a[0].as_str().unwrap_or_default().to_string();
                let mut locals = Map::default();
                if let Some(vars) = a.get(1).and_then(Value::as_object) {
                    for (k, v) in vars.iter() {
                        let mut p = format!("{inner}/1/{}", json::escape_pointer(k));
                        let resolved = self.walk(v, &mut p, ctx).unwrap_or_else(|| v.clone());
                        locals.insert(k.clone(), resolved);
                    }
                }
                Value::from(self.sub(&template, &locals, &format!("{inner}/0"), ctx))
            }
            ("Fn::Join", Value::Array(a)) if a.len() == 2 => {
                let sep = a[0].as_str().unwrap_or_default().to_string();
                let mut p = format!("{inner}/1");
                let list = self
                    .walk(&a[1], &mut p, ctx)
                    .unwrap_or_else(|| a[1].clone());
                let parts: Vec<String> = list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| {
                        let mut s = String::new();
                        push_text(&mut s, x);
                        s
                    })
                    .collect();
                Value::from(parts.join(&sep))
            }
            ("Fn::Select", Value::Array(a)) if a.len() == 2 => {
                let mut p = format!("{inner}/1");
                let list = self
                    .walk(&a[1], &mut p, ctx)
                    .unwrap_or_else(|| a[1].clone());
                let i = a[0]
                    .as_number()
                    .and_then(Number::as_i64)
                    .or_else(|| a[0].as_str().and_then(|s| s.parse().ok()))
                    .unwrap_or(0)
                    .max(0) as usize;
                list.as_array()
                    .and_then(|l| l.get(i).cloned())
                    .unwrap_or_else(|| Value::from(""))
            }
            ("Fn::If", Value::Array(a)) if a.len() == 3 => {
                // The condition cannot be evaluated here: the first branch.
                let mut p = format!("{inner}/1");
                self.walk(&a[1], &mut p, ctx)
                    .unwrap_or_else(|| a[1].clone())
            }
            ("Fn::Base64" | "Fn::ToJsonString", x) => {
                let mut p = inner.clone();
                self.walk(x, &mut p, ctx).unwrap_or_else(|| x.clone())
            }
            (_, x) => {
                // Fn::ImportValue, Fn::FindInMap and forms this file does not evaluate: one
                // placeholder named by its text.
                let name = match x {
                    Value::String(s) => s.to_string(),
                    other => other.to_json(),
                };
                self.resolve(&name, pointer, span, ctx, false)
            }
        }
    }

    /// `Fn::Sub`'s template: `${Name}` from the local variables or as a placeholder,
    /// `${!Literal}` as `${Literal}`.
    fn sub(&mut self, template: &str, locals: &Map, pointer: &str, ctx: &Context) -> String {
        let mut out = String::new();
        let mut last = 0;
        for p in find_placeholders(template, true) {
            out.push_str(&template[last..p.start]);
            last = p.end;
            match p.name.as_deref() {
                None => out.push_str(&p.literal),
                Some(name) => match locals.get(name) {
                    Some(v) => push_text(&mut out, v),
                    None => {
                        let span = self
                            .spans
                            .string_range(self.text, pointer, p.start, p.end - p.start)
                            .unwrap_or_default();
                        let whole = p.start == 0 && p.end == template.len();
                        let part = if whole { ctx.clone() } else { Context::part() };
                        let v = self.resolve(name, pointer, span, &part, false);
                        push_text(&mut out, &v);
                    }
                },
            }
        }
        out.push_str(&template[last..]);
        out
    }
}

/// A value as the text substitution inserts (a string as it is, else its JSON).
fn push_text(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        other => out.push_str(&other.to_json()),
    }
}

/// A bare placeholder becomes what its text is as JSON: `10` a number, `true` a boolean;
/// anything else a string.
fn typed_bare(v: Value) -> Value {
    match &v {
        Value::String(s) => match json::parse(s.trim()) {
            Ok(x @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => x,
            _ => v,
        },
        _ => v,
    }
}

/// One `${…}` or `#{…}` in a string.
struct Found {
    start: usize,
    end: usize,
    /// `None` for an escape, which stands for `literal`.
    name: Option<String>,
    literal: String,
}

fn find_placeholders(s: &str, in_sub: bool) -> Vec<Found> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        let opener = (b[i] == b'$' || b[i] == b'#') && b[i + 1] == b'{';
        if !opener {
            i += 1;
            continue;
        }
        // Terraform's `$${` is a literal `${`.
        if b[i] == b'$' && i > 0 && b[i - 1] == b'$' {
            out.push(Found {
                start: i - 1,
                end: i + 2,
                name: None,
                literal: "${".into(),
            });
            i += 2;
            continue;
        }
        // The matching brace (Serverless nests: `${opt:stage, ${self:provider.stage}}`).
        let mut depth = 0;
        let mut j = i + 1;
        let mut close = None;
        while j < b.len() {
            match b[j] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                b'\n' => break,
                _ => {}
            }
            j += 1;
        }
        let Some(close) = close else {
            i += 2;
            continue;
        };
        let inner = s[i + 2..close].trim();
        if b[i] == b'#' && !is_plain_name(inner) {
            // `#{` in ordinary text ("Order #{id}") is not a pseudo-parameter.
            i += 2;
            continue;
        }
        if in_sub && inner.starts_with('!') {
            out.push(Found {
                start: i,
                end: close + 1,
                name: None,
                literal: format!("${{{}}}", &inner[1..]),
            });
        } else if !inner.is_empty() {
            out.push(Found {
                start: i,
                end: close + 1,
                name: Some(inner.to_string()),
                literal: String::new(),
            });
        }
        i = close + 1;
    }
    out
}

/// `text` with each `${name}` replaced by what `resolve` gives for it; one it gives nothing for
/// stays as written, and `${!Literal}` is the literal `${Literal}` (`Fn::Sub`'s escape). For
/// the templates around a definition (a CloudFormation `Fn::Sub`, a Serverless or Terraform
/// string), which resolve names against their own file.
#[cfg(feature = "import")]
pub(crate) fn expand(text: &str, mut resolve: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = after[..close].trim();
        match name.strip_prefix('!') {
            Some(literal) => {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            }
            None => match resolve(name) {
                Some(v) => out.push_str(&v),
                None => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-'))
}

/// Values that do not need guessing: AWS's pseudo parameters and their Serverless and
/// Terraform spellings, and defaults written in the text.
pub(crate) fn known(name: &str) -> Option<String> {
    let v = match name {
        "AWS::Region" | "aws:region" | "self:provider.region" => REGION,
        "AWS::AccountId" | "aws:accountId" => ACCOUNT,
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::StackName" => "playground",
        "AWS::StackId" => "arn:aws:cloudformation:us-east-1:123456789012:stack/playground/00000000-0000-0000-0000-000000000000",
        "AWS::NoValue" => "",
        "sls:stage" | "self:provider.stage" => "dev",
        _ => {
            if let Some(rest) = name.strip_prefix("data.") {
                let attr = rest.rsplit('.').next().unwrap_or_default();
                return Some(
                    match (rest.split('.').next().unwrap_or_default(), attr) {
                        ("aws_partition", "dns_suffix") => "amazonaws.com",
                        ("aws_partition", _) => "aws",
                        ("aws_region", _) => REGION,
                        ("aws_caller_identity", "account_id") => ACCOUNT,
                        _ => return None,
                    }
                    .to_string(),
                );
            }
            // `${opt:stage, 'dev'}`, `${env:X, "y"}`: the default after the comma.
            if let Some((_, default)) = name.split_once(',') {
                let d = default.trim().trim_matches(['\'', '"']);
                if !d.contains("${") {
                    return Some(d.to_string());
                }
            }
            return None;
        }
    };
    Some(v.to_string())
}

/// The base of a placeholder's name, for naming what it stands for: `OrderFn.Arn` → `OrderFn`,
/// `aws_lambda_function.check_price.arn` → `check_price`, `self:custom.tableName` →
/// `tableName`.
pub(crate) fn base_name(name: &str) -> String {
    let name = name.split(',').next().unwrap_or(name).trim();
    let name = name.rsplit(':').next().unwrap_or(name);
    let parts: Vec<&str> = name.split('.').filter(|p| !p.is_empty()).collect();
    let pick = match parts.as_slice() {
        // Terraform: TYPE.NAME.ATTRIBUTE, var.NAME, local.NAME, module.M.OUTPUT
        [t, n, _] if t.starts_with("aws_") => n,
        ["var" | "local", n, ..] => n,
        [.., last] if parts.len() >= 2 && is_attribute(last) => parts[parts.len() - 2],
        [.., last] => last,
        [] => "Placeholder",
    };
    let mut s: String = pick
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    for suffix in ["Arn", "ARN", "arn", "Url", "URL", "Name"] {
        if s.len() > suffix.len() + 1 {
            if let Some(stripped) = s.strip_suffix(suffix) {
                s = stripped.trim_end_matches(['_', '-']).to_string();
                break;
            }
        }
    }
    if s.is_empty() {
        "Placeholder".into()
    } else {
        s
    }
}

fn is_attribute(s: &str) -> bool {
    matches!(
        s,
        "Arn"
            | "arn"
            | "Name"
            | "name"
            | "id"
            | "Id"
            | "url"
            | "Url"
            | "QueueUrl"
            | "QueueName"
            | "TopicArn"
            | "TopicName"
            | "invoke_arn"
            | "StreamArn"
            | "bucket"
            | "function_name"
            | "StateMachineArn"
            | "StateMachineName"
    )
}

/// An AWS service a name or field points to.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Service {
    Lambda,
    Sns,
    SqsUrl,
    SqsArn,
    DynamoTable,
    DynamoArn,
    StateMachine,
    Activity,
    S3Bucket,
    S3Arn,
    Role,
    EcsCluster,
    EcsTask,
    EventBus,
    Secret,
    Kinesis,
    BatchQueue,
    BatchDefinition,
}

fn service_of(name: &str) -> Option<Service> {
    let lower = name.to_ascii_lowercase();
    let has = |w: &str| lower.contains(w);
    // A Terraform resource type says it exactly.
    if let Some(t) = lower.split('.').next().filter(|t| t.starts_with("aws_")) {
        let attr = lower.rsplit('.').next().unwrap_or_default();
        return Some(match t {
            "aws_lambda_function" | "aws_lambda_alias" => Service::Lambda,
            "aws_sns_topic" => Service::Sns,
            "aws_sqs_queue" if attr == "arn" => Service::SqsArn,
            "aws_sqs_queue" => Service::SqsUrl,
            "aws_dynamodb_table" if attr == "arn" => Service::DynamoArn,
            "aws_dynamodb_table" => Service::DynamoTable,
            "aws_sfn_state_machine" => Service::StateMachine,
            "aws_sfn_activity" => Service::Activity,
            "aws_s3_bucket" if attr == "arn" => Service::S3Arn,
            "aws_s3_bucket" => Service::S3Bucket,
            "aws_iam_role" => Service::Role,
            "aws_ecs_cluster" => Service::EcsCluster,
            "aws_ecs_task_definition" => Service::EcsTask,
            "aws_cloudwatch_event_bus" => Service::EventBus,
            "aws_secretsmanager_secret" => Service::Secret,
            "aws_kinesis_stream" => Service::Kinesis,
            "aws_batch_job_queue" => Service::BatchQueue,
            "aws_batch_job_definition" => Service::BatchDefinition,
            _ => return None,
        });
    }
    let arn = lower.ends_with("arn");
    Some(
        if has("statemachine") || has("state_machine") || has("workflow") || has("sfn") {
            Service::StateMachine
        } else if has("activity") {
            Service::Activity
        } else if has("function")
            || has("lambda")
            || has("handler")
            || lower.ends_with("fnarn")
            || lower.ends_with("fn.arn")
            || lower.ends_with("fn")
        {
            Service::Lambda
        } else if has("topic") || has("sns") {
            Service::Sns
        } else if has("queue") || has("sqs") {
            if arn {
                Service::SqsArn
            } else {
                Service::SqsUrl
            }
        } else if has("table") || has("dynamo") || has("ddb") {
            if arn {
                Service::DynamoArn
            } else {
                Service::DynamoTable
            }
        } else if has("bucket") {
            if arn {
                Service::S3Arn
            } else {
                Service::S3Bucket
            }
        } else if has("role") {
            Service::Role
        } else if has("cluster") {
            Service::EcsCluster
        } else if has("taskdef") || has("task_definition") {
            Service::EcsTask
        } else if has("eventbus") || has("event_bus") || has("bus") {
            Service::EventBus
        } else if has("secret") {
            Service::Secret
        } else if has("stream") || has("kinesis") {
            Service::Kinesis
        } else {
            return None;
        },
    )
}

fn service_of_field(field: &str) -> Option<Service> {
    Some(match field {
        "FunctionName" => Service::Lambda,
        "TopicArn" | "TargetArn" => Service::Sns,
        "QueueUrl" => Service::SqsUrl,
        "TableName" => Service::DynamoTable,
        "StateMachineArn" => Service::StateMachine,
        "Bucket" | "BucketName" => Service::S3Bucket,
        "RoleArn" | "ExecutionRoleArn" => Service::Role,
        "Cluster" => Service::EcsCluster,
        "TaskDefinition" => Service::EcsTask,
        "EventBusName" => Service::EventBus,
        "SecretId" => Service::Secret,
        "StreamName" => Service::Kinesis,
        "JobQueue" => Service::BatchQueue,
        "JobDefinition" => Service::BatchDefinition,
        _ => return None,
    })
}

fn value_for(service: Service, base: &str) -> String {
    let kebab = kebab(base);
    match service {
        Service::Lambda => format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{base}"),
        Service::Sns => format!("arn:aws:sns:{REGION}:{ACCOUNT}:{base}"),
        Service::SqsUrl => format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{base}"),
        Service::SqsArn => format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{base}"),
        Service::DynamoTable => base.to_string(),
        Service::DynamoArn => format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{base}"),
        Service::StateMachine => format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{base}"),
        Service::Activity => format!("arn:aws:states:{REGION}:{ACCOUNT}:activity:{base}"),
        Service::S3Bucket => kebab,
        Service::S3Arn => format!("arn:aws:s3:::{kebab}"),
        Service::Role => format!("arn:aws:iam::{ACCOUNT}:role/{base}"),
        Service::EcsCluster => format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{base}"),
        Service::EcsTask => format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{base}:1"),
        Service::EventBus => base.to_string(),
        Service::Secret => format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{base}"),
        Service::Kinesis => format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{base}"),
        Service::BatchQueue => format!("arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{base}"),
        Service::BatchDefinition => {
            format!("arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/{base}:1")
        }
    }
}

/// `MyBucketName` → `my-bucket-name` (S3 bucket names are lower case).
fn kebab(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('-') {
            out.push('-');
        }
        out.push(if c == '_' {
            '-'
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

/// Number fields and a value that works in each.
fn number_for(field: &str) -> Option<i64> {
    Some(match field {
        "MaxConcurrency" => 10,
        "TimeoutSeconds" => 60,
        "HeartbeatSeconds" => 30,
        "Seconds" | "IntervalSeconds" => 1,
        "MaxAttempts" => 3,
        "BackoffRate" => 2,
        "MaxDelaySeconds" => 60,
        "ToleratedFailureCount" | "ToleratedFailurePercentage" => 0,
        "MaxItems" => 100,
        "MaxItemsPerBatch" => 10,
        "MaxInputBytesPerBatch" => 262_144,
        _ => return None,
    })
}

/// A plausible value for a placeholder nobody gave.
fn guess(name: &str, ctx: &Context, bare: bool) -> Value {
    let base = base_name(name);
    let field = &*ctx.field;
    if field == Context::PART {
        // Inside an ARN or a URL: AWS's pseudo parameters under other names, else the name.
        let lower = name.to_ascii_lowercase();
        return Value::from(if lower.contains("partition") {
            "aws".to_string()
        } else if lower.contains("region") {
            REGION.to_string()
        } else if lower.contains("account") {
            ACCOUNT.to_string()
        } else {
            base
        });
    }
    if let Some(n) = number_for(field) {
        if bare {
            return Value::from(n);
        }
    }
    if bare && service_of(name).is_none() {
        return Value::from(1i64);
    }
    if field == "Resource" {
        let service = match service_of(name) {
            Some(s @ Service::Activity) => s,
            _ => Service::Lambda,
        };
        return Value::from(value_for(service, &base));
    }
    // The field says it best (`QueueUrl`, `TableName`), then the name (`OrderTopicArn`).
    let service = service_of_field(field).or_else(|| service_of(name));
    match service {
        Some(s) => Value::from(value_for(s, &base)),
        None if name.ends_with("Arn") || name.ends_with("ARN") || name.ends_with(".arn") => {
            Value::from(value_for(Service::Lambda, &base))
        }
        None => Value::from(base),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, given: &[(&str, Value)]) -> Substituted {
        let (v, spans) = json::parse_with_spans(text).unwrap();
        let mut g = Substitutions::default();
        for (k, x) in given {
            g.insert(Rc::from(*k), x.clone());
        }
        substitute(&v, text, &spans, &g)
    }

    #[test]
    fn placeholders_whole_partial_and_bare() {
        let text = r#"{"States": {"T": {"Type": "Task", "Resource": "${OrderFnArn}",
            "Parameters": {"QueueUrl": "${Q}", "Arn": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t"},
            "TimeoutSeconds": ${Timeout}, "HeartbeatSeconds": ${Beat}}}}"#;
        let s = run(text, &[("Beat", Value::from("7"))]);
        let t = s.value.pointer("/States/T").unwrap();
        assert_eq!(
            t.get("Resource").unwrap().as_str(),
            Some("arn:aws:lambda:us-east-1:123456789012:function:OrderFn")
        );
        assert_eq!(
            t.pointer("/Parameters/QueueUrl").unwrap().as_str(),
            Some("https://sqs.us-east-1.amazonaws.com/123456789012/Q")
        );
        assert_eq!(
            t.pointer("/Parameters/Arn").unwrap().as_str(),
            Some("arn:aws:sns:us-east-1:123456789012:t")
        );
        assert_eq!(t.get("TimeoutSeconds").unwrap().to_json(), "60");
        assert_eq!(t.get("HeartbeatSeconds").unwrap().to_json(), "7");
        let origins: Vec<(&str, Origin)> = s.uses.iter().map(|u| (&*u.name, u.origin)).collect();
        assert_eq!(
            origins,
            vec![
                ("OrderFnArn", Origin::Guessed),
                ("Q", Origin::Guessed),
                ("AWS::Partition", Origin::Known),
                ("AWS::Region", Origin::Known),
                ("AWS::AccountId", Origin::Known),
                ("Timeout", Origin::Guessed),
                ("Beat", Origin::Given),
            ]
        );
        // Each use is located at its own text.
        for u in &s.uses {
            let t = &text[u.span.start..u.span.end];
            assert!(
                t.starts_with("${") && t.ends_with('}') && t.contains(&*u.name),
                "{t}"
            );
        }
    }

    #[test]
    fn intrinsics_and_escapes() {
        let text = r#"{"A": {"Fn::GetAtt": ["OrderFn", "Arn"]}, "B": {"Ref": "Table"},
            "C": {"Fn::Sub": ["arn:${AWS::Partition}:x:${Local}:${!Literal}", {"Local": {"Ref": "Q"}}]},
            "D": {"Fn::Join": [":", ["a", {"Ref": "AWS::Region"}, "c"]]}, "E": "$${not} #{AWS::Region} Order #{id with spaces}"}"#;
        let s = run(text, &[("OrderFn.Arn", Value::from("arn:given"))]);
        assert_eq!(
            s.value.to_json(),
            r#"{"A":"arn:given","B":"Table","C":"arn:aws:x:Q:${Literal}","D":"a:us-east-1:c","E":"${not} us-east-1 Order #{id with spaces}"}"#
        );
    }

    #[test]
    fn names_of_what_placeholders_stand_for() {
        assert_eq!(base_name("OrderFn.Arn"), "OrderFn");
        assert_eq!(
            base_name("aws_lambda_function.check_price.arn"),
            "check_price"
        );
        assert_eq!(base_name("self:custom.tableName"), "table");
        assert_eq!(base_name("ProcessFileFunctionArn"), "ProcessFileFunction");
        assert_eq!(known("opt:stage, 'prod'").as_deref(), Some("prod"));
        assert_eq!(
            known("data.aws_partition.current.partition").as_deref(),
            Some("aws")
        );
        let ctx = Context {
            field: Rc::from("StateMachineArn"),
        };
        assert_eq!(
            guess("ChildMachine", &ctx, false).as_str(),
            Some("arn:aws:states:us-east-1:123456789012:stateMachine:ChildMachine")
        );
    }
}
