//! All domain state in one reducer. Components receive data and callbacks and dispatch
//! `Action`s; derived data (validation, layout, statuses) is computed from this, not stored.

use crate::examples::EXAMPLES;
use engine::api::{self, RunOptions, Substitutions};
use engine::model::WorkflowType;
use engine::run::{Execution, Status};
use engine::syntax::json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// One named state machine of the workspace.
#[derive(Clone, PartialEq, Debug)]
pub struct MachineDoc {
    pub name: Rc<str>,
    pub definition: Rc<str>,
    pub workflow_type: WorkflowType,
    /// Values for the definition's `${…}` placeholders.
    pub substitutions: Rc<Substitutions>,
}

fn substitutions_from(v: Option<&Value>) -> Rc<Substitutions> {
    Rc::new(v.and_then(Value::as_object).cloned().unwrap_or_default())
}

/// What the user works on (saved in localStorage). Several named machines, shown as tabs: the
/// open one's fields are `name`, `definition` and `workflow_type` (it is the one that runs);
/// the others, which its `states:startExecution` Tasks can start, are in `others`, and the
/// open tab sits at `position` among them.
#[derive(Clone, PartialEq, Debug)]
pub struct Workspace {
    pub name: Rc<str>,
    pub definition: Rc<str>,
    pub workflow_type: WorkflowType,
    /// The open machine's substitutions.
    pub substitutions: Rc<Substitutions>,
    pub others: Rc<Vec<MachineDoc>>,
    pub position: usize,
    pub input: Rc<str>,
    pub mocks: Rc<str>,
    pub test_case: Rc<str>,
    pub machine_name: Rc<str>,
    /// Mocked S3 buckets for Distributed Map's ItemReader (JSON text).
    pub s3: Rc<str>,
    /// Simulate asynchronous Express's at-least-once delivery.
    pub at_least_once: bool,
    /// The open exercise (its whole JSON text, so that it travels in share links).
    pub exercise: Option<Rc<str>>,
}

fn machines_from(v: &Value) -> Vec<MachineDoc> {
    v.as_object()
        .into_iter()
        .flat_map(|m| m.iter())
        .map(|(name, spec)| MachineDoc {
            name: name.clone(),
            definition: match spec.get("definition") {
                Some(Value::String(s)) => Rc::from(&**s),
                Some(d) => Rc::from(d.to_json_pretty().as_str()),
                None => Rc::from(""),
            },
            workflow_type: spec
                .get("type")
                .and_then(Value::as_str)
                .and_then(WorkflowType::parse)
                .unwrap_or_default(),
            substitutions: substitutions_from(spec.get("substitutions")),
        })
        .collect()
}

impl Workspace {
    pub fn from_example(i: usize) -> Workspace {
        let e = &EXAMPLES[i.min(EXAMPLES.len() - 1)];
        let others = api::parse_json(e.machines)
            .map(|v| machines_from(&v))
            .unwrap_or_default();
        Workspace {
            name: Rc::from("Main"),
            definition: Rc::from(e.definition),
            workflow_type: WorkflowType::Standard,
            substitutions: Rc::default(),
            others: Rc::new(others),
            position: 0,
            input: Rc::from(e.input),
            mocks: Rc::from(e.mocks),
            test_case: Rc::from(e.test_case),
            machine_name: Rc::from(e.machine_name),
            s3: Rc::from(e.s3),
            at_least_once: false,
            exercise: None,
        }
    }

    /// Every machine in tab order, the open one included.
    pub fn tabs(&self) -> Vec<MachineDoc> {
        let mut tabs = self.others.as_ref().clone();
        tabs.insert(
            self.position.min(tabs.len()),
            MachineDoc {
                name: self.name.clone(),
                definition: self.definition.clone(),
                workflow_type: self.workflow_type,
                substitutions: self.substitutions.clone(),
            },
        );
        tabs
    }

    fn set_tabs(&mut self, mut tabs: Vec<MachineDoc>, open: usize) {
        let open = open.min(tabs.len().saturating_sub(1));
        if tabs.is_empty() {
            return;
        }
        let m = tabs.remove(open);
        self.name = m.name;
        self.definition = m.definition;
        self.workflow_type = m.workflow_type;
        self.substitutions = m.substitutions;
        self.others = Rc::new(tabs);
        self.position = open;
    }

    /// Opens another tab.
    pub fn open(&mut self, index: usize) {
        let tabs = self.tabs();
        self.set_tabs(tabs, index);
    }

    /// Adds a machine (a one-state starter) and opens it.
    pub fn add(&mut self) {
        let mut tabs = self.tabs();
        let mut n = tabs.len() + 1;
        let taken = |name: &str| tabs.iter().any(|t| &*t.name == name);
        while taken(&format!("Machine{n}")) {
            n += 1;
        }
        tabs.push(MachineDoc {
            name: Rc::from(format!("Machine{n}").as_str()),
            definition: Rc::from("{\n  \"StartAt\": \"Done\",\n  \"States\": {\n    \"Done\": { \"Type\": \"Succeed\" }\n  }\n}"),
            workflow_type: WorkflowType::Express,
            substitutions: Rc::default(),
        });
        let last = tabs.len() - 1;
        self.set_tabs(tabs, last);
    }

    /// Renames the open machine (names are unique; empty or taken names are refused).
    pub fn rename(&mut self, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() || name.len() > 80 || name.contains(':') || name.contains('/') {
            return Err("A machine name has 1 to 80 characters, without ':' or '/'.".into());
        }
        if self.others.iter().any(|m| &*m.name == name) {
            return Err(format!("Another machine is named '{name}'."));
        }
        self.name = Rc::from(name);
        Ok(())
    }

    /// Removes the open machine (the last one stays) and opens its neighbour.
    pub fn remove_open(&mut self) {
        if self.others.is_empty() {
            return;
        }
        let tabs = self.others.as_ref().clone();
        let open = self.position.min(tabs.len() - 1);
        let mut all = tabs;
        // The open one is not in `others`: open the neighbour at its place.
        let m = all.remove(open);
        self.name = m.name;
        self.definition = m.definition;
        self.workflow_type = m.workflow_type;
        self.substitutions = m.substitutions;
        self.others = Rc::new(all);
        self.position = open;
    }

    /// An exercise's `start` or `solution` as a workspace (the exercise stays open).
    pub fn from_attempt(attempt: &Value, exercise: Rc<str>) -> Workspace {
        let text = |k: &str| match attempt.get(k) {
            Some(Value::String(s)) => Rc::from(&**s),
            Some(x) => Rc::from(x.to_json_pretty().as_str()),
            None => Rc::from(""),
        };
        Workspace {
            name: Rc::from("Main"),
            definition: text("definition"),
            workflow_type: attempt
                .get("type")
                .and_then(Value::as_str)
                .and_then(WorkflowType::parse)
                .unwrap_or_default(),
            substitutions: substitutions_from(attempt.get("substitutions")),
            others: Rc::new(
                attempt
                    .get("machines")
                    .map(machines_from)
                    .unwrap_or_default(),
            ),
            position: 0,
            input: text("input"),
            mocks: text("mocks"),
            test_case: Rc::from(""),
            machine_name: Rc::from(""),
            s3: Rc::from(""),
            at_least_once: false,
            exercise: Some(exercise),
        }
    }

    /// The machines of an imported project (the first one open), with the rest of the work
    /// (input, mocks, S3 data) kept.
    pub fn with_machines(&self, machines: Vec<MachineDoc>) -> Workspace {
        let mut ws = Workspace {
            exercise: None,
            ..self.clone()
        };
        // Open the machine no other one starts (the parent), else the first.
        let started = |name: &str| {
            machines.iter().any(|m| {
                m.substitutions.values().any(|v| {
                    v.as_str()
                        .is_some_and(|s| s.ends_with(&format!(":stateMachine:{name}")))
                })
            })
        };
        let open = machines.iter().position(|m| !started(&m.name)).unwrap_or(0);
        ws.set_tabs(machines, open);
        ws
    }

    /// The other machines as `RunOptions::machines`.
    pub fn registry(&self) -> Option<Value> {
        if self.others.is_empty() {
            return None;
        }
        let mut m = engine::syntax::json::Map::default();
        for o in self.others.iter() {
            m.insert(
                o.name.clone(),
                engine::obj! { "definition" => o.definition.clone(), "type" => o.workflow_type.as_str(), "substitutions" => Value::from(o.substitutions.as_ref().clone()) },
            );
        }
        Some(Value::from(m))
    }

    pub fn to_value(&self) -> Value {
        let machines: Vec<Value> = self
            .tabs()
            .into_iter()
            .map(|m| {
                let mut v = engine::obj! { "name" => m.name, "definition" => m.definition, "type" => m.workflow_type.as_str() };
                // Left out when empty: most workspaces have none, and links stay short.
                if let (false, Value::Object(o)) = (m.substitutions.is_empty(), &mut v) {
                    Rc::make_mut(o).insert(Rc::from("substitutions"), Value::from(m.substitutions.as_ref().clone()));
                }
                v
            })
            .collect();
        engine::obj! {
            "machines" => Value::from(machines),
            "open" => self.position as i64,
            "input" => self.input.clone(),
            "mocks" => self.mocks.clone(),
            "testCase" => self.test_case.clone(),
            "machineName" => self.machine_name.clone(),
            "s3" => self.s3.clone(),
            "atLeastOnce" => self.at_least_once,
            "exercise" => self.exercise.clone().map_or(Value::Null, Value::String),
        }
    }

    /// Reads a saved workspace (this format, or the single-machine one before it); missing
    /// fields keep the first example's.
    pub fn from_value(v: &Value) -> Workspace {
        let base = Workspace::from_example(0);
        let s = |k: &str, d: &Rc<str>| {
            v.get(k)
                .and_then(Value::as_str)
                .map_or_else(|| d.clone(), Rc::from)
        };
        let mut ws = Workspace {
            input: s("input", &base.input),
            mocks: s("mocks", &base.mocks),
            test_case: s("testCase", &base.test_case),
            machine_name: s("machineName", &base.machine_name),
            s3: s("s3", &Rc::from("")),
            at_least_once: v
                .get("atLeastOnce")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            exercise: v.get("exercise").and_then(Value::as_str).map(Rc::from),
            definition: s("definition", &base.definition),
            workflow_type: v
                .get("type")
                .and_then(Value::as_str)
                .and_then(WorkflowType::parse)
                .unwrap_or_default(),
            others: Rc::new(Vec::new()),
            ..base
        };
        let tabs: Vec<MachineDoc> = v
            .get("machines")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                Some(MachineDoc {
                    name: Rc::from(m.get("name")?.as_str()?),
                    definition: Rc::from(m.get("definition")?.as_str()?),
                    workflow_type: m
                        .get("type")
                        .and_then(Value::as_str)
                        .and_then(WorkflowType::parse)
                        .unwrap_or_default(),
                    substitutions: substitutions_from(m.get("substitutions")),
                })
            })
            .collect();
        if !tabs.is_empty() {
            let open = v
                .get("open")
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                .map_or(0, |n| n.max(0) as usize);
            ws.set_tabs(tabs, open);
        }
        ws
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

/// A child execution of the run: one started by a `states:startExecution` Task (index into
/// `nested()`), or a sampled Distributed Map child (Map Run index, sample index).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ChildRef {
    Nested(usize),
    MapSample(usize, usize),
}

/// A share link at start.
#[derive(Clone, PartialEq, Debug)]
pub enum LinkNotice {
    /// A shared workspace replaced the local one (kept aside, restorable).
    Opened,
    /// An exercise replaced the local work (kept aside, restorable).
    Exercise,
    /// An opened project (this many state machines) replaced the local work (kept aside,
    /// restorable).
    Project(usize),
    /// The link could not be opened: why. The local work is open; the link stays untouched.
    Broken(Rc<str>),
}

/// An on-demand module (JSONata; the extras module with YAML, import and export), loaded
/// the first time it is needed.
#[derive(Clone, PartialEq, Default, Debug)]
pub enum ModuleStatus {
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
    pub jsonata: ModuleStatus,
    /// The extras module (YAML, project import and export).
    pub extras: ModuleStatus,
    /// A child execution shown instead of the run.
    pub child: Option<ChildRef>,
    /// What the page says about a share link it opened (or could not open).
    pub link_notice: Option<LinkNotice>,
    /// "Test this state" is open for this state, with the last answer.
    pub test: Option<Rc<str>>,
    pub test_answer: Option<Rc<crate::services::extras::TestReply>>,
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
            jsonata: ModuleStatus::NotLoaded,
            extras: ModuleStatus::NotLoaded,
            child: None,
            test: None,
            test_answer: None,
            link_notice: None,
        }
    }
}

pub enum CallbackAnswer {
    Success(String),
    Failure { error: String, cause: String },
    Heartbeat,
}

pub enum Action {
    Jsonata(ModuleStatus),
    Extras(ModuleStatus),
    /// Set (or, with `None`, clear) the open machine's value for a placeholder.
    SetSubstitution(Rc<str>, Option<Value>),
    /// Open a project's machines (the local work is kept aside, restorable).
    OpenProject(Box<Workspace>),
    /// Replace the definition and show it in the editor (a conversion to YAML or JSON).
    ReplaceDefinition(String),
    /// Open another machine's tab.
    OpenMachine(usize),
    AddMachine,
    RenameMachine(String),
    RemoveMachine,
    SetS3(String),
    SetAtLeastOnce(bool),
    /// Show a child execution instead of the run.
    ViewChild(Option<ChildRef>),
    /// Open an exercise (its JSON text): its starting workspace replaces the work, which is
    /// kept aside.
    OpenExercise(Rc<str>),
    CloseExercise,
    /// Load the open exercise's reference solution.
    ShowSolution,
    /// Load a workspace (a restored backup, an uploaded file).
    LoadWorkspace(Box<Workspace>),
    DismissLinkNotice,
    /// Open (or close) "Test this state" for a state.
    OpenTest(Option<Rc<str>>),
    TestAnswer(Option<Rc<crate::services::extras::TestReply>>),
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
            machines: self.ws.registry(),
            s3: if self.ws.s3.trim().is_empty() {
                None
            } else {
                Some(api::parse_json(&self.ws.s3).map_err(|e| format!("S3 data: {e}"))?)
            },
            at_least_once: self.ws.at_least_once,
            substitutions: self.ws.substitutions.as_ref().clone(),
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

    /// Another machine is open: its text goes into the editor; the run (of the machine that
    /// was open) is put away.
    fn after_machine_change(mut self) -> Self {
        self.editor_rev += 1;
        self.test = None;
        self.test_answer = None;
        self.run = None;
        self.running = false;
        self.child = None;
        self.selected = None;
        self.visit = None;
        self.iteration = None;
        self
    }

    fn fresh_run(mut self) -> Self {
        self.child = None;
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
            Action::Extras(status) => {
                s.extras = status;
                s
            }
            Action::SetSubstitution(name, value) => {
                let subs = Rc::make_mut(&mut s.ws.substitutions);
                match value {
                    Some(v) => {
                        subs.insert(name, v);
                    }
                    None => {
                        subs.shift_remove(&name);
                    }
                }
                s
            }
            Action::OpenProject(ws) => {
                crate::services::storage::back_up();
                s.ws = *ws;
                s.link_notice = Some(LinkNotice::Project(s.ws.others.len() + 1));
                s.after_machine_change()
            }
            Action::ReplaceDefinition(text) => {
                s.ws.definition = Rc::from(text);
                s.editor_rev += 1;
                s
            }
            Action::OpenMachine(i) => {
                s.ws.open(i);
                s.after_machine_change()
            }
            Action::AddMachine => {
                s.ws.add();
                s.after_machine_change()
            }
            Action::RenameMachine(name) => {
                s.run_error = s.ws.rename(&name).err();
                s
            }
            Action::RemoveMachine => {
                s.ws.remove_open();
                s.after_machine_change()
            }
            Action::SetS3(t) => {
                s.ws.s3 = Rc::from(t);
                s
            }
            Action::SetAtLeastOnce(b) => {
                s.ws.at_least_once = b;
                s
            }
            Action::OpenExercise(text) => {
                let Ok(ex) = api::parse_json(&text) else {
                    s.run_error = Some("This exercise file is not JSON.".into());
                    return Rc::new(s);
                };
                crate::services::storage::back_up();
                s.ws = Workspace::from_attempt(ex.get("start").unwrap_or(&Value::Null), text);
                s.link_notice = Some(LinkNotice::Exercise);
                s.after_machine_change()
            }
            Action::CloseExercise => {
                s.ws.exercise = None;
                s
            }
            Action::ShowSolution => {
                let Some(text) = s.ws.exercise.clone() else {
                    return self;
                };
                let Ok(ex) = api::parse_json(&text) else {
                    return self;
                };
                s.ws = Workspace::from_attempt(ex.get("solution").unwrap_or(&Value::Null), text);
                s.after_machine_change()
            }
            Action::LoadWorkspace(ws) => {
                s.ws = *ws;
                s.link_notice = None;
                s.after_machine_change()
            }
            Action::DismissLinkNotice => {
                s.link_notice = None;
                s
            }
            Action::OpenTest(name) => {
                s.test = name;
                s.test_answer = None;
                s
            }
            Action::TestAnswer(a) => {
                s.test_answer = a;
                s
            }
            Action::ViewChild(i) => {
                s.child = i;
                s.selected = None;
                s.visit = None;
                s.iteration = None;
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
                s.after_machine_change()
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
                s.child = None;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ws: &Workspace) -> Vec<String> {
        ws.tabs().iter().map(|m| m.name.to_string()).collect()
    }

    #[test]
    fn tabs_open_add_rename_remove_and_round_trip() {
        let mut ws = Workspace::from_example(0);
        ws.add();
        assert_eq!(names(&ws), ["Main", "Machine2"]);
        assert_eq!((&*ws.name, ws.position), ("Machine2", 1));
        ws.definition = Rc::from("{\"edited\": true}");
        assert!(ws.rename("Main").is_err(), "a taken name is refused");
        ws.rename("Child").unwrap();
        ws.open(0);
        assert_eq!(&*ws.name, "Main");
        let registry = ws.registry().unwrap();
        assert_eq!(
            registry
                .get("Child")
                .and_then(|c| c.get("definition"))
                .and_then(Value::as_str),
            Some("{\"edited\": true}"),
            "the edit of the tab left behind is kept"
        );
        let back =
            Workspace::from_value(&engine::syntax::json::parse(&ws.to_value().to_json()).unwrap());
        assert!(back == ws, "save and load give the same workspace");
        ws.open(1);
        ws.remove_open();
        assert_eq!(names(&ws), ["Main"]);
        ws.remove_open();
        assert_eq!(names(&ws), ["Main"], "the last machine stays");
    }

    #[test]
    fn reads_the_single_machine_format_saved_before_tabs() {
        let old = engine::syntax::json::parse(
            r#"{"definition": "{\"StartAt\": \"A\"}", "type": "EXPRESS", "input": "{}"}"#,
        )
        .unwrap();
        let ws = Workspace::from_value(&old);
        assert_eq!(names(&ws), ["Main"]);
        assert_eq!(&*ws.definition, "{\"StartAt\": \"A\"}");
        assert_eq!(ws.workflow_type, WorkflowType::Express);
    }
}
