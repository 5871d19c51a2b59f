//! The run of the open machine: the execution, whether it is running to the end, and what
//! of it is shown (a visit, a Map iteration, a child execution).
//!
//! A run that evaluates JSONata is made first by the page's Web Worker (`Ahead`): the same
//! execution, driven by the same commands (`log`), while the page stays responsive and Cancel
//! can terminate it. The page's own execution follows once the worker is done, finding every
//! JSONata answer the worker gave (web/js/jsonata.js), so it evaluates nothing itself.

use super::workspace::Workspace;
use engine::api;
use engine::run::{Execution, Status};
use engine::syntax::json::Value;
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

#[derive(Clone, PartialEq, Debug)]
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
    /// What was done to the execution since it started, as the worker's commands (`"step"`,
    /// `"end"`, `"abort"`, `{"answer"}`): what a worker replays to make the same execution.
    pub log: Vec<Value>,
    /// The worker is making the next part of the run; the page does it once the worker is done.
    pub ahead: Option<Rc<Ahead>>,
}

/// What the page asked of its run (Run, Continue, Step, an answer to a task token).
#[derive(Clone, PartialEq, Debug)]
pub enum Job {
    Run,
    Continue,
    Step,
    Callback(CallbackAnswer),
}

/// A job the worker does first: its id, the workspace it runs, and the worker's request.
#[derive(PartialEq, Debug)]
pub struct Ahead {
    pub id: u64,
    pub job: Job,
    pub ws: Workspace,
    /// `{"op": "run", "request", "log", "from"}` (web/extras/src/run_ahead.rs).
    pub request: Value,
}

fn start(ws: &Workspace) -> Result<Execution, String> {
    api::start_request(&ws.run_request())
}

/// A task token's answer as the worker's command (`api::answer_callback`'s shape); `Err` when
/// the success payload is not JSON.
fn answer_command(answer: &CallbackAnswer) -> Result<Value, String> {
    let text = |s: &str| (!s.is_empty()).then(|| Value::from(s));
    let answer = match answer {
        CallbackAnswer::Success(payload) => {
            let output = api::parse_json(payload).map_err(|e| format!("Payload: {e}"))?;
            engine::obj! { "success" => output }
        }
        CallbackAnswer::Failure { error, cause } => {
            let mut f = engine::syntax::json::Map::default();
            for (k, v) in [("error", text(error)), ("cause", text(cause))] {
                if let Some(v) = v {
                    f.insert(k.into(), v);
                }
            }
            engine::obj! { "failure" => Value::from(f) }
        }
        CallbackAnswer::Heartbeat => engine::obj! {},
    };
    Ok(engine::obj! { "answer" => answer })
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
        s.log.push(Value::from("end"));
        s
    }

    /// Goes on to the end from where stepping stopped (a new run when there is none).
    pub fn continue_run(mut self, ws: &Workspace) -> RunSession {
        if self.run.is_none() {
            self = RunSession::fresh(ws);
        }
        self.running = self.run.is_some();
        self.log.push(Value::from("end"));
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
        self.log.push(Value::from("step"));
        self
    }

    /// Does `job` start a new execution (rather than go on with this one)?
    fn starts_fresh(&self, job: &Job) -> bool {
        match job {
            Job::Run => true,
            Job::Continue => self.run.is_none(),
            Job::Step => self.is_finished_or_absent(),
            Job::Callback(_) => false,
        }
    }

    /// The worker's request for `job` (the commands the page will apply after it, appended to
    /// those it applied), or `None` when the job needs no worker (an answer to no token, or a
    /// payload that is not JSON: the page says so itself).
    pub fn ahead_request(&self, ws: &Workspace, job: &Job) -> Option<Value> {
        let next: Vec<Value> = match job {
            Job::Run | Job::Continue => vec![Value::from("end")],
            Job::Step => vec![Value::from("step")],
            Job::Callback(answer) => {
                let waiting = self.run.as_ref().is_some_and(|r| {
                    matches!(r.exec.borrow().status(), Status::WaitingForCallback { .. })
                });
                if !waiting {
                    return None;
                }
                vec![answer_command(answer).ok()?, Value::from("end")]
            }
        };
        let done: &[Value] = if self.starts_fresh(job) {
            &[]
        } else {
            &self.log
        };
        let log: Vec<Value> = done.iter().cloned().chain(next).collect();
        Some(engine::obj! {
            "op" => "run",
            "request" => ws.run_request(),
            "log" => log,
            "from" => done.len() as i64,
        })
    }

    /// Does `job` as the worker did it (`ahead` is over).
    pub fn apply(self, ws: &Workspace, job: Job) -> RunSession {
        let s = RunSession {
            ahead: None,
            ..self
        };
        match job {
            Job::Run => RunSession::run(ws),
            Job::Continue => s.continue_run(ws),
            Job::Step => s.step(ws),
            Job::Callback(answer) => {
                let unanswered = s.clone();
                s.answer(answer).unwrap_or(unanswered)
            }
        }
    }

    /// The worker could not make `job` (it crashed: `why`). A job that would have started a
    /// new execution leaves none; one that went on with this execution leaves it as it was.
    pub fn ahead_failed(self, job: &Job, why: String) -> RunSession {
        let s = if self.starts_fresh(job) {
            RunSession::default()
        } else {
            RunSession {
                ahead: None,
                running: false,
                ..self
            }
        };
        RunSession {
            error: Some(why),
            ..s
        }
    }

    /// Cancel while the worker makes `job`: the execution it would have gone on with (or a
    /// new one, for a job that starts one) is aborted, as AWS's StopExecution does.
    pub fn cancel_ahead(self, ws: &Workspace, job: &Job) -> RunSession {
        let s = if self.starts_fresh(job) {
            RunSession::fresh(ws)
        } else {
            RunSession {
                ahead: None,
                ..self
            }
        };
        s.cancel()
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
        self.log.push(Value::from("abort"));
        self
    }

    /// Answers the task token the run waits on; `None` when it waits on none.
    pub fn answer(mut self, answer: CallbackAnswer) -> Option<RunSession> {
        let token = match self.run.as_ref().map(|r| r.exec.borrow().status().clone()) {
            Some(Status::WaitingForCallback { token, .. }) => token,
            _ => return None,
        };
        let command = match answer_command(&answer) {
            Ok(c) => c,
            Err(e) => {
                self.error = Some(e);
                return Some(self);
            }
        };
        let mut error = None;
        self.advance(|ex| {
            let answer = command.get("answer").cloned().unwrap_or_default();
            error = api::answer_callback(ex, &token, &answer).err();
        });
        self.error = error;
        self.running = self.still_running();
        self.log.push(command);
        self.log.push(Value::from("end"));
        Some(self)
    }
}
