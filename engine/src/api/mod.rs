//! The engine's facade: text and JSON values in, a validation, an execution or JSON out.
//! Every caller starts a run here (`validate`, `start`, `start_machine`), so options, mocks,
//! the registry and the context are read in one place; `render` gives the CLI's and AWS's
//! shapes of a run. The CLI, the tests, the bench and the fuzz target need nothing else;
//! the page also reads the typed model, run and services (`model`, `run`, `aws`) directly,
//! because it draws them.

use crate::check::{self, Validation};
use crate::model::WorkflowType;
use crate::run::mocks::Mocks;
use crate::run::{Execution, ExecutionContext, RunConfig};
use crate::syntax::json::{self, Value};
use std::rc::Rc;

mod render;
pub use render::{billing, history_value, price_usage, summary, visits_value};

pub use crate::check::diagnostic::{Diagnostic, Severity};
pub use crate::run::history::Event;
pub use crate::run::{Visit, MAX_PAYLOAD_BYTES};
pub use crate::syntax::{Format, Substitutions};

/// Checks a definition (JSON or YAML): every diagnostic, and the model when the text is an
/// object.
pub fn validate(definition: &str, workflow_type: WorkflowType) -> Validation {
    check::validate(definition, workflow_type)
}

/// `validate` with values for the definition's placeholders (the others get plausible values
/// and a warning each).
pub fn validate_with(
    definition: &str,
    workflow_type: WorkflowType,
    substitutions: &Substitutions,
) -> Validation {
    check::validate_with(definition, workflow_type, substitutions)
}

/// What a run needs besides the definition.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub workflow_type: WorkflowType,
    /// Any of the mock shapes `Mocks::from_value` reads.
    pub mocks: Option<Value>,
    /// State machine name (chooses inside a MockConfigFile; also `$$.StateMachine.Name`).
    pub machine_name: Option<String>,
    pub test_case: Option<String>,
    /// A conformance case's `context` object (values for `$$.Execution` and `$$.StateMachine`).
    pub context: Option<Value>,
    /// Where the virtual clock starts (epoch ms).
    pub start_time_ms: Option<i64>,
    pub seed: u64,
    pub max_transitions: Option<u64>,
    pub record_inspection: bool,
    /// Started synchronously (Express `StartSyncExecution`): at-most-once, no `RedriveCount`.
    pub synchronous: bool,
    /// The workspace's mocked S3 data for Distributed Map's ItemReader:
    /// `{"bucket": {"key": "object text"}}`.
    pub s3: Option<Value>,
    /// The workspace's other state machines, which `states:startExecution` Tasks start:
    /// `{"NAME": {"definition": <ASL object or text>, "type": "STANDARD" | "EXPRESS"}}`.
    pub machines: Option<Value>,
    /// Asynchronous Express delivers Tasks at least once: simulate re-deliveries.
    pub at_least_once: bool,
    /// AWS's TestState: run the first state only (see `teststate`).
    pub test_state: Option<crate::run::TestStateConfig>,
    /// Values for the definition's `${…}` placeholders.
    pub substitutions: Substitutions,
}

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq)]
pub enum StartError {
    /// The definition has errors (all of them are here).
    Invalid(Vec<Diagnostic>),
    /// The mocks could not be read.
    Mocks(String),
    /// One of the workspace's other machines is invalid.
    Machine(String),
    /// The execution input is over AWS's 256 KiB (`StartExecution` refuses it): its size.
    InputTooLarge(usize),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Invalid(d) => {
                write!(f, "the definition is invalid: ")?;
                let texts: Vec<String> = d
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| d.aws_text())
                    .collect();
                write!(f, "{}", texts.join("; "))
            }
            StartError::Mocks(m) => write!(f, "the mocks are invalid: {m}"),
            StartError::Machine(m) => write!(f, "{m}"),
            // AWS's StartExecution answer, with the size it found.
            StartError::InputTooLarge(n) => write!(
                f,
                "the execution input is {n} bytes as JSON, over AWS's 256 KiB: 1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to {MAX_PAYLOAD_BYTES}"
            ),
        }
    }
}

fn context_from(v: Option<&Value>, machine_name: Option<&str>) -> ExecutionContext {
    let mut c = ExecutionContext::default();
    if let Some(name) = machine_name {
        c.state_machine_name = Value::from(name);
        c.state_machine_id = Value::from(format!(
            "arn:aws:states:{}:{}:stateMachine:{name}",
            crate::syntax::substitute::REGION,
            crate::syntax::substitute::ACCOUNT
        ));
    }
    let Some(v) = v else { return c };
    let pick = |section: &str, key: &str| {
        v.get(section)
            .and_then(|s| s.get(key))
            .filter(|x| !x.is_null())
            .cloned()
    };
    if let Some(x) = pick("Execution", "Id") {
        c.execution_id = x;
    }
    if let Some(x) = pick("Execution", "Name") {
        c.execution_name = x;
    }
    if let Some(x) = pick("Execution", "RoleArn") {
        c.role_arn = x;
    }
    if let Some(x) = pick("StateMachine", "Id") {
        c.state_machine_id = x;
    }
    if let Some(x) = pick("StateMachine", "Name") {
        c.state_machine_name = x;
    }
    c
}

/// Validates, checks the input against AWS's 256 KiB, reads the mocks and starts an execution
/// (nothing runs until it is advanced).
pub fn start(
    definition: &str,
    input: Value,
    options: &RunOptions,
) -> Result<Execution, StartError> {
    let v = validate_with(definition, options.workflow_type, &options.substitutions);
    let machine = match (&v.machine, v.is_valid()) {
        (Some(m), true) => m.clone(),
        _ => return Err(StartError::Invalid(v.diagnostics)),
    };
    let size = input.json_size();
    if size > MAX_PAYLOAD_BYTES {
        return Err(StartError::InputTooLarge(size));
    }
    start_machine(machine, input, options)
}

/// Validates the workspace's named machines (`RunOptions::machines`: `{"NAME": {"definition",
/// "type", "substitutions"}}`).
pub fn registry(machines: &Value) -> Result<crate::run::Registry, String> {
    let mut out = crate::run::Registry::default();
    let Some(m) = machines.as_object() else {
        return Err(
            "the workspace's machines must be an object of NAME: {definition, type}".into(),
        );
    };
    for (name, spec) in m.iter() {
        let text = match spec.get("definition") {
            Some(Value::String(s)) => s.to_string(),
            Some(v) => v.to_json(),
            None => return Err(format!("the machine '{name}' has no definition")),
        };
        let ty = spec
            .get("type")
            .and_then(Value::as_str)
            .and_then(WorkflowType::parse)
            .unwrap_or_default();
        let substitutions = spec
            .get("substitutions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let v = validate_with(&text, ty, &substitutions);
        match (&v.machine, v.is_valid()) {
            (Some(machine), true) => {
                out.insert(
                    name.clone(),
                    crate::run::RegisteredMachine {
                        machine: machine.clone(),
                        workflow_type: ty,
                    },
                );
            }
            _ => {
                let first = v
                    .diagnostics
                    .iter()
                    .find(|d| d.severity == Severity::Error)
                    .map(|d| d.aws_text())
                    .unwrap_or_default();
                return Err(format!("the state machine '{name}' is invalid: {first}"));
            }
        }
    }
    Ok(out)
}

/// Starts an execution of an already validated machine. Unlike `start` (the CLI's and the
/// page's way in), it takes an input of any size: the benchmarks' scale workload feeds a
/// million items inline, where AWS would read them through an ItemReader.
pub fn start_machine(
    machine: Rc<crate::model::StateMachine>,
    input: Value,
    options: &RunOptions,
) -> Result<Execution, StartError> {
    let mocks = match &options.mocks {
        Some(m) => Mocks::from_value(
            m,
            options.machine_name.as_deref(),
            options.test_case.as_deref(),
        )
        .map_err(StartError::Mocks)?,
        None => Mocks::none(),
    };
    let defaults = RunConfig::default();
    let cfg = RunConfig {
        workflow_type: options.workflow_type,
        mocks: Rc::new(mocks),
        start_time_ms: options.start_time_ms.unwrap_or(defaults.start_time_ms),
        seed: options.seed,
        context: context_from(options.context.as_ref(), options.machine_name.as_deref()),
        max_transitions: options.max_transitions.unwrap_or(defaults.max_transitions),
        max_history_events: None,
        record_inspection: options.record_inspection,
        synchronous: options.synchronous,
        s3: options.s3.clone().unwrap_or_default(),
        machines: Rc::new(match &options.machines {
            Some(m) => registry(m).map_err(StartError::Machine)?,
            None => Default::default(),
        }),
        at_least_once: options.at_least_once,
        test_state: options.test_state.clone(),
        nesting: 0,
    };
    Ok(Execution::start(machine, input, cfg))
}

/// Parses JSON data (inputs, mocks): a located error message on failure.
pub fn parse_json(text: &str) -> Result<Value, String> {
    json::parse(text).map_err(|e| {
        let (line, col) = json::line_col(text, e.offset);
        format!("{} at line {line}, column {col}", e.message)
    })
}

/// Answers the task token an execution waits on with a scripted answer (the fixtures' and
/// exercises' `callbacks`): `{"success": output}`, `{"failure": {"error", "cause"}}`, or
/// anything else as a heartbeat.
pub fn answer_callback(ex: &mut Execution, token: &str, answer: &Value) -> Result<(), String> {
    if let Some(v) = answer.get("success") {
        ex.send_task_success(token, v.clone())
    } else if let Some(f) = answer.get("failure") {
        ex.send_task_failure(
            token,
            f.get("error").and_then(Value::as_str),
            f.get("cause").and_then(Value::as_str),
        )
    } else {
        ex.send_task_heartbeat(token)
    }
}

/// A run as a host describes it in plain data, the same for the page's own execution and for
/// the one its Web Worker runs ahead of it (so both make the same execution): `{"definition",
/// "input", "mocks", "s3"}` as text (empty mocks and S3 data: none), `"workflowType"`,
/// `"machineName"`, `"testCase"`, `"machines"` (as [`RunOptions::machines`]), `"atLeastOnce"`,
/// `"substitutions"`. The error names the text that is not JSON.
pub fn start_request(request: &Value) -> Result<Execution, String> {
    let text = |k: &str| request.get(k).and_then(Value::as_str).unwrap_or("");
    let optional = |k: &str, what: &str| match text(k).trim() {
        "" => Ok(None),
        t => parse_json(t).map(Some).map_err(|e| format!("{what}: {e}")),
    };
    let named = |k: &str| Some(text(k).to_string()).filter(|s| !s.is_empty());
    let input = parse_json(text("input")).map_err(|e| format!("Input: {e}"))?;
    let options = RunOptions {
        workflow_type: WorkflowType::parse(text("workflowType")).unwrap_or_default(),
        mocks: optional("mocks", "Mocks")?,
        machine_name: named("machineName"),
        test_case: named("testCase"),
        record_inspection: true,
        machines: request.get("machines").filter(|m| !m.is_null()).cloned(),
        s3: optional("s3", "S3 data")?,
        at_least_once: request.get("atLeastOnce").and_then(Value::as_bool) == Some(true),
        substitutions: match request.get("substitutions") {
            Some(Value::Object(m)) => m.as_ref().clone(),
            _ => Substitutions::default(),
        },
        ..Default::default()
    };
    start(text("definition"), input, &options).map_err(|e| e.to_string())
}
