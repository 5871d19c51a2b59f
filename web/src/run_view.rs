//! What the graph shows of a run (node statuses, edges taken, Map iterations), maintained
//! incrementally: each update looks only at visits and events added since the last one, plus
//! the few visits still in flight. A 10,000-iteration Map would otherwise make every frame of a
//! run cost as much as the whole history so far.

use engine::run::history::EventKind;
use engine::run::{Execution, Status};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};

/// A node's run status (the names of AWS's graph classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    NotYetStarted,
    InProgress,
    Succeeded,
    Failed,
    CaughtError,
    /// The state a "Test this state" answer goes to next.
    NextState,
}

impl NodeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::NotYetStarted => "NotYetStarted",
            NodeStatus::InProgress => "InProgress",
            NodeStatus::Succeeded => "Succeeded",
            NodeStatus::Failed => "Failed",
            NodeStatus::CaughtError => "CaughtError",
            NodeStatus::NextState => "NextState",
        }
    }
}

#[derive(Default)]
pub struct RunView {
    /// Which execution this describes and how far it has been read. A weak reference keeps
    /// the allocation, so another execution can never be taken for this one.
    exec: Weak<RefCell<Execution>>,
    visits_seen: usize,
    events_seen: usize,
    /// Visits entered but not yet exited.
    pending: Vec<usize>,
    pub statuses: HashMap<Rc<str>, NodeStatus>,
    pub taken: HashSet<(Rc<str>, Rc<str>)>,
    pub iterations: HashMap<Rc<str>, usize>,
}

fn rank(s: NodeStatus) -> u8 {
    match s {
        NodeStatus::Failed => 4,
        NodeStatus::CaughtError => 3,
        NodeStatus::InProgress => 2,
        NodeStatus::Succeeded => 1,
        NodeStatus::NotYetStarted | NodeStatus::NextState => 0,
    }
}

/// A visit's colour as far as `revealed` events go: settled (caught an error or not), in
/// progress, or failed with the run.
pub fn visit_status(v: &engine::run::Visit, revealed: u64, run_failed: bool) -> NodeStatus {
    let exited = v.exited_event.is_some_and(|e| e <= revealed);
    match (&v.error, exited) {
        (Some(_), true) => NodeStatus::CaughtError,
        (None, true) => NodeStatus::Succeeded,
        (_, false) if run_failed => NodeStatus::Failed,
        _ => NodeStatus::InProgress,
    }
}

impl RunView {
    /// Brings the view up to date with `exec` as far as its history is revealed.
    pub fn update(&mut self, run: &Rc<RefCell<Execution>>) {
        let exec = run.borrow();
        let revealed = exec.history().len();
        if !std::ptr::eq(self.exec.as_ptr(), Rc::as_ptr(run)) || revealed < self.events_seen {
            *self = RunView {
                exec: Rc::downgrade(run),
                ..RunView::default()
            };
        }
        let failed = matches!(
            exec.status(),
            Status::Failed { .. } | Status::TimedOut { .. } | Status::Aborted
        );
        let visits = exec.visits();
        while self.visits_seen < visits.len()
            && visits[self.visits_seen].entered_event <= revealed as u64
        {
            self.pending.push(self.visits_seen);
            self.visits_seen += 1;
        }
        // In-flight visits: settle those that exited; mark the rest in progress (or failed).
        let mut still = Vec::with_capacity(self.pending.len());
        for &i in &self.pending {
            let v = &visits[i];
            let exited = v.exited_event.is_some_and(|e| e <= revealed as u64);
            let status = visit_status(v, revealed as u64, failed);
            let entry = self.statuses.entry(v.state.clone()).or_insert(status);
            // A state visited several times shows its worst outcome; a settled visit replaces
            // the in-progress mark it left.
            if rank(status) > rank(*entry) || (*entry == NodeStatus::InProgress && exited) {
                *entry = status;
            }
            if exited {
                if let Some(n) = &v.next {
                    self.taken.insert((v.state.clone(), n.clone()));
                }
            } else if !failed {
                still.push(i);
            }
        }
        self.pending = still;
        for e in &exec.history()[self.events_seen..] {
            if let EventKind::MapIterationStarted { name, .. } = &e.kind {
                *self.iterations.entry(name.clone()).or_default() += 1;
            }
        }
        self.events_seen = revealed;
    }
}
