//! The interpreter. An execution is an explicit stack of frames (the machine, a Parallel
//! branch, a Map iteration), so it can stop after any step: `advance` performs one action and
//! appends its history events; run-to-end, the UI's Step button, callbacks and the tests all go
//! through it.
//!
//! Time is virtual: each frame has its own clock (epoch ms). Parallel branches start together
//! and Map iterations fill at most `MaxConcurrency` slots (40 for inline Maps), so the
//! execution's duration is the makespan; but events come out in one deterministic order,
//! iteration by iteration and branch by branch (the order the conformance mocks assume).

mod config;
mod container;
mod data_flow;
mod driver;
mod frame;
pub mod history;
pub(crate) mod map_run;
pub(crate) mod mocks;
mod nested;
mod record;
mod report;
mod retry_catch;
mod states;
mod step;
mod task;
mod test_state;

use crate::model::*;
use crate::query::env::{Env, Lazy, Rng, VarScope};
use crate::query::failure::{errors, Failure};
use crate::query::path::{set_at, JsonPath};
use crate::run::history::{Event, EventKind, TaskFamily};
use crate::run::mocks::{MockCursor, Mocks, Outcome};
use crate::syntax::json::{Map, Value};
use crate::syntax::time::format_rfc3339_millis;
use rustc_hash::FxHashMap;
use std::rc::Rc;

pub use config::{
    ExecutionContext, RegisteredMachine, Registry, RunConfig, TestStateConfig, MAX_NESTING,
};
pub(crate) use frame::*;
pub use report::{
    ChildSample, Duplicate, MapRunStatus, MapRunSummary, MapVisit, NestedExecution, Status,
    TestOutcome, Visit, VisitError,
};
pub use retry_catch::error_matches;
pub(crate) use retry_catch::{error_output, io_failure};
pub(crate) use step::{Handled, Step};

/// AWS's payload quota (256 KiB), for inputs, outputs and task results.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;
/// Standard workflows: at most 25,000 history events.
pub(crate) const STANDARD_HISTORY_LIMIT: usize = 25_000;
/// Express workflows run for at most 5 minutes.
pub(crate) const EXPRESS_MAX_DURATION_MS: i64 = 5 * 60 * 1000;
/// AWS's maximum execution time for Standard: one year ("it will fail with a `States.Timeout`
/// error"), whatever `TimeoutSeconds` says.
pub(crate) const STANDARD_MAX_DURATION_MS: i64 = 365 * 24 * 60 * 60 * 1000;
/// Simulated durations are capped (about 31,700 years) so virtual time never overflows.
pub(crate) const MAX_SIMULATED_MS: u64 = 1_000_000_000_000_000;
/// Inline Map runs at most 40 iterations at once.
pub(crate) const INLINE_MAP_MAX_CONCURRENCY: usize = 40;

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
    /// Shared with child executions (`start_child`).
    mock_cursor: Rc<std::cell::RefCell<MockCursor>>,
    transitions: u64,
    states_entered: u64,
    visits: Vec<Visit>,
    end_time: i64,
    deadline: Option<i64>,
    history_limit: Option<usize>,
    sizes: crate::syntax::json::SizeCache,
    /// `$$.Execution` and `$$.StateMachine`, the same for the whole run.
    context_fixed: std::cell::OnceCell<(Value, Value)>,
    /// Results of finished child frames, handed to their container.
    pending_child: Option<ChildDone>,
    map_runs: Vec<MapRunSummary>,
    nested: Vec<NestedExecution>,
    duplicates: Vec<Duplicate>,
    test_outcome: Option<TestOutcome>,
    /// A catcher of the tested state caught its error (TestState).
    test_caught: Option<usize>,
}

impl Execution {
    pub fn start(machine: Rc<StateMachine>, input: Value, cfg: RunConfig) -> Execution {
        Execution::begin(machine, input, cfg, Default::default())
    }

    /// A new execution reading mocked responses through `mock_cursor` (its own, or the
    /// parent's for a child).
    fn begin(
        machine: Rc<StateMachine>,
        input: Value,
        cfg: RunConfig,
        mock_cursor: Rc<std::cell::RefCell<MockCursor>>,
    ) -> Execution {
        let start = cfg.start_time_ms;
        let deadline = match (cfg.workflow_type, machine.timeout_seconds) {
            (WorkflowType::Express, t) => Some(
                start
                    + t.map_or(EXPRESS_MAX_DURATION_MS, |t| {
                        (t as i64 * 1000).min(EXPRESS_MAX_DURATION_MS)
                    }),
            ),
            (WorkflowType::Standard, t) => Some(
                start
                    + t.map_or(STANDARD_MAX_DURATION_MS, |t| {
                        (t as i64)
                            .saturating_mul(1000)
                            .min(STANDARD_MAX_DURATION_MS)
                    }),
            ),
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
            mock_cursor,
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

    /// A child execution: it reads the mocks from where this run is, and this run continues
    /// after it (one `MockCursor` for both).
    pub(crate) fn start_child(
        &self,
        machine: Rc<StateMachine>,
        input: Value,
        cfg: RunConfig,
    ) -> Execution {
        // The parent's cursor from the start: a million Distributed Map children would
        // otherwise each allocate one to throw away.
        Execution::begin(machine, input, cfg, self.mock_cursor.clone())
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
    pub(crate) fn test_outcome(&self) -> Option<&TestOutcome> {
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
        let handled = self.complete_task(&mut frame, &call, outcome, 0);
        self.apply(frame, handled);
        self.revealed = self.events.len();
        Ok(())
    }
}
