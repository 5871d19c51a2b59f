//! The benchmark workloads in ../shared/bench are also correctness tests: each must reach its
//! recorded output.

use engine::api::{self, RunOptions};
use engine::model::WorkflowType;
use engine::run::Status;
use tests::shared_dir;

#[test]
fn bench_workloads_reach_their_expected_outputs() {
    let dir = shared_dir().join("bench/workloads");
    for name in [
        "pass-chain",
        "map-10k",
        "choice-loop",
        "retry-heavy",
        "parallel-fanout",
        "payload-heavy",
    ] {
        let read = |s: &str| std::fs::read_to_string(dir.join(format!("{name}.{s}"))).ok();
        let def = read("asl.json")
            .unwrap_or_else(|| panic!("{name}.asl.json missing in {}", dir.display()));
        let input = api::parse_json(&read("input.json").expect("input")).expect("input JSON");
        let expected =
            api::parse_json(&read("expected.json").expect("expected")).expect("expected JSON");
        let options = RunOptions {
            // map-10k exceeds Standard's 25,000 history events: AWS would fail it, so it runs as EXPRESS.
            workflow_type: if name == "map-10k" {
                WorkflowType::Express
            } else {
                WorkflowType::Standard
            },
            mocks: read("mocks.json").map(|m| api::parse_json(&m).expect("mocks JSON")),
            ..Default::default()
        };
        let mut ex = api::start(&def, input, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        match ex.run() {
            Status::Succeeded { output } => assert!(*output == expected, "{name}: output differs"),
            other => panic!("{name}: ended {other:?}"),
        }
    }
}

#[test]
fn map_10k_as_standard_hits_the_history_quota() {
    let dir = shared_dir().join("bench/workloads");
    let def = std::fs::read_to_string(dir.join("map-10k.asl.json")).expect("definition");
    let input =
        api::parse_json(&std::fs::read_to_string(dir.join("map-10k.input.json")).expect("input"))
            .expect("input JSON");
    let mut ex = api::start(&def, input, &RunOptions::default()).expect("starts");
    assert!(
        matches!(ex.run(), Status::Failed { .. }),
        "a Standard run of 80,000 events must stop at 25,000"
    );
    assert!(ex.history().len() <= 25_001);
}
