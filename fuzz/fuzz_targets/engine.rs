//! Fuzzes parse, validate and run: the bytes are split into a definition, an input and mocks
//! (separated by 0xFF bytes, which UTF-8 never contains). Whatever they are, nothing may panic,
//! and every run must end within its transition budget. The definition is JSON or YAML by its
//! content, the mocks' text doubles as substitutions, and the definition is also read as a
//! project file (a template, serverless.yml, Terraform), converted and exported.
#![no_main]

use engine::api::{self, RunOptions};
use engine::syntax::json::Value;
use engine::model::WorkflowType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0xFF);
    let definition = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let input_text = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let mocks = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let flags = parts.next().and_then(|f| f.first().copied()).unwrap_or(0);

    let workflow_type = if flags & 1 == 1 { WorkflowType::Express } else { WorkflowType::Standard };
    let substitutions = engine::syntax::read_substitutions(&mocks).unwrap_or_default();
    let validation = api::validate_with(&definition, workflow_type, &substitutions);
    for d in &validation.diagnostics {
        let _ = d.aws_text();
        let _ = d.to_value().to_json();
    }
    let input = api::parse_json(&input_text).unwrap_or_else(|_| Value::object());
    let options = RunOptions {
        workflow_type,
        mocks: api::parse_json(&mocks).ok(),
        max_transitions: Some(2_000),
        seed: u64::from(flags),
        record_inspection: true,
        substitutions: substitutions.clone(),
        ..Default::default()
    };
    // The same text as a project file, converted both ways, exported.
    let path = ["template.yaml", "main.tf", "serverless.yml", "cdk.out/Stack.template.json", "x.asl.yaml"][flags as usize % 5];
    let files = vec![(path.to_string(), definition.to_string()), ("statemachine/x.asl.json".to_string(), input_text.to_string())];
    let imported = engine::aws::import::import(&files[..1], &files);
    let _ = imported.to_value().to_json();
    for to in [engine::syntax::Format::Json, engine::syntax::Format::Yaml] {
        let _ = engine::syntax::convert(&definition, to);
    }
    let machine = engine::aws::export::ProjectMachine {
        name: "Fuzz".into(),
        workflow_type,
        definition: definition.to_string(),
        substitutions: substitutions.clone(),
    };
    let target = [engine::aws::export::Target::Sam, engine::aws::export::Target::Cdk, engine::aws::export::Target::Terraform, engine::aws::export::Target::Serverless][flags as usize % 4];
    let project = engine::aws::export::project(&[machine], target, None, None, Some(&input_text));
    let _ = engine::aws::export::zip(&project);
    let Ok(mut ex) = api::start(&definition, input, &options) else { return };
    // Step a little, then run to the end, answering any callback.
    for _ in 0..(flags as usize % 8) {
        let _ = ex.step();
    }
    for round in 0..4 {
        ex.run();
        if let engine::run::Status::WaitingForCallback { token, .. } = ex.status().clone() {
            let _ = match round % 3 {
                0 => ex.send_task_heartbeat(&token).and_then(|_| ex.send_task_success(&token, Value::object())),
                1 => ex.send_task_failure(&token, Some("Fuzz.Failure"), None),
                _ => ex.send_task_success("not-the-token", Value::Null),
            };
        } else {
            break;
        }
    }
    ex.abort();
    let _ = api::summary(&ex).to_json();
    let _ = api::history_value(&ex).to_json();
    let _ = api::billing(&ex, engine::aws::cost::Pricing::default()).to_json();
    assert!(ex.states_entered() <= 2_001, "the transition budget must hold");

    // TestState on the same definition: the first state, or the one the mocks' text names,
    // with the mocks' text as a mocked result or error.
    let state_name = engine::syntax::json::parse(&definition)
        .ok()
        .and_then(|d| d.get("StartAt").and_then(Value::as_str).map(str::to_string));
    let mut request = engine::obj! {
        "definition" => definition.to_string(),
        "input" => "{}",
        "inspectionLevel" => ["INFO", "DEBUG", "TRACE"][flags as usize % 3],
        "roleArn" => "arn:aws:iam::123456789012:role/fuzz",
    };
    if let Value::Object(m) = &mut request {
        let m = std::rc::Rc::make_mut(m);
        if let (Some(n), true) = (state_name, flags & 2 == 2) {
            m.insert("stateName".into(), Value::from(n.as_str()));
        }
        if flags & 4 == 4 {
            m.insert("mock".into(), engine::obj! { "result" => mocks.to_string() });
        } else if flags & 8 == 8 {
            m.insert("mock".into(), engine::obj! { "errorOutput" => engine::obj! { "error" => "Fuzz", "cause" => mocks.to_string() } });
        }
        m.insert("stateConfiguration".into(), engine::obj! { "retrierRetryCount" => i64::from(flags % 5), "mapIterationFailureCount" => i64::from(flags % 3) });
    }
    let _ = engine::aws::teststate::answer_json(&request, &substitutions).to_json();
});
