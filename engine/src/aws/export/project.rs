//! The workspace out as a project, the way projects deploy: a SAM template with
//! `DefinitionUri` and `DefinitionSubstitutions`, a CDK app (TypeScript,
//! `DefinitionBody.fromFile` and `definitionSubstitutions`), Terraform (`templatefile`) or a
//! Serverless Framework service; the definitions as files (JSON or YAML), the mocks as
//! `MockConfigFile.json`, the input. Literal ARNs in a definition are lifted into named
//! substitutions, so the definition file is the same in every account. `aws::import` reads each
//! of these back into the same machines (tested in `import`'s tests).

use super::{mock_config, resource_name};
use crate::model::WorkflowType;
use crate::syntax::json::{self, Value};
use crate::syntax::{self, Format, Origin, Substitutions};

/// Where the project is going.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Sam,
    Cdk,
    Terraform,
    Serverless,
}

impl Target {
    pub fn parse(s: &str) -> Option<Target> {
        Some(match s.to_ascii_lowercase().as_str() {
            "sam" => Target::Sam,
            "cdk" => Target::Cdk,
            "terraform" | "tf" => Target::Terraform,
            "serverless" | "sls" => Target::Serverless,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Sam => "sam",
            Target::Cdk => "cdk",
            Target::Terraform => "terraform",
            Target::Serverless => "serverless",
        }
    }
}

/// One machine of the workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectMachine {
    pub name: String,
    pub workflow_type: WorkflowType,
    /// The definition's text as written (JSON or YAML, placeholders intact).
    pub definition: String,
    pub substitutions: Substitutions,
}

/// The project's files, paths relative to its root.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    pub files: Vec<(String, String)>,
}

/// One machine as exported: its ids, its definition file and every substitution it needs.
struct Out {
    name: String,
    /// A logical id / identifier (letters and digits).
    id: String,
    workflow_type: WorkflowType,
    path: String,
    text: String,
    substitutions: Vec<(String, Value)>,
}

/// Builds the project. `format` converts the definitions (`None` keeps each as written;
/// Terraform always gets JSON, which `templatefile` hands to AWS as it is). The mocks and the
/// input are the run's: `mocks` names the machine (an index into `machines`) they are for.
pub fn project(
    machines: &[ProjectMachine],
    target: Target,
    format: Option<Format>,
    mocks: Option<(&Value, usize)>,
    input: Option<&str>,
) -> Project {
    let mut outs: Vec<Out> = Vec::new();
    for m in machines {
        let written = syntax::detect(&m.definition);
        let want = if target == Target::Terraform {
            Some(Format::Json)
        } else {
            format
        };
        let (text, fmt) = match want {
            Some(f) if f != written => match syntax::convert(&m.definition, f) {
                Ok(t) => (t, f),
                Err(_) => (m.definition.clone(), written),
            },
            _ => (m.definition.clone(), written),
        };
        let (text, lifted) = lift_arns(&text, &m.substitutions);
        // Every placeholder gets a value: the ones set, the lifted ARNs, and the ones the
        // playground guessed (AWS would leave `${X}` as it is).
        let mut subs: Vec<(String, Value)> = m
            .substitutions
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        subs.extend(lifted);
        if let Ok(read) = syntax::read_definition(&text, &m.substitutions) {
            for u in read.uses {
                if u.origin == Origin::Guessed && !subs.iter().any(|(k, _)| **k == *u.name) {
                    subs.push((u.name.to_string(), u.value));
                }
            }
        }
        let name = resource_name(&m.name);
        let ext = if fmt == Format::Yaml {
            "asl.yaml"
        } else {
            "asl.json"
        };
        let mut id = logical_id(&name);
        let mut n = 2;
        while outs.iter().any(|o| o.id == id) {
            id = format!("{}{n}", logical_id(&name));
            n += 1;
        }
        outs.push(Out {
            id,
            path: format!("statemachine/{name}.{ext}"),
            name,
            workflow_type: m.workflow_type,
            text,
            substitutions: subs,
        });
    }
    let mut files: Vec<(String, String)> = outs
        .iter()
        .map(|o| (o.path.clone(), o.text.clone()))
        .collect();
    match target {
        Target::Sam => files.push(("template.yaml".into(), sam(&outs))),
        Target::Cdk => files.extend(cdk(&outs)),
        Target::Terraform => files.push(("main.tf".into(), terraform(&outs))),
        Target::Serverless => {
            // Serverless reads `${…}` in a file it includes as its own variables: the
            // placeholders become `${self:custom.substitutions.NAME}`.
            for (o, f) in outs.iter().zip(files.iter_mut()) {
                f.1 = serverless_placeholders(o);
            }
            files.push(("serverless.yml".into(), serverless(&outs)));
        }
    }
    if let Some((m, i)) = mocks {
        if let Some(machine) = outs.get(i).or(outs.first()) {
            files.push((
                "MockConfigFile.json".into(),
                mock_config(m, &machine.name).to_json_pretty(),
            ));
        }
    }
    if let Some(i) = input.filter(|i| !i.trim().is_empty()) {
        files.push(("events/input.json".into(), i.to_string()));
    }
    files.push(("README.md".into(), readme(target, &outs)));
    Project { files }
}

/// `order-flow` → `OrderFlow`.
fn logical_id(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Machine");
    }
    out
}

/// Literal ARNs (a Lambda function, a topic, a state machine) become `${Name}` placeholders
/// with the ARN as their value; service integrations (`arn:aws:states:::…`) stay.
fn lift_arns(text: &str, existing: &Substitutions) -> (String, Vec<(String, Value)>) {
    let value = match syntax::detect(text) {
        Format::Json => json::parse_with_spans(text).map(|x| x.0),
        Format::Yaml => syntax::yaml::parse_with_spans(text).map(|x| x.0),
    };
    let Ok(value) = value else {
        return (text.to_string(), Vec::new());
    };
    let mut arns: Vec<String> = Vec::new();
    collect_arns(&value, &mut arns, 0);
    let mut out = text.to_string();
    let mut lifted: Vec<(String, Value)> = Vec::new();
    for arn in arns {
        let base = arn
            .rsplit([':', '/'])
            .find(|p| !p.is_empty() && !p.starts_with('$') && p.parse::<u64>().is_err())
            .unwrap_or("Resource");
        let mut name = format!("{}Arn", logical_id(base));
        let mut n = 2;
        while existing.contains_key(name.as_str()) || lifted.iter().any(|(k, _)| *k == name) {
            name = format!("{}Arn{n}", logical_id(base));
            n += 1;
        }
        out = out.replace(&arn, &format!("${{{name}}}"));
        lifted.push((name, Value::from(arn.as_str())));
    }
    (out, lifted)
}

fn collect_arns(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::String(s) => {
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            let is_arn = parts.len() == 6
                && parts[0] == "arn"
                && parts[1].starts_with("aws")
                && !parts[4].is_empty()
                && !s.contains("${")
                && !s.contains(char::is_whitespace);
            if is_arn && !out.contains(&s.to_string()) {
                out.push(s.to_string());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_arns(x, out, depth + 1)),
        Value::Object(m) => m.values().for_each(|x| collect_arns(x, out, depth + 1)),
        _ => {}
    }
}

/// A value as a YAML scalar in a template.
fn yaml_scalar(v: &Value) -> String {
    let mut s = syntax::yaml::to_yaml(v);
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

/// A substitution value that names another machine of the project: a reference to it, so
/// the template wires the two (`startExecution` by name works after import too).
fn machine_ref<'a>(v: &Value, outs: &'a [Out]) -> Option<&'a Out> {
    let arn = v.as_str()?;
    let name = arn
        .strip_prefix("arn:aws:states:")?
        .rsplit(":stateMachine:")
        .next()?;
    outs.iter()
        .find(|o| o.name == name && arn.contains(":stateMachine:"))
}

fn sam(outs: &[Out]) -> String {
    let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nDescription: State machines exported from ASL Playground\n\nResources:\n");
    for o in outs {
        t.push_str(&format!(
            "  {id}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Name: {name}\n      Type: {ty}\n      DefinitionUri: {path}\n",
            id = o.id,
            name = o.name,
            ty = o.workflow_type.as_str(),
            path = o.path
        ));
        if !o.substitutions.is_empty() {
            t.push_str("      DefinitionSubstitutions:\n");
            for (k, v) in &o.substitutions {
                match machine_ref(v, outs) {
                    Some(m) => t.push_str(&format!("        {k}: !Ref {}\n", m.id)),
                    None => t.push_str(&format!("        {k}: {}\n", yaml_scalar(v))),
                }
            }
        }
        t.push_str("      Policies:\n        # Narrow these to what the workflow calls.\n        - LambdaInvokePolicy:\n            FunctionName: \"*\"\n        - StepFunctionsExecutionPolicy:\n            StateMachineName: \"*\"\n");
    }
    t
}

/// A TypeScript string literal.
fn ts_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn cdk(outs: &[Out]) -> Vec<(String, String)> {
    let mut stack = String::from("import * as cdk from 'aws-cdk-lib';\nimport * as sfn from 'aws-cdk-lib/aws-stepfunctions';\nimport * as path from 'path';\nimport { Construct } from 'constructs';\n\n/** State machines exported from ASL Playground. */\nexport class PlaygroundStack extends cdk.Stack {\n  constructor(scope: Construct, id: string, props?: cdk.StackProps) {\n    super(scope, id, props);\n");
    for o in outs {
        let var = {
            let mut v = o.id.clone();
            v[..1].make_ascii_lowercase();
            v
        };
        stack.push_str(&format!(
            "    const {var} = new sfn.StateMachine(this, {id}, {{\n      stateMachineName: {name},\n      stateMachineType: sfn.StateMachineType.{ty},\n      definitionBody: sfn.DefinitionBody.fromFile(path.join(__dirname, '..', {path})),\n",
            id = ts_string(&o.id),
            name = ts_string(&o.name),
            ty = o.workflow_type.as_str(),
            path = ts_string(&o.path)
        ));
        if !o.substitutions.is_empty() {
            stack.push_str("      definitionSubstitutions: {\n");
            for (k, v) in &o.substitutions {
                let value = match (machine_ref(v, outs), v) {
                    // A machine defined above in this stack.
                    (Some(m), _)
                        if outs.iter().position(|x| x.id == m.id)
                            < outs.iter().position(|x| x.id == o.id) =>
                    {
                        let mut r = m.id.clone();
                        r[..1].make_ascii_lowercase();
                        format!("{r}.stateMachineArn")
                    }
                    (_, Value::String(s)) => ts_string(s),
                    (_, other) => ts_string(&other.to_json()),
                };
                stack.push_str(&format!("        {}: {value},\n", ts_string(k)));
            }
            stack.push_str("      },\n");
        }
        stack.push_str("    });\n");
        stack.push_str(&format!(
            "    new cdk.CfnOutput(this, {}, {{ value: {var}.stateMachineArn }});\n",
            ts_string(&format!("{}Arn", o.id))
        ));
    }
    stack.push_str("  }\n}\n");
    let app = "#!/usr/bin/env node\nimport * as cdk from 'aws-cdk-lib';\nimport { PlaygroundStack } from '../lib/playground-stack';\n\nconst app = new cdk.App();\nnew PlaygroundStack(app, 'PlaygroundStack');\n".to_string();
    let cdk_json = "{\n  \"app\": \"npx ts-node --prefer-ts-exts bin/app.ts\"\n}\n".to_string();
    let package = "{\n  \"name\": \"playground-stack\",\n  \"private\": true,\n  \"scripts\": { \"cdk\": \"cdk\" },\n  \"devDependencies\": { \"aws-cdk\": \"^2\", \"ts-node\": \"^10\", \"typescript\": \"^5\", \"@types/node\": \"^20\" },\n  \"dependencies\": { \"aws-cdk-lib\": \"^2\", \"constructs\": \"^10\" }\n}\n".to_string();
    vec![
        ("lib/playground-stack.ts".into(), stack),
        ("bin/app.ts".into(), app),
        ("cdk.json".into(), cdk_json),
        ("package.json".into(), package),
    ]
}

/// An HCL string literal (`${` escaped as `$${`, which Terraform reads as a literal).
fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out.replace("${", "$${")
}

fn terraform(outs: &[Out]) -> String {
    let mut t = String::from("# State machines exported from ASL Playground.\n\nvariable \"role_arn\" {\n  type        = string\n  description = \"The IAM role Step Functions assumes to run the state machines\"\n}\n");
    for o in outs {
        let id = o.name.replace('-', "_").to_ascii_lowercase();
        t.push_str(&format!(
            "\nresource \"aws_sfn_state_machine\" \"{id}\" {{\n  name     = {name}\n  type     = \"{ty}\"\n  role_arn = var.role_arn\n  definition = templatefile(\"${{path.module}}/{path}\", {{\n",
            name = hcl_string(&o.name),
            ty = o.workflow_type.as_str(),
            path = o.path
        ));
        for (k, v) in &o.substitutions {
            let value = match (machine_ref(v, outs), v) {
                (Some(m), _) => format!(
                    "aws_sfn_state_machine.{}.arn",
                    m.name.replace('-', "_").to_ascii_lowercase()
                ),
                (_, Value::String(s)) => hcl_string(s),
                (_, other) => other.to_json(),
            };
            t.push_str(&format!("    {k} = {value}\n"));
        }
        t.push_str("  })\n}\n");
    }
    t
}

/// `${NAME}` → `${self:custom.substitutions.MACHINE.NAME}` (one namespace per machine).
fn serverless_placeholders(o: &Out) -> String {
    let mut out = o.text.clone();
    for (k, _) in &o.substitutions {
        out = out.replace(
            &format!("${{{k}}}"),
            &format!("${{self:custom.substitutions.{}.{k}}}", o.id),
        );
    }
    out
}

fn serverless(outs: &[Out]) -> String {
    let service = outs
        .first()
        .map_or("playground".to_string(), |o| o.name.to_ascii_lowercase());
    let mut t = format!("service: {service}\nframeworkVersion: '3'\n\nprovider:\n  name: aws\n  region: us-east-1\n\nplugins:\n  - serverless-step-functions\n\n");
    if outs.iter().any(|o| !o.substitutions.is_empty()) {
        t.push_str("custom:\n  # Values for the definitions' placeholders, machine by machine.\n  substitutions:\n");
        for o in outs.iter().filter(|o| !o.substitutions.is_empty()) {
            t.push_str(&format!("    {}:\n", o.id));
            for (k, v) in &o.substitutions {
                t.push_str(&format!("      {k}: {}\n", yaml_scalar(v)));
            }
        }
        t.push('\n');
    }
    t.push_str("stepFunctions:\n  stateMachines:\n");
    for o in outs {
        t.push_str(&format!(
            "    {id}:\n      name: {name}\n      type: {ty}\n      definition: ${{file(./{path})}}\n",
            id = o.id,
            name = o.name,
            ty = o.workflow_type.as_str(),
            path = o.path
        ));
    }
    t
}

fn readme(target: Target, outs: &[Out]) -> String {
    let first = outs.first().map_or("", |o| o.name.as_str());
    let deploy = match target {
        Target::Sam => "sam build && sam deploy --guided",
        Target::Cdk => "npm install && npx cdk deploy",
        Target::Terraform => {
            "terraform init && terraform apply -var role_arn=arn:aws:iam::ACCOUNT_ID:role/YOUR_ROLE"
        }
        Target::Serverless => {
            "npm install --save-dev serverless-step-functions && npx serverless deploy"
        }
    };
    format!(
        "# State machines from ASL Playground\n\nMachines: {}.\nDefinitions are in `statemachine/`; their `${{…}}` placeholders get their values from the {} file.\n\nDeploy:\n\n    {deploy}\n\nTest with AWS Step Functions Local and the mocks in `MockConfigFile.json` (test case `PlaygroundRun`, machine `{first}`):\n\n    docker run -p 8083:8083 -v $PWD/MockConfigFile.json:/home/MockConfigFile.json -e SFN_MOCK_CONFIG=/home/MockConfigFile.json amazon/aws-stepfunctions-local\n",
        outs.iter().map(|o| format!("`{}` ({})", o.name, o.workflow_type.as_str())).collect::<Vec<_>>().join(", "),
        match target {
            Target::Sam => "template",
            Target::Cdk => "stack",
            Target::Terraform => "Terraform",
            Target::Serverless => "service",
        }
    )
}

/// The project as one zip archive (deflated; every entry dated 2026-01-01, so the same project
/// gives the same bytes and the archive reads without warnings).
#[cfg(feature = "zip")]
pub fn zip(project: &Project) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    let mut output = Vec::new();
    let mut archive = rawzip::ZipArchiveWriter::new(&mut output);
    for (path, text) in &project.files {
        let (mut entry, config) = archive
            .new_file(path)
            .compression_method(rawzip::CompressionMethod::DEFLATE)
            .unix_permissions(0o644)
            .last_modified(rawzip::time::UtcDateTime::from_unix(1_767_225_600))
            .start()
            .map_err(|e| fail(&e))?;
        let encoder = flate2::write::DeflateEncoder::new(&mut entry, flate2::Compression::best());
        let mut writer = config.wrap(encoder);
        writer.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        let (encoder, descriptor) = writer.finish().map_err(|e| fail(&e))?;
        encoder.finish().map_err(|e| fail(&e))?;
        entry.finish(descriptor).map_err(|e| fail(&e))?;
    }
    archive.finish().map_err(|e| fail(&e))?;
    Ok(output)
}

#[cfg(all(test, feature = "zip"))]
mod tests {
    use super::*;

    #[test]
    fn a_zip_holds_every_file() {
        let m = ProjectMachine {
            name: "Orders".into(),
            workflow_type: WorkflowType::Standard,
            definition: r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Charge","End":true}}}"#.into(),
            substitutions: Substitutions::default(),
        };
        let p = project(&[m], Target::Sam, None, None, Some("{}"));
        let def = &p.files[0].1;
        assert!(def.contains("${ChargeArn}"), "{def}");
        let bytes = zip(&p).unwrap();
        assert!(bytes.starts_with(b"PK"));
        assert_eq!(
            bytes,
            zip(&p).unwrap(),
            "the same project gives the same bytes"
        );
        let archive = rawzip::ZipArchive::from_slice(&bytes).unwrap();
        let mut entries = archive.entries();
        let mut names: Vec<String> = Vec::new();
        while let Ok(Some(e)) = entries.next_entry() {
            names.push(e.file_path().try_normalize().unwrap().as_ref().to_string());
        }
        for (path, _) in &p.files {
            assert!(names.contains(path), "{path} in {names:?}");
        }
    }
}
