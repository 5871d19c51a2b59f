//! Real projects as their authors keep them (../shared/realworld: AWS's public sample
//! projects, files unchanged): every state machine definition (JSON or YAML, placeholders
//! intact) validates without an ERROR, and every template that declares a state machine (SAM,
//! CloudFormation, Serverless, Terraform) imports into at least one machine whose definition,
//! with the substitutions the import prefilled, validates without an ERROR. Files AWS itself
//! would reject are listed with the reason in data/realworld-rejected.md; the pass counts may
//! not drop below data/realworld-floor.json.

use engine::aws::import::{self, Kind};
use engine::model::WorkflowType;
use engine::syntax::json::Value;
use tests::{data_dir, shared_dir};

/// A folder's files, as the page's folder picker gives them (paths from the corpus root).
fn folder_files(root: &std::path::Path, entry: &Value) -> Vec<(String, String)> {
    let repo = entry.get("repo").and_then(Value::as_str).unwrap_or("");
    let base = repo.rsplit('/').next().unwrap_or(repo);
    entry
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|f| {
            let path = format!("{base}/{f}");
            let text = std::fs::read_to_string(root.join(&path)).ok()?;
            Some((path, text))
        })
        .collect()
}

fn errors(text: &str, ty: WorkflowType, subs: &engine::api::Substitutions) -> Vec<String> {
    engine::api::validate_with(text, ty, subs)
        .errors()
        .map(|d| format!("{}:{} {}", d.start.0, d.start.1, d.aws_text()))
        .collect()
}

#[test]
fn real_definitions_and_templates_open_without_errors() {
    let root = shared_dir().join("realworld");
    let index = std::fs::read_to_string(root.join("index.json"))
        .expect("../shared/realworld/index.json is missing: the corpus lives in ../shared beside the repository");
    let index = engine::syntax::json::parse(&index).expect("index.json");
    let listed =
        std::fs::read_to_string(data_dir().join("realworld-rejected.md")).unwrap_or_default();
    let is_listed = |path: &str| listed.contains(&format!("`{path}`"));
    let (mut defs, mut defs_ok, mut templates, mut templates_ok) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for entry in index.as_array().expect("index array") {
        let files = folder_files(&root, entry);
        for (path, text) in &files {
            // A file too broken to read still counts as what it is meant to be.
            let kind = match import::kind(path, text) {
                Kind::Other
                    if text.contains("StartAt")
                        && text.contains("States")
                        && !text.contains("Resources") =>
                {
                    Kind::Definition
                }
                Kind::Other
                    if text.contains("AWS::Serverless::StateMachine")
                        || text.contains("AWS::StepFunctions::StateMachine") =>
                {
                    Kind::CloudFormation
                }
                k => k,
            };
            let declares = kind == Kind::CloudFormation && import::kind(path, text) == Kind::Other
                || import::declares_state_machine(path, text);
            match kind {
                Kind::Definition => {
                    defs += 1;
                    let e = errors(text, WorkflowType::Standard, &Default::default());
                    match (e.is_empty(), is_listed(path)) {
                        (true, false) => defs_ok += 1,
                        (true, true) => problems.push(format!(
                            "{path} validates now: take it off realworld-rejected.md"
                        )),
                        (false, true) => {}
                        (false, false) => problems.push(format!("{path}: {}", e.join("; "))),
                    }
                }
                Kind::CloudFormation | Kind::Serverless | Kind::Terraform if declares => {
                    templates += 1;
                    let found = import::import(&[(path.clone(), text.clone())], &files);
                    let mut why = found.warnings.clone();
                    if found.machines.is_empty() {
                        why.push("no machine".into());
                    }
                    for m in &found.machines {
                        let e = errors(&m.definition, m.workflow_type, &m.substitutions);
                        if !e.is_empty() {
                            why.push(format!("{}: {}", m.name, e.join("; ")));
                        }
                    }
                    let ok = !found.machines.is_empty()
                        && why.iter().all(|w| !w.contains(": E") && w != "no machine")
                        && found.machines.iter().all(|m| {
                            errors(&m.definition, m.workflow_type, &m.substitutions).is_empty()
                        });
                    match (ok, is_listed(path)) {
                        (true, false) => templates_ok += 1,
                        (true, true) => problems.push(format!(
                            "{path} imports now: take it off realworld-rejected.md"
                        )),
                        (false, true) => {}
                        (false, false) => problems.push(format!("{path}: {}", why.join("; "))),
                    }
                }
                _ => {}
            }
        }
    }
    let floor = engine::syntax::json::parse(
        &std::fs::read_to_string(data_dir().join("realworld-floor.json"))
            .expect("realworld-floor.json"),
    )
    .expect("floor JSON");
    let at_least = |k: &str| {
        floor
            .get(k)
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .unwrap_or(0) as usize
    };
    eprintln!("realworld: definitions {defs_ok}/{defs}, templates {templates_ok}/{templates}");
    if defs_ok < at_least("definitions") {
        problems.push(format!(
            "definitions: {defs_ok} validate, the floor is {}",
            at_least("definitions")
        ));
    }
    if templates_ok < at_least("templates") {
        problems.push(format!(
            "templates: {templates_ok} import, the floor is {}",
            at_least("templates")
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
