//! The run of the open machine: the execution, whether it is running to the end, and what
//! of it is shown (a visit, a Map iteration, a child execution).

use super::workspace::Workspace;
use engine::api::{self, RunOptions};
use engine::run::{Execution, Status};
use std::cell::RefCell;
use std::rc::Rc;

/// An execution shared with the components; `rev` changes whenever it advanced.
#[derive(Clone)]
pub struct RunHandle {
    pub exec: Rc<RefCell<Execution>>,
    pub rev: u64,
}

impl PartialEq for RunHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.exec, &other.exec) && self.rev == other.rev
    }
}

/// A child execution of the run: one started by a `states:startExecution` Task (index into
/// `nested()`), or a sampled Distributed Map child (Map Run index, sample index).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ChildRef {
    Nested(usize),
    MapSample(usize, usize),
}

pub enum CallbackAnswer {
    Success(String),
    Failure { error: String, cause: String },
    Heartbeat,
}

/// Reads the time in milliseconds; the page passes the browser's clock, tests a fake one.
pub type Clock = fn() -> f64;

/// Engine work per browser task during a run-to-end: short enough that rendering afterwards
/// keeps every task well under 100 ms.
const TICK_BUDGET_MS: f64 = 8.0;
const ACTIONS_PER_SLICE: usize = 256;

#[derive(Clone, PartialEq, Default)]
pub struct RunSession {
    pub run: Option<RunHandle>,
    /// A chunked run-to-end is under way (the page yields between chunks).
    pub running: bool,
    pub error: Option<String>,
    /// The visit shown in the inspector (index into the execution's visits).
    pub visit: Option<usize>,
    /// The Map iteration shown in the graph (the Map's name and the iteration index).
    pub iteration: Option<(Rc<str>, usize)>,
    /// A child execution shown instead of the run.
    pub child: Option<ChildRef>,
}

fn start(ws: &Workspace) -> Result<Execution, String> {
    let optional = |text: &str, what: &str| {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            api::parse_json(text)
                .map(Some)
                .map_err(|e| format!("{what}: {e}"))
        }
    };
    let input = api::parse_json(&ws.input).map_err(|e| format!("Input: {e}"))?;
    let machine = ws.machine();
    let options = RunOptions {
        workflow_type: machine.workflow_type,
        mocks: optional(&ws.mocks, "Mocks")?,
        machine_name: Some(ws.machine_name.to_string()).filter(|s| !s.is_empty()),
        test_case: Some(ws.test_case.to_string()).filter(|s| !s.is_empty()),
        record_inspection: true,
        machines: ws.registry(),
        s3: optional(&ws.s3, "S3 data")?,
        at_least_once: ws.at_least_once,
        substitutions: machine.substitutions.as_ref().clone(),
        ..Default::default()
    };
    api::start(&machine.definition, input, &options).map_err(|e| e.to_string())
}

impl RunSession {
    fn is_finished_or_absent(&self) -> bool {
        self.run
            .as_ref()
            .is_none_or(|r| r.exec.borrow().status().is_finished())
    }

    fn still_running(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| *r.exec.borrow().status() == Status::Running)
    }

    fn advance(&mut self, f: impl FnOnce(&mut Execution)) {
        if let Some(run) = &mut self.run {
            f(&mut run.exec.borrow_mut());
            run.rev += 1;
        }
    }

    /// A new execution of the open machine (or the reason it cannot start).
    fn fresh(ws: &Workspace) -> RunSession {
        match start(ws) {
            Ok(ex) => RunSession {
                run: Some(RunHandle {
                    exec: Rc::new(RefCell::new(ex)),
                    rev: 0,
                }),
                ..RunSession::default()
            },
            Err(e) => RunSession {
                error: Some(e),
                ..RunSession::default()
            },
        }
    }

    /// Starts (or restarts) a run to the end, in chunks.
    pub fn run(ws: &Workspace) -> RunSession {
        let mut s = RunSession::fresh(ws);
        s.running = s.run.is_some();
        s
    }

    /// Goes on to the end from where stepping stopped (a new run when there is none).
    pub fn continue_run(mut self, ws: &Workspace) -> RunSession {
        if self.run.is_none() {
            self = RunSession::fresh(ws);
        }
        self.running = self.run.is_some();
        self
    }

    /// Reveals one more history event (a new run when there is none or it finished).
    pub fn step(mut self, ws: &Workspace) -> RunSession {
        if self.is_finished_or_absent() {
            self = RunSession::fresh(ws);
        }
        self.running = false;
        self.advance(|ex| {
            let _ = ex.step();
        });
        self
    }

    /// One chunk of a run-to-end: engine work until `clock` says the budget is spent.
    pub fn tick(mut self, clock: Clock) -> RunSession {
        self.advance(|ex| {
            let start = clock();
            while ex.run_for(ACTIONS_PER_SLICE) && clock() - start < TICK_BUDGET_MS {}
        });
        self.running = self.still_running();
        self
    }

    pub fn cancel(mut self) -> RunSession {
        self.running = false;
        self.advance(Execution::abort);
        self
    }

    /// Answers the task token the run waits on; `None` when it waits on none.
    pub fn answer(mut self, answer: CallbackAnswer) -> Option<RunSession> {
        let token = match self.run.as_ref().map(|r| r.exec.borrow().status().clone()) {
            Some(Status::WaitingForCallback { token, .. }) => token,
            _ => return None,
        };
        let mut error = None;
        self.advance(|ex| {
            let r = match answer {
                CallbackAnswer::Success(payload) => match api::parse_json(&payload) {
                    Ok(v) => ex.send_task_success(&token, v),
                    Err(e) => Err(format!("Payload: {e}")),
                },
                CallbackAnswer::Failure { error, cause } => ex.send_task_failure(
                    &token,
                    Some(&error).filter(|e| !e.is_empty()).map(|s| s.as_str()),
                    Some(&cause).filter(|c| !c.is_empty()).map(|s| s.as_str()),
                ),
                CallbackAnswer::Heartbeat => ex.send_task_heartbeat(&token),
            };
            error = r.err();
        });
        self.error = error;
        self.running = self.still_running();
        Some(self)
    }
}
