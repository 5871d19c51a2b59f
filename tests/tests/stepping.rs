//! Stepping is the same execution as running: for every execution fixture, revealing events
//! one `step` at a time ends with exactly the history and status of `run`.

use engine::api;
use engine::run::Status;
use tests::{data_dir, fixtures};

#[test]
fn stepping_reveals_the_same_history_one_event_at_a_time() {
    for stem in fixtures(&data_dir().join("exec")) {
        let read = |s: &str| std::fs::read_to_string(format!("{}.{s}", stem.display())).ok();
        if read("callbacks.json").is_some() || read("options.json").is_some() {
            continue; // covered by the trace tests; stepping here uses default options
        }
        let def = read("asl.json")
            .or_else(|| read("asl.yaml"))
            .expect("definition");
        let input = read("input.json")
            .map(|t| api::parse_json(&t).expect("input"))
            .unwrap_or_else(engine::syntax::json::Value::object);
        let options = api::RunOptions {
            mocks: read("mocks.json").map(|t| api::parse_json(&t).expect("mocks")),
            substitutions: read("substitutions.json")
                .map(|t| engine::syntax::read_substitutions(&t).expect("substitutions"))
                .unwrap_or_default(),
            ..Default::default()
        };
        let mut whole = api::start(&def, input.clone(), &options).expect("starts");
        whole.run();
        let mut stepped = api::start(&def, input, &options).expect("starts");
        let mut steps = 0;
        while stepped.step().is_some() {
            steps += 1;
            assert_eq!(
                stepped.history().len(),
                steps,
                "{}: one step reveals one event",
                stem.display()
            );
            if stepped.history().len() < whole.history().len() {
                assert_eq!(
                    *stepped.status(),
                    Status::Running,
                    "{}: not finished before its last event",
                    stem.display()
                );
            }
        }
        let types = |ex: &engine::run::Execution| {
            ex.history()
                .iter()
                .map(|e| {
                    (
                        e.id,
                        e.previous_event_id,
                        e.timestamp_ms,
                        e.kind.type_name(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(types(&stepped), types(&whole), "{}", stem.display());
        assert_eq!(stepped.status(), whole.status(), "{}", stem.display());
    }
}

#[test]
fn inspection_data_names_every_stage() {
    let stem = data_dir().join("exec/retry-backoff");
    let read =
        |s: &str| std::fs::read_to_string(format!("{}.{s}", stem.display())).expect("fixture");
    let options = api::RunOptions {
        mocks: Some(api::parse_json(&read("mocks.json")).expect("mocks")),
        record_inspection: true,
        ..Default::default()
    };
    let mut ex = api::start(
        &read("asl.json"),
        api::parse_json(&read("input.json")).expect("input"),
        &options,
    )
    .expect("starts");
    ex.run();
    let visits = api::visits_value(&ex);
    let charge = visits.pointer("/0").expect("one visit");
    for stage in [
        "input",
        "afterInputPath",
        "afterParameters",
        "result",
        "afterResultSelector",
        "afterResultPath",
        "output",
    ] {
        assert!(
            charge.get(stage).is_some(),
            "stage {stage} missing: {}",
            charge.to_json()
        );
    }
    assert_eq!(
        charge
            .get("retries")
            .and_then(|r| r.as_number())
            .and_then(|n| n.as_i64()),
        Some(2)
    );
    assert_eq!(
        charge
            .pointer("/afterResultSelector/receipt")
            .and_then(|r| r.as_str()),
        Some("r-7")
    );
}
