//! The page's run, ahead of it: in the page's Web Worker this module makes the same execution
//! the page is about to make (`engine::api::start_request`, the same engine build) and drives
//! it as the page will. Whatever it evaluates through the JSONata module, the worker records,
//! so the page replays the run without evaluating anything itself: a JSONata expression that
//! loops, or one that runs out of memory, costs the worker, never the page.

use engine::run::{Execution, Status};
use engine::syntax::json::Value;
use std::cell::RefCell;

/// The live execution, what it was started from (the request as JSON text) and how many of
/// the page's commands it has applied.
struct Live {
    request: String,
    applied: usize,
    execution: Execution,
}

thread_local! {
    static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
}

/// `{"request": <run request>, "log": [command...], "from": n}`: the page has applied the
/// first `from` commands of `log` since it started this run; apply the rest. A worker that
/// lost the run (a fresh worker, another request) starts it again and applies them all.
pub fn answer(r: &Value) -> Value {
    let Some(request) = r.get("request") else {
        return engine::obj! { "error" => "a run request is missing" };
    };
    let key = request.to_json();
    let log = r
        .get("log")
        .and_then(Value::as_array)
        .map(|l| l.as_slice())
        .unwrap_or(&[]);
    let from = r
        .get("from")
        .and_then(Value::as_number)
        .and_then(|n| n.as_i64())
        .unwrap_or(0)
        .max(0) as usize;
    LIVE.with_borrow_mut(|live| {
        let resumable = live
            .as_ref()
            .is_some_and(|l| l.request == key && l.applied == from.min(log.len()));
        if !resumable {
            match engine::api::start_request(request) {
                Ok(execution) => {
                    *live = Some(Live {
                        request: key,
                        applied: 0,
                        execution,
                    })
                }
                Err(e) => {
                    *live = None;
                    return engine::obj! { "started" => false, "reason" => e };
                }
            }
        }
        let Some(l) = live.as_mut() else {
            return engine::obj! { "error" => "no run" };
        };
        for command in &log[l.applied.min(log.len())..] {
            apply(&mut l.execution, command);
        }
        l.applied = log.len();
        engine::obj! {
            "started" => true,
            "status" => l.execution.status().name(),
            "events" => l.execution.history().len() as i64,
        }
    })
}

/// One command as the page's `RunSession` performs it.
fn apply(ex: &mut Execution, command: &Value) {
    match command.as_str() {
        Some("step") => {
            let _ = ex.step();
        }
        Some("end") => {
            ex.run();
        }
        Some("abort") => ex.abort(),
        _ => {
            if let (Some(answer), Status::WaitingForCallback { token, .. }) =
                (command.get("answer"), ex.status().clone())
            {
                let _ = engine::api::answer_callback(ex, &token, answer);
            }
        }
    }
}
