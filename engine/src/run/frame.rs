//! The frame stack: one frame per running graph (the machine, a Parallel branch, a Map
//! iteration), where it is, its clock, and what the state it is in waits for (its `Phase`).

use super::*;

#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Root,
    Branch(usize),
    Iteration(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct TaskCall {
    pub(crate) family: TaskFamily,
    pub(crate) resource_type: Rc<str>,
    pub(crate) resource: Rc<str>,
    pub(crate) timeout: Option<u64>,
    pub(crate) heartbeat: Option<u64>,
    pub(crate) is_callback: bool,
}

#[derive(Debug)]
pub(crate) struct ContainerRun {
    pub(crate) is_map: bool,
    /// Input of each child (branch input or item after ItemSelector) is built as it starts.
    pub(crate) effective: Value,
    pub(crate) items: Option<Rc<Vec<Value>>>,
    pub(crate) count: usize,
    pub(crate) results: Vec<Value>,
    pub(crate) next_child: usize,
    /// Virtual times at which each concurrency slot frees up.
    pub(crate) slots: Vec<i64>,
    pub(crate) start_time: i64,
    pub(crate) end_time: i64,
    pub(crate) started_event: u64,
}

#[derive(Debug)]
pub(crate) enum Phase {
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
pub(crate) struct MapRun {
    /// Each child's input and how many items it carries (a batch carries several).
    pub(crate) inputs: Vec<(Value, usize)>,
    pub(crate) machine: Rc<StateMachine>,
    pub(crate) next: usize,
    /// When each concurrency slot frees up (a min-heap: 10,000 slots are allowed).
    pub(crate) slots: std::collections::BinaryHeap<std::cmp::Reverse<i64>>,
    pub(crate) start_time: i64,
    pub(crate) end_time: i64,
    pub(crate) tolerated_count: Option<u64>,
    pub(crate) tolerated_percentage: Option<f64>,
    /// Full per-child records, kept only when `ResultWriter` or `WriterConfig` needs them.
    pub(crate) keep_records: bool,
    pub(crate) outputs: Vec<Value>,
    pub(crate) records: Vec<crate::run::map_run::items::ChildOutcome>,
    pub(crate) summary_index: usize,
}

/// How many children of a Map Run keep their whole history for the page (plus failed ones,
/// up to `FAILED_SAMPLE`): a million children must not keep a million histories.
pub(crate) const CHILD_SAMPLE: usize = 20;
pub(crate) const FAILED_SAMPLE: usize = 100;

#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) graph: Rc<Graph>,
    pub(crate) origin: Origin,
    pub(crate) state: StateId,
    /// The current state's raw input.
    pub(crate) input: Value,
    pub(crate) phase: Phase,
    pub(crate) clock: i64,
    pub(crate) last_event: u64,
    pub(crate) entered_event: u64,
    pub(crate) entered_time: i64,
    pub(crate) retry_counts: Vec<u64>,
    pub(crate) vars: Rc<VarScope>,
    pub(crate) visit: Option<usize>,
    pub(crate) depth: usize,
    /// Variables the current state assigns, applied when it exits (AWS: a state's Assign and
    /// Output see the values from before the state).
    pub(crate) pending_assign: Option<Rc<Map>>,
}

/// A branch or iteration that reached its end, waiting for the driver to hand it to its
/// container (`Execution::deliver_child`).
pub(crate) struct ChildDone {
    /// The branch or iteration index.
    pub(crate) index: usize,
    pub(crate) result: Result<Value, Failure>,
    /// Its clock when it ended.
    pub(crate) end: i64,
    /// Its last history event.
    pub(crate) last_event: u64,
}
