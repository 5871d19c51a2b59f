//! The AWS-recorded executions, TestState answers and validation verdicts in
//! ../shared/conformance: the pass count may not drop below the
//! floors recorded in data/conformance-floor.json, and the cases failing must be exactly those
//! listed (with their reasons) in data/conformance-failures.md: a change that makes another case
//! fail, or one listed pass, shows here (then fix it, or update the list and the floor).

use engine::playground::conformance::run_file;
use engine::syntax::json::Value;
use tests::{data_dir, shared_dir};

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn conformance_floors_hold_and_the_failing_cases_are_the_listed_ones() {
    let read = |file: &str| {
        let path = shared_dir().join("conformance").join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: the conformance cases live in ../shared beside the repository",
                path.display()
            )
        })
    };
    let floors = engine::syntax::json::parse(
        &std::fs::read_to_string(data_dir().join("conformance-floor.json")).expect("floor file"),
    )
    .expect("floor JSON");
    let listed =
        std::fs::read_to_string(data_dir().join("conformance-failures.md")).unwrap_or_default();
    let mut problems = Vec::new();
    for (name, spec) in floors.as_object().expect("floors object").iter() {
        let exclude = strings(spec.get("excludeTags"));
        let only = strings(spec.get("onlyTags"));
        let floor = spec
            .get("floor")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .expect("floor") as usize;
        let include = |tags: &[String]| {
            !tags.iter().any(|t| exclude.contains(t))
                && (only.is_empty() || tags.iter().any(|t| only.contains(t)))
        };
        // Executions (cases.jsonl) unless the floor names another file (TestState, validation).
        let file = spec
            .get("file")
            .and_then(Value::as_str)
            .unwrap_or("cases.jsonl");
        let report = run_file(&read(file), &include).expect("cases parse");
        let passed = report.passed();
        println!(
            "{name}: {passed} passed, {} failed (floor {floor})",
            report.failed()
        );
        if passed < floor {
            problems.push(format!(
                "{name}: {passed} passed, below the floor of {floor}"
            ));
        }
        for r in &report.results {
            match (r.passed, listed.contains(&format!("`{}`", r.id))) {
                (false, false) => problems.push(format!(
                    "{name}: failing case not listed in conformance-failures.md: {} ({})",
                    r.id, r.reason
                )),
                (true, true) => problems.push(format!(
                    "{name}: listed in conformance-failures.md but passes now (remove it, raise the floor): {}",
                    r.id
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The page sends TestState a typed request as JSON (`TestStateRequest::to_json`): for every
/// recorded request, that JSON reads back to the same request and gets the same answer.
#[test]
fn teststate_requests_survive_the_typed_round_trip() {
    use engine::aws::teststate::{answer_json, TestStateRequest};
    let path = shared_dir()
        .join("conformance")
        .join("teststate-cases.jsonl");
    let text = std::fs::read_to_string(&path).expect("teststate cases");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case = engine::syntax::json::parse(line).expect("case JSON");
        let request = case.get("request").expect("request");
        let Ok(typed) = TestStateRequest::from_json(request) else {
            continue;
        };
        let again = typed.to_json();
        assert_eq!(TestStateRequest::from_json(&again).as_ref(), Ok(&typed));
        let given = Default::default();
        assert_eq!(
            answer_json(&again, &given).to_json(),
            answer_json(request, &given).to_json(),
            "{}",
            case.get("id").and_then(Value::as_str).unwrap_or("")
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} requests read");
}
