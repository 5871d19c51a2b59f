//! The CLI's and AWS's shapes of a run: the summary, the history as GetExecutionHistory's
//! `events`, the per-visit data-flow stages under TestState's `inspectionData` names, and the
//! billing objects. JSON is built here and nowhere else in the facade.

use crate::model::WorkflowType;
use crate::run::{Execution, Status, VisitError};
use crate::syntax::json::Value;
use std::rc::Rc;

/// `{status, output, error, cause, transitions, statesEntered, durationMs, events}`, the CLI's
/// answer for a run.
pub fn summary(ex: &Execution) -> Value {
    let (output, error, cause) = match ex.status() {
        Status::Succeeded { output } => (output.clone(), Value::Null, Value::Null),
        Status::Failed { error, cause } | Status::TimedOut { error, cause } => (
            Value::Null,
            error.clone().map_or(Value::Null, Value::String),
            cause.clone().map_or(Value::Null, Value::String),
        ),
        _ => (Value::Null, Value::Null, Value::Null),
    };
    let mut v = crate::obj! {
        "status" => ex.status().name(),
        "output" => output,
        "error" => error,
        "cause" => cause,
        "transitions" => ex.transitions() as i64,
        "statesEntered" => ex.states_entered() as i64,
        "durationMs" => ex.duration_ms(),
        "events" => ex.history().len() as i64,
    };
    if let (Status::WaitingForCallback { token, state }, Value::Object(m)) = (ex.status(), &mut v) {
        let m = Rc::make_mut(m);
        m.insert(Rc::from("waitingForCallback"), crate::obj! { "taskToken" => Value::String(token.clone()), "state" => Value::String(state.clone()) });
    }
    v
}

/// The revealed history as AWS's GetExecutionHistory `events` array.
pub fn history_value(ex: &Execution) -> Value {
    Value::from(
        ex.history()
            .iter()
            .map(|e| e.to_value())
            .collect::<Vec<_>>(),
    )
}

/// Per state visit, the data at each stage under the TestState API's `inspectionData` names
/// (`input`, `afterInputPath`, `afterParameters`, `result`, `afterResultSelector`,
/// `afterResultPath`, `output`), plus where the visit sits in the history.
pub fn visits_value(ex: &Execution) -> Value {
    let visits = ex.visits().iter().map(|v| {
        let mut m = crate::syntax::json::Map::default();
        let mut put = |k: &str, val: Value| {
            m.insert(Rc::from(k), val);
        };
        put("state", Value::String(v.state.clone()));
        put("type", Value::from(v.state_type));
        put("depth", Value::from(v.depth as i64));
        if let Some(i) = v.iteration {
            put("iteration", Value::from(i as i64));
        }
        put("enteredEventId", Value::from(v.entered_event as i64));
        if let Some(id) = v.exited_event {
            put("exitedEventId", Value::from(id as i64));
        }
        put("input", v.input.clone());
        for (k, val) in [
            ("afterInputPath", &v.after_input_path),
            ("afterParameters", &v.after_parameters),
            ("result", &v.result),
            ("afterResultSelector", &v.after_result_selector),
            ("afterResultPath", &v.after_result_path),
            ("output", &v.output),
        ] {
            if let Some(val) = val {
                put(k, val.clone());
            }
        }
        if let Some(VisitError { error, cause }) = &v.error {
            put("error", Value::String(error.clone()));
            put("cause", cause.clone().map_or(Value::Null, Value::String));
        }
        if v.retries > 0 {
            put("retries", Value::from(v.retries as i64));
        }
        if let Some(n) = &v.next {
            put("nextState", Value::String(n.clone()));
        }
        Value::from(m)
    });
    Value::from(visits.collect::<Vec<_>>())
}

fn money(x: f64) -> Value {
    // Micro-dollars keep per-execution figures readable and exact enough.
    Value::from((x * 1e8).round() / 1e8)
}

fn charges_value(c: &crate::aws::cost::Charges) -> Value {
    crate::obj! {
        "billableTransitions" => Value::from(c.billable_transitions),
        "transitionsCost" => money(c.transitions),
        "requestsCost" => money(c.requests),
        "gbSeconds" => Value::from(c.gb_seconds),
        "durationCost" => money(c.duration),
        "cost" => money(c.total()),
    }
}

/// The CLI's `billing` object for a finished run: what it used, and what one execution costs
/// as Standard and as Express (children by their own types), to AWS's billing rules.
pub fn billing(ex: &Execution, pricing: crate::aws::cost::Pricing) -> Value {
    use crate::aws::cost;
    let memory = cost::execution_memory_mb(ex);
    let duration = ex.duration_ms() as f64;
    let per = |t: WorkflowType| charges_value(&cost::charges(cost::breakdown(ex, t), 1.0, pricing));
    let map_runs: Vec<Value> = ex
        .map_runs()
        .iter()
        .map(|r| {
            crate::obj! {
                "state" => r.state.clone(),
                "executionType" => r.execution_type.as_str(),
                "children" => r.children as i64,
                "items" => r.items as i64,
                "childTransitions" => r.child_transitions as i64,
                "childBilledDurationMs" => r.child_billed_ms,
            }
        })
        .collect();
    let nested: Vec<Value> = ex
        .nested()
        .iter()
        .map(|n| {
            let child = n.execution.borrow();
            crate::obj! {
                "state" => n.state.clone(),
                "machine" => n.machine.clone(),
                "type" => child.config().workflow_type.as_str(),
                "transitions" => child.transitions() as i64,
                "durationMs" => child.duration_ms(),
            }
        })
        .collect();
    crate::obj! {
        "transitions" => ex.transitions() as i64,
        "durationMs" => ex.duration_ms(),
        "billedDurationMs" => Value::from(cost::billed_duration_ms(duration)),
        "memoryMb" => Value::from((memory * 1000.0).round() / 1000.0),
        "billedMemoryMb" => Value::from(cost::billed_memory_mb(memory)),
        "asStandard" => per(WorkflowType::Standard),
        // Express stops at 5 minutes: a longer run has no Express price (it priced the M5
        // retry run of the red-team report at $2,375,198,709).
        "asExpress" => match cost::express_duration_blocker(ex) {
            Some(why) => crate::obj! { "unavailable" => why },
            None => per(WorkflowType::Express),
        },
        "mapRuns" => Value::from(map_runs),
        "nestedExecutions" => Value::from(nested),
    }
}

/// `asl cost`: a month of `executions` runs of one usage, priced as `workflow_type`.
pub fn price_usage(
    workflow_type: WorkflowType,
    executions: f64,
    usage: crate::aws::cost::Usage,
    pricing: crate::aws::cost::Pricing,
) -> Value {
    use crate::aws::cost::{self, Breakdown};
    let b = match workflow_type {
        WorkflowType::Standard => Breakdown {
            transitions: usage.transitions,
            ..Breakdown::default()
        },
        WorkflowType::Express => Breakdown {
            requests: 1.0,
            gb_seconds: cost::gb_seconds(usage.duration_ms, usage.memory_mb),
            ..Breakdown::default()
        },
    };
    let c = cost::charges(b, executions, pricing);
    let mut out = charges_value(&c);
    if let Value::Object(m) = &mut out {
        let m = std::rc::Rc::make_mut(m);
        m.insert(Rc::from("type"), Value::from(workflow_type.as_str()));
        m.insert(Rc::from("executions"), Value::from(executions));
        m.insert(
            Rc::from("billedDurationMs"),
            Value::from(cost::billed_duration_ms(usage.duration_ms)),
        );
        m.insert(
            Rc::from("billedMemoryMb"),
            Value::from(cost::billed_memory_mb(usage.memory_mb)),
        );
        m.insert(
            Rc::from("perExecution"),
            money(if executions > 0.0 {
                c.total() / executions
            } else {
                0.0
            }),
        );
    }
    out
}
