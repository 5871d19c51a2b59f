//! AWS's TestState API: one state run on its own (or one state of a whole machine, by
//! `stateName`), with a mocked result or error, and AWS's answer: `status` (SUCCEEDED,
//! FAILED, RETRIABLE, CAUGHT_ERROR), `nextState`, `output`, `error`, `cause` and
//! `inspectionData` at the requested level. It runs on the execution engine
//! (`RunConfig::test_state`): no second interpreter. Requests AWS rejects get AWS's error
//! code and message.

mod answer;
mod request;

pub use answer::{TestStateAnswer, TestStatus};
pub use request::{
    FieldValidationMode, InspectionLevel, MockedError, StateConfiguration, TestMock,
    TestStateError, TestStateErrorCode, TestStateRequest,
};

use crate::check::diagnostic::Severity;
use crate::model::WorkflowType;
use crate::run::mocks::{Mocks, Outcome};
use crate::run::{Execution, RunConfig, TestStateConfig};
use crate::syntax::json::{self, Map, Value};
use crate::syntax::Substitutions;
use std::rc::Rc;

/// The name a lone state gets in the machine it is wrapped in.
/// AWS-recorded: `$$.State.Name` of a lone state is "StateName".
const LONE_STATE: &str = "StateName";

/// JSON text fields of the request (`input`, `context`, `variables`, `mock.result`).
fn json_text(v: Option<&String>) -> Option<Result<Value, String>> {
    v.map(|s| json::parse(s).map_err(|e| e.message))
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
        crate::check::fields::sub_graphs(s, "")
            .into_iter()
            .find_map(|(g, _)| graph_holding(g, name))
    })
}

/// The JSON edge (CLI, conformance, the page's extras module): AWS's request JSON in, AWS's
/// answer or `{"error_code", "message"}` out. `given`: values for the definition's
/// placeholders (the others get plausible values).
pub fn answer_json(request: &Value, given: &Substitutions) -> Value {
    match TestStateRequest::from_json(request).and_then(|r| test_state(&r, given)) {
        Ok(answer) => answer.to_json(),
        Err(e) => e.to_json(),
    }
}

/// Answers one TestState request as AWS does, or refuses it with AWS's error. A definition
/// with placeholders (or in YAML) is substituted with `given`, or plausible values, before
/// AWS's checks.
pub fn test_state(
    request: &TestStateRequest,
    given: &Substitutions,
) -> Result<TestStateAnswer, TestStateError> {
    let Ok(definition) =
        crate::syntax::read_definition(&request.definition, given).map(|d| d.value)
    else {
        return Err(TestStateError::invalid_definition(
            "Invalid State Machine Definition: 'Definition must be a valid JSON object'",
        ));
    };
    let state_name = request.state_name.as_deref();
    let (machine, name) = machine_to_run(&definition, state_name)?;
    let state = machine
        .get("States")
        .and_then(|s| s.get(&name))
        .cloned()
        .unwrap_or_default();
    let outcome = refusals(request, &state)?;
    let type_name = state.get("Type").and_then(Value::as_str).unwrap_or("");
    let container = matches!(type_name, "Map" | "Parallel");
    let input = match json_text(request.input.as_ref()) {
        None => Value::object(),
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(TestStateError::validation(format!("Invalid input: {e}"))),
    };
    let config = &request.state_configuration;
    let variables = json_text(request.variables.as_ref()).and_then(Result::ok);
    let count = |n: Option<i64>| n.map_or(0, |n| n.max(0) as u64);
    // A Task's mock answers its one invocation; a Map's or Parallel's is its result.
    let (mocks, container_mock) = match outcome {
        Some(o) if container => (Mocks::none(), Some(o)),
        Some(o) => (Mocks::one(&name, o), None),
        None => (Mocks::none(), None),
    };
    let cfg = RunConfig {
        mocks: Rc::new(mocks),
        // AWS runs TestState as a synchronous execution: its context has no RedriveCount.
        synchronous: true,
        record_inspection: true,
        max_transitions: 10_000,
        test_state: Some(TestStateConfig {
            retry_count: count(config.retrier_retry_count),
            container_mock,
            context: json_text(request.context.as_ref()).and_then(Result::ok),
            start_at: state_name.map(Rc::from),
            map_failures: count(config.map_iteration_failure_count),
            variables: variables.as_ref().and_then(|v| v.as_object().cloned()),
            item_reader_data: json_text(config.map_item_reader_data.as_ref()).and_then(Result::ok),
            role_arn: request.role_arn.as_deref().map_or(Value::Null, Value::from),
        }),
        ..RunConfig::default()
    };
    let checked = crate::check::validate(&machine.to_json(), WorkflowType::Standard);
    let Some(model) = checked.machine.clone().filter(|_| checked.is_valid()) else {
        let text = checked
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .map(|d| d.aws_text())
            .unwrap_or_default();
        return Err(TestStateError::invalid_definition(format!(
            "Invalid State Machine Definition: '{text}'"
        )));
    };
    let mut ex = Execution::start(model, input, cfg);
    ex.run();
    Ok(answer::respond(
        &ex,
        request.inspection_level,
        &state,
        variables.as_ref(),
    ))
}

/// The machine to run and the tested state's name in it: with `stateName`, the graph that
/// holds the state (the machine, or a branch or processor in it); a lone state is wrapped.
fn machine_to_run(
    definition: &Value,
    state_name: Option<&str>,
) -> Result<(Value, Rc<str>), TestStateError> {
    Ok(match state_name {
        Some(name) => {
            let Some(graph) = graph_holding(definition, name) else {
                return Err(TestStateError::validation("State not found in definition"));
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
            placeholders(definition, &mut states);
            states.insert(Rc::from(LONE_STATE), definition.clone());
            let mut m = Map::default();
            m.insert(Rc::from("StartAt"), Value::from(LONE_STATE));
            m.insert(Rc::from("States"), Value::from(states));
            (Value::from(m), Rc::from(LONE_STATE))
        }
    })
}

/// The requests AWS refuses before running anything; else the mocked outcome, if any.
fn refusals(request: &TestStateRequest, state: &Value) -> Result<Option<Outcome>, TestStateError> {
    let mock = request.mock.as_ref();
    let type_name = state.get("Type").and_then(Value::as_str).unwrap_or("");
    let container = matches!(type_name, "Map" | "Parallel");
    let refuse = |m: String| Err(TestStateError::validation(m));
    if mock.is_some() && request.reveal_secrets {
        return refuse("TestState does not support RevealSecrets when a mock is specified.".into());
    }
    if mock.is_some() && !matches!(type_name, "Task" | "Map" | "Parallel") {
        return refuse(format!(
            "State type '{type_name}' is not supported when a mock is specified"
        ));
    }
    if container && mock.is_none() && request.state_name.is_none() {
        return Err(TestStateError::invalid_definition("TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"));
    }
    if type_name == "Task" && mock.is_none() && request.role_arn.is_none() {
        return refuse("RoleArn must be specified when testing a Task state".into());
    }
    if let Some(Ok(context)) = json_text(request.context.as_ref()) {
        if let Err(message) = check_context(&context) {
            return refuse(format!("Invalid Context object provided: {message}"));
        }
    }
    let mocked_result = match json_text(mock.and_then(|m| m.result.as_ref())) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => return refuse("Mocked result must be valid JSON".into()),
    };
    if let (true, Some(r)) = (container, &mocked_result) {
        let writer = state.get("ResultWriter").is_some();
        if writer && !matches!(r, Value::Object(_)) {
            return refuse("Mocked result must be a JSON object.".into());
        }
        if !writer && !matches!(r, Value::Array(_)) {
            return refuse("Mocked result must be an array.".into());
        }
    }
    // The mocked result must fit the integration's output (STRICT, the default, or PRESENT).
    if let (Some(r), "Task", Some(m)) = (&mocked_result, type_name, mock) {
        let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("");
        let mode = m.field_validation_mode;
        if let (Some(action), true) = (integration(resource), mode != FieldValidationMode::None) {
            let strict = mode == FieldValidationMode::Strict;
            if let Err(message) = crate::aws::shapes::check_mock(&action, r, strict) {
                return refuse(message);
            }
        }
    }
    let failures = request
        .state_configuration
        .map_iteration_failure_count
        .unwrap_or(0);
    if let (Some(Value::Array(items)), "Map") = (&mocked_result, type_name) {
        if failures > items.len() as i64 {
            return refuse("Map iteration failure count must be less than or equal to the number of Map iterations".into());
        }
    }
    let mocked_error = mock
        .and_then(|m| m.error_output.as_ref())
        .map(|e| Outcome::Throw {
            error: Rc::from(e.error.as_str()),
            cause: e.cause.as_deref().map(Rc::from),
        });
    Ok(mocked_result.map(Outcome::Return).or(mocked_error))
}
