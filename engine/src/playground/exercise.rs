//! Workshop exercises: a documented JSON file (title, Markdown instructions, a starting
//! workspace, checks, hints, a reference solution) and the checks, run on the engine.
//!
//! ```jsonc
//! {
//!   "id": "retries-with-jitter", "title": "...", "instructions": "Markdown",
//!   "start":    { "definition": { /* ASL */ }, "type": "STANDARD", "input": {}, "mocks": {}, "machines": {} },
//!   "solution": { /* the same shape */ },
//!   "hints": ["..."],
//!   "checks": [
//!     { "label": "...", "kind": "status", "status": "SUCCEEDED" },          // the run ends so
//!     { "kind": "output", "equals": ... } | { "kind": "output", "contains": {...} },
//!     { "kind": "stateType", "type": "Map" },                                  // a state of a type exists
//!     { "kind": "has", "pattern": { "JitterStrategy": "FULL" } },              // an object in the definition holds these
//!     { "kind": "caught", "state": "Charge" },                                 // the state's (mocked) failure is caught
//!     { "kind": "cost", "as": "EXPRESS", "perMillionUnder": 3.0 },             // cost of a million runs
//!     { "kind": "nestedExpress" }                                              // a part runs as a nested Express child
//!   ]
//! }
//! ```
//! A check that runs the workflow may carry its own `input`, `mocks`, `type` and
//! `callbacks` (answers for `.waitForTaskToken` Tasks, in order: `{"success": ...}`,
//! `{"failure": {"error", "cause"}}` or `"heartbeat"`).

use crate::api::{self, RunOptions};
use crate::model::WorkflowType;
use crate::run::{Execution, Status};
use crate::syntax::json::{self, Value};

/// What the user has: the open machine, its type, the input and mocks (text, as edited), and
/// the workspace's other machines.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub definition: String,
    pub workflow_type: WorkflowType,
    pub input: String,
    pub mocks: String,
    pub machines: Option<Value>,
    /// Values for the definition's placeholders.
    pub substitutions: crate::syntax::Substitutions,
}

impl Attempt {
    /// An exercise's `start` or `solution`.
    pub fn from_value(v: &Value) -> Attempt {
        let text = |k: &str| match v.get(k) {
            Some(Value::String(s)) => s.to_string(),
            Some(x) => x.to_json_pretty(),
            None => String::new(),
        };
        Attempt {
            definition: text("definition"),
            workflow_type: v
                .get("type")
                .and_then(Value::as_str)
                .and_then(WorkflowType::parse)
                .unwrap_or_default(),
            input: text("input"),
            mocks: text("mocks"),
            machines: v.get("machines").filter(|m| !m.is_null()).cloned(),
            substitutions: v
                .get("substitutions")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub label: String,
    pub passed: bool,
    /// What was found, when it failed.
    pub detail: String,
}

/// Does `v` (or something inside it) hold every key of `pattern` with an equal value
/// (`"*"` matches any value)?
fn holds(v: &Value, pattern: &json::Map) -> bool {
    match v {
        Value::Object(m) => {
            let here = pattern.iter().all(|(k, want)| {
                m.get(&**k)
                    .is_some_and(|got| want.as_str() == Some("*") || got == want)
            });
            here || m.values().any(|x| holds(x, pattern))
        }
        Value::Array(a) => a.iter().any(|x| holds(x, pattern)),
        _ => false,
    }
}

fn state_types(v: &Value, out: &mut Vec<String>) {
    for s in v
        .get("States")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
    {
        if let Some(t) = s.get("Type").and_then(Value::as_str) {
            out.push(t.to_string());
        }
        for b in s
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            state_types(b, out);
        }
        for k in ["ItemProcessor", "Iterator"] {
            if let Some(p) = s.get(k) {
                state_types(p, out);
            }
        }
    }
}

/// Runs the attempt as a check asks (its own input, mocks, type, callbacks), to the end.
fn run(attempt: &Attempt, check: &Value) -> Result<Execution, String> {
    let text_or = |k: &str, default: &str| match check.get(k) {
        Some(v) => v.to_json(),
        None => default.to_string(),
    };
    let input_text = text_or("input", &attempt.input);
    let input = if input_text.trim().is_empty() {
        Value::object()
    } else {
        api::parse_json(&input_text).map_err(|e| format!("the input is not JSON: {e}"))?
    };
    let mocks_text = text_or("mocks", &attempt.mocks);
    let mocks = if mocks_text.trim().is_empty() {
        None
    } else {
        Some(api::parse_json(&mocks_text).map_err(|e| format!("the mocks are not JSON: {e}"))?)
    };
    let options = RunOptions {
        workflow_type: check
            .get("type")
            .and_then(Value::as_str)
            .and_then(WorkflowType::parse)
            .unwrap_or(attempt.workflow_type),
        mocks,
        machines: attempt.machines.clone(),
        record_inspection: true,
        max_transitions: Some(100_000),
        substitutions: attempt.substitutions.clone(),
        ..Default::default()
    };
    let mut ex = api::start(&attempt.definition, input, &options).map_err(|e| e.to_string())?;
    let mut answers: Vec<Value> = check
        .get("callbacks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    answers.reverse();
    loop {
        ex.run();
        let Status::WaitingForCallback { token, state } = ex.status().clone() else {
            break;
        };
        let Some(a) = answers.pop() else {
            return Err(format!("the run waits for a callback in '{state}'"));
        };
        api::answer_callback(&mut ex, &token, &a)?;
    }
    Ok(ex)
}

/// Runs one check.
pub fn check(attempt: &Attempt, check: &Value) -> CheckResult {
    let kind = check.get("kind").and_then(Value::as_str).unwrap_or("");
    let label = check
        .get("label")
        .and_then(Value::as_str)
        .map_or_else(|| kind.to_string(), str::to_string);
    let verdict = |passed: bool, detail: String| CheckResult {
        label: label.clone(),
        passed,
        detail: if passed { String::new() } else { detail },
    };
    // JSON or YAML, with its placeholders substituted: the patterns are about the ASL.
    let definition = crate::syntax::read_definition(&attempt.definition, &attempt.substitutions)
        .map(|d| d.value)
        .unwrap_or_default();
    match kind {
        "stateType" => {
            let want = check.get("type").and_then(Value::as_str).unwrap_or("");
            let mut types = Vec::new();
            state_types(&definition, &mut types);
            verdict(types.iter().any(|t| t == want), format!("no {want} state"))
        }
        "has" => {
            let pattern = check
                .get("pattern")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            verdict(
                holds(&definition, &pattern),
                format!(
                    "nothing in the definition holds {}",
                    Value::from(pattern).to_json()
                ),
            )
        }
        _ => {
            let ex = match run(attempt, check) {
                Ok(ex) => ex,
                Err(e) => return verdict(false, e),
            };
            let output = match ex.status() {
                Status::Succeeded { output } => Some(output.clone()),
                _ => None,
            };
            match kind {
                "status" => {
                    let want = check
                        .get("status")
                        .and_then(Value::as_str)
                        .unwrap_or("SUCCEEDED");
                    let got = ex.status().name();
                    verdict(got == want, format!("the run ended {got}"))
                }
                "output" => match (&output, check.get("equals"), check.get("contains")) {
                    (Some(o), Some(want), _) => {
                        verdict(o == want, format!("the output is {}", o.to_json()))
                    }
                    (Some(o), None, Some(Value::Object(want))) => verdict(
                        want.iter().all(|(k, v)| o.get(k) == Some(v)),
                        format!("the output is {}", o.to_json()),
                    ),
                    _ => verdict(false, format!("the run ended {}", ex.status().name())),
                },
                "caught" => {
                    let state = check.get("state").and_then(Value::as_str).unwrap_or("");
                    let caught = ex.visits().iter().any(|v| {
                        &*v.state == state && v.error.is_some() && v.exited_event.is_some()
                    });
                    verdict(caught, format!("'{state}' did not fail into a Catch"))
                }
                "cost" => {
                    let as_type = check
                        .get("as")
                        .and_then(Value::as_str)
                        .and_then(WorkflowType::parse)
                        .unwrap_or(attempt.workflow_type);
                    let limit = check
                        .get("perMillionUnder")
                        .and_then(Value::as_number)
                        .map_or(0.0, |n| n.as_f64());
                    let cost = crate::aws::cost::charges(
                        crate::aws::cost::breakdown(&ex, as_type),
                        1_000_000.0,
                        crate::aws::cost::Pricing::default(),
                    )
                    .total();
                    verdict(
                        ex.status().is_finished() && cost < limit,
                        format!("a million runs cost ${cost:.2} as {}", as_type.as_str()),
                    )
                }
                "nestedExpress" => verdict(
                    ex.nested().iter().any(|n| {
                        n.execution.borrow().config().workflow_type == WorkflowType::Express
                    }),
                    "no part runs as a nested Express child".into(),
                ),
                other => verdict(false, format!("unknown check kind '{other}'")),
            }
        }
    }
}

/// Runs every check of an exercise.
pub fn run_checks(exercise: &Value, attempt: &Attempt) -> Vec<CheckResult> {
    exercise
        .get("checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| check(attempt, c))
        .collect()
}
