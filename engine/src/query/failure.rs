//! How an evaluation fails: `Failure` (an ASL error name, a cause, the field) and the
//! predefined error names. Low in the tree because every query raises them; the interpreter's
//! Retry and Catch match on them.

use std::rc::Rc;

/// An error raised while running a state, before it becomes an ASL error name + cause.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub error: Rc<str>,
    pub cause: Option<Rc<str>>,
    /// The field whose evaluation failed (`Output`, `Assign/total`), for AWS's
    /// EvaluationFailed event.
    pub location: Option<Rc<str>>,
}

impl Failure {
    pub fn new(error: &str, cause: impl Into<Rc<str>>) -> Failure {
        Failure {
            error: Rc::from(error),
            cause: Some(cause.into()),
            location: None,
        }
    }

    /// An error with an optional cause (a service's, a Fail state's).
    pub(crate) fn thrown(error: Rc<str>, cause: Option<Rc<str>>) -> Failure {
        Failure {
            error,
            cause,
            location: None,
        }
    }

    pub fn at(mut self, location: &str) -> Failure {
        self.location = Some(Rc::from(location));
        self
    }
    pub(crate) fn runtime(cause: impl Into<Rc<str>>) -> Failure {
        Failure::new(errors::RUNTIME, cause)
    }
}

/// The predefined error names.
pub mod errors {
    pub const ALL: &str = "States.ALL";
    pub(crate) const RUNTIME: &str = "States.Runtime";
    pub(crate) const TIMEOUT: &str = "States.Timeout";
    pub(crate) const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub(crate) const TASK_FAILED: &str = "States.TaskFailed";
    pub(crate) const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    pub(crate) const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub(crate) const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub(crate) const BRANCH_FAILED: &str = "States.BranchFailed";
    pub(crate) const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub(crate) const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub(crate) const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub(crate) const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str =
        "States.ExceedToleratedFailureThreshold";
    pub(crate) const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub(crate) const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    pub(crate) const PERMISSIONS: &str = "States.Permissions";
    /// This project's: a Task invocation that no mock answers.
    pub(crate) const NO_MOCK: &str = "Playground.NoMock";
    /// This project's: the host's transition budget ran out (an endless loop, most likely).
    pub(crate) const TRANSITION_BUDGET: &str = "Playground.TransitionBudgetExceeded";
    /// A `states:startExecution` child would nest deeper than `run::MAX_NESTING`.
    pub(crate) const NESTING_LIMIT: &str = "Playground.NestingLimitExceeded";
    /// A payload nested deeper than the JSON parser accepts (`MAX_DEPTH`, 512 levels): states
    /// that wrap their input in new objects can build one; nothing deeper is kept, so nothing
    /// printing, measuring or freeing it recurses with the data.
    pub(crate) const NESTED_TOO_DEEP: &str = "Playground.DataNestedTooDeep";

    /// Every name `States.` may start, for validation and completion.
    pub const PREDEFINED: &[&str] = &[
        ALL,
        RUNTIME,
        TIMEOUT,
        HEARTBEAT_TIMEOUT,
        TASK_FAILED,
        DATA_LIMIT_EXCEEDED,
        RESULT_PATH_MATCH_FAILURE,
        PARAMETER_PATH_FAILURE,
        BRANCH_FAILED,
        NO_CHOICE_MATCHED,
        INTRINSIC_FAILURE,
        QUERY_EVALUATION_ERROR,
        EXCEED_TOLERATED_FAILURE_THRESHOLD,
        ITEM_READER_FAILED,
        RESULT_WRITER_FAILED,
        PERMISSIONS,
        "States.Http.Socket",
    ];
}
