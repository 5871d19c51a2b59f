//! All domain state in one reducer. Components receive data and callbacks and dispatch
//! `Action`s; derived data (validation, layout, statuses) is computed from this, not stored.

use crate::examples::EXAMPLES;
use engine::api::{self, RunOptions};
use engine::exec::{Execution, Status};
use engine::json::Value;
use engine::model::WorkflowType;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the user works on (saved in localStorage).
#[derive(Clone, PartialEq)]
pub struct Workspace {
    pub definition: Rc<str>,
    pub input: Rc<str>,
    pub mocks: Rc<str>,
    pub test_case: Rc<str>,
    pub machine_name: Rc<str>,
    pub workflow_type: WorkflowType,
}

impl Workspace {
    pub fn from_example(i: usize) -> Workspace {
        let e = &EXAMPLES[i.min(EXAMPLES.len() - 1)];
        Workspace {
            definition: Rc::from(e.definition),
            input: Rc::from(e.input),
            mocks: Rc::from(e.mocks),
            test_case: Rc::from(e.test_case),
            machine_name: Rc::from(e.machine_name),
            workflow_type: WorkflowType::Standard,
        }
    }

    pub fn to_value(&self) -> Value {
        engine::obj! {
            "definition" => self.definition.clone(),
            "input" => self.input.clone(),
            "mocks" => self.mocks.clone(),
            "testCase" => self.test_case.clone(),
            "machineName" => self.machine_name.clone(),
            "type" => self.workflow_type.as_str(),
        }
    }

    /// Reads a saved workspace; missing fields keep the first example's.
    pub fn from_value(v: &Value) -> Workspace {
        let base = Workspace::from_example(0);
        let s = |k: &str, d: &Rc<str>| {
            v.get(k)
                .and_then(Value::as_str)
                .map_or_else(|| d.clone(), Rc::from)
        };
        Workspace {
            definition: s("definition", &base.definition),
            input: s("input", &base.input),
            mocks: s("mocks", &base.mocks),
            test_case: s("testCase", &base.test_case),
            machine_name: s("machineName", &base.machine_name),
            workflow_type: v
                .get("type")
                .and_then(Value::as_str)
                .and_then(WorkflowType::parse)
                .unwrap_or_default(),
        }
    }
}

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

/// The JSONata module, loaded when a definition first uses JSONata.
#[derive(Clone, PartialEq, Default)]
pub enum JsonataStatus {
    #[default]
    NotLoaded,
    Loading,
    Ready,
    Failed(Rc<str>),
}

#[derive(Clone, PartialEq)]
pub struct AppState {
    pub ws: Workspace,
    /// Bumped when the definition must be pushed into the editor (an example was loaded).
    pub editor_rev: u64,
    pub selected: Option<Rc<str>>,
    pub run: Option<RunHandle>,
    /// A chunked run-to-end is under way (the page yields between chunks).
    pub running: bool,
    pub run_error: Option<String>,
    /// The visit shown in the inspector (index into the execution's visits).
    pub visit: Option<usize>,
    pub executions_per_month: u64,
    pub free_tier: bool,
    /// The Map iteration shown in the graph (the Map's name and the iteration index).
    pub iteration: Option<(Rc<str>, usize)>,
    pub jsonata: JsonataStatus,
}

impl AppState {
    pub fn new(ws: Workspace) -> AppState {
        AppState {
            ws,
            editor_rev: 0,
            selected: None,
            run: None,
            running: false,
            run_error: None,
            visit: None,
            executions_per_month: 1_000_000,
            free_tier: true,
            iteration: None,
            jsonata: JsonataStatus::NotLoaded,
        }
    }
}

pub enum CallbackAnswer {
    Success(String),
    Failure { error: String, cause: String },
    Heartbeat,
}

pub enum Action {
    Jsonata(JsonataStatus),
    SetDefinition(String),
    SetInput(String),
    SetMocks(String),
    SetTestCase(String),
    SetType(WorkflowType),
    LoadExample(usize),
    Select(Option<Rc<str>>),
    SelectVisit(Option<usize>),
    /// Start (or restart) and run to the end in chunks.
    Run,
    /// Reveal one more history event.
    Step,
    /// Go on to the end from where stepping stopped.
    Continue,
    /// One chunk of a run-to-end.
    Tick,
    Cancel,
    Reset,
    Callback(CallbackAnswer),
    SetExecutions(u64),
    SetFreeTier(bool),
    /// Show one iteration of a Map in the graph (None: all iterations).
    PickIteration(Option<(Rc<str>, usize)>),
}

/// Engine work per browser task during a run-to-end: short enough that rendering afterwards
/// keeps every task well under 100 ms.
pub const TICK_BUDGET_MS: f64 = 8.0;
const ACTIONS_PER_SLICE: usize = 256;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl AppState {
    fn start(&self) -> Result<Execution, String> {
        let input = api::parse_json(&self.ws.input).map_err(|e| format!("Input: {e}"))?;
        let mocks = if self.ws.mocks.trim().is_empty() {
            None
        } else {
            Some(api::parse_json(&self.ws.mocks).map_err(|e| format!("Mocks: {e}"))?)
        };
        let options = RunOptions {
            workflow_type: self.ws.workflow_type,
            mocks,
            machine_name: Some(self.ws.machine_name.to_string()).filter(|s| !s.is_empty()),
            test_case: Some(self.ws.test_case.to_string()).filter(|s| !s.is_empty()),
            record_inspection: true,
            ..Default::default()
        };
        api::start(&self.ws.definition, input, &options).map_err(|e| e.to_string())
    }

    fn with_run(mut self, f: impl FnOnce(&mut Execution)) -> Self {
        if let Some(run) = &mut self.run {
            f(&mut run.exec.borrow_mut());
            run.rev += 1;
        }
        self
    }

    fn fresh_run(mut self) -> Self {
        self.running = false;
        self.iteration = None;
        self.visit = None;
        match self.start() {
            Ok(ex) => {
                self.run = Some(RunHandle {
                    exec: Rc::new(RefCell::new(ex)),
                    rev: 0,
                });
                self.run_error = None;
            }
            Err(e) => {
                self.run = None;
                self.run_error = Some(e);
            }
        }
        self
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let s = match action {
            Action::Jsonata(status) => {
                s.jsonata = status;
                s
            }
            Action::SetDefinition(t) => {
                s.ws.definition = Rc::from(t);
                s
            }
            Action::SetInput(t) => {
                s.ws.input = Rc::from(t);
                s
            }
            Action::SetMocks(t) => {
                s.ws.mocks = Rc::from(t);
                s
            }
            Action::SetTestCase(t) => {
                s.ws.test_case = Rc::from(t);
                s
            }
            Action::SetType(t) => {
                s.ws.workflow_type = t;
                s
            }
            Action::LoadExample(i) => {
                s.ws = Workspace {
                    workflow_type: s.ws.workflow_type,
                    ..Workspace::from_example(i)
                };
                s.editor_rev += 1;
                s.iteration = None;
                s.run = None;
                s.running = false;
                s.selected = None;
                s.visit = None;
                s
            }
            Action::Select(name) => {
                s.selected = name;
                s
            }
            Action::SelectVisit(v) => {
                s.visit = v;
                s
            }
            Action::Run => {
                let mut s = s.fresh_run();
                s.running = s.run.is_some();
                s
            }
            Action::Continue => {
                if s.run.is_none() {
                    s = s.fresh_run();
                }
                s.running = s.run.is_some();
                s
            }
            Action::Step => {
                if s.run
                    .as_ref()
                    .is_none_or(|r| r.exec.borrow().status().is_finished())
                {
                    s = s.fresh_run();
                }
                s.running = false;
                s.with_run(|ex| {
                    let _ = ex.step();
                })
            }
            Action::Tick => {
                if !s.running {
                    return self;
                }
                let mut s = s.with_run(|ex| {
                    let start = now_ms();
                    while ex.run_for(ACTIONS_PER_SLICE) && now_ms() - start < TICK_BUDGET_MS {}
                });
                s.running = s
                    .run
                    .as_ref()
                    .is_some_and(|r| *r.exec.borrow().status() == Status::Running);
                s
            }
            Action::Cancel => {
                s.running = false;
                s.with_run(Execution::abort)
            }
            Action::Reset => {
                s.iteration = None;
                s.run = None;
                s.running = false;
                s.run_error = None;
                s.visit = None;
                s
            }
            Action::Callback(answer) => {
                let token = match s.run.as_ref().map(|r| r.exec.borrow().status().clone()) {
                    Some(Status::WaitingForCallback { token, .. }) => token,
                    _ => return self,
                };
                let mut error = None;
                let mut s = s.with_run(|ex| {
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
                s.run_error = error;
                s.running = s
                    .run
                    .as_ref()
                    .is_some_and(|r| *r.exec.borrow().status() == Status::Running);
                s
            }
            Action::SetExecutions(n) => {
                s.executions_per_month = n;
                s
            }
            Action::SetFreeTier(b) => {
                s.free_tier = b;
                s
            }
            Action::PickIteration(i) => {
                s.iteration = i;
                s
            }
        };
        Rc::new(s)
    }
}
