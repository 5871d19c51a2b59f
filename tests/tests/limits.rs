//! Limits on what a user can make the engine compute (red-team report, H8): the fixture's
//! machines start each other; the chain stops `MAX_NESTING` levels down with
//! `Playground.NestingLimitExceeded`, and no cause grows past AWS's 32,768 characters.

use engine::api;
use engine::run::{Execution, Status, MAX_NESTING};
use tests::data_dir;

fn failure(ex: &Execution) -> (String, String) {
    match ex.status() {
        Status::Failed { error, cause } => (
            error.as_deref().unwrap_or("").to_string(),
            cause.as_deref().unwrap_or("").to_string(),
        ),
        other => panic!("expected a failure, got {}", other.name()),
    }
}

#[test]
fn machines_that_start_each_other_stop_at_the_nesting_limit() {
    let dir = data_dir().join("exec");
    let read = |ext: &str| {
        std::fs::read_to_string(dir.join(format!("machines-start-each-other.{ext}"))).unwrap()
    };
    let options = api::RunOptions {
        machines: Some(api::parse_json(&read("machines.json")).unwrap()),
        ..Default::default()
    };
    let input = api::parse_json(&read("input.json")).unwrap();
    let mut ex = api::start(&read("asl.json"), input, &options).expect("starts");
    ex.run();
    let mut depth = 0;
    let mut current = std::rc::Rc::new(std::cell::RefCell::new(ex));
    loop {
        let (error, cause) = failure(&current.borrow());
        assert!(
            cause.chars().count() <= 32_768,
            "level {depth}: a cause of {} characters",
            cause.chars().count()
        );
        let child = current
            .borrow()
            .nested()
            .first()
            .map(|n| n.execution.clone());
        match child {
            Some(c) => {
                assert_eq!(error, "States.TaskFailed", "level {depth}");
                current = c;
                depth += 1;
            }
            None => {
                assert_eq!(
                    error, "Playground.NestingLimitExceeded",
                    "the deepest execution"
                );
                assert!(
                    cause.contains("do two machines start each other?"),
                    "{cause}"
                );
                break;
            }
        }
    }
    assert_eq!(
        depth, MAX_NESTING as usize,
        "executions started by executions"
    );
}
