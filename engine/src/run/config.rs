//! What a run is given: its configuration (`RunConfig`), the values for the context object,
//! TestState's settings, the workspace's machines a Task can start.

use super::*;

/// Values for the context object (`$$.Execution`, `$$.StateMachine`).
#[derive(Debug, Clone)]
pub struct ExecutionContext {
    pub execution_id: Value,
    pub execution_name: Value,
    pub role_arn: Value,
    pub state_machine_id: Value,
    pub state_machine_name: Value,
}

impl ExecutionContext {
    /// The role a run assumes unless told (`$$.Execution.RoleArn`).
    pub const DEFAULT_ROLE_ARN: &'static str = "arn:aws:iam::123456789012:role/playground";
}

impl Default for ExecutionContext {
    fn default() -> Self {
        use crate::syntax::substitute::{ACCOUNT, REGION};
        ExecutionContext {
            execution_id: Value::from(format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:execution:playground:run-1"
            )),
            execution_name: Value::from("run-1"),
            role_arn: Value::from(ExecutionContext::DEFAULT_ROLE_ARN),
            state_machine_id: Value::from(format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:playground"
            )),
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
    /// How many executions started this one (0: started by the user). Machines that start
    /// each other would nest without end; a `states:startExecution` Task past `MAX_NESTING`
    /// fails instead.
    pub nesting: u32,
}

/// The deepest chain of executions started by executions. AWS sets no such limit (a chain
/// would go on until the account's quotas stop it); the playground runs children on the
/// caller's stack, so it stops here with `Playground.NestingLimitExceeded`.
pub const MAX_NESTING: u32 = 20;

impl RunConfig {
    /// A child execution's configuration (a `states:startExecution` child or a Distributed Map
    /// child): its own type, clock, seed and context; the parent's mocks, S3 objects, machines,
    /// transition budget and delivery; AWS's history quota; never synchronous or TestState.
    /// Every field is named, so a new one is decided here once.
    pub fn child(
        &self,
        workflow_type: WorkflowType,
        start_time_ms: i64,
        seed: u64,
        context: ExecutionContext,
        record_inspection: bool,
    ) -> RunConfig {
        RunConfig {
            workflow_type,
            mocks: self.mocks.clone(),
            start_time_ms,
            seed,
            context,
            max_transitions: self.max_transitions,
            max_history_events: None,
            record_inspection,
            synchronous: false,
            s3: self.s3.clone(),
            machines: self.machines.clone(),
            at_least_once: self.at_least_once,
            test_state: None,
            nesting: self.nesting + 1,
        }
    }
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

/// Named state machines a workflow can start (`arn:...:stateMachine:NAME` or `NAME`).
pub type Registry = FxHashMap<Rc<str>, RegisteredMachine>;

/// A workspace machine a `states:startExecution` Task can start.
#[derive(Debug, Clone)]
pub struct RegisteredMachine {
    pub machine: Rc<StateMachine>,
    pub workflow_type: WorkflowType,
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
            nesting: 0,
        }
    }
}
