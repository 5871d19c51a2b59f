//! What a run reports: its status, each state visit with its data-flow stages, TestState's
//! outcome, at-least-once re-deliveries, child executions and Map Runs.

use super::*;

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

/// A child execution started by a `states:startExecution` Task.
pub struct NestedExecution {
    /// The parent's Task state that started it.
    pub state: Rc<str>,
    pub machine: Rc<str>,
    /// Shared so that a host can show and step through it like any execution.
    pub execution: Rc<std::cell::RefCell<Execution>>,
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
    /// AWS's name for it (`DescribeExecution`): a run waiting for a callback is `RUNNING`.
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

/// The error a visit ended with (caught, retried or failing the run).
#[derive(Debug, Clone, PartialEq)]
pub struct VisitError {
    pub error: Rc<str>,
    pub cause: Option<Rc<str>>,
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
    pub error: Option<VisitError>,
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

/// Where a Map Run is (AWS's `DescribeMapRun` status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapRunStatus {
    Running,
    Succeeded,
    Failed,
}

impl MapRunStatus {
    /// AWS's name for it.
    pub fn name(self) -> &'static str {
        match self {
            MapRunStatus::Running => "RUNNING",
            MapRunStatus::Succeeded => "SUCCEEDED",
            MapRunStatus::Failed => "FAILED",
        }
    }
}

impl std::fmt::Display for MapRunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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
    pub status: MapRunStatus,
    pub samples: Vec<ChildSample>,
    /// `ResultWriter`'s files: (key, content).
    pub written: Vec<(String, String)>,
}
