//! TestState's answer (AWS's `TestStateOutput`) as a type, and how a finished run becomes one.

use super::request::InspectionLevel;
use crate::run::{Execution, Status, TestOutcome, Visit, VisitError};
use crate::syntax::json::{Map, Value};
use std::rc::Rc;

/// How the tested state ended (`status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    /// It failed and a retrier would try again.
    Retriable,
    /// It failed and a catcher took the error.
    CaughtError,
}

impl TestStatus {
    pub fn name(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }

    fn parse(s: &str) -> Option<TestStatus> {
        [
            TestStatus::Succeeded,
            TestStatus::Failed,
            TestStatus::Retriable,
            TestStatus::CaughtError,
        ]
        .into_iter()
        .find(|t| t.name() == s)
    }
}

/// What TestState answers.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateAnswer {
    pub status: TestStatus,
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
    pub next_state: Option<Rc<str>>,
    pub output: Option<Value>,
    /// AWS's `inspectionData` (the data-flow stages, `errorDetails`, Map settings), above the
    /// INFO level.
    pub inspection_data: Option<Value>,
}

impl TestStateAnswer {
    /// AWS's response JSON.
    pub fn to_json(&self) -> Value {
        let mut out = Map::default();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                out.insert(Rc::from(k), v);
            }
        };
        put("status", Some(Value::from(self.status.name())));
        put("error", self.error.clone().map(Value::String));
        put("cause", self.cause.clone().map(Value::String));
        put("nextState", self.next_state.clone().map(Value::String));
        put("output", self.output.clone());
        put("inspectionData", self.inspection_data.clone());
        Value::from(out)
    }

    /// Reads AWS's response JSON back (`None`: not a TestState answer).
    pub fn from_json(v: &Value) -> Option<TestStateAnswer> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(Rc::from);
        Some(TestStateAnswer {
            status: TestStatus::parse(v.get("status")?.as_str()?)?,
            error: text("error"),
            cause: text("cause"),
            next_state: text("nextState"),
            output: v.get("output").cloned(),
            inspection_data: v.get("inspectionData").cloned(),
        })
    }
}

/// The answer for the tested state's run: its status from the run's end and the TestState
/// outcome, and the inspection data at `level`.
pub(super) fn respond(
    ex: &Execution,
    level: InspectionLevel,
    state: &Value,
    variables: Option<&Value>,
) -> TestStateAnswer {
    let visit = ex.visits().first();
    let mut error_details = Map::default();
    let mut detail = |k: &str, n: u64| {
        error_details.insert(Rc::from(k), Value::from(n as i64));
    };
    let mut answer = TestStateAnswer {
        status: TestStatus::Failed,
        error: None,
        cause: None,
        next_state: None,
        output: None,
        inspection_data: None,
    };
    match (ex.status(), ex.test_outcome()) {
        (
            Status::Failed { error, cause },
            Some(TestOutcome::Retriable {
                retry_index,
                interval_seconds,
            }),
        ) => {
            answer.status = TestStatus::Retriable;
            (answer.error, answer.cause) = (error.clone(), cause.clone());
            detail("retryIndex", *retry_index as u64);
            detail("retryBackoffIntervalSeconds", *interval_seconds as u64);
        }
        (Status::Succeeded { output }, Some(TestOutcome::Caught { catch_index, next })) => {
            answer.status = TestStatus::CaughtError;
            if let Some(VisitError { error, cause }) = visit.and_then(|v| v.error.clone()) {
                (answer.error, answer.cause) = (Some(error), cause);
            }
            answer.next_state = next.clone();
            answer.output = Some(output.clone());
            detail("catchIndex", *catch_index as u64);
        }
        (Status::Succeeded { output }, outcome) => {
            answer.status = TestStatus::Succeeded;
            if let Some(TestOutcome::Exited { next }) = outcome {
                answer.next_state = next.clone();
            }
            answer.output = Some(output.clone());
        }
        (Status::Failed { error, cause } | Status::TimedOut { error, cause }, outcome) => {
            (answer.error, answer.cause) = (error.clone(), cause.clone());
            if let Some(TestOutcome::Failed {
                retry_index: Some(i),
            }) = outcome
            {
                detail("retryIndex", *i as u64);
            }
        }
        (other, _) => {
            answer.error = Some(Rc::from(crate::query::failure::errors::RUNTIME));
            answer.cause = Some(Rc::from(format!(
                "The state did not finish ({}).",
                other.name()
            )));
        }
    }
    if level != InspectionLevel::Info {
        answer.inspection_data = visit.map(|v| {
            let mut data = inspection(v, state, error_details);
            // The variables the state could read, as given.
            let given = variables.filter(|v| v.as_object().is_some_and(|m| !m.is_empty()));
            if let (Some(vars), Value::Object(d)) = (given, &mut data) {
                Rc::make_mut(d).insert(Rc::from("variables"), vars.clone());
            }
            data
        });
    }
    answer
}

/// AWS's `inspectionData`: the data-flow stages the state has, by its query language.
fn inspection(v: &Visit, state: &Value, error_details: Map) -> Value {
    let mut m = Map::default();
    let mut put = |k: &str, x: Option<&Value>| {
        if let Some(x) = x {
            m.insert(Rc::from(k), x.clone());
        }
    };
    let has = |k: &str| state.get(k).is_some();
    let jsonata = v.jsonata;
    let ty = v.state_type;
    // Which stages AWS reports, by state type and query language (as recorded).
    let after_input = v.after_input_path.as_ref().unwrap_or(&v.input);
    let pass_with_result = ty == "Pass" && has("Result");
    put("input", Some(&v.input));
    if !jsonata {
        if !pass_with_result && ty != "Parallel" {
            put("afterInputPath", Some(after_input));
        }
        if !pass_with_result && (has("Parameters") || ty == "Pass") {
            put(
                "afterParameters",
                v.after_parameters.as_ref().or(Some(after_input)),
            );
        }
        if ty == "Map" && (has("ItemsPath") || !has("ItemReader")) {
            put(
                "afterItemsPath",
                v.map.as_ref().map(|m| &m.after_items_path),
            );
        }
    } else if has("Arguments") {
        put("afterArguments", v.after_parameters.as_ref());
    }
    if ty == "Task" || pass_with_result {
        put("result", v.result.as_ref());
    }
    if !jsonata && v.exited_event.is_some() && matches!(ty, "Task" | "Pass" | "Map" | "Parallel") {
        let selected = v.after_result_selector.as_ref().or(v.result.as_ref());
        {
            put(
                "afterResultSelector",
                selected
                    .or(v.after_parameters.as_ref())
                    .or(Some(after_input)),
            );
        }
        put("afterResultPath", v.after_result_path.as_ref());
    }
    let map = v.map.as_deref();
    if let Some(c) = map.map(|m| m.max_concurrency) {
        m.insert(Rc::from("maxConcurrency"), Value::from(c as i64));
    }
    if let Some(c) = map.and_then(|m| m.tolerated_failure_count) {
        m.insert(Rc::from("toleratedFailureCount"), Value::from(c as i64));
    }
    if let Some(p) = map.and_then(|m| m.tolerated_failure_percentage) {
        m.insert(Rc::from("toleratedFailurePercentage"), Value::from(p));
    }
    if let Some(a) = &v.assigned {
        m.insert(Rc::from("variables"), Value::Object(a.clone()));
    }
    if !error_details.is_empty() {
        m.insert(Rc::from("errorDetails"), Value::from(error_details));
    }
    Value::from(m)
}
