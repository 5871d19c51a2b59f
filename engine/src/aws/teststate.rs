//! AWS's TestState API: one state run on its own (or one state of a whole machine, by
//! `stateName`), with a mocked result or error, and AWS's answer: `status` (SUCCEEDED,
//! FAILED, RETRIABLE, CAUGHT_ERROR), `nextState`, `output`, `error`, `cause` and
//! `inspectionData` at the requested level. It runs on the execution engine
//! (`RunConfig::test_state`): no second interpreter. Requests AWS rejects get AWS's error
//! code and message.

use crate::api::{self, RunOptions};
use crate::run::mocks::Outcome;
use crate::run::{Status, TestOutcome, TestStateConfig, Visit, VisitError};
use crate::syntax::json::{self, Map, Value};
use std::rc::Rc;

/// The name a lone state gets in the machine it is wrapped in.
/// AWS-recorded: `$$.State.Name` of a lone state is "StateName".
const LONE_STATE: &str = "StateName";

fn api_error(code: &str, message: impl Into<String>) -> Value {
    crate::obj! { "error_code" => code, "message" => message.into() }
}

fn validation(message: impl Into<String>) -> Value {
    api_error("ValidationException", message)
}

/// JSON text fields of the request (`input`, `context`, `variables`, `mock.result`).
fn json_text(v: Option<&Value>) -> Option<Result<Value, String>> {
    v.and_then(Value::as_str)
        .map(|s| json::parse(s).map_err(|e| e.message))
}

/// Targets a lone state names (Next, Default, Choices, Catch) get a Succeed state each, so
/// the wrapped machine validates; the run stops when the tested state exits anyway.
fn placeholders(state: &Value, states: &mut Map) {
    let mut targets = Vec::new();
    if let Some(n) = state.get("Next").and_then(Value::as_str) {
        targets.push(n.to_string());
    }
    if let Some(n) = state.get("Default").and_then(Value::as_str) {
        targets.push(n.to_string());
    }
    for key in ["Choices", "Catch"] {
        for r in state
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = r.get("Next").and_then(Value::as_str) {
                targets.push(n.to_string());
            }
        }
    }
    for t in targets {
        if !states.contains_key(t.as_str()) {
            states.insert(Rc::from(t.as_str()), crate::obj! { "Type" => "Succeed" });
        }
    }
}

/// What a request's context object may hold (AWS's checks, as recorded).
fn check_context(context: &Value) -> Result<(), String> {
    let Some(m) = context.as_object() else {
        return Err("the context must be a JSON object".into());
    };
    for (section, v) in m.iter() {
        let allowed: &[&str] = match &**section {
            "Execution" => &[
                "Id",
                "Input",
                "Name",
                "RoleArn",
                "StartTime",
                "RedriveCount",
                "RedriveTime",
            ],
            "State" => &["EnteredTime", "Name", "RetryCount"],
            "StateMachine" => &["Id", "Name"],
            "Task" => &["Token"],
            "Map" => {
                return Err("'Map' field is not supported when mocking a Context object".into())
            }
            other => return Err(format!("Field '{other}' is not allowed")),
        };
        for (k, x) in v.as_object().into_iter().flat_map(|o| o.iter()) {
            if !allowed.contains(&&**k) {
                return Err(format!("Field '{k}' is not allowed"));
            }
            let must_be_string = matches!(
                &**k,
                "Id" | "Name" | "RoleArn" | "StartTime" | "EnteredTime" | "Token"
            );
            if must_be_string && !matches!(x, Value::String(_)) {
                return Err(format!("{section}.{k} must be a string"));
            }
        }
    }
    Ok(())
}

/// `service:action` of an integration ARN (`aws-sdk:` and the pattern suffix removed).
fn integration(resource: &str) -> Option<String> {
    let rest = resource.strip_prefix("arn:aws:states:::")?;
    let rest = rest.strip_prefix("aws-sdk:").unwrap_or(rest);
    let base = rest.split('.').next().unwrap_or(rest);
    Some(base.to_string())
}

/// The graph object (machine, Parallel branch, Map processor) whose `States` hold `name`.
fn graph_holding<'a>(graph: &'a Value, name: &str) -> Option<&'a Value> {
    let states = graph.get("States")?.as_object()?;
    if states.contains_key(name) {
        return Some(graph);
    }
    states.values().find_map(|s| {
        let branches = s
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        let processors = ["ItemProcessor", "Iterator"]
            .into_iter()
            .filter_map(|k| s.get(k));
        branches
            .chain(processors)
            .find_map(|g| graph_holding(g, name))
    })
}

/// Answers one TestState request (AWS's request shape, JSON values or JSON text as AWS takes
/// them); the answer is AWS's response, or `{"error_code", "message"}`.
pub fn test_state(request: &Value) -> Value {
    test_state_with(request, &crate::syntax::Substitutions::default())
}

/// `test_state` for a definition with placeholders (or in YAML): they are substituted with
/// `given`, or plausible values, before AWS's checks.
pub fn test_state_with(request: &Value, given: &crate::syntax::Substitutions) -> Value {
    let Some(definition_text) = request.get("definition").and_then(Value::as_str) else {
        return validation("definition is required");
    };
    let Ok(definition) = crate::syntax::read_definition(definition_text, given).map(|d| d.value)
    else {
        return api_error(
            "InvalidDefinition",
            "Invalid State Machine Definition: 'Definition must be a valid JSON object'",
        );
    };
    let level = request
        .get("inspectionLevel")
        .and_then(Value::as_str)
        .unwrap_or("INFO");
    let mock = request.get("mock");
    let state_name = request.get("stateName").and_then(Value::as_str);
    // The machine to run and the tested state in it.
    let (machine, name): (Value, Rc<str>) = match state_name {
        Some(name) => {
            // The graph that holds the state: the machine, or a branch or processor in it.
            let Some(graph) = graph_holding(&definition, name) else {
                return validation("State not found in definition");
            };
            let mut m = graph.as_object().cloned().unwrap_or_default();
            if let Some(q) = definition.get("QueryLanguage") {
                m.entry(Rc::from("QueryLanguage"))
                    .or_insert_with(|| q.clone());
            }
            m.shift_remove("ProcessorConfig");
            (Value::from(m), Rc::from(name))
        }
        None => {
            let mut states = Map::default();
            placeholders(&definition, &mut states);
            states.insert(Rc::from(LONE_STATE), definition.clone());
            let mut m = Map::default();
            m.insert(Rc::from("StartAt"), Value::from(LONE_STATE));
            m.insert(Rc::from("States"), Value::from(states));
            (Value::from(m), Rc::from(LONE_STATE))
        }
    };
    let state = machine
        .get("States")
        .and_then(|s| s.get(&name))
        .cloned()
        .unwrap_or_default();
    let type_name = state.get("Type").and_then(Value::as_str).unwrap_or("");
    let container = matches!(type_name, "Map" | "Parallel");
    // Requests AWS refuses before running anything.
    if mock.is_some() && request.get("revealSecrets").and_then(Value::as_bool) == Some(true) {
        return validation("TestState does not support RevealSecrets when a mock is specified.");
    }
    if mock.is_some() && !matches!(type_name, "Task" | "Map" | "Parallel") {
        return validation(format!(
            "State type '{type_name}' is not supported when a mock is specified"
        ));
    }
    if container && mock.is_none() && state_name.is_none() {
        return api_error("InvalidDefinition", "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]");
    }
    if type_name == "Task" && mock.is_none() && request.get("roleArn").is_none() {
        return validation("RoleArn must be specified when testing a Task state");
    }
    if let Some(Ok(context)) = json_text(request.get("context")) {
        if let Err(message) = check_context(&context) {
            return validation(format!("Invalid Context object provided: {message}"));
        }
    }
    let mocked_result = match json_text(mock.and_then(|m| m.get("result"))) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => return validation("Mocked result must be valid JSON"),
    };
    if container {
        if let Some(r) = &mocked_result {
            let writer = state.get("ResultWriter").is_some();
            if writer && !matches!(r, Value::Object(_)) {
                return validation("Mocked result must be a JSON object.");
            }
            if !writer && !matches!(r, Value::Array(_)) {
                return validation("Mocked result must be an array.");
            }
        }
    }
    // The mocked result must fit the integration's output (STRICT, the default, or PRESENT).
    if let (Some(r), "Task") = (&mocked_result, type_name) {
        let mode = mock
            .and_then(|m| m.get("fieldValidationMode"))
            .and_then(Value::as_str)
            .unwrap_or("STRICT");
        let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("");
        if let (Some(action), true) = (integration(resource), mode != "NONE") {
            if let Err(message) = crate::aws::shapes::check_mock(&action, r, mode == "STRICT") {
                return validation(message);
            }
        }
    }
    let mocked_error = mock
        .and_then(|m| m.get("errorOutput"))
        .map(|e| Outcome::Throw {
            error: Rc::from(e.get("error").and_then(Value::as_str).unwrap_or("")),
            cause: e.get("cause").and_then(Value::as_str).map(Rc::from),
        });
    let failures = request
        .get("stateConfiguration")
        .and_then(|c| c.get("mapIterationFailureCount"))
        .and_then(Value::as_number)
        .and_then(|n| n.as_i64())
        .unwrap_or(0);
    if let (Some(Value::Array(items)), "Map") = (&mocked_result, type_name) {
        if failures > items.len() as i64 {
            return validation(
                "Map iteration failure count must be less than or equal to the number of Map iterations",
            );
        }
    }
    let variables = json_text(request.get("variables")).and_then(Result::ok);
    let outcome = mocked_result.map(Outcome::Return).or(mocked_error);
    let input = match json_text(request.get("input")) {
        None => Value::object(),
        Some(Ok(v)) => v,
        Some(Err(e)) => return validation(format!("Invalid input: {e}")),
    };
    let config = request.get("stateConfiguration");
    let retry_count = config
        .and_then(|c| c.get("retrierRetryCount"))
        .and_then(Value::as_number)
        .and_then(|n| n.as_i64())
        .map_or(0, |n| n.max(0) as u64);
    // A Task's mock answers its one invocation; a Map's or Parallel's is its result.
    let mocks = match (&outcome, container) {
        (Some(o), false) => Some(crate::obj! { &*name => Value::from(vec![match o {
            Outcome::Return(v) => crate::obj! { "Return" => v.clone() },
            Outcome::Throw { error, cause } => crate::obj! { "Throw" => crate::obj! {
                "Error" => error.clone(),
                "Cause" => cause.clone().map_or(Value::Null, Value::String),
            } },
        }]) }),
        _ => None,
    };
    let options = RunOptions {
        mocks,
        // AWS runs TestState as a synchronous execution: its context has no RedriveCount.
        synchronous: true,
        record_inspection: true,
        max_transitions: Some(10_000),
        test_state: Some(TestStateConfig {
            retry_count,
            container_mock: if container { outcome } else { None },
            context: json_text(request.get("context")).and_then(Result::ok),
            start_at: state_name.map(Rc::from),
            map_failures: config
                .and_then(|c| c.get("mapIterationFailureCount"))
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                .map_or(0, |n| n.max(0) as u64),
            variables: json_text(request.get("variables"))
                .and_then(Result::ok)
                .and_then(|v| v.as_object().cloned()),
            item_reader_data: json_text(config.and_then(|c| c.get("mapItemReaderData")))
                .and_then(Result::ok),
            role_arn: request.get("roleArn").cloned().unwrap_or(Value::Null),
        }),
        ..Default::default()
    };
    let mut ex = match api::start(&machine.to_json(), input, &options) {
        Ok(ex) => ex,
        Err(api::StartError::Invalid(d)) => {
            let text = d
                .iter()
                .find(|d| d.severity == crate::check::diagnostic::Severity::Error)
                .map(|d| d.aws_text())
                .unwrap_or_default();
            return api_error(
                "InvalidDefinition",
                format!("Invalid State Machine Definition: '{text}'"),
            );
        }
        Err(e) => return validation(e.to_string()),
    };
    ex.run();
    respond(&ex, level, &state, variables.as_ref())
}

fn respond(
    ex: &crate::run::Execution,
    level: &str,
    state: &Value,
    variables: Option<&Value>,
) -> Value {
    let mut out = Map::default();
    let mut put = |k: &str, v: Value| {
        out.insert(Rc::from(k), v);
    };
    let visit = ex.visits().first();
    let mut error_details = Map::default();
    match (ex.status(), ex.test_outcome()) {
        (
            Status::Failed { error, cause },
            Some(TestOutcome::Retriable {
                retry_index,
                interval_seconds,
            }),
        ) => {
            put("status", Value::from("RETRIABLE"));
            put_error(&mut put, error, cause);
            error_details.insert(Rc::from("retryIndex"), Value::from(*retry_index as i64));
            error_details.insert(
                Rc::from("retryBackoffIntervalSeconds"),
                Value::from(*interval_seconds as i64),
            );
        }
        (Status::Succeeded { output }, Some(TestOutcome::Caught { catch_index, next })) => {
            put("status", Value::from("CAUGHT_ERROR"));
            if let Some(VisitError { error: e, cause: c }) = visit.and_then(|v| v.error.clone()) {
                put("error", Value::String(e));
                if let Some(c) = c {
                    put("cause", Value::String(c));
                }
            }
            if let Some(n) = next {
                put("nextState", Value::String(n.clone()));
            }
            put("output", output.clone());
            error_details.insert(Rc::from("catchIndex"), Value::from(*catch_index as i64));
        }
        (Status::Succeeded { output }, outcome) => {
            put("status", Value::from("SUCCEEDED"));
            if let Some(TestOutcome::Exited { next: Some(n) }) = outcome {
                put("nextState", Value::String(n.clone()));
            }
            put("output", output.clone());
        }
        (Status::Failed { error, cause } | Status::TimedOut { error, cause }, outcome) => {
            put("status", Value::from("FAILED"));
            put_error(&mut put, error, cause);
            if let Some(TestOutcome::Failed {
                retry_index: Some(i),
            }) = outcome
            {
                error_details.insert(Rc::from("retryIndex"), Value::from(*i as i64));
            }
        }
        (other, _) => {
            put("status", Value::from("FAILED"));
            put("error", Value::from("States.Runtime"));
            put(
                "cause",
                Value::from(format!("The state did not finish ({}).", other.name())),
            );
        }
    }
    if level != "INFO" {
        if let Some(v) = visit {
            let mut data = inspection(v, state, error_details);
            // The variables the state could read, as given.
            let given = variables.filter(|v| v.as_object().is_some_and(|m| !m.is_empty()));
            if let (Some(vars), Value::Object(d)) = (given, &mut data) {
                Rc::make_mut(d).insert(Rc::from("variables"), vars.clone());
            }
            put("inspectionData", data);
        }
    }
    Value::from(out)
}

fn put_error(put: &mut impl FnMut(&str, Value), error: &Option<Rc<str>>, cause: &Option<Rc<str>>) {
    if let Some(e) = error {
        put("error", Value::String(e.clone()));
    }
    if let Some(c) = cause {
        put("cause", Value::String(c.clone()));
    }
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
