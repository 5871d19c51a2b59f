//! The interpreter. An execution is an explicit stack of frames (the machine, a Parallel
//! branch, a Map iteration), so it can stop after any step: `advance` performs one action and
//! appends its history events; run-to-end, the UI's Step button, callbacks and the tests all go
//! through it.
//!
//! Time is virtual: each frame has its own clock (epoch ms). Parallel branches start together
//! and Map iterations fill at most `MaxConcurrency` slots (40 for inline Maps), so the
//! execution's duration is the makespan; but events come out in one deterministic order,
//! iteration by iteration and branch by branch (the order the conformance mocks assume).

pub mod history;
pub mod map_run;
pub mod mocks;

use crate::env::{errors, Env, Failure, Lazy, Rng, VarScope};
use crate::history::{Event, EventKind, TaskFamily};
use crate::json::{Map, Value};
use crate::mocks::{Mocks, Outcome};
use crate::model::*;
use crate::path::{set_at, JsonPath};
use crate::time::format_rfc3339_millis;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// AWS's payload quota (256 KiB), for inputs, outputs and task results.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;
/// Standard workflows: at most 25,000 history events.
pub const STANDARD_HISTORY_LIMIT: usize = 25_000;
/// Express workflows run for at most 5 minutes.
pub const EXPRESS_MAX_DURATION_MS: i64 = 5 * 60 * 1000;
/// Simulated durations are capped (about 31,700 years) so virtual time never overflows.
pub const MAX_SIMULATED_MS: u64 = 1_000_000_000_000_000;
/// Inline Map runs at most 40 iterations at once.
pub const INLINE_MAP_MAX_CONCURRENCY: usize = 40;

/// Values for the context object (`$$.Execution`, `$$.StateMachine`).
#[derive(Debug, Clone)]
pub struct ExecutionContext {
    pub execution_id: Value,
    pub execution_name: Value,
    pub role_arn: Value,
    pub state_machine_id: Value,
    pub state_machine_name: Value,
}

impl Default for ExecutionContext {
    fn default() -> Self {
        ExecutionContext {
            execution_id: Value::from(
                "arn:aws:states:us-east-1:123456789012:execution:playground:run-1",
            ),
            execution_name: Value::from("run-1"),
            role_arn: Value::from("arn:aws:iam::123456789012:role/playground"),
            state_machine_id: Value::from(
                "arn:aws:states:us-east-1:123456789012:stateMachine:playground",
            ),
            state_machine_name: Value::from("playground"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub workflow_type: WorkflowType,
    pub mocks: Rc<Mocks>,
    /// Where the virtual clock starts (epoch ms).
    pub start_time_ms: i64,
    /// Seeds `States.MathRandom`, `States.UUID`, jitter and task tokens.
    pub seed: u64,
    pub context: ExecutionContext,
    /// The host's budget of state transitions: an endless loop stops here with a clear error.
    pub max_transitions: u64,
    /// `None`: AWS's quota for the workflow type (25,000 for Standard, none for Express).
    pub max_history_events: Option<usize>,
    /// Keep per-visit inspection data (the data-flow stages). On for the UI; benchmarks may
    /// turn it off.
    pub record_inspection: bool,
    /// Started synchronously (Express `StartSyncExecution`).
    pub synchronous: bool,
    /// Mocked S3 objects for Distributed Map's `ItemReader` (`distributed::Buckets`).
    pub s3: Value,
    /// The workspace's other state machines, by name: `states:startExecution` Tasks without a
    /// mock start them as child executions.
    pub machines: Rc<Registry>,
    /// Asynchronous Express is at-least-once: Task invocations may be delivered twice. On, each
    /// invocation is re-delivered with probability 1/2 (seeded), and every Task whose second
    /// delivery would answer differently is reported (`Execution::duplicates`). Ignored for
    /// Standard (exactly-once) and synchronous Express (at-most-once).
    pub at_least_once: bool,
    /// AWS's TestState: run the first state only and report how it ended (`test_outcome`).
    pub test_state: Option<TestStateConfig>,
}

/// How a TestState call runs its state (`RunConfig::test_state`).
#[derive(Debug, Clone, Default)]
pub struct TestStateConfig {
    /// Attempts already made by the state's retriers (`retrierRetryCount`).
    pub retry_count: u64,
    /// A mocked result or error for a Map or Parallel state: its children do not run.
    pub container_mock: Option<Outcome>,
    /// The request's context object: its fields replace the generated ones (`Execution.Input`
    /// and `State` included).
    pub context: Option<Value>,
    /// The state to run (`stateName`), when not the machine's `StartAt`.
    pub start_at: Option<Rc<str>>,
    /// Map iterations that failed (`mapIterationFailureCount`), weighed against the Map's
    /// tolerated failures.
    pub map_failures: u64,
    /// Variables the state can read (`variables`).
    pub variables: Option<Map>,
    /// The items an ItemReader would read (`mapItemReaderData`).
    pub item_reader_data: Option<Value>,
    /// `$$.Execution.RoleArn` (the request's `roleArn`, null without one).
    pub role_arn: Value,
}

/// How the tested state ended, beyond the execution's status.
#[derive(Debug, Clone, PartialEq)]
pub enum TestOutcome {
    /// It left to `next` (`None`: the end) with its output.
    Exited { next: Option<Rc<str>> },
    /// A catcher caught its error and it left to `next`.
    Caught {
        catch_index: usize,
        next: Option<Rc<str>>,
    },
    /// A retrier would retry it after `interval_seconds`.
    Retriable {
        retry_index: usize,
        interval_seconds: f64,
    },
    /// It failed; the retrier that matched (if any) had no attempts left.
    Failed { retry_index: Option<usize> },
}

/// A Task invocation under at-least-once delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub state: Rc<str>,
    /// 0-based invocation of the state.
    pub invocation: u64,
    /// This run delivered it twice (the second answer is the one the workflow used).
    pub redelivered: bool,
    /// A second delivery answers differently (the mock's next response differs): the step is
    /// not idempotent.
    pub changes_result: bool,
}

/// Named state machines a workflow can start (`arn:...:stateMachine:NAME` or `NAME`).
pub type Registry = FxHashMap<Rc<str>, (Rc<StateMachine>, WorkflowType)>;

/// A child execution started by a `states:startExecution` Task.
pub struct NestedExecution {
    /// The parent's Task state that started it.
    pub state: Rc<str>,
    pub machine: Rc<str>,
    /// Shared so that a host can show and step through it like any execution.
    pub execution: Rc<std::cell::RefCell<Execution>>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            workflow_type: WorkflowType::Standard,
            mocks: Rc::new(Mocks::none()),
            start_time_ms: 1_700_000_000_000,
            seed: 0,
            context: ExecutionContext::default(),
            max_transitions: 1_000_000,
            max_history_events: None,
            record_inspection: true,
            synchronous: false,
            s3: Value::Null,
            machines: Rc::new(Registry::default()),
            at_least_once: false,
            test_state: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Running,
    /// A `.waitForTaskToken` Task waits for the host to send success, failure or heartbeat.
    WaitingForCallback {
        token: Rc<str>,
        state: Rc<str>,
    },
    Succeeded {
        output: Value,
    },
    Failed {
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    TimedOut {
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    Aborted,
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::WaitingForCallback { .. } => "RUNNING",
            Status::Succeeded { .. } => "SUCCEEDED",
            Status::Failed { .. } => "FAILED",
            Status::TimedOut { .. } => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
    pub fn is_finished(&self) -> bool {
        !matches!(self, Status::Running | Status::WaitingForCallback { .. })
    }
}

/// One visit of one state, with the data at each stage (the TestState API's
/// `inspectionData` names).
#[derive(Debug, Clone, Default)]
pub struct Visit {
    pub state: Rc<str>,
    pub state_type: &'static str,
    /// 0 for the machine's own states, deeper inside Parallel branches and Map iterations.
    pub depth: usize,
    /// Map iteration index or Parallel branch index of the enclosing frame, if any.
    pub iteration: Option<usize>,
    pub entered_event: u64,
    pub exited_event: Option<u64>,
    pub input: Value,
    pub after_input_path: Option<Value>,
    pub after_parameters: Option<Value>,
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    pub output: Option<Value>,
    pub error: Option<(Rc<str>, Option<Rc<str>>)>,
    pub retries: u64,
    /// A JSONata state: `after_parameters` holds its `Arguments`, `output` its `Output`.
    pub jsonata: bool,
    /// A Map's items and limits (boxed: most visits are not Maps, and visits are recorded
    /// for every state a run enters).
    pub map: Option<Box<MapVisit>>,
    /// Variables the visit assigned (`Assign`), as recorded in its StateExited event.
    pub assigned: Option<Rc<Map>>,
    /// Name of the state taken next.
    pub next: Option<Rc<str>>,
}

#[derive(Debug, Clone)]
enum Origin {
    Root,
    Branch(usize),
    Iteration(usize),
}

#[derive(Debug, Clone)]
struct TaskCall {
    family: TaskFamily,
    resource_type: Rc<str>,
    resource: Rc<str>,
    timeout: Option<u64>,
    heartbeat: Option<u64>,
    is_callback: bool,
}

#[derive(Debug)]
struct ContainerRun {
    is_map: bool,
    /// Input of each child (branch input or item after ItemSelector) is built as it starts.
    effective: Value,
    items: Option<Rc<Vec<Value>>>,
    count: usize,
    results: Vec<Value>,
    next_child: usize,
    /// Virtual times at which each concurrency slot frees up.
    slots: Vec<i64>,
    start_time: i64,
    end_time: i64,
    started_event: u64,
}

#[derive(Debug)]
enum Phase {
    Enter,
    Run,
    AwaitCallback {
        call: TaskCall,
    },
    Container(Box<ContainerRun>),
    /// A Distributed Map runs its children as executions of their own, one per advance.
    MapRun(Box<MapRun>),
}

/// A Distributed Map's run in progress.
#[derive(Debug)]
struct MapRun {
    /// Each child's input and how many items it carries (a batch carries several).
    inputs: Vec<(Value, usize)>,
    machine: Rc<StateMachine>,
    next: usize,
    /// When each concurrency slot frees up (a min-heap: 10,000 slots are allowed).
    slots: std::collections::BinaryHeap<std::cmp::Reverse<i64>>,
    start_time: i64,
    end_time: i64,
    tolerated_count: Option<u64>,
    tolerated_percentage: Option<f64>,
    /// Full per-child records, kept only when `ResultWriter` or `WriterConfig` needs them.
    keep_records: bool,
    outputs: Vec<Value>,
    records: Vec<crate::distributed::ChildOutcome>,
    summary_index: usize,
}

/// How many children of a Map Run keep their whole history for the page (plus failed ones,
/// up to `FAILED_SAMPLE`): a million children must not keep a million histories.
const CHILD_SAMPLE: usize = 20;
const FAILED_SAMPLE: usize = 100;

/// A Map visit's items (after `ItemsPath` or `Items`) and its resolved limits.
#[derive(Debug, Clone, Default)]
pub struct MapVisit {
    pub after_items_path: Value,
    pub max_concurrency: u64,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
}

/// A child execution kept for inspection (the whole execution: a host shows it like any).
#[derive(Clone)]
pub struct ChildSample {
    pub index: usize,
    pub name: Rc<str>,
    pub input: Value,
    pub status: Status,
    pub execution: Rc<std::cell::RefCell<Execution>>,
}

impl std::fmt::Debug for ChildSample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChildSample #{} {}", self.index, self.status.name())
    }
}

/// What a Distributed Map's run did: AWS's Map Run counters, the children's billing, a sample
/// of children, and what `ResultWriter` wrote.
#[derive(Debug, Clone)]
pub struct MapRunSummary {
    pub state: Rc<str>,
    pub map_run_arn: Rc<str>,
    pub label: Option<Rc<str>>,
    pub execution_type: WorkflowType,
    pub items: usize,
    pub children: usize,
    pub succeeded_items: u64,
    pub failed_items: u64,
    pub succeeded_children: u64,
    pub failed_children: u64,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
    /// Billable transitions of the children themselves (states entered plus retries).
    pub child_transitions: u64,
    /// Each child's duration in ms, summed (Express bills each child's duration).
    pub child_duration_ms: i64,
    /// Express children billed: each duration rounded up to 100 ms, summed.
    pub child_billed_ms: i64,
    pub status: &'static str,
    pub samples: Vec<ChildSample>,
    /// `ResultWriter`'s files: (key, content).
    pub written: Vec<(String, String)>,
}

#[derive(Debug)]
struct Frame {
    graph: Rc<Graph>,
    origin: Origin,
    state: StateId,
    /// The current state's raw input.
    input: Value,
    phase: Phase,
    clock: i64,
    last_event: u64,
    entered_event: u64,
    entered_time: i64,
    retry_counts: Vec<u64>,
    vars: Rc<VarScope>,
    visit: Option<usize>,
    depth: usize,
    /// Variables the current state assigns, applied when it exits (AWS: a state's Assign and
    /// Output see the values from before the state).
    pending_assign: Option<Rc<Map>>,
}

/// A running (or finished) execution.
pub struct Execution {
    machine: Rc<StateMachine>,
    cfg: RunConfig,
    input: Value,
    events: Vec<Event>,
    revealed: usize,
    frames: Vec<Frame>,
    status: Status,
    rng: Rng,
    invocations: FxHashMap<Rc<str>, u64>,
    keyed_counts: FxHashMap<(Rc<str>, String), u64>,
    transitions: u64,
    states_entered: u64,
    visits: Vec<Visit>,
    end_time: i64,
    deadline: Option<i64>,
    history_limit: Option<usize>,
    sizes: crate::json::SizeCache,
    /// `$$.Execution` and `$$.StateMachine`, the same for the whole run.
    context_fixed: std::cell::OnceCell<(Value, Value)>,
    /// Results of finished child frames, handed to their container.
    pending_child: Option<(usize, Result<Value, Failure>, i64, u64)>,
    map_runs: Vec<MapRunSummary>,
    nested: Vec<NestedExecution>,
    duplicates: Vec<Duplicate>,
    test_outcome: Option<TestOutcome>,
    /// A catcher of the tested state caught its error (TestState).
    test_caught: Option<usize>,
}

/// A state step's outcome: on error, the frame comes back with the failure (boxed: errors are
/// the rare path, frames are large).
type Flow = Result<(), Box<(Frame, Failure)>>;

fn io_failure(path: &JsonPath, e: &crate::path::PathError) -> Failure {
    Failure::runtime(format!(
        "Invalid path '{}' : {}",
        path.source,
        e.jayway_message()
    ))
}

/// Does `ErrorEquals` match this error? `States.ALL` matches everything but `States.Runtime`;
/// `States.TaskFailed` everything but `States.Timeout` (and `States.Runtime`).
pub fn error_matches(names: &[Rc<str>], error: &str) -> bool {
    if error == errors::RUNTIME || error == errors::TRANSITION_BUDGET {
        // AWS-recorded: even an explicit `["States.Runtime"]` catcher does not catch it.
        return false;
    }
    names.iter().any(|n| {
        &**n == error
            || &**n == errors::ALL
            || (&**n == errors::TASK_FAILED && error != errors::TIMEOUT)
    })
}

fn error_output(f: &Failure) -> Value {
    let mut m = Map::default();
    if f.error.is_empty() {
        // AWS-recorded: a callback failed with neither error nor cause gives both as null.
        m.insert(Rc::from("Error"), Value::Null);
        m.insert(
            Rc::from("Cause"),
            f.cause.as_deref().map_or(Value::Null, Value::from),
        );
        return Value::from(m);
    }
    m.insert(Rc::from("Error"), Value::String(f.error.clone()));
    if let Some(c) = &f.cause {
        m.insert(Rc::from("Cause"), Value::from(c.as_str()));
    }
    Value::from(m)
}

impl Execution {
    pub fn start(machine: Rc<StateMachine>, input: Value, cfg: RunConfig) -> Execution {
        let start = cfg.start_time_ms;
        let deadline = match (cfg.workflow_type, machine.timeout_seconds) {
            (WorkflowType::Express, t) => Some(
                start
                    + t.map_or(EXPRESS_MAX_DURATION_MS, |t| {
                        (t as i64 * 1000).min(EXPRESS_MAX_DURATION_MS)
                    }),
            ),
            (WorkflowType::Standard, Some(t)) => Some(start + t as i64 * 1000),
            (WorkflowType::Standard, None) => None,
        };
        let history_limit = cfg.max_history_events.or(match cfg.workflow_type {
            WorkflowType::Standard => Some(STANDARD_HISTORY_LIMIT),
            WorkflowType::Express => None,
        });
        let mut ex = Execution {
            rng: Rng::new(cfg.seed),
            machine: machine.clone(),
            input: input.clone(),
            events: Vec::new(),
            revealed: 0,
            frames: Vec::new(),
            status: Status::Running,
            invocations: FxHashMap::default(),
            keyed_counts: FxHashMap::default(),
            transitions: 0,
            states_entered: 0,
            visits: Vec::new(),
            end_time: start,
            deadline,
            history_limit,
            pending_child: None,
            map_runs: Vec::new(),
            nested: Vec::new(),
            duplicates: Vec::new(),
            test_outcome: None,
            test_caught: None,
            sizes: Default::default(),
            context_fixed: std::cell::OnceCell::new(),
            cfg,
        };
        let role = Rc::from(ex.cfg.context.role_arn.as_str().unwrap_or(""));
        let id = ex.push_event(
            0,
            start,
            EventKind::ExecutionStarted {
                input: input.clone(),
                role_arn: role,
            },
        );
        let graph = machine.graph.clone();
        let start_state = match ex.cfg.test_state.as_ref().and_then(|t| t.start_at.as_ref()) {
            Some(name) => graph.by_name.get(name).copied(),
            None => graph.start,
        };
        match start_state {
            Some(start_id) => ex.frames.push(Frame {
                retry_counts: vec![
                    ex.cfg.test_state.as_ref().map_or(0, |t| t.retry_count);
                    graph.states[start_id].retry.len()
                ],
                graph,
                origin: Origin::Root,
                state: start_id,
                input,
                phase: Phase::Enter,
                clock: start,
                last_event: id,
                entered_event: 0,
                entered_time: start,
                vars: Rc::new(VarScope {
                    vars: ex
                        .cfg
                        .test_state
                        .as_ref()
                        .and_then(|t| t.variables.clone())
                        .unwrap_or_default(),
                    parent: None,
                }),
                visit: None,
                depth: 0,
                pending_assign: None,
            }),
            None => ex.finish(
                Err(Failure::runtime("The state machine has no start state")),
                start,
                id,
            ),
        }
        ex
    }

    pub fn machine(&self) -> &Rc<StateMachine> {
        &self.machine
    }
    pub fn input(&self) -> &Value {
        &self.input
    }
    /// The status as far as the revealed history goes (stepping shows a finished run as
    /// still running until its last event is revealed).
    pub fn status(&self) -> &Status {
        if self.revealed < self.events.len() && self.status.is_finished() {
            &Status::Running
        } else {
            &self.status
        }
    }
    /// The events revealed so far.
    pub fn history(&self) -> &[Event] {
        &self.events[..self.revealed]
    }
    pub fn visits(&self) -> &[Visit] {
        &self.visits
    }
    /// Billable state transitions so far: states entered plus retries.
    pub fn transitions(&self) -> u64 {
        self.transitions
    }
    pub fn states_entered(&self) -> u64 {
        self.states_entered
    }
    /// Simulated duration (the makespan) in ms.
    pub fn duration_ms(&self) -> i64 {
        self.end_time - self.cfg.start_time_ms
    }
    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }
    /// How the tested state ended (TestState runs only).
    pub fn test_outcome(&self) -> Option<&TestOutcome> {
        self.test_outcome.as_ref()
    }
    /// Task invocations under at-least-once delivery (`RunConfig::at_least_once`).
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }
    /// Child executions started by `states:startExecution` Tasks, in the order they started.
    pub fn nested(&self) -> &[NestedExecution] {
        &self.nested
    }
    /// The Distributed Map runs so far, in the order they started.
    pub fn map_runs(&self) -> &[MapRunSummary] {
        &self.map_runs
    }

    /// Runs to the end (or to a callback wait), revealing every event.
    pub fn run(&mut self) -> &Status {
        while self.status == Status::Running {
            self.advance();
        }
        self.revealed = self.events.len();
        &self.status
    }

    /// Performs at most `actions` actions; for hosts that must yield (a browser frame).
    /// Returns whether the execution can still advance without outside input.
    pub fn run_for(&mut self, actions: usize) -> bool {
        for _ in 0..actions {
            if self.status != Status::Running {
                break;
            }
            self.advance();
        }
        self.revealed = self.events.len();
        self.status == Status::Running
    }

    /// Reveals the next history event, advancing the execution as needed. Returns it, or
    /// `None` when the execution is finished or waits for a callback.
    pub fn step(&mut self) -> Option<&Event> {
        while self.revealed >= self.events.len() && self.status == Status::Running {
            self.advance();
        }
        if self.revealed < self.events.len() {
            self.revealed += 1;
            self.events.get(self.revealed - 1)
        } else {
            None
        }
    }

    /// Stops the execution (the host's Cancel).
    pub fn abort(&mut self) {
        if self.status.is_finished() {
            return;
        }
        let t = self
            .frames
            .iter()
            .map(|f| f.clock)
            .max()
            .unwrap_or(self.end_time);
        let prev = self.events.last().map_or(0, |e| e.id);
        self.frames.clear();
        self.push_event(prev, t, EventKind::ExecutionAborted);
        self.status = Status::Aborted;
        self.end_time = self.end_time.max(t);
        self.revealed = self.events.len();
    }

    /// Answers a waiting `.waitForTaskToken` Task with its result.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), String> {
        self.resume(token, Outcome::Return(output))
    }

    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), String> {
        self.resume(
            token,
            Outcome::Throw {
                error: Rc::from(error.unwrap_or("")),
                cause: cause.map(Rc::from),
            },
        )
    }

    /// A heartbeat keeps a waiting task alive; on the virtual clock no time passes while the
    /// execution waits, so it only has to name a waiting token.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), String> {
        match &self.status {
            Status::WaitingForCallback { token: t, .. } if &**t == token => Ok(()),
            _ => Err(format!(
                "Invalid Token: '{token}' (no task is waiting for it)"
            )),
        }
    }

    fn resume(&mut self, token: &str, outcome: Outcome) -> Result<(), String> {
        match &self.status {
            Status::WaitingForCallback { token: t, .. } if &**t == token => {}
            _ => {
                return Err(format!(
                    "Invalid Token: '{token}' (no task is waiting for it)"
                ))
            }
        }
        let Some(mut frame) = self.frames.pop() else {
            return Err("no task is waiting".into());
        };
        let Phase::AwaitCallback { call } = std::mem::replace(&mut frame.phase, Phase::Run) else {
            self.frames.push(frame);
            return Err("no task is waiting".into());
        };
        self.status = Status::Running;
        self.complete_task(frame, &call, outcome, 0);
        self.revealed = self.events.len();
        Ok(())
    }

    fn push_event(&mut self, prev: u64, t: i64, kind: EventKind) -> u64 {
        let id = self.events.len() as u64 + 1;
        self.events.push(Event {
            id,
            previous_event_id: prev,
            timestamp_ms: t,
            kind,
        });
        self.end_time = self.end_time.max(t);
        id
    }

    fn emit(&mut self, frame: &mut Frame, kind: EventKind) -> u64 {
        let id = self.push_event(frame.last_event, frame.clock, kind);
        frame.last_event = id;
        id
    }

    fn visit_mut(&mut self, frame: &Frame) -> Option<&mut Visit> {
        frame.visit.and_then(|i| self.visits.get_mut(i))
    }

    /// Performs one action of the innermost frame.
    pub fn advance(&mut self) {
        if self.status != Status::Running {
            return;
        }
        if let Some((index, result, end, last)) = self.pending_child.take() {
            self.deliver_child(index, result, end, last);
            return;
        }
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        if let (Some(limit), true) = (
            self.history_limit,
            self.events.len() >= self.history_limit.unwrap_or(usize::MAX),
        ) {
            // AWS's quota; the exact error AWS raises here is not recorded.
            let f = Failure::runtime(format!(
                "The execution reached the maximum number of history events ({limit})."
            ));
            let t = frame.clock;
            let last = frame.last_event;
            self.frames.clear();
            return self.finish(Err(f), t, last);
        }
        if let Some(deadline) = self.deadline {
            if frame.clock > deadline {
                let last = frame.last_event;
                self.frames.clear();
                self.status = Status::TimedOut {
                    error: Some(Rc::from(errors::TIMEOUT)),
                    cause: None,
                };
                self.push_event(
                    last,
                    deadline,
                    EventKind::ExecutionTimedOut {
                        error: Some(Rc::from(errors::TIMEOUT)),
                        cause: None,
                    },
                );
                return;
            }
        }
        match std::mem::replace(&mut frame.phase, Phase::Run) {
            Phase::Enter => self.enter(frame),
            Phase::Run => self.run_state(frame),
            Phase::AwaitCallback { call } => {
                frame.phase = Phase::AwaitCallback { call };
                self.frames.push(frame);
            }
            Phase::Container(run) => self.container_next(frame, run),
            Phase::MapRun(run) => self.map_run_next(frame, run),
        }
    }

    fn enter(&mut self, mut frame: Frame) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        self.states_entered += 1;
        self.transitions += 1;
        if self.states_entered > self.cfg.max_transitions {
            let f = Failure::new(
                errors::TRANSITION_BUDGET,
                format!(
                    "The run entered more than {} states (the playground's budget); the state machine probably loops without end. Last state: '{}'.",
                    self.cfg.max_transitions, state.name
                ),
            );
            let (t, last) = (frame.clock, frame.last_event);
            self.frames.clear();
            return self.finish(Err(f), t, last);
        }
        frame.retry_counts.clear();
        // TestState's `retrierRetryCount`: the attempts already made.
        let preset = match &self.cfg.test_state {
            Some(t) if frame.depth == 0 => t.retry_count,
            _ => 0,
        };
        frame.retry_counts.resize(state.retry.len(), preset);
        frame.entered_time = frame.clock;
        let input = frame.input.clone();
        let id = self.emit(
            &mut frame,
            EventKind::StateEntered {
                state_type: state.kind.type_name(),
                name: state.name.clone(),
                input,
            },
        );
        frame.entered_event = id;
        if self.cfg.record_inspection {
            frame.visit = Some(self.visits.len());
            self.visits.push(Visit {
                state: state.name.clone(),
                state_type: state.kind.type_name(),
                depth: frame.depth,
                iteration: match frame.origin {
                    Origin::Root => None,
                    Origin::Branch(i) | Origin::Iteration(i) => Some(i),
                },
                entered_event: id,
                input: frame.input.clone(),
                jsonata: state.query_language == crate::model::QueryLanguage::Jsonata,
                ..Default::default()
            });
        }
        frame.phase = Phase::Run;
        self.frames.push(frame);
    }

    /// The context object for the current state.
    fn context_value(
        &self,
        frame: &Frame,
        token: Option<&Rc<str>>,
        map_item: Option<(usize, &Value)>,
    ) -> Value {
        let (execution, state_machine) = self.context_fixed.get_or_init(|| {
            let c = &self.cfg.context;
            let mut execution = crate::obj! {
                "Id" => c.execution_id.clone(),
                "Input" => self.input.clone(),
                "StartTime" => format_rfc3339_millis(self.cfg.start_time_ms),
                "Name" => c.execution_name.clone(),
                "RoleArn" => c.role_arn.clone(),
            };
            // AWS-recorded: a synchronous Express execution (StartSyncExecution) has no
            // RedriveCount; asynchronous ones, Standard or Express, have it.
            if !self.cfg.synchronous {
                if let Value::Object(m) = &mut execution {
                    Rc::make_mut(m).insert(Rc::from("RedriveCount"), Value::from(0i64));
                }
            }
            (execution, crate::obj! { "Id" => c.state_machine_id.clone(), "Name" => c.state_machine_name.clone() })
        });
        let state = &frame.graph.states[frame.state];
        let mut st = Map::with_capacity_and_hasher(3, Default::default());
        st.insert(
            Rc::from("EnteredTime"),
            Value::from(format_rfc3339_millis(frame.entered_time)),
        );
        st.insert(Rc::from("Name"), Value::String(state.name.clone()));
        if matches!(
            state.kind,
            Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_)
        ) {
            st.insert(
                Rc::from("RetryCount"),
                Value::from(frame.retry_counts.iter().sum::<u64>() as i64),
            );
        }
        let mut m = Map::with_capacity_and_hasher(5, Default::default());
        m.insert(Rc::from("Execution"), execution.clone());
        m.insert(Rc::from("StateMachine"), state_machine.clone());
        m.insert(Rc::from("State"), Value::from(st));
        if let Some(t) = token {
            m.insert(
                Rc::from("Task"),
                crate::obj! { "Token" => Value::String(t.clone()) },
            );
        }
        if let Some((index, value)) = map_item {
            m.insert(Rc::from("Map"), crate::obj! { "Item" => crate::obj! { "Index" => index as i64, "Value" => value.clone() } });
        }
        let mut out = Value::from(m);
        if let (Some(t), 0) = (&self.cfg.test_state, frame.depth) {
            // AWS-recorded: TestState names the state "StateName" and shows the request's role.
            if let Value::Object(o) = &mut out {
                let o = Rc::make_mut(o);
                if let Some(Value::Object(s)) = o.get_mut("State") {
                    Rc::make_mut(s).insert(Rc::from("Name"), Value::from("StateName"));
                }
                if let Some(Value::Object(e)) = o.get_mut("Execution") {
                    Rc::make_mut(e).insert(Rc::from("RoleArn"), t.role_arn.clone());
                }
            }
        }
        if let Some(over) = self
            .cfg
            .test_state
            .as_ref()
            .and_then(|t| t.context.as_ref())
            .filter(|_| frame.depth == 0)
        {
            // AWS-recorded: a given context object is the context object (nothing generated).
            out = over.clone();
        }
        out
    }

    /// The state's effective input: JSONata states see their input as is; JSONPath states apply
    /// InputPath.
    fn effective_input(&self, frame: &Frame, state: &State) -> Result<Value, Failure> {
        match state.query_language {
            QueryLanguage::Jsonata => Ok(frame.input.clone()),
            QueryLanguage::JsonPath => self.apply_io(&state.input_path, &frame.input, frame),
        }
    }

    fn apply_io(&self, path: &IoPath, doc: &Value, frame: &Frame) -> Result<Value, Failure> {
        match path {
            IoPath::Identity => Ok(doc.clone()),
            IoPath::Null => Ok(Value::object()),
            IoPath::Path(p) => {
                let make = || self.context_value(frame, None, None);
                let ctx = Lazy::new(&make);
                let env = Env {
                    input: doc,
                    context: &ctx,
                    vars: Some(&frame.vars),
                    rng: &self.rng,
                };
                env.eval_path(p).map_err(|e| io_failure(p, &e))
            }
        }
    }

    fn eval_template(
        &self,
        t: &crate::template::Template,
        input: &Value,
        frame: &Frame,
        token: Option<&Rc<str>>,
        item: Option<(usize, &Value)>,
    ) -> Result<Value, Failure> {
        let make = || self.context_value(frame, token, item);
        let ctx = Lazy::new(&make);
        let env = Env {
            input,
            context: &ctx,
            vars: Some(&frame.vars),
            rng: &self.rng,
        };
        t.eval(&env)
    }

    fn eval_path_on(
        &self,
        p: &JsonPath,
        input: &Value,
        frame: &Frame,
    ) -> Result<Value, crate::path::PathError> {
        let make = || self.context_value(frame, None, None);
        let ctx = Lazy::new(&make);
        let env = Env {
            input,
            context: &ctx,
            vars: Some(&frame.vars),
            rng: &self.rng,
        };
        env.eval_path(p)
    }

    fn apply_result_path(rp: &ResultPath, raw: &Value, result: Value) -> Result<Value, Failure> {
        match rp {
            ResultPath::Replace => Ok(result),
            ResultPath::Discard => Ok(raw.clone()),
            ResultPath::Path(p) => set_at(raw.clone(), p, result)
                .map_err(|e| Failure::new(errors::RESULT_PATH_MATCH_FAILURE, e.message)),
        }
    }

    fn run_state(&mut self, frame: Frame) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        let result = match &state.kind {
            Kind::Pass { result } => self.run_pass(frame, state, result.as_ref()),
            Kind::Succeed => self.run_succeed(frame, state),
            Kind::Fail(spec) => self.run_fail(frame, spec),
            Kind::Choice { rules, default } => {
                self.run_choice(frame, state, rules, default.as_ref())
            }
            Kind::Wait(spec) => self.run_wait(frame, state, spec),
            Kind::Task(spec) => self.run_task(frame, state, spec),
            Kind::Parallel { .. } | Kind::Map(_) => self.start_container(frame, state),
        };
        if let Err(e) = result {
            let (frame, failure) = *e;
            self.handle_error(frame, failure);
        }
    }

    fn run_pass(&mut self, mut frame: Frame, state: &State, result: Option<&Value>) -> Flow {
        if state.query_language == QueryLanguage::Jsonata {
            return self.run_jsonata_simple(frame, state, None);
        }
        let effective = match self.apply_io(&state.input_path, &frame.input, &frame) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let produced = match (result, &state.parameters) {
            (Some(r), _) => Ok(r.clone()),
            (None, Some(p)) => self.eval_template(p, &effective, &frame, None, None),
            (None, None) => Ok(effective.clone()),
        };
        let produced = match produced {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        if produced.json_size_with(&mut self.sizes) > MAX_PAYLOAD_BYTES {
            let f = Failure::new(errors::DATA_LIMIT_EXCEEDED, format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", state.name));
            return Err(Box::new((frame, f)));
        }
        if let Some(v) = self.visit_mut(&frame) {
            v.after_input_path = Some(effective);
            v.after_parameters = state.parameters.as_ref().map(|_| produced.clone());
            v.result = Some(produced.clone());
        }
        let _ = &mut frame;
        self.finish_data_flow(frame, state, produced)
    }

    fn run_jsonata_simple(
        &mut self,
        mut frame: Frame,
        state: &State,
        wait_until: Option<i64>,
    ) -> Flow {
        if let Some(t) = wait_until {
            frame.clock = frame.clock.max(t);
        }
        let states_now = self.states_value(&frame, None, None);
        let input = frame.input.clone();
        self.jsonata_finish(frame, state, states_now, input)
    }

    /// The JSONata tail of a state: Output (default: `default_output`) and Assign, both
    /// evaluated with the same `$states` and the variables from before the state, then the
    /// state's transition.
    fn jsonata_finish(
        &mut self,
        mut frame: Frame,
        state: &State,
        states_now: Value,
        default_output: Value,
    ) -> Flow {
        let output = match &state.compiled.output {
            Some(t) => self.jsonata_eval(&frame, t, states_now.clone(), "Output"),
            None => Ok(default_output.clone()),
        };
        let assigned = self.assign(
            &mut frame,
            state.compiled.assign.as_ref(),
            &default_output,
            || states_now,
        );
        let output = match (output, assigned) {
            (Ok(o), Ok(())) => o,
            (Err(f), _) | (_, Err(f)) => return Err(Box::new((frame, f))),
        };
        let next = match &state.transition {
            Transition::Next(Some(id), _) => Some(*id),
            _ => None,
        };
        self.exit_state(frame, state, output, next);
        Ok(())
    }

    /// Assign (against the result), ResultPath, OutputPath, then leave the state along its
    /// transition.
    fn finish_data_flow(&mut self, mut frame: Frame, state: &State, result: Value) -> Flow {
        if let Err(f) = self.assign(&mut frame, state.compiled.assign.as_ref(), &result, || {
            Value::Null
        }) {
            return Err(Box::new((frame, f)));
        }
        let after_rp = match Self::apply_result_path(&state.result_path, &frame.input, result) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let output = match self.apply_io(&state.output_path, &after_rp, &frame) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        if let Some(v) = self.visit_mut(&frame) {
            v.after_result_path = Some(after_rp);
        }
        let next = match &state.transition {
            Transition::Next(Some(id), _) => Some(*id),
            _ => None,
        };
        self.exit_state(frame, state, output, next);
        Ok(())
    }

    fn exit_state(
        &mut self,
        mut frame: Frame,
        state: &State,
        output: Value,
        next: Option<StateId>,
    ) {
        let assigned = frame.pending_assign.take();
        if let Some(a) = &assigned {
            // New values are visible from the next state on, in this frame's scope.
            let mut scope = (*frame.vars).clone();
            for (k, v) in a.iter() {
                scope.vars.insert(k.clone(), v.clone());
            }
            frame.vars = Rc::new(scope);
        }
        let id = self.emit(
            &mut frame,
            EventKind::StateExited {
                state_type: state.kind.type_name(),
                name: state.name.clone(),
                output: output.clone(),
                assigned: assigned.clone(),
            },
        );
        let next_name = next.map(|n| frame.graph.states[n].name.clone());
        if let Some(v) = self.visit_mut(&frame) {
            v.exited_event = Some(id);
            v.output = Some(output.clone());
            v.next = next_name.clone();
            v.assigned = assigned;
        }
        if self.cfg.test_state.is_some() && frame.depth == 0 {
            // TestState: the tested state is done; so is the run.
            self.test_outcome = Some(match self.test_caught {
                Some(catch_index) => TestOutcome::Caught {
                    catch_index,
                    next: next_name,
                },
                None => TestOutcome::Exited { next: next_name },
            });
            return self.finish(Ok(output), frame.clock, id);
        }
        match next {
            Some(n) => {
                frame.state = n;
                frame.input = output;
                frame.phase = Phase::Enter;
                frame.visit = None;
                self.frames.push(frame);
            }
            None => self.frame_done(frame, Ok(output)),
        }
    }

    /// `$states` for a JSONata expression: the state's input and the context object, plus
    /// `result` or `errorOutput` where AWS allows them.
    fn states_value(
        &self,
        frame: &Frame,
        extra: Option<(&str, Value)>,
        item: Option<(usize, &Value)>,
    ) -> Value {
        let mut m = Map::with_capacity_and_hasher(3, Default::default());
        m.insert(Rc::from("input"), frame.input.clone());
        m.insert(Rc::from("context"), self.context_value(frame, None, item));
        if let Some((k, v)) = extra {
            m.insert(Rc::from(k), v);
        }
        Value::from(m)
    }

    fn jsonata_eval(
        &self,
        frame: &Frame,
        t: &crate::jsonata::Template,
        states: Value,
        field: &str,
    ) -> Result<Value, Failure> {
        let scope = crate::jsonata::Scope {
            states,
            vars: Some(&frame.vars),
            now_ms: frame.clock,
            rng: &self.rng,
        };
        t.eval(&scope, field)
    }

    /// Evaluates a `{% %}` field given as text (`Seconds`, `TimeoutSeconds`, `Error`...).
    fn jsonata_text(&self, frame: &Frame, text: &str, field: &str) -> Result<Value, Failure> {
        let expr = crate::jsonata::parse(text)
            .map_err(|e| Failure::new(errors::QUERY_EVALUATION_ERROR, e.message))?;
        self.jsonata_eval(
            frame,
            &crate::jsonata::Template::Expr(expr),
            self.states_value(frame, None, None),
            field,
        )
    }

    /// Computes a state's `Assign` (either language) into `frame.pending_assign`. JSONPath
    /// Assign reads `$` as `doc` (the result, or the input for Choice and Wait).
    fn assign(
        &self,
        frame: &mut Frame,
        spec: Option<&AssignSpec>,
        doc: &Value,
        states: impl FnOnce() -> Value,
    ) -> Result<(), Failure> {
        let Some(spec) = spec else { return Ok(()) };
        let value = match spec {
            AssignSpec::JsonPath(t) => self.eval_template(t, doc, frame, None, None)?,
            AssignSpec::Jsonata(t) => self.jsonata_eval(frame, t, states(), "Assign")?,
        };
        match value {
            Value::Object(m) => {
                // AWS: at most 256 KiB of variables assigned by one state.
                let size = Value::Object(m.clone()).json_size();
                if size > MAX_PAYLOAD_BYTES {
                    return Err(Failure::new(errors::DATA_LIMIT_EXCEEDED, format!("The variables assigned by this state take {size} bytes, over the 256 KiB limit.")));
                }
                frame.pending_assign = Some(m);
                Ok(())
            }
            other => Err(Failure::new(
                errors::QUERY_EVALUATION_ERROR,
                format!("Assign must produce an object, not {}", other.type_name()),
            )),
        }
    }

    fn run_succeed(&mut self, frame: Frame, state: &State) -> Flow {
        if state.query_language == QueryLanguage::Jsonata {
            return self.run_jsonata_simple(frame, state, None);
        }
        let flow = self
            .apply_io(&state.input_path, &frame.input, &frame)
            .and_then(|e| self.apply_io(&state.output_path, &e, &frame));
        match flow {
            Ok(output) => {
                self.exit_state(frame, state, output, None);
                Ok(())
            }
            Err(f) => Err(Box::new((frame, f))),
        }
    }

    fn run_fail(&mut self, frame: Frame, spec: &FailSpec) -> Flow {
        let field = |f: &Option<FailField>, name: &str| -> Result<Option<Rc<str>>, Failure> {
            match f {
                None => Ok(None),
                Some(FailField::Const(s)) => Ok(Some(s.clone())),
                Some(FailField::Jsonata(text)) => match self.jsonata_text(&frame, text, name)? {
                    Value::String(s) => Ok(Some(s)),
                    other => Ok(Some(Rc::from(other.to_json()))),
                },
                Some(FailField::Dynamic(t)) => {
                    let v = match t {
                        crate::template::Template::Path { path, .. } => self.eval_path_on(path, &frame.input, &frame).map_err(|_| {
                            Failure::runtime(format!(
                                "The JSONPath '{}' specified for the field '{name}Path' could not be found in the input '{}'",
                                path.source,
                                frame.input.to_json()
                            ))
                        })?,
                        other => self.eval_template(other, &frame.input, &frame, None, None)?,
                    };
                    Ok(Some(match v {
                        Value::String(s) => s,
                        other => Rc::from(other.to_json()),
                    }))
                }
            }
        };
        let error = field(&spec.error, "Error");
        let cause = error.clone().and_then(|_| field(&spec.cause, "Cause"));
        match (error, cause) {
            (Ok(error), Ok(cause)) => {
                // A Fail state raises its error; it has no Retry or Catch.
                let f = Failure::thrown(
                    error.unwrap_or_else(|| Rc::from("")),
                    cause.map(|c| c.to_string()),
                );
                self.fail_state(frame, f);
                Ok(())
            }
            (Err(f), _) | (_, Err(f)) => Err(Box::new((frame, f))),
        }
    }

    fn run_choice(
        &mut self,
        mut frame: Frame,
        state: &State,
        rules: &[ChoiceRule],
        default: Option<&(Option<StateId>, Rc<str>)>,
    ) -> Flow {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = match self.effective_input(&frame, state) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let mut chosen: Option<&ChoiceRule> = None;
        {
            let make = || self.context_value(&frame, None, None);
            let ctx = Lazy::new(&make);
            let env = Env {
                input: &effective,
                context: &ctx,
                vars: Some(&frame.vars),
                rng: &self.rng,
            };
            // `$states` is built only if a JSONata condition asks for it.
            let states_now = std::cell::OnceCell::new();
            let mut condition = |e: &crate::jsonata::Expr| -> Result<bool, Failure> {
                match self.jsonata_eval(
                    &frame,
                    &crate::jsonata::Template::Expr(e.clone()),
                    states_now
                        .get_or_init(|| self.states_value(&frame, None, None))
                        .clone(),
                    "Condition",
                )? {
                    Value::Bool(b) => Ok(b),
                    other => Err(Failure::new(
                        errors::QUERY_EVALUATION_ERROR,
                        format!(
                            "The Condition field must evaluate to a boolean, but it returned {}",
                            other.to_json()
                        ),
                    )),
                }
            };
            for rule in rules {
                match rule.condition.eval(&env, &mut condition) {
                    Ok(true) => {
                        chosen = Some(rule);
                        break;
                    }
                    Ok(false) => {}
                    Err(f) => return Err(Box::new((frame, f))),
                }
            }
        }
        let next = match (chosen, default) {
            (Some(r), _) => r.next,
            (None, Some((n, _))) => *n,
            (None, None) => {
                return Err(Box::new((
                    frame,
                    Failure::new(
                        errors::NO_CHOICE_MATCHED,
                        format!(
                            "No Choice Rules matched and no Default was specified in state '{}'",
                            state.name
                        ),
                    ),
                )))
            }
        };
        // A matched rule's own Assign/Output replace the state's.
        let (assign, output_t) = match chosen {
            Some(r) if r.compiled.assign.is_some() || r.compiled.output.is_some() => {
                (r.compiled.assign.as_ref(), r.compiled.output.as_ref())
            }
            _ => (
                state.compiled.assign.as_ref(),
                state.compiled.output.as_ref(),
            ),
        };
        let output = if jsonata {
            match output_t {
                Some(t) => {
                    self.jsonata_eval(&frame, t, self.states_value(&frame, None, None), "Output")
                }
                None => Ok(frame.input.clone()),
            }
        } else {
            self.apply_io(&state.output_path, &effective, &frame)
        };
        let states_now = if jsonata && assign.is_some() {
            self.states_value(&frame, None, None)
        } else {
            Value::Null
        };
        let assigned = self.assign(&mut frame, assign, &effective, || states_now);
        let output = match (output, assigned) {
            (Ok(o), Ok(())) => o,
            (Err(f), _) | (_, Err(f)) => return Err(Box::new((frame, f))),
        };
        if let Some(v) = self.visit_mut(&frame) {
            v.after_input_path = Some(effective);
        }
        self.exit_state(frame, state, output, next);
        Ok(())
    }

    fn run_wait(&mut self, mut frame: Frame, state: &State, spec: &WaitSpec) -> Flow {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = match self.effective_input(&frame, state) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let target = match self.wait_target(&frame, spec, &effective) {
            Ok(t) => t,
            Err(f) => return Err(Box::new((frame, f))),
        };
        if target.saturating_sub(frame.clock) > i32::MAX as i64 * 1000 {
            return Err(Box::new((
                frame,
                Failure::runtime("Wait state delay is too long."),
            )));
        }
        if jsonata {
            return self.run_jsonata_simple(frame, state, Some(target));
        }
        frame.clock = frame.clock.max(target);
        let output = match self.apply_io(&state.output_path, &effective, &frame) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        if let Err(f) = self.assign(
            &mut frame,
            state.compiled.assign.as_ref(),
            &effective,
            || Value::Null,
        ) {
            return Err(Box::new((frame, f)));
        }
        if let Some(v) = self.visit_mut(&frame) {
            v.after_input_path = Some(effective);
        }
        let next = match &state.transition {
            Transition::Next(Some(id), _) => Some(*id),
            _ => None,
        };
        self.exit_state(frame, state, output, next);
        Ok(())
    }

    /// When a Wait state ends (epoch ms). Errors are worded as AWS words them.
    fn wait_target(
        &self,
        frame: &Frame,
        spec: &WaitSpec,
        effective: &Value,
    ) -> Result<i64, Failure> {
        match spec {
            WaitSpec::Seconds(Dyn::Const(s)) => {
                Ok(frame.clock.saturating_add(s.saturating_mul(1000)))
            }
            WaitSpec::Timestamp(Dyn::Const(t)) => Ok(*t / 1000 * 1000),
            WaitSpec::Seconds(Dyn::Path(p)) => {
                let v = self.eval_path_on(p, effective, frame).map_err(|_| {
                    Failure::runtime(format!(
                        "The SecondsPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                match v.as_number() {
                    Some(n) if n.is_int() => {
                        let s = n.as_i64().unwrap_or(0);
                        if s < 0 {
                            return Err(Failure::runtime(format!(
                                "The SecondsPath parameter references a negative value: {} == {}",
                                p.source,
                                v.to_json()
                            )));
                        }
                        Ok(frame.clock.saturating_add(s.saturating_mul(1000)))
                    }
                    _ => Err(Failure::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                        p.source,
                        v.to_json()
                    ))),
                }
            }
            WaitSpec::Timestamp(Dyn::Path(p)) => {
                let v = self.eval_path_on(p, effective, frame).map_err(|_| {
                    Failure::runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                match v.as_str().and_then(crate::time::parse_rfc3339) {
                    // AWS counts whole seconds and drops the milliseconds.
                    Some(t) => Ok(t.div_euclid(1000) * 1000),
                    None => Err(Failure::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.source,
                        v.as_str().map_or_else(|| v.to_json(), str::to_string)
                    ))),
                }
            }
            WaitSpec::Seconds(Dyn::Jsonata(text)) => match self.jsonata_text(frame, text, "Seconds")? {
                Value::Number(n) if n.as_i64().is_some_and(|s| s >= 0) => Ok(frame.clock.saturating_add(n.as_i64().unwrap_or(0).saturating_mul(1000))),
                other => Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The Seconds field must evaluate to a non-negative integer, but it returned {}", other.to_json()))),
            },
            WaitSpec::Timestamp(Dyn::Jsonata(text)) => {
                let v = self.jsonata_text(frame, text, "Timestamp")?;
                match v.as_str().and_then(crate::time::parse_rfc3339) {
                    Some(t) => Ok(t.div_euclid(1000) * 1000),
                    None => Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}", v.as_str().map_or_else(|| v.to_json(), str::to_string))).at("Timestamp")),
                }
            }
        }
    }

    fn resolve_seconds(
        &self,
        d: &Option<Dyn<u64>>,
        effective: &Value,
        frame: &Frame,
    ) -> Result<Option<u64>, Failure> {
        match d {
            None => Ok(None),
            Some(Dyn::Const(v)) => Ok(Some(*v)),
            Some(Dyn::Path(p)) => {
                let v = self
                    .eval_path_on(p, effective, frame)
                    .map_err(|e| io_failure(p, &e))?;
                match v.as_number().and_then(|n| n.as_i64()) {
                    Some(n) if n > 0 => Ok(Some(n as u64)),
                    _ => Err(Failure::runtime(format!(
                        "The value of '{}' must be a positive integer: {} == {}",
                        p.source,
                        p.source,
                        v.to_json()
                    ))),
                }
            }
            Some(Dyn::Jsonata(text)) => match self.jsonata_text(frame, text, "TimeoutSeconds")? {
                Value::Number(n) if n.as_i64().is_some_and(|s| s > 0) => {
                    Ok(Some(n.as_i64().unwrap_or(1) as u64))
                }
                other => Err(Failure::new(
                    errors::QUERY_EVALUATION_ERROR,
                    format!(
                        "The field must evaluate to a positive integer, but it returned {}",
                        other.to_json()
                    ),
                )),
            },
        }
    }

    fn run_task(&mut self, mut frame: Frame, state: &State, spec: &TaskSpec) -> Flow {
        let effective = match self.apply_io(&state.input_path, &frame.input, &frame) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let is_callback = matches!(
            spec.resource,
            Resource::Service {
                pattern: Pattern::WaitForTaskToken,
                ..
            }
        );
        // AWS-recorded: `.sync` integrations have a task token in `$$.Task.Token` too.
        let has_token = is_callback
            || matches!(
                spec.resource,
                Resource::Service {
                    pattern: Pattern::Sync | Pattern::Sync2,
                    ..
                }
            );
        let token: Option<Rc<str>> =
            has_token.then(|| Rc::from(format!("{}:{}", self.rng.uuid(), state.name).as_str()));
        let params = if state.query_language == QueryLanguage::Jsonata {
            match &state.compiled.arguments {
                Some(t) => {
                    let mut st = self.states_value(&frame, None, None);
                    if let (Some(tok), Value::Object(m)) = (&token, &mut st) {
                        // `$states.context.Task.Token` for callbacks.
                        if let Some(Value::Object(c)) = Rc::make_mut(m).get_mut("context") {
                            Rc::make_mut(c).insert(
                                Rc::from("Task"),
                                crate::obj! { "Token" => Value::String(tok.clone()) },
                            );
                        }
                    }
                    self.jsonata_eval(&frame, t, st, "Arguments")
                }
                None => Ok(effective.clone()),
            }
        } else {
            match &state.parameters {
                Some(p) => self.eval_template(p, &effective, &frame, token.as_ref(), None),
                None => Ok(effective.clone()),
            }
        };
        let params = match params {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let (timeout, heartbeat) = match (
            self.resolve_seconds(&spec.timeout, &effective, &frame),
            self.resolve_seconds(&spec.heartbeat, &effective, &frame),
        ) {
            (Ok(t), Ok(h)) => (t, h),
            (Err(f), _) | (_, Err(f)) => return Err(Box::new((frame, f))),
        };
        if let Some(v) = self.visit_mut(&frame) {
            v.after_input_path = Some(effective);
            v.after_parameters = Some(params.clone());
        }
        let (family, (resource_type, resource)) = match &spec.resource {
            Resource::LambdaFunction(_) => (TaskFamily::Lambda, spec.resource.event_names()),
            Resource::Activity(_) => (TaskFamily::Activity, spec.resource.event_names()),
            _ => (TaskFamily::Service, spec.resource.event_names()),
        };
        let call = TaskCall {
            family,
            resource_type: Rc::from(resource_type),
            resource: Rc::from(resource),
            timeout,
            heartbeat,
            is_callback: is_callback || family == TaskFamily::Activity,
        };
        self.emit(
            &mut frame,
            EventKind::TaskScheduled {
                family,
                resource_type: call.resource_type.clone(),
                resource: call.resource.clone(),
                parameters: params.clone(),
                timeout,
                heartbeat,
            },
        );
        self.emit(
            &mut frame,
            EventKind::TaskStarted {
                family,
                resource_type: call.resource_type.clone(),
                resource: call.resource.clone(),
            },
        );
        let invocation = {
            let n = self.invocations.entry(state.name.clone()).or_insert(0);
            *n += 1;
            *n - 1
        };
        let response = self
            .cfg
            .mocks
            .response(&state.name, invocation, &params, &mut self.keyed_counts)
            .or_else(|| self.start_nested(&frame, state, spec, &params, token.as_ref()));
        let response = if self.cfg.at_least_once
            && self.cfg.workflow_type == WorkflowType::Express
            && !self.cfg.synchronous
        {
            let mut counts = self.keyed_counts.clone();
            let again = self
                .cfg
                .mocks
                .response(&state.name, invocation + 1, &params, &mut counts);
            let changes_result =
                again.as_ref().map(|r| &r.outcome) != response.as_ref().map(|r| &r.outcome);
            let redelivered = self.rng.next_u64() & 1 == 1;
            self.duplicates.push(Duplicate {
                state: state.name.clone(),
                invocation,
                redelivered,
                changes_result,
            });
            if redelivered {
                if let Some(n) = self.invocations.get_mut(&state.name) {
                    *n += 1;
                }
                self.keyed_counts = counts;
                again.or(response)
            } else {
                response
            }
        } else {
            response
        };
        if is_callback {
            self.emit(
                &mut frame,
                EventKind::TaskSubmitted {
                    resource_type: call.resource_type.clone(),
                    resource: call.resource.clone(),
                    output: Value::object(),
                },
            );
        }
        match response {
            Some(r) => self.complete_task(frame, &call, r.outcome, r.duration_ms),
            None if is_callback => {
                let token = token.unwrap_or_else(|| Rc::from(""));
                self.status = Status::WaitingForCallback {
                    token,
                    state: state.name.clone(),
                };
                frame.phase = Phase::AwaitCallback { call };
                self.frames.push(frame);
            }
            None => {
                let cause = format!(
                    "No mock answers invocation #{invocation} (0-based) of Task state '{}'. Add a mocked response for it (MockConfigFile: a test case mapping '{}' to a MockedResponse with key \"{invocation}\").",
                    state.name, state.name
                );
                self.complete_task(
                    frame,
                    &call,
                    Outcome::Throw {
                        error: Rc::from(errors::NO_MOCK),
                        cause: Some(Rc::from(cause)),
                    },
                    0,
                )
            }
        }
        Ok(())
    }

    /// A `states:startExecution` Task with no mock: starts the named workspace machine as a
    /// child execution and answers as AWS does (`.sync`: DescribeExecution with `Input` and
    /// `Output` as JSON text; `.sync:2`: as JSON; a failed child is `States.TaskFailed` whose
    /// cause is that description; no suffix: `{ExecutionArn, StartDate}`). `None` when the
    /// workspace has no machines (the Task then needs a mock) or for `.waitForTaskToken`,
    /// whose parent waits for the callback after starting the child.
    fn start_nested(
        &mut self,
        frame: &Frame,
        state: &State,
        spec: &TaskSpec,
        params: &Value,
        token: Option<&Rc<str>>,
    ) -> Option<crate::mocks::MockResponse> {
        let Resource::Service {
            service,
            action,
            pattern,
        } = &spec.resource
        else {
            return None;
        };
        if &**service != "states" || &**action != "startExecution" || self.cfg.machines.is_empty() {
            return None;
        }
        let arn = params
            .get("StateMachineArn")
            .and_then(Value::as_str)
            .unwrap_or("");
        let name = arn.rsplit(':').next().unwrap_or(arn);
        let (region, account, _) = self.arn_parts();
        let throw = |error: &str, cause: String| crate::mocks::MockResponse {
            outcome: Outcome::Throw {
                error: Rc::from(error),
                cause: Some(Rc::from(cause)),
            },
            duration_ms: 0,
        };
        let Some((machine, workflow_type)) = self.cfg.machines.get(name).cloned() else {
            // AWS's error for an unknown machine (recorded wording, request id ours).
            return Some(throw("StepFunctions.StateMachineDoesNotExistException", format!("State Machine Does Not Exist: '{arn}' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: {}; Proxy: null)", self.rng.uuid())));
        };
        let exec_name = params
            .get("Name")
            .and_then(Value::as_str)
            .map_or_else(|| self.rng.uuid(), str::to_string);
        let machine_arn = format!("arn:aws:states:{region}:{account}:stateMachine:{name}");
        let exec_arn = match workflow_type {
            WorkflowType::Standard => {
                format!("arn:aws:states:{region}:{account}:execution:{name}:{exec_name}")
            }
            WorkflowType::Express => format!(
                "arn:aws:states:{region}:{account}:express:{name}:{exec_name}:{}",
                self.rng.uuid()
            ),
        };
        let input = match params.get("Input") {
            Some(Value::String(s)) => {
                crate::json::parse(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            Some(v) => v.clone(),
            None => Value::object(),
        };
        let cfg = RunConfig {
            workflow_type,
            mocks: self.cfg.mocks.clone(),
            start_time_ms: frame.clock,
            seed: self.rng.next_u64(),
            context: ExecutionContext {
                execution_id: Value::from(exec_arn.as_str()),
                execution_name: Value::from(exec_name.as_str()),
                role_arn: self.cfg.context.role_arn.clone(),
                state_machine_id: Value::from(machine_arn.as_str()),
                state_machine_name: Value::from(name),
            },
            max_transitions: self.cfg.max_transitions,
            max_history_events: None,
            record_inspection: true,
            synchronous: false,
            s3: self.cfg.s3.clone(),
            machines: self.cfg.machines.clone(),
            at_least_once: self.cfg.at_least_once,
            test_state: None,
        };
        let mut child = Execution::start(machine, input.clone(), cfg);
        child.invocations = std::mem::take(&mut self.invocations);
        child.keyed_counts = std::mem::take(&mut self.keyed_counts);
        if *pattern != Pattern::WaitForTaskToken {
            child.run();
        }
        if matches!(child.status, Status::WaitingForCallback { .. }) {
            child.abort();
        }
        self.invocations = std::mem::take(&mut child.invocations);
        self.keyed_counts = std::mem::take(&mut child.keyed_counts);
        let start = crate::time::format_rfc3339_millis(frame.clock);
        let stop = crate::time::format_rfc3339_millis(frame.clock + child.duration_ms());
        let duration = child.duration_ms().max(0) as u64;
        let text = *pattern == Pattern::Sync;
        let as_field = |v: &Value| {
            if text {
                Value::from(v.to_json())
            } else {
                v.clone()
            }
        };
        let mut describe = Map::default();
        let mut put = |k: &str, v: Value| {
            describe.insert(Rc::from(k), v);
        };
        let response = match (pattern, &child.status) {
            (Pattern::WaitForTaskToken, _) => None,
            (Pattern::RequestResponse, _) => Some(crate::mocks::MockResponse {
                outcome: Outcome::Return(
                    crate::obj! { "ExecutionArn" => exec_arn.as_str(), "StartDate" => start.as_str() },
                ),
                duration_ms: 0,
            }),
            (_, status) => {
                let failed = !matches!(status, Status::Succeeded { .. });
                if let Status::Failed { error, cause } | Status::TimedOut { error, cause } = status
                {
                    if let Some(c) = cause {
                        put("Cause", Value::String(c.clone()));
                    }
                    if let Some(e) = error {
                        put("Error", Value::String(e.clone()));
                    }
                }
                put("ExecutionArn", Value::from(exec_arn.as_str()));
                put("Input", as_field(&input));
                put("InputDetails", crate::obj! { "Included" => true });
                put("Name", Value::from(exec_name.as_str()));
                if let Status::Succeeded { output } = status {
                    put("Output", as_field(output));
                    put("OutputDetails", crate::obj! { "Included" => true });
                }
                put("StartDate", Value::from(start.as_str()));
                put("StateMachineArn", Value::from(machine_arn.as_str()));
                put(
                    "Status",
                    Value::from(match status {
                        Status::Succeeded { .. } => "SUCCEEDED",
                        Status::TimedOut { .. } => "TIMED_OUT",
                        Status::Aborted => "ABORTED",
                        _ => "FAILED",
                    }),
                );
                put("StopDate", Value::from(stop.as_str()));
                let describe = Value::from(describe);
                Some(crate::mocks::MockResponse {
                    // AWS-recorded: a failed (or timed-out) child fails the Task with
                    // States.TaskFailed, its description as the cause.
                    outcome: if failed {
                        Outcome::Throw {
                            error: Rc::from(errors::TASK_FAILED),
                            cause: Some(Rc::from(describe.to_json())),
                        }
                    } else {
                        Outcome::Return(describe)
                    },
                    duration_ms: duration,
                })
            }
        };
        let _ = token;
        self.nested.push(NestedExecution {
            state: state.name.clone(),
            machine: Rc::from(name),
            execution: Rc::new(std::cell::RefCell::new(child)),
        });
        response
    }

    fn complete_task(
        &mut self,
        mut frame: Frame,
        call: &TaskCall,
        outcome: Outcome,
        duration_ms: u64,
    ) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        let duration = duration_ms.min(MAX_SIMULATED_MS) as i64;
        let timeout_ms = call
            .timeout
            .map(|t| (t.min(MAX_SIMULATED_MS / 1000) * 1000) as i64);
        let heartbeat_ms = call
            .heartbeat
            .filter(|_| call.is_callback)
            .map(|h| (h.min(MAX_SIMULATED_MS / 1000) * 1000) as i64);
        let limit = [timeout_ms, heartbeat_ms].into_iter().flatten().min();
        let outcome = match limit {
            Some(l) if duration > l => {
                frame.clock = frame.clock.saturating_add(l);
                Outcome::Throw {
                    error: Rc::from(errors::TIMEOUT),
                    cause: None,
                }
            }
            _ => {
                frame.clock = frame.clock.saturating_add(duration);
                outcome
            }
        };
        let (rt, res) = (call.resource_type.clone(), call.resource.clone());
        match outcome {
            Outcome::Throw { error, cause } => {
                let kind = if &*error == errors::TIMEOUT {
                    EventKind::TaskTimedOut {
                        family: call.family,
                        resource_type: rt,
                        resource: res,
                        error: Some(error.clone()),
                        cause: cause.clone(),
                    }
                } else {
                    EventKind::TaskFailed {
                        family: call.family,
                        resource_type: rt,
                        resource: res,
                        error: Some(error.clone()),
                        cause: cause.clone(),
                    }
                };
                self.emit(&mut frame, kind);
                self.handle_error(frame, Failure::thrown(error, cause.map(|c| c.to_string())));
            }
            Outcome::Return(value) => {
                if value.json_size_with(&mut self.sizes) > MAX_PAYLOAD_BYTES {
                    let f = Failure::new(errors::DATA_LIMIT_EXCEEDED, format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", call.resource));
                    self.emit(
                        &mut frame,
                        EventKind::TaskFailed {
                            family: call.family,
                            resource_type: rt,
                            resource: res,
                            error: Some(f.error.clone()),
                            cause: f.cause.as_deref().map(Rc::from),
                        },
                    );
                    return self.handle_error(frame, f);
                }
                self.emit(
                    &mut frame,
                    EventKind::TaskSucceeded {
                        family: call.family,
                        resource_type: rt,
                        resource: res,
                        output: value.clone(),
                    },
                );
                if let Err(e) = self.after_result(frame, state, value) {
                    let (frame, f) = *e;
                    self.handle_error(frame, f);
                }
            }
        }
    }

    /// ResultSelector (JSONPath) or Output (JSONata), then the common tail.
    fn after_result(&mut self, frame: Frame, state: &State, result: Value) -> Flow {
        if state.query_language == QueryLanguage::Jsonata {
            if let Some(v) = self.visit_mut(&frame) {
                v.result = Some(result.clone());
            }
            let states_now = self.states_value(&frame, Some(("result", result.clone())), None);
            return self.jsonata_finish(frame, state, states_now, result);
        }
        let selected = match &state.result_selector {
            Some(t) => match self.eval_template(t, &result, &frame, None, None) {
                Ok(v) => v,
                Err(f) => return Err(Box::new((frame, f))),
            },
            None => result.clone(),
        };
        if let Some(v) = self.visit_mut(&frame) {
            v.result = Some(result);
            if state.result_selector.is_some() {
                v.after_result_selector = Some(selected.clone());
            }
        }
        self.finish_data_flow(frame, state, selected)
    }

    fn start_container(&mut self, mut frame: Frame, state: &State) -> Flow {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = match self.effective_input(&frame, state) {
            Ok(v) => v,
            Err(f) => return Err(Box::new((frame, f))),
        };
        if let Some(v) = self.visit_mut(&frame) {
            v.after_input_path = Some(effective.clone());
        }
        match &state.kind {
            Kind::Parallel { branches } => {
                let branch_input = match (&state.parameters, &state.compiled.arguments) {
                    (_, Some(t)) if jsonata => match self.jsonata_eval(
                        &frame,
                        t,
                        self.states_value(&frame, None, None),
                        "Arguments",
                    ) {
                        Ok(v) => v,
                        Err(f) => return Err(Box::new((frame, f))),
                    },
                    (Some(p), _) if !jsonata => {
                        match self.eval_template(p, &effective, &frame, None, None) {
                            Ok(v) => v,
                            Err(f) => return Err(Box::new((frame, f))),
                        }
                    }
                    _ => effective,
                };
                if let Some(v) = self.visit_mut(&frame) {
                    v.after_parameters = state.parameters.as_ref().map(|_| branch_input.clone());
                }
                let id = self.emit(&mut frame, EventKind::ParallelStateStarted);
                if let Some(outcome) = self.test_container_mock(&frame) {
                    return self.mocked_container(frame, state, outcome, false);
                }
                let count = branches.len();
                let run = ContainerRun {
                    is_map: false,
                    effective: branch_input,
                    items: None,
                    count,
                    results: Vec::with_capacity(count),
                    next_child: 0,
                    slots: vec![frame.clock; count.max(1)],
                    start_time: frame.clock,
                    end_time: frame.clock,
                    started_event: id,
                };
                frame.phase = Phase::Container(Box::new(run));
                self.frames.push(frame);
                Ok(())
            }
            Kind::Map(spec) => {
                let test_items = self
                    .cfg
                    .test_state
                    .as_ref()
                    .and_then(|t| t.item_reader_data.clone())
                    .filter(|_| frame.depth == 0 && spec.item_reader.is_some());
                let read = match test_items {
                    Some(Value::Array(a)) => Some(Ok(a.as_ref().clone())),
                    Some(other) => Some(Ok(vec![other])),
                    None => spec
                        .item_reader
                        .as_ref()
                        .map(|r| self.read_items(&frame, state, r, &effective)),
                };
                let items = match (&spec.items_path, &state.compiled.items) {
                    _ if read.is_some() => match read {
                        Some(Ok(items)) => Value::from(items),
                        Some(Err(f)) => return Err(Box::new((frame, f))),
                        None => Value::Null,
                    },
                    (_, Some(t)) if jsonata => match self.jsonata_eval(
                        &frame,
                        t,
                        self.states_value(&frame, None, None),
                        "Items",
                    ) {
                        Ok(v @ Value::Array(_)) => v,
                        Ok(other) => {
                            let q = t
                                .single()
                                .map_or(String::new(), |e| crate::jsonata::quoted(e).to_string());
                            let f = Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The JSONata expression '{q}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}", other.type_name(), other.to_json())).at("Items");
                            return Err(Box::new((frame, f)));
                        }
                        Err(f) => return Err(Box::new((frame, f))),
                    },
                    (Some(p), _) => match self.eval_path_on(p, &effective, &frame) {
                        Ok(v) => v,
                        Err(e) => return Err(Box::new((frame, io_failure(p, &e)))),
                    },
                    _ => effective.clone(),
                };
                let Value::Array(items) = items else {
                    // AWS-recorded wording (JSONata: States.QueryEvaluationError).
                    let message = match (&spec.items_path, &self.cfg.test_state) {
                        // AWS-recorded: TestState words it after the path (`$$` shown as `$`).
                        (Some(p), Some(_)) if frame.depth == 0 => format!(
                            "Reference path \"{}\" must point to array.",
                            p.source.replacen("$$", "$", 1)
                        ),
                        _ => format!(
                            "Map state input must be an array but was: {}",
                            items.to_json()
                        ),
                    };
                    // AWS-recorded: JSONata's EvaluationFailed here carries no location.
                    let f = if jsonata {
                        Failure::new(errors::QUERY_EVALUATION_ERROR, message).at("")
                    } else {
                        Failure::runtime(message)
                    };
                    return Err(Box::new((frame, f)));
                };
                let max_concurrency = match &spec.max_concurrency {
                    Dyn::Const(c) => *c,
                    Dyn::Path(p) => match self.eval_path_on(p, &effective, &frame) {
                        Ok(v) => match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n >= 0) {
                            Some(n) => n as u64,
                            None => {
                                return Err(Box::new((frame, Failure::runtime(format!("The MaxConcurrencyPath field refers to value {} which is not a valid integer: {}", v.to_json(), p.source)))))
                            }
                        },
                        Err(e) => return Err(Box::new((frame, io_failure(p, &e)))),
                    },
                    Dyn::Jsonata(text) => match self.jsonata_text(&frame, text, "MaxConcurrency") {
                        Ok(Value::Number(n)) if n.as_i64().is_some_and(|c| c >= 0) => n.as_i64().unwrap_or(0) as u64,
                        Ok(other) => return Err(Box::new((frame, Failure::new(errors::QUERY_EVALUATION_ERROR, format!("MaxConcurrency must evaluate to a non-negative integer, but it returned {}", other.to_json()))))),
                        Err(f) => return Err(Box::new((frame, f))),
                    },
                };
                let count = items.len();
                let width = match (spec.mode, max_concurrency) {
                    (MapMode::Inline, 0) => INLINE_MAP_MAX_CONCURRENCY,
                    (MapMode::Inline, c) => (c as usize).min(INLINE_MAP_MAX_CONCURRENCY),
                    (MapMode::Distributed, 0) => 10_000,
                    (MapMode::Distributed, c) => c as usize,
                };
                let id = self.emit(&mut frame, EventKind::MapStateStarted { length: count });
                if let Some(v) = self.visit_mut(&frame) {
                    v.map = Some(Box::new(MapVisit {
                        after_items_path: Value::Array(items.clone()),
                        max_concurrency,
                        ..Default::default()
                    }));
                }
                if let Some(mut outcome) = self.test_container_mock(&frame) {
                    let (c, p) = match self.tolerated(&frame, spec, &effective) {
                        Ok(t) => t,
                        Err(f) => return Err(Box::new((frame, f))),
                    };
                    if let Some(v) = self.visit_mut(&frame) {
                        if let Some(m) = &mut v.map {
                            m.tolerated_failure_count = c;
                            m.tolerated_failure_percentage = p;
                        }
                    }
                    let failed = self.cfg.test_state.as_ref().map_or(0, |t| t.map_failures);
                    // AWS-recorded: with no threshold set, TestState lets the failures pass.
                    let exceeded = match (c, p) {
                        (None, None) => false,
                        (c, p) => {
                            c.is_some_and(|c| failed > c)
                                || p.is_some_and(|p| failed as f64 * 100.0 > p * count as f64)
                        }
                    };
                    if exceeded && matches!(outcome, Outcome::Return(_)) {
                        outcome = Outcome::Throw {
                            error: Rc::from(errors::EXCEED_TOLERATED_FAILURE_THRESHOLD),
                            cause: Some(Rc::from(
                                "The specified tolerated failure threshold was exceeded",
                            )),
                        };
                    }
                    return self.mocked_container(frame, state, outcome, true);
                }
                if spec.mode == MapMode::Distributed {
                    return self.start_map_run(frame, state, spec, effective, items, width);
                }
                let run = ContainerRun {
                    is_map: true,
                    effective,
                    items: Some(items),
                    count,
                    results: Vec::with_capacity(count),
                    next_child: 0,
                    slots: vec![frame.clock; width.clamp(1, count.max(1))],
                    start_time: frame.clock,
                    end_time: frame.clock,
                    started_event: id,
                };
                frame.phase = Phase::Container(Box::new(run));
                self.frames.push(frame);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// TestState's mocked result or error for the tested Map or Parallel.
    fn test_container_mock(&self, frame: &Frame) -> Option<Outcome> {
        (frame.depth == 0)
            .then(|| self.cfg.test_state.as_ref()?.container_mock.clone())
            .flatten()
    }

    /// A Map or Parallel whose children do not run: the mock is its result (or its error).
    fn mocked_container(
        &mut self,
        mut frame: Frame,
        state: &State,
        outcome: Outcome,
        map: bool,
    ) -> Flow {
        match outcome {
            Outcome::Return(v) => {
                if let Some(visit) = self.visit_mut(&frame) {
                    visit.result = Some(v.clone());
                }
                self.emit(
                    &mut frame,
                    if map {
                        EventKind::MapStateSucceeded
                    } else {
                        EventKind::ParallelStateSucceeded
                    },
                );
                self.after_result(frame, state, v)
            }
            Outcome::Throw { error, cause } => {
                self.emit(
                    &mut frame,
                    if map {
                        EventKind::MapStateFailed
                    } else {
                        EventKind::ParallelStateFailed
                    },
                );
                Err(Box::new((
                    frame,
                    Failure {
                        error,
                        cause: cause.map(|c| c.to_string()),
                        location: None,
                    },
                )))
            }
        }
    }

    /// Evaluates a payload template given as raw JSON (ItemReader, ItemBatcher and
    /// ResultWriter parameters) in the state's query language.
    fn eval_raw_template(
        &self,
        frame: &Frame,
        state: &State,
        raw: &Value,
        input: &Value,
        field: &str,
    ) -> Result<Value, Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let t = crate::jsonata::compile(raw).map_err(|e| {
                let message = e
                    .first()
                    .map(|(_, s)| s.message.clone())
                    .unwrap_or_default();
                Failure::new(errors::QUERY_EVALUATION_ERROR, message)
            })?;
            self.jsonata_eval(frame, &t, self.states_value(frame, None, None), field)
        } else {
            let t = crate::template::compile(raw).map_err(|_| {
                Failure::runtime(format!(
                    "The field '{field}' holds an invalid payload template"
                ))
            })?;
            self.eval_template(&t, input, frame, None, None)
        }
    }

    /// A count given as a number or by a `...Path` field into `input`.
    fn count_field(
        &self,
        frame: &Frame,
        obj: Option<&Value>,
        field: &str,
        input: &Value,
    ) -> Result<Option<usize>, Failure> {
        let Some(obj) = obj else { return Ok(None) };
        if let Some(n) = obj.get(field).and_then(Value::as_number) {
            return Ok(n.as_i64().map(|n| n.max(0) as usize));
        }
        let path_field = format!("{field}Path");
        let Some(src) = obj.get(&path_field).and_then(Value::as_str) else {
            return Ok(None);
        };
        let path = crate::path::JsonPath::parse(src)
            .map_err(|_| Failure::runtime(format!("Invalid path '{src}' in {path_field}")))?;
        let v = self
            .eval_path_on(&path, input, frame)
            .map_err(|e| io_failure(&path, &e))?;
        match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n >= 0) {
            Some(n) => Ok(Some(n as usize)),
            None => Err(Failure::runtime(format!(
                "The {path_field} field refers to value {} which is not a valid integer: {src}",
                v.to_json()
            ))),
        }
    }

    fn read_items(
        &self,
        frame: &Frame,
        state: &State,
        reader: &Value,
        effective: &Value,
    ) -> Result<Vec<Value>, Failure> {
        let resource = reader.get("Resource").and_then(Value::as_str).unwrap_or("");
        let parameters = match reader.get("Parameters").or_else(|| reader.get("Arguments")) {
            Some(raw) => self.eval_raw_template(frame, state, raw, effective, "ItemReader")?,
            None => Value::object(),
        };
        let config = reader.get("ReaderConfig");
        let max_items = self.count_field(frame, config, "MaxItems", effective)?;
        crate::distributed::read_items(
            &self.cfg.s3,
            &crate::distributed::ReadRequest {
                resource,
                parameters: &parameters,
                config,
                max_items,
            },
        )
    }

    /// `ToleratedFailureCount(Path)` and `ToleratedFailurePercentage(Path)`, with AWS's errors.
    fn tolerated(
        &self,
        frame: &Frame,
        spec: &MapSpec,
        effective: &Value,
    ) -> Result<(Option<u64>, Option<f64>), Failure> {
        // AWS-recorded: the offending value is quoted, a string as is, anything else as JSON.
        let shown = |v: &Value| v.as_str().map_or_else(|| v.to_json(), str::to_string);
        let count = match &spec.tolerated_failure_count {
            None => None,
            Some(Dyn::Const(c)) => Some(*c),
            Some(Dyn::Path(p)) => {
                let v = self
                    .eval_path_on(p, effective, frame)
                    .map_err(|e| io_failure(p, &e))?;
                // AWS-recorded: a numeric string ("1") is accepted too.
                let n = match &v {
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => v.as_number().and_then(|n| n.as_i64()),
                };
                match n {
                    Some(n) if n < 0 => {
                        return Err(Failure::runtime("ToleratedFailureCount cannot be negative."))
                    }
                    Some(n) => Some(n as u64),
                    None => return Err(Failure::runtime(format!("The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: {}", shown(&v), p.source))),
                }
            }
            Some(Dyn::Jsonata(text)) => match self.jsonata_text(frame, text, "ToleratedFailureCount")? {
                Value::Number(n) if n.as_i64().is_some_and(|c| c >= 0) => n.as_i64().map(|c| c as u64),
                other => return Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("ToleratedFailureCount must evaluate to a non-negative integer, but it returned {}", other.to_json()))),
            },
        };
        let in_range = |p: f64| {
            if (0.0..=100.0).contains(&p) {
                Ok(p)
            } else {
                Err(Failure::runtime(
                    "ToleratedFailurePercentage must be between 0 and 100.",
                ))
            }
        };
        let percentage = match &spec.tolerated_failure_percentage {
            None => None,
            Some(Dyn::Const(p)) => Some(*p),
            Some(Dyn::Path(p)) => {
                let v = self
                    .eval_path_on(p, effective, frame)
                    .map_err(|e| io_failure(p, &e))?;
                let n = match &v {
                    Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                    _ => v.as_number().map(|n| n.as_f64()),
                };
                match n {
                    Some(n) => Some(in_range(n)?),
                    None => return Err(Failure::runtime(format!("The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}", shown(&v), p.source))),
                }
            }
            Some(Dyn::Jsonata(text)) => {
                match self.jsonata_text(frame, text, "ToleratedFailurePercentage")? {
                    Value::Number(n) => Some(in_range(n.as_f64())?),
                    other => return Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("ToleratedFailurePercentage must evaluate to a number, but it returned {}", other.to_json()))),
                }
            }
        };
        Ok((count, percentage))
    }

    /// Region, account and name of this execution's state machine, from its ARN.
    fn arn_parts(&self) -> (String, String, String) {
        let arn = self.cfg.context.state_machine_id.as_str().unwrap_or("");
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let get = |i: usize, d: &str| parts.get(i).copied().unwrap_or(d).to_string();
        (
            get(3, "us-east-1"),
            get(4, "123456789012"),
            get(6, "playground"),
        )
    }

    /// A Distributed Map after `MapStateStarted`: thresholds, item inputs and batches, then
    /// `MapRunStarted`; the children run one per `advance`.
    fn start_map_run(
        &mut self,
        mut frame: Frame,
        state: &State,
        spec: &MapSpec,
        effective: Value,
        items: Rc<Vec<Value>>,
        width: usize,
    ) -> Flow {
        let (tolerated_count, tolerated_percentage) = match self.tolerated(&frame, spec, &effective)
        {
            Ok(t) => t,
            Err(f) => return Err(Box::new((frame, f))),
        };
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let input = match (&spec.item_selector, &state.compiled.item_selector) {
                (_, Some(t)) if state.query_language == QueryLanguage::Jsonata => {
                    let st = self.states_value(&frame, None, Some((index, item)));
                    self.jsonata_eval(&frame, t, st, "ItemSelector")
                }
                (Some(sel), _) => {
                    self.eval_template(sel, &effective, &frame, None, Some((index, item)))
                }
                _ => Ok(item.clone()),
            };
            match input {
                Ok(v) => inputs.push(v),
                Err(f) => return Err(Box::new((frame, f))),
            }
        }
        let total_items = inputs.len();
        let inputs = match &spec.item_batcher {
            Some(b) => {
                let sizes = self
                    .count_field(&frame, Some(b), "MaxItemsPerBatch", &effective)
                    .and_then(|n| {
                        Ok((
                            n,
                            self.count_field(&frame, Some(b), "MaxInputBytesPerBatch", &effective)?,
                        ))
                    });
                let batch_input = match b.get("BatchInput") {
                    Some(raw) => self
                        .eval_raw_template(&frame, state, raw, &effective, "BatchInput")
                        .map(Some),
                    None => Ok(None),
                };
                match (sizes, batch_input) {
                    (Ok((n, bytes)), Ok(bi)) => {
                        crate::distributed::batches(inputs, n, bytes, bi.as_ref())
                    }
                    (Err(f), _) | (_, Err(f)) => return Err(Box::new((frame, f))),
                }
            }
            None => inputs.into_iter().map(|v| (v, 1)).collect(),
        };
        let (region, account, machine) = self.arn_parts();
        let label = spec
            .label
            .clone()
            .unwrap_or_else(|| Rc::from(self.rng.uuid().as_str()));
        let run_id = self.rng.uuid();
        let map_run_arn: Rc<str> = Rc::from(format!(
            "arn:aws:states:{region}:{account}:mapRun:{machine}/{label}:{run_id}"
        ));
        self.map_runs.push(MapRunSummary {
            state: state.name.clone(),
            map_run_arn: map_run_arn.clone(),
            label: spec.label.clone(),
            execution_type: spec.execution_type,
            items: total_items,
            children: inputs.len(),
            succeeded_items: 0,
            failed_items: 0,
            succeeded_children: 0,
            failed_children: 0,
            tolerated_failure_count: tolerated_count,
            tolerated_failure_percentage: tolerated_percentage,
            child_transitions: 0,
            child_duration_ms: 0,
            child_billed_ms: 0,
            status: "RUNNING",
            samples: Vec::new(),
            written: Vec::new(),
        });
        self.emit(&mut frame, EventKind::MapRunStarted { map_run_arn });
        let machine_def = Rc::new(StateMachine {
            graph: spec.processor.clone(),
            comment: None,
            timeout_seconds: None,
            query_language: state.query_language,
            definition_size: 0,
        });
        let run = MapRun {
            machine: machine_def,
            next: 0,
            slots: std::iter::repeat_n(
                std::cmp::Reverse(frame.clock),
                width.clamp(1, inputs.len().max(1)),
            )
            .collect(),
            start_time: frame.clock,
            end_time: frame.clock,
            tolerated_count,
            tolerated_percentage,
            keep_records: spec.result_writer.is_some(),
            outputs: Vec::new(),
            records: Vec::new(),
            summary_index: self.map_runs.len() - 1,
            inputs,
        };
        frame.phase = Phase::MapRun(Box::new(run));
        self.frames.push(frame);
        Ok(())
    }

    /// Runs the next child execution of a Map Run, or ends the run.
    fn map_run_next(&mut self, mut frame: Frame, mut run: Box<MapRun>) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        let Kind::Map(spec) = &state.kind else {
            return;
        };
        let summary = &self.map_runs[run.summary_index];
        let failed = summary.failed_items;
        let exceeded = match (run.tolerated_count, run.tolerated_percentage) {
            (None, None) => failed > 0,
            (c, p) => {
                c.is_some_and(|c| failed > c)
                    || p.is_some_and(|p| failed as f64 * 100.0 > p * summary.items as f64)
            }
        };
        if exceeded || run.next >= run.inputs.len() {
            return self.map_run_finish(frame, run, spec, state, exceeded);
        }
        let index = run.next;
        run.next += 1;
        let start = run.slots.pop().map_or(run.start_time, |r| r.0);
        let (input, carried) = std::mem::take(&mut run.inputs[index]);
        let (region, account, machine) = self.arn_parts();
        let label = spec.label.clone().unwrap_or_else(|| Rc::from(&*state.name));
        let name = self.rng.uuid();
        let kind = match spec.execution_type {
            WorkflowType::Express => "express",
            WorkflowType::Standard => "execution",
        };
        let context = ExecutionContext {
            execution_id: Value::from(format!(
                "arn:aws:states:{region}:{account}:{kind}:{machine}/{label}:{name}"
            )),
            execution_name: Value::from(name.as_str()),
            role_arn: self.cfg.context.role_arn.clone(),
            state_machine_id: Value::from(format!(
                "arn:aws:states:{region}:{account}:stateMachine:{machine}/{label}"
            )),
            state_machine_name: Value::from(format!("{machine}/{label}")),
        };
        let sample = index < CHILD_SAMPLE;
        let cfg = RunConfig {
            workflow_type: spec.execution_type,
            mocks: self.cfg.mocks.clone(),
            start_time_ms: start,
            seed: self.rng.next_u64(),
            context,
            max_transitions: self.cfg.max_transitions,
            max_history_events: None,
            record_inspection: sample,
            synchronous: false,
            s3: self.cfg.s3.clone(),
            machines: self.cfg.machines.clone(),
            at_least_once: self.cfg.at_least_once,
            test_state: None,
        };
        let mut child = Execution::start(run.machine.clone(), input.clone(), cfg);
        // Mocked responses are consumed in order across the whole run, children included.
        child.invocations = std::mem::take(&mut self.invocations);
        child.keyed_counts = std::mem::take(&mut self.keyed_counts);
        child.run();
        if matches!(child.status, Status::WaitingForCallback { .. }) {
            child.abort();
        }
        self.invocations = std::mem::take(&mut child.invocations);
        self.keyed_counts = std::mem::take(&mut child.keyed_counts);
        let duration = child.duration_ms();
        let end = start.saturating_add(duration);
        run.slots.push(std::cmp::Reverse(end));
        run.end_time = run.end_time.max(end);
        let result = match &child.status {
            Status::Succeeded { output } => Ok(output.clone()),
            Status::Failed { error, cause } | Status::TimedOut { error, cause } => {
                Err((error.clone(), cause.clone()))
            }
            _ => Err((
                Some(Rc::from(errors::RUNTIME)),
                Some(Rc::from("The child execution waited for a task token; the playground does not answer callbacks inside Distributed Map children (give the Task a mock).")),
            )),
        };
        let ok = result.is_ok();
        let summary = &mut self.map_runs[run.summary_index];
        if ok {
            summary.succeeded_items += carried as u64;
            summary.succeeded_children += 1;
        } else {
            summary.failed_items += carried as u64;
            summary.failed_children += 1;
        }
        summary.child_transitions += child.transitions();
        summary.child_duration_ms += duration;
        summary.child_billed_ms += (duration.max(1) + 99) / 100 * 100;
        let failed_samples = summary
            .samples
            .iter()
            .filter(|s| !matches!(s.status, Status::Succeeded { .. }))
            .count();
        let execution_arn: Rc<str> =
            Rc::from(child.cfg.context.execution_id.as_str().unwrap_or_default());
        if sample || (!ok && failed_samples < FAILED_SAMPLE) {
            summary.samples.push(ChildSample {
                index,
                name: Rc::from(name.as_str()),
                input: input.clone(),
                status: child.status.clone(),
                execution: Rc::new(std::cell::RefCell::new(child)),
            });
        }
        if run.keep_records {
            run.records.push(crate::distributed::ChildOutcome {
                execution_arn,
                name: Rc::from(name.as_str()),
                input,
                start_ms: start,
                stop_ms: end,
                result,
            });
        } else {
            run.outputs.push(match result {
                Ok(v) => v,
                // Not recorded on AWS: a tolerated failure's place holds its error.
                Err((e, c)) => crate::obj! {
                    "Error" => e.as_deref().map_or(Value::Null, Value::from),
                    "Cause" => c.as_deref().map_or(Value::Null, Value::from),
                },
            });
        }
        frame.phase = Phase::MapRun(run);
        self.frames.push(frame);
    }

    fn map_run_finish(
        &mut self,
        mut frame: Frame,
        run: Box<MapRun>,
        spec: &MapSpec,
        state: &State,
        exceeded: bool,
    ) {
        frame.clock = run.end_time.max(run.start_time);
        let summary_index = run.summary_index;
        if exceeded {
            let cause = "The specified tolerated failure threshold was exceeded";
            self.map_runs[summary_index].status = "FAILED";
            self.emit(
                &mut frame,
                EventKind::MapRunFailed {
                    error: Some(Rc::from(errors::EXCEED_TOLERATED_FAILURE_THRESHOLD)),
                    cause: Some(Rc::from(cause)),
                },
            );
            self.emit(&mut frame, EventKind::MapStateFailed);
            return self.handle_error(
                frame,
                Failure::new(errors::EXCEED_TOLERATED_FAILURE_THRESHOLD, cause),
            );
        }
        self.map_runs[summary_index].status = "SUCCEEDED";
        self.emit(&mut frame, EventKind::MapRunSucceeded);
        let result = match &spec.result_writer {
            None => Ok(Value::from(run.outputs)),
            Some(writer) => self.write_results(&frame, state, writer, &run, summary_index),
        };
        match result {
            Ok(result) => {
                self.emit(&mut frame, EventKind::MapStateSucceeded);
                if let Err(e) = self.after_result(frame, state, result) {
                    let (frame, f) = *e;
                    self.handle_error(frame, f);
                }
            }
            Err(f) => {
                self.emit(&mut frame, EventKind::MapStateFailed);
                self.handle_error(frame, f);
            }
        }
    }

    /// `ResultWriter`: with `WriterConfig` only, the transformed results are the output; with
    /// a `Resource`, the files are "written" to the simulated bucket (kept in the Map Run
    /// summary) and the output names the manifest, as AWS's does.
    fn write_results(
        &mut self,
        frame: &Frame,
        state: &State,
        writer: &Value,
        run: &MapRun,
        summary_index: usize,
    ) -> Result<Value, Failure> {
        let config = writer.get("WriterConfig");
        let has_resource = writer.get("Resource").is_some();
        let transformation = config
            .and_then(|c| c.get("Transformation"))
            .and_then(Value::as_str)
            .unwrap_or(if has_resource { "NONE" } else { "COMPACT" });
        let jsonl = config
            .and_then(|c| c.get("OutputType"))
            .and_then(Value::as_str)
            == Some("JSONL");
        let (region, account, machine) = self.arn_parts();
        let label = self.map_runs[summary_index]
            .label
            .clone()
            .unwrap_or_else(|| state.name.clone());
        let machine_arn =
            format!("arn:aws:states:{region}:{account}:stateMachine:{machine}/{label}");
        if !has_resource {
            return Ok(crate::distributed::transform(
                &run.records,
                transformation,
                &machine_arn,
            ));
        }
        let params = match writer.get("Parameters").or_else(|| writer.get("Arguments")) {
            Some(raw) => self.eval_raw_template(frame, state, raw, &frame.input, "ResultWriter")?,
            None => Value::object(),
        };
        let bucket = params
            .get("Bucket")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if bucket.is_empty() {
            return Err(Failure::new(
                errors::RESULT_WRITER_FAILED,
                "ResultWriter: the parameters name no 'Bucket'",
            ));
        }
        let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
        let map_run_arn = self.map_runs[summary_index].map_run_arn.clone();
        let run_id = map_run_arn.rsplit(':').next().unwrap_or("").to_string();
        let dir = if prefix.is_empty() {
            run_id
        } else {
            format!("{}/{run_id}", prefix.trim_end_matches('/'))
        };
        let render = |records: Vec<&crate::distributed::ChildOutcome>| -> String {
            let values = crate::distributed::transform(
                &records.into_iter().cloned().collect::<Vec<_>>(),
                transformation,
                &machine_arn,
            );
            match (&values, jsonl) {
                (Value::Array(a), true) => {
                    a.iter().map(Value::to_json).collect::<Vec<_>>().join("\n")
                }
                _ => values.to_json(),
            }
        };
        let ext = if jsonl { "jsonl" } else { "json" };
        let mut written = Vec::new();
        let mut files = Map::default();
        for (status, ok) in [("SUCCEEDED", true), ("FAILED", false)] {
            let records: Vec<&crate::distributed::ChildOutcome> = run
                .records
                .iter()
                .filter(|r| r.result.is_ok() == ok)
                .collect();
            let mut list = Vec::new();
            if !records.is_empty() {
                let key = format!("{dir}/{status}_0.{ext}");
                let text = render(records);
                list.push(crate::obj! { "Key" => key.as_str(), "Size" => text.len() as i64 });
                written.push((key, text));
            }
            files.insert(Rc::from(status), Value::from(list));
        }
        files.insert(Rc::from("PENDING"), Value::from(Vec::<Value>::new()));
        let manifest_key = format!("{dir}/manifest.json");
        let manifest = crate::obj! {
            "DestinationBucket" => bucket.as_str(),
            "MapRunArn" => map_run_arn.clone(),
            "ResultFiles" => Value::from(files),
        };
        written.insert(0, (manifest_key.clone(), manifest.to_json_pretty()));
        self.map_runs[summary_index].written = written;
        Ok(crate::obj! {
            "MapRunArn" => map_run_arn,
            "ResultWriterDetails" => crate::obj! { "Bucket" => bucket.as_str(), "Key" => manifest_key.as_str() },
        })
    }

    /// Starts the next child of a container, or finishes the container.
    fn container_next(&mut self, mut frame: Frame, mut run: Box<ContainerRun>) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        if run.next_child >= run.count {
            frame.clock = run.end_time.max(run.start_time);
            let results = Value::from(std::mem::take(&mut run.results));
            self.emit(
                &mut frame,
                if run.is_map {
                    EventKind::MapStateSucceeded
                } else {
                    EventKind::ParallelStateSucceeded
                },
            );
            if let Err(e) = self.after_result(frame, state, results) {
                let (frame, f) = *e;
                self.handle_error(frame, f);
            }
            return;
        }
        let index = run.next_child;
        run.next_child += 1;
        // The earliest free slot decides when this child starts.
        let start = run.slots.iter().copied().min().unwrap_or(run.start_time);
        let (child_graph, child_input) = match &state.kind {
            Kind::Parallel { branches } => (branches[index].clone(), Ok(run.effective.clone())),
            Kind::Map(spec) => {
                let item = run
                    .items
                    .as_ref()
                    .and_then(|i| i.get(index))
                    .cloned()
                    .unwrap_or_default();
                let input = match (&spec.item_selector, &state.compiled.item_selector) {
                    (_, Some(t)) if state.query_language == QueryLanguage::Jsonata => {
                        let st = self.states_value(&frame, None, Some((index, &item)));
                        self.jsonata_eval(&frame, t, st, "ItemSelector")
                    }
                    (Some(sel), _) => {
                        self.eval_template(sel, &run.effective, &frame, None, Some((index, &item)))
                    }
                    _ => Ok(item),
                };
                (spec.processor.clone(), input)
            }
            _ => return,
        };
        let child_input = match child_input {
            Ok(v) => v,
            Err(f) => {
                self.emit(&mut frame, EventKind::MapStateFailed);
                return self.handle_error(frame, f);
            }
        };
        let mut last = run.started_event.max(frame.last_event);
        if run.is_map {
            let name = state.name.clone();
            let t = frame.clock;
            frame.clock = start;
            last = self.emit(&mut frame, EventKind::MapIterationStarted { name, index });
            frame.clock = t;
        }
        let Some(start_id) = child_graph.start else {
            frame.phase = Phase::Container(run);
            self.frames.push(frame);
            self.pending_child = Some((
                index,
                Err(Failure::runtime("The branch has no start state")),
                start,
                last,
            ));
            return;
        };
        let vars = Rc::new(VarScope {
            vars: Map::default(),
            parent: Some(frame.vars.clone()),
        });
        let depth = frame.depth + 1;
        frame.phase = Phase::Container(run);
        self.frames.push(frame);
        self.frames.push(Frame {
            retry_counts: vec![0; child_graph.states[start_id].retry.len()],
            graph: child_graph,
            origin: if depth > 0 && matches!(state.kind, Kind::Map(_)) {
                Origin::Iteration(index)
            } else {
                Origin::Branch(index)
            },
            state: start_id,
            input: child_input,
            phase: Phase::Enter,
            clock: start,
            last_event: last,
            entered_event: 0,
            entered_time: start,
            vars,
            visit: None,
            depth,
            pending_assign: None,
        });
    }

    /// A child frame (branch or iteration) finished: record its result in the container.
    fn deliver_child(&mut self, index: usize, result: Result<Value, Failure>, end: i64, last: u64) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        let Phase::Container(mut run) = std::mem::replace(&mut frame.phase, Phase::Run) else {
            self.frames.push(frame);
            return;
        };
        let name = frame.graph.states[frame.state].name.clone();
        // The slot this child held frees at its end.
        if let Some(slot) = run.slots.iter_mut().min_by_key(|t| **t) {
            *slot = end;
        }
        run.end_time = run.end_time.max(end);
        frame.last_event = frame.last_event.max(last);
        match result {
            Ok(output) => {
                if run.is_map {
                    let t = frame.clock;
                    frame.clock = end;
                    self.emit(&mut frame, EventKind::MapIterationSucceeded { name, index });
                    frame.clock = t;
                }
                run.results.push(output);
                frame.phase = Phase::Container(run);
                self.frames.push(frame);
            }
            Err(f) => {
                frame.clock = end.max(frame.clock);
                if run.is_map {
                    self.emit(&mut frame, EventKind::MapIterationFailed { name, index });
                    self.emit(&mut frame, EventKind::MapStateFailed);
                } else {
                    self.emit(&mut frame, EventKind::ParallelStateFailed);
                }
                self.handle_error(frame, f);
            }
        }
    }

    /// A frame reached its end: hand the result to the container, or end the execution.
    fn frame_done(&mut self, frame: Frame, result: Result<Value, Failure>) {
        match frame.origin {
            Origin::Root => self.finish(result, frame.clock, frame.last_event),
            Origin::Branch(i) | Origin::Iteration(i) => {
                self.pending_child = Some((i, result, frame.clock, frame.last_event));
            }
        }
    }

    fn finish(&mut self, result: Result<Value, Failure>, t: i64, last: u64) {
        match result {
            Ok(output) => {
                self.push_event(
                    last,
                    t,
                    EventKind::ExecutionSucceeded {
                        output: output.clone(),
                    },
                );
                self.status = Status::Succeeded { output };
            }
            Err(f) => {
                let error = Some(f.error.clone()).filter(|e| !e.is_empty());
                let cause = f.cause.as_deref().map(Rc::from);
                self.push_event(
                    last,
                    t,
                    EventKind::ExecutionFailed {
                        error: error.clone(),
                        cause: cause.clone(),
                    },
                );
                self.status = Status::Failed { error, cause };
            }
        }
    }

    /// The state fails for good (no retrier or catcher applies).
    fn fail_state(&mut self, frame: Frame, failure: Failure) {
        if let Some(v) = self.visit_mut(&frame) {
            v.error = Some((
                failure.error.clone(),
                failure.cause.as_deref().map(Rc::from),
            ));
        }
        self.frame_done(frame, Err(failure));
    }

    /// Retry, then Catch, then fail.
    fn handle_error(&mut self, mut frame: Frame, mut failure: Failure) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        // TestState has no history: its causes do not name an event (AWS-recorded).
        let in_test = self.cfg.test_state.is_some() && frame.depth == 0;
        if !in_test
            && (&*failure.error == errors::RUNTIME
                || &*failure.error == errors::QUERY_EVALUATION_ERROR)
        {
            // AWS-recorded: runtime errors name the state and its StateEntered event id.
            let cause = failure.cause.take().unwrap_or_default();
            failure.cause = Some(
                if cause.starts_with("An error occurred while executing the state") {
                    cause
                } else {
                    format!("An error occurred while executing the state '{}' (entered at the event id #{}). {cause}", state.name, frame.entered_event)
                },
            );
        }
        if let Some(location) = failure.location.take() {
            // AWS-recorded: a failed JSONata evaluation is its own history event (once: the
            // failure may go on to fail an enclosing Map), and a Map whose own expression
            // failed records MapStateFailed after it.
            let (error, cause) = (
                failure.error.clone(),
                Rc::from(failure.cause.clone().unwrap_or_default()),
            );
            let location = Some(location).filter(|l| !l.is_empty());
            self.emit(
                &mut frame,
                EventKind::EvaluationFailed {
                    error,
                    cause,
                    location,
                    state: state.name.clone(),
                },
            );
            if matches!(state.kind, Kind::Map(_)) {
                self.emit(&mut frame, EventKind::MapStateFailed);
            }
        }
        if let Some(v) = self.visit_mut(&frame) {
            v.error = Some((
                failure.error.clone(),
                failure.cause.as_deref().map(Rc::from),
            ));
        }
        for (i, r) in state.retry.iter().enumerate() {
            if !error_matches(&r.error_equals, &failure.error) {
                continue;
            }
            let attempt = frame.retry_counts.get(i).copied().unwrap_or(0);
            if attempt < r.max_attempts {
                let mut delay = r.interval_seconds * r.backoff_rate.powi(attempt.min(1000) as i32);
                if let Some(max) = r.max_delay_seconds {
                    delay = delay.min(max);
                }
                if r.jitter_full {
                    delay *= self.rng.next_f64();
                }
                if self.cfg.test_state.is_some() && frame.depth == 0 {
                    // TestState reports the retry instead of making it.
                    self.test_outcome = Some(TestOutcome::Retriable {
                        retry_index: i,
                        interval_seconds: delay,
                    });
                    return self.fail_state(frame, failure);
                }
                if let Some(c) = frame.retry_counts.get_mut(i) {
                    *c += 1;
                }
                self.transitions += 1;
                if let Some(v) = self.visit_mut(&frame) {
                    v.retries += 1;
                    v.error = None;
                }
                frame.clock = frame
                    .clock
                    .saturating_add((delay.min(1e12) * 1000.0) as i64);
                frame.phase = Phase::Run;
                self.frames.push(frame);
                return;
            }
            // The first matching retrier decides; when it is spent, go to the catchers.
            if self.cfg.test_state.is_some() && frame.depth == 0 {
                self.test_outcome = Some(TestOutcome::Failed {
                    retry_index: Some(i),
                });
            }
            break;
        }
        for c in &state.catch {
            if !error_matches(&c.error_equals, &failure.error) {
                continue;
            }
            let error_out = error_output(&failure);
            if self.cfg.test_state.is_some() && frame.depth == 0 {
                self.test_caught = state.catch.iter().position(|x| std::ptr::eq(x, c));
            }
            let output = if state.query_language == QueryLanguage::Jsonata {
                // JSONata catchers: Output (default: the error output) and Assign see
                // `$states.errorOutput`.
                let st = self.states_value(&frame, Some(("errorOutput", error_out.clone())), None);
                let output = match &c.compiled.output {
                    Some(t) => self.jsonata_eval(&frame, t, st.clone(), "Output"),
                    None => Ok(error_out.clone()),
                };
                match output.and_then(|o| {
                    self.assign(&mut frame, c.compiled.assign.as_ref(), &error_out, || st)
                        .map(|_| o)
                }) {
                    Ok(v) => v,
                    Err(f) => return self.fail_state(frame, f),
                }
            } else {
                if let Err(f) =
                    self.assign(&mut frame, c.compiled.assign.as_ref(), &error_out, || {
                        Value::Null
                    })
                {
                    return self.fail_state(frame, f);
                }
                match Self::apply_result_path(&c.result_path, &frame.input, error_out) {
                    Ok(v) => v,
                    Err(f) => return self.fail_state(frame, f),
                }
            };
            return self.exit_state(frame, state, output, c.next);
        }
        self.fail_state(frame, failure);
    }
}
