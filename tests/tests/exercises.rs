//! Every workshop exercise in data/exercises: its reference solution passes all its checks,
//! and its starting workspace fails at least one (else there is nothing to do).

use engine::playground::exercise::{run_checks, Attempt};
use engine::syntax::json::Value;
use tests::data_dir;

#[test]
fn solutions_pass_and_starts_fail() {
    let dir = data_dir().join("exercises");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("exercises folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "a track of at least 8 exercises");
    let mut problems = Vec::new();
    for f in &files {
        let exercise = engine::api::parse_json(&std::fs::read_to_string(f).expect("read"))
            .expect("exercise JSON");
        for key in [
            "id",
            "title",
            "instructions",
            "start",
            "solution",
            "checks",
            "hints",
        ] {
            if exercise.get(key).is_none() {
                problems.push(format!("{}: no '{key}'", f.display()));
            }
        }
        let solution = Attempt::from_value(exercise.get("solution").unwrap_or(&Value::Null));
        for r in run_checks(&exercise, &solution) {
            if !r.passed {
                problems.push(format!(
                    "{}: the solution fails '{}': {}",
                    f.display(),
                    r.label,
                    r.detail
                ));
            }
        }
        let start = Attempt::from_value(exercise.get("start").unwrap_or(&Value::Null));
        if run_checks(&exercise, &start).iter().all(|r| r.passed) {
            problems.push(format!(
                "{}: the starting workspace already passes every check",
                f.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
