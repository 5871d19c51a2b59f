//! The AWS-recorded executions, TestState answers and validation verdicts in
//! ../shared/conformance: the pass count may not drop below the
//! floors recorded in data/conformance-floor.json, and every case still failing must be listed
//! (with its reason) in data/conformance-failures.md.

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
fn conformance_floors_hold_and_failures_are_listed() {
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
        for r in report.results.iter().filter(|r| !r.passed) {
            if !listed.contains(&format!("`{}`", r.id)) {
                problems.push(format!(
                    "{name}: failing case not listed in conformance-failures.md: {} ({})",
                    r.id, r.reason
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
