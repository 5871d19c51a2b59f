//! Opening a real project: the state machines of SAM, CloudFormation (and CDK's synthesized
//! templates), the Serverless Framework and Terraform files, with the definitions as written
//! (JSON or YAML, placeholders intact) and substitutions prefilled from the template: what a
//! `DefinitionSubstitutions` entry, a `Ref` or a `templatefile` variable stands for, resolved to
//! a plausible value (`!GetAtt OrderFn.Arn` → the ARN of a Lambda function named after it,
//! `!Ref Table` → its table name, a parameter → its default).
//!
//! Pure: files come in as text; a definition a template points to (`DefinitionUri`,
//! `${file(…)}`, `templatefile(…)`) is asked for by path through `Files`.

#[cfg(feature = "import")]
mod cloudformation;
#[cfg(feature = "import")]
mod serverless;
#[cfg(feature = "import")]
mod terraform;

use crate::model::WorkflowType;
#[cfg(feature = "import")]
use crate::syntax;
#[cfg(feature = "import")]
use crate::syntax::json;
use crate::syntax::json::Value;
use crate::syntax::{Format, Substitutions};
use std::rc::Rc;

/// One state machine found in a project.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub name: String,
    pub workflow_type: WorkflowType,
    pub format: Format,
    /// The definition's text as written (a file's text; an inline definition's lines).
    pub definition: String,
    /// Values for its placeholders, from the template.
    pub substitutions: Substitutions,
    /// Where it came from: the file, and the resource in it (logical id, Serverless key,
    /// Terraform address), empty for a plain definition file.
    pub file: String,
    pub resource: String,
}

/// What `import` found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub machines: Vec<Machine>,
    /// What could not be read, one sentence each.
    pub warnings: Vec<String>,
    /// The project's mocks (a `MockConfigFile.json`, as Step Functions Local reads it), with
    /// the machine and test case to run.
    pub mocks: Option<ProjectMocks>,
    /// An execution input the project keeps (`events/input.json`, as the export writes it).
    pub input: Option<String>,
}

/// A `MockConfigFile.json` found in a project.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectMocks {
    pub text: String,
    pub machine: String,
    pub test_case: String,
}

impl Imported {
    /// `asl import`'s answer: `{"machines": [{name, type, format, definition,
    /// substitutions, source: {file, resource}}], "warnings": [...], "mocks"?: {text, machine,
    /// testCase}, "input"?}`.
    pub fn to_value(&self) -> Value {
        let machines: Vec<Value> = self
            .machines
            .iter()
            .map(|m| {
                crate::obj! {
                    "name" => m.name.as_str(),
                    "type" => m.workflow_type.as_str(),
                    "format" => m.format.as_str(),
                    "definition" => m.definition.as_str(),
                    "substitutions" => Value::from(m.substitutions.clone()),
                    "source" => crate::obj! { "file" => m.file.as_str(), "resource" => m.resource.as_str() },
                }
            })
            .collect();
        let warnings: Vec<Value> = self
            .warnings
            .iter()
            .map(|w| Value::from(w.as_str()))
            .collect();
        let mut v = crate::obj! { "machines" => machines, "warnings" => warnings };
        if let Value::Object(m) = &mut v {
            let m = Rc::make_mut(m);
            if let Some(mocks) = &self.mocks {
                m.insert(
                    Rc::from("mocks"),
                    crate::obj! { "text" => mocks.text.as_str(), "machine" => mocks.machine.as_str(), "testCase" => mocks.test_case.as_str() },
                );
            }
            if let Some(input) = &self.input {
                m.insert(Rc::from("input"), Value::from(input.as_str()));
            }
        }
        v
    }

    /// Reads `to_value`'s form back (the page gets it from its extras module).
    pub fn from_value(v: &Value) -> Imported {
        let s = |m: &Value, k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Imported {
            machines: v
                .get("machines")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|m| Machine {
                    name: s(m, "name"),
                    workflow_type: m
                        .get("type")
                        .and_then(Value::as_str)
                        .and_then(WorkflowType::parse)
                        .unwrap_or_default(),
                    format: if s(m, "format") == "yaml" {
                        Format::Yaml
                    } else {
                        Format::Json
                    },
                    definition: s(m, "definition"),
                    substitutions: m
                        .get("substitutions")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default(),
                    file: m.get("source").map(|x| s(x, "file")).unwrap_or_default(),
                    resource: m
                        .get("source")
                        .map(|x| s(x, "resource"))
                        .unwrap_or_default(),
                })
                .collect(),
            warnings: v
                .get("warnings")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect(),
            mocks: v.get("mocks").map(|m| ProjectMocks {
                text: s(m, "text"),
                machine: s(m, "machine"),
                test_case: s(m, "testCase"),
            }),
            input: v.get("input").and_then(Value::as_str).map(str::to_string),
        }
    }
}

/// The files of a project: the ones opened, and any other a template points to.
pub trait Files {
    /// The text of the file at `path` (relative paths are already resolved), if there is one.
    fn read(&self, path: &str) -> Option<String>;
}

impl Files for Vec<(String, String)> {
    fn read(&self, path: &str) -> Option<String> {
        let want = normalize(path);
        self.iter()
            .find(|(p, _)| normalize(p) == want)
            .map(|(_, t)| t.clone())
    }
}

/// `a/./b/../c` → `a/c`; backslashes as slashes.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// `relative` as seen from the folder of `file`.
pub fn beside(file: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return normalize(relative);
    }
    match file.rfind(['/', '\\']) {
        Some(i) => normalize(&format!("{}/{relative}", &file[..i])),
        None => normalize(relative),
    }
}

/// What kind of file this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SAM or CloudFormation (CDK's synthesized templates too).
    CloudFormation,
    Serverless,
    Terraform,
    /// A state machine definition (JSON or YAML).
    Definition,
    /// Nothing this module reads.
    Other,
}

#[cfg(feature = "import")]
/// Tells a file's kind from its name and content.
pub fn kind(path: &str, text: &str) -> Kind {
    if path.ends_with(".tf") {
        return if text.contains("aws_sfn_state_machine") {
            Kind::Terraform
        } else {
            Kind::Other
        };
    }
    let Ok(value) = read_document(text) else {
        return Kind::Other;
    };
    if value.get("stepFunctions").is_some()
        || (value.get("service").is_some() && value.get("provider").is_some())
    {
        return Kind::Serverless;
    }
    if value.get("Resources").and_then(Value::as_object).is_some() {
        return Kind::CloudFormation;
    }
    if value.get("StartAt").is_some() && value.get("States").is_some() {
        return Kind::Definition;
    }
    Kind::Other
}

#[cfg(feature = "import")]
/// Does this template declare a state machine (a SAM or CloudFormation resource, a Serverless
/// `stepFunctions.stateMachines` entry, a Terraform `aws_sfn_state_machine` resource)?
pub fn declares_state_machine(path: &str, text: &str) -> bool {
    match kind(path, text) {
        Kind::Terraform => hcl::parse(text).is_ok_and(|b| {
            b.blocks().any(|bl| {
                bl.identifier() == "resource"
                    && bl
                        .labels()
                        .first()
                        .is_some_and(|l| l.as_str() == "aws_sfn_state_machine")
            })
        }),
        Kind::CloudFormation => read_document(text).is_ok_and(|d| {
            d.get("Resources")
                .and_then(Value::as_object)
                .is_some_and(|r| {
                    r.values().any(|x| {
                        matches!(
                            x.get("Type").and_then(Value::as_str),
                            Some(
                                "AWS::Serverless::StateMachine"
                                    | "AWS::StepFunctions::StateMachine"
                            )
                        )
                    })
                })
        }),
        Kind::Serverless => read_document(text).is_ok_and(|d| {
            d.get("stepFunctions")
                .and_then(|s| s.get("stateMachines"))
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
        }),
        Kind::Definition | Kind::Other => false,
    }
}

#[cfg(feature = "import")]
/// A JSON or YAML document as a value (templates use YAML's short tags; they read as the long
/// form).
pub(crate) fn read_document(text: &str) -> Result<Value, String> {
    match syntax::detect(text) {
        Format::Json => json::parse(text).map_err(|e| e.message),
        Format::Yaml => syntax::yaml::parse_with_spans(text)
            .map(|x| x.0)
            .map_err(|e| e.message),
    }
}

#[cfg(feature = "import")]
/// Reads a project: every state machine in the templates among `opened`, and the definition
/// files no template points to. Files a template points to are read through `files`.
pub fn import(opened: &[(String, String)], files: &dyn Files) -> Imported {
    let mut out = Imported::default();
    let mut used: Vec<String> = Vec::new();
    let mut definitions: Vec<&(String, String)> = Vec::new();
    let mut any = false;
    for entry in opened {
        let (path, text) = entry;
        let found = match kind(path, text) {
            Kind::CloudFormation => cloudformation::read(path, text, files, &mut out.warnings),
            Kind::Serverless => serverless::read(path, text, files, &mut out.warnings),
            Kind::Terraform => terraform::read(path, text, files, &mut out.warnings),
            Kind::Definition => {
                definitions.push(entry);
                continue;
            }
            Kind::Other => continue,
        };
        any = true;
        for (m, from) in found {
            if let Some(f) = from {
                used.push(normalize(&f));
            }
            out.machines.push(m);
        }
    }
    for (path, text) in definitions {
        if used.contains(&normalize(path)) {
            continue;
        }
        any = true;
        out.machines.push(Machine {
            name: name_from_path(path),
            workflow_type: WorkflowType::Standard,
            format: syntax::detect(text),
            definition: text.clone(),
            substitutions: Substitutions::default(),
            file: path.clone(),
            resource: String::new(),
        });
    }
    if !any && out.warnings.is_empty() {
        out.warnings.push(
            "No state machine found: none of these files is a definition, a SAM or CloudFormation template, a serverless.yml or a Terraform file with aws_sfn_state_machine".into(),
        );
    }
    unique_names(&mut out.machines);
    // The mocks and the input a project keeps beside its definitions.
    for (path, text) in opened {
        let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if file == "MockConfigFile.json" {
            let Ok(v) = json::parse(text) else {
                out.warnings
                    .push(format!("{path}: not JSON, so its mocks are left out"));
                continue;
            };
            // Run the first machine it mocks that was opened, with its first test case.
            let machines = v.get("StateMachines").and_then(Value::as_object);
            let pick = machines.and_then(|m| {
                m.iter()
                    .find(|(k, _)| out.machines.iter().any(|x| *x.name == ***k))
                    .or_else(|| m.iter().next())
            });
            let (machine, test_case) = pick.map_or((String::new(), String::new()), |(k, spec)| {
                let case = spec
                    .get("TestCases")
                    .and_then(Value::as_object)
                    .and_then(|c| c.keys().next())
                    .map_or(String::new(), |c| c.to_string());
                (k.to_string(), case)
            });
            out.mocks = Some(ProjectMocks {
                text: text.clone(),
                machine,
                test_case,
            });
        } else if normalize(path).ends_with("events/input.json") && json::parse(text).is_ok() {
            out.input = Some(text.clone());
        }
    }
    out
}

/// `statemachine/order.asl.json` → `order`.
#[cfg(feature = "import")]
fn name_from_path(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    machine_name(file.split('.').next().unwrap_or(file))
}

/// Tabs need distinct names: a second `order` becomes `order-2`.
#[cfg(feature = "import")]
fn unique_names(machines: &mut [Machine]) {
    for i in 0..machines.len() {
        let mut n = 2;
        let base = machines[i].name.clone();
        while machines[..i].iter().any(|m| m.name == machines[i].name) {
            machines[i].name = format!("{base}-{n}");
            n += 1;
        }
    }
}

/// A machine's name as AWS allows it (1 to 80 of letters, digits, `-` and `_`): the export's
/// rule, so a name goes out and comes back the same.
#[cfg(feature = "import")]
pub(crate) fn machine_name(s: &str) -> String {
    super::export::resource_name(s)
}

/// An inline definition's own lines in a YAML template (comments kept), dedented; `None` when
/// its span does not cover whole lines.
#[cfg(feature = "import")]
pub(crate) fn yaml_block(text: &str, span: json::Span) -> Option<String> {
    let mut line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let column = span.start - line_start;
    if !text[line_start..span.start].chars().all(|c| c == ' ') {
        // `Definition: {StartAt: …}` on one line: the flow text as it is.
        return text.get(span.start..span.end).map(str::to_string);
    }
    // Comments just above the first key belong to the definition too.
    while line_start > 0 {
        let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &text[prev_start..line_start - 1];
        let indent = prev.len() - prev.trim_start_matches(' ').len();
        if prev.trim_start().starts_with('#') && indent >= column {
            line_start = prev_start;
        } else {
            break;
        }
    }
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let mut out = String::new();
    for line in text[line_start..end].split('\n') {
        let blank = line.trim().is_empty();
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !blank && indent < column {
            return None;
        }
        out.push_str(if blank { "" } else { &line[column..] });
        out.push('\n');
    }
    Some(out)
}

#[cfg(feature = "import")]
/// The names of a definition's placeholders (to prefill from the template).
pub(crate) fn placeholder_names(definition: &str) -> Vec<Rc<str>> {
    let Ok(read) = syntax::read_definition(definition, &Substitutions::default()) else {
        return Vec::new();
    };
    let mut names: Vec<Rc<str>> = Vec::new();
    for u in read.uses {
        if u.origin != syntax::Origin::Known && !names.contains(&u.name) {
            names.push(u.name);
        }
    }
    names
}

#[cfg(all(test, feature = "import"))]
mod tests;
