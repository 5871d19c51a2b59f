//! All domain state in one pure reducer: no storage, no clock, no browser. Components read
//! it through the app's context and dispatch `Action`s; derived data (validation, layout,
//! statuses) is computed from it in `app::derived`, not stored; effects (`app::effects`)
//! save what it says is to be saved.

mod run_session;
mod workspace;

pub use run_session::{Ahead, CallbackAnswer, ChildRef, Clock, Job, RunHandle, RunSession};
pub use workspace::{MachineDoc, Workspace};

use engine::api;
use engine::aws::teststate::TestStateRequest;
use engine::model::WorkflowType;
use engine::syntax::json::Value;
use std::rc::Rc;
use yew::prelude::*;

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
    /// A workspace file replaced the local work (kept aside, restorable).
    File,
    /// The link could not be opened: why. The local work is open; the link stays untouched.
    Broken(Rc<str>),
    /// Another tab's version of the workspace replaced this tab's (kept aside, restorable).
    OtherTab,
}

/// A run asked for before the modules it needs were there.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Deferred {
    Run,
    Step,
}

/// Whether the workspace is kept in the browser, and what to do when it is not.
#[derive(Clone, PartialEq, Debug, Default)]
pub enum Saving {
    #[default]
    Saved,
    /// The last save failed: why (the page says so and offers the workspace file).
    Failed(crate::services::storage::SaveProblem),
    /// Another tab saved this workspace after this one did: its version waits here, and
    /// this tab does not save until the user chooses (neither overwrites the other silently).
    OtherTab(Rc<Workspace>),
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
    /// The work a link, an exercise or a project replaced, for "Restore my work" (an effect
    /// keeps it in storage).
    pub kept_aside: Option<Rc<Workspace>>,
    /// The link, file, exercise or project as it was opened: while the work equals it, it is
    /// not the user's own, and opening the next one keeps `kept_aside` as it is ("Restore my
    /// work" brings back the user's work however many links were opened since).
    pub opened: Option<Rc<Workspace>>,
    /// Whether the autosave keeps up (an effect saves, and reports here).
    pub saving: Saving,
    /// Run or Step was asked for while a module the machines need was loading: it happens
    /// once the module is there (forgotten if other work opens first).
    pub run_when_ready: Option<Deferred>,
    /// Bumped when the definition must be pushed into the editor (an example was loaded).
    pub editor_rev: u64,
    pub selected: Option<Rc<str>>,
    /// A place the Substitutions panel pointed to (byte span), shown in the editor until the
    /// next pick.
    pub located: Option<(usize, usize)>,
    pub session: RunSession,
    pub executions_per_month: u64,
    pub free_tier: bool,
    /// The dark theme is on (at start: the system's preference).
    pub dark: bool,
    pub jsonata: ModuleStatus,
    /// The extras module (YAML, project import and export).
    pub extras: ModuleStatus,
    /// What the page says about a share link it opened (or could not open).
    pub link_notice: Option<LinkNotice>,
    /// "Test this state" is open for this state, with the last answer.
    pub test: Option<Rc<str>>,
    pub test_answer: Option<Rc<crate::services::extras::TestReply>>,
    /// The last TestState call asked for (an effect makes it and dispatches the answer).
    pub test_call: Option<Rc<TestCall>>,
    /// TestState calls asked so far (numbers them).
    pub test_calls: u64,
    /// Jobs given to the worker so far (the next one's id).
    pub aheads: u64,
}

/// A TestState call: the typed request and the placeholders' values, numbered so that asking
/// the same again is a new call.
#[derive(PartialEq)]
pub struct TestCall {
    pub id: u64,
    pub request: TestStateRequest,
    pub substitutions: Rc<engine::api::Substitutions>,
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
    /// Open a workspace file: it replaces the work, which is kept aside.
    OpenWorkspaceFile(Box<Workspace>),
    DismissLinkNotice,
    /// A link pasted into the address bar of the open page, or Back/Forward to one: it opens,
    /// the work kept aside as for any link.
    OpenLink(Box<Workspace>),
    /// A link that cannot be opened was pasted into the address bar: why.
    LinkBroken(Rc<str>),
    /// What the autosave did.
    Saved(Saving),
    /// Another tab saved the workspace (its version).
    OtherTabSaved(Box<Workspace>),
    /// Open the other tab's version (this tab's work kept aside).
    UseOtherTab,
    /// Keep this tab's version: saving resumes, over the other tab's.
    KeepMine,
    /// Bring back the work a link, an exercise or a project replaced (or, with none kept,
    /// just close the notice: the local work is open).
    RestoreKeptAside,
    /// Open (or close) "Test this state" for a state.
    OpenTest(Option<Rc<str>>),
    /// Ask TestState (the form's request; the open machine's substitutions go with it).
    AskTest(Box<TestStateRequest>),
    /// Clear the answer shown (the form starts afresh).
    TestAnswer(Option<Rc<crate::services::extras::TestReply>>),
    /// The answer to TestState call `id`; one to a call no longer open is dropped.
    TestReplied(u64, Rc<crate::services::extras::TestReply>),
    SetDefinition(String),
    SetInput(String),
    SetMocks(String),
    SetTestCase(String),
    SetType(WorkflowType),
    LoadExample(usize),
    /// Select a state (the editor's cursor moved into it).
    Select(Option<Rc<str>>),
    /// Pick a state in the graph or the history: selected, with its latest visit.
    PickState(Option<Rc<str>>),
    /// Show a place in the editor (None: stop showing it).
    Locate(Option<(usize, usize)>),
    SelectVisit(Option<usize>),
    /// Start (or restart) and run to the end in chunks.
    Run,
    /// Reveal one more history event.
    Step,
    /// Go on to the end from where stepping stopped.
    Continue,
    /// One chunk of a run-to-end, timed by this clock.
    Tick(Clock),
    Cancel,
    Reset,
    Callback(CallbackAnswer),
    /// The worker made the run's next part (`RunSession::ahead` with this id), or why it
    /// could not (it crashed: what it was evaluating).
    AheadDone(u64, Result<(), Rc<str>>),
    SetExecutions(u64),
    SetFreeTier(bool),
    ToggleTheme,
    /// Show one iteration of a Map in the graph (None: all iterations).
    PickIteration(Option<(Rc<str>, usize)>),
}

impl AppState {
    pub fn new(ws: Workspace) -> AppState {
        AppState {
            ws,
            kept_aside: None,
            opened: None,
            saving: Saving::Saved,
            run_when_ready: None,
            editor_rev: 0,
            selected: None,
            located: None,
            session: RunSession::default(),
            executions_per_month: 1_000_000,
            free_tier: true,
            dark: false,
            jsonata: ModuleStatus::NotLoaded,
            extras: ModuleStatus::NotLoaded,
            test: None,
            test_answer: None,
            test_call: None,
            test_calls: 0,
            aheads: 0,
            link_notice: None,
        }
    }

    /// Another machine (or workspace) is open: its text goes into the editor; the run (of the
    /// machine that was open) is put away.
    fn after_machine_change(&mut self) {
        self.editor_rev += 1;
        self.run_when_ready = None;
        self.test = None;
        self.test_answer = None;
        self.test_call = None;
        self.session = RunSession {
            error: self.session.error.take(),
            ..RunSession::default()
        };
        self.selected = None;
    }

    /// Are the on-demand modules the machines need there (or known to be missing, so that the
    /// run says so)?
    fn modules_ready(&self) -> bool {
        let settled = |m: &ModuleStatus| matches!(m, ModuleStatus::Ready | ModuleStatus::Failed(_));
        let defs = || self.ws.machines().iter().map(|m| &*m.definition);
        (settled(&self.jsonata) || !defs().any(crate::services::jsonata::used_in))
            && (settled(&self.extras) || !defs().any(crate::services::extras::needed_for))
    }

    fn work_is_own_given(&self, ws: &Workspace) -> bool {
        !self.opened.as_deref().is_some_and(|o| o.same_work(ws))
    }

    /// Is the work the user's own (not a link, file or exercise as it was opened)?
    pub fn work_is_own(&self) -> bool {
        self.work_is_own_given(&self.ws)
    }

    /// `ws` replaces the work, which is kept aside if it is the user's own (an unedited link
    /// is not: what was kept aside before it stays).
    fn replace_work(&mut self, ws: Workspace, notice: LinkNotice) {
        let opened = Rc::new(ws.clone());
        let own = self.work_is_own();
        let previous = std::mem::replace(&mut self.ws, ws);
        if own {
            self.kept_aside = Some(Rc::new(previous));
        }
        self.opened = Some(opened);
        self.link_notice = Some(notice);
        self.after_machine_change();
    }

    /// The workspace and the open machine's edits; an action of another kind comes back.
    fn edit(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::SetSubstitution(name, value) => {
                let subs = Rc::make_mut(&mut self.ws.machine_mut().substitutions);
                match value {
                    Some(v) => {
                        subs.insert(name, v);
                    }
                    None => {
                        subs.shift_remove(&name);
                    }
                }
            }
            Action::ReplaceDefinition(text) => {
                self.ws.machine_mut().definition = Rc::from(text);
                self.editor_rev += 1;
            }
            Action::SetDefinition(t) => self.ws.machine_mut().definition = Rc::from(t),
            Action::SetType(t) => self.ws.machine_mut().workflow_type = t,
            Action::RenameMachine(name) => self.session.error = self.ws.rename(&name).err(),
            Action::SetInput(t) => self.ws.input = Rc::from(t),
            Action::SetMocks(t) => self.ws.mocks = Rc::from(t),
            Action::SetTestCase(t) => self.ws.test_case = Rc::from(t),
            Action::SetS3(t) => self.ws.s3 = Rc::from(t),
            Action::SetAtLeastOnce(b) => self.ws.at_least_once = b,
            Action::CloseExercise => self.ws.exercise = None,
            Action::OpenMachine(i) => {
                self.ws.open_tab(i);
                self.after_machine_change();
            }
            Action::AddMachine => {
                self.ws.add();
                self.after_machine_change();
            }
            Action::RemoveMachine => {
                self.ws.remove_open();
                self.after_machine_change();
            }
            other => return Some(other),
        }
        None
    }

    /// Whole workspaces replacing the work: examples, exercises, projects, files.
    fn load(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::OpenProject(ws) => {
                let n = ws.machines().len();
                self.replace_work(*ws, LinkNotice::Project(n));
            }
            Action::OpenExercise(text) => match api::parse_json(&text) {
                Ok(ex) => {
                    let start = ex.get("start").unwrap_or(&Value::Null);
                    self.replace_work(Workspace::from_attempt(start, text), LinkNotice::Exercise);
                }
                Err(_) => self.session.error = Some("This exercise file is not JSON.".into()),
            },
            Action::ShowSolution => {
                let exercise = self.ws.exercise.clone();
                if let Some((text, ex)) =
                    exercise.and_then(|t| api::parse_json(&t).ok().map(|ex| (t, ex)))
                {
                    let solution = ex.get("solution").unwrap_or(&Value::Null);
                    self.ws = Workspace::from_attempt(solution, text);
                    self.after_machine_change();
                }
            }
            Action::OpenWorkspaceFile(ws) => self.replace_work(*ws, LinkNotice::File),
            Action::OpenLink(ws) => {
                if *ws != self.ws {
                    self.replace_work(*ws, LinkNotice::Opened);
                }
            }
            Action::UseOtherTab => {
                if let Saving::OtherTab(theirs) = std::mem::take(&mut self.saving) {
                    self.replace_work(Rc::unwrap_or_clone(theirs), LinkNotice::OtherTab);
                    // Their version is their own work too, not a link.
                    self.opened = None;
                }
            }
            Action::RestoreKeptAside => {
                self.link_notice = None;
                if let Some(ws) = self.kept_aside.take() {
                    let previous = std::mem::replace(&mut self.ws, Rc::unwrap_or_clone(ws));
                    // Work the user did on what was opened is theirs too: kept aside in turn.
                    if self.work_is_own_given(&previous) {
                        self.kept_aside = Some(Rc::new(previous));
                    }
                    self.opened = None;
                    self.after_machine_change();
                }
            }
            Action::LoadExample(i) => {
                let workflow_type = self.ws.machine().workflow_type;
                self.ws = Workspace::from_example(i);
                self.ws.machine_mut().workflow_type = workflow_type;
                self.after_machine_change();
            }
            other => return Some(other),
        }
        None
    }

    /// Running, stepping and answering the run; what of it is shown.
    fn drive(&mut self, action: Action) -> Option<Action> {
        let session = std::mem::take(&mut self.session);
        let job = match &action {
            Action::Run => Some(Job::Run),
            Action::Continue => Some(Job::Continue),
            Action::Step => Some(Job::Step),
            Action::Callback(answer) => Some(Job::Callback(answer.clone())),
            _ => None,
        };
        if let Some(job) = job {
            self.session = session;
            self.begin(job);
            return None;
        }
        self.session = match action {
            Action::Tick(clock) if session.running => session.tick(clock),
            Action::Tick(_) => session,
            Action::Cancel => match session.ahead.clone() {
                Some(ahead) => session.cancel_ahead(&ahead.ws, &ahead.job),
                None => session.cancel(),
            },
            Action::AheadDone(id, done) => match session.ahead.clone() {
                Some(ahead) if ahead.id == id => match done {
                    Ok(()) => session.apply(&ahead.ws, ahead.job.clone()),
                    Err(why) => session.ahead_failed(&ahead.job, why.to_string()),
                },
                // A job that was cancelled or replaced.
                _ => session,
            },
            Action::Reset => RunSession::default(),
            Action::SelectVisit(visit) => RunSession { visit, ..session },
            Action::PickState(name) => {
                self.selected = name;
                self.located = None;
                RunSession {
                    visit: None,
                    ..session
                }
            }
            Action::PickIteration(iteration) => RunSession {
                iteration,
                ..session
            },
            Action::ViewChild(child) => {
                self.selected = None;
                RunSession {
                    child,
                    visit: None,
                    iteration: None,
                    ..session
                }
            }
            other => {
                self.session = session;
                return Some(other);
            }
        };
        None
    }

    /// Does `job`: at once, or first in the worker when the run evaluates JSONata (an
    /// evaluation that loops or exhausts memory must not take the page with it).
    fn begin(&mut self, job: Job) {
        let session = std::mem::take(&mut self.session);
        let request = self
            .ws
            .uses_jsonata()
            .then(|| session.ahead_request(&self.ws, &job))
            .flatten();
        self.session = match request {
            Some(request) => {
                self.aheads += 1;
                RunSession {
                    ahead: Some(Rc::new(Ahead {
                        id: self.aheads,
                        job,
                        ws: self.ws.clone(),
                        request,
                    })),
                    error: None,
                    running: false,
                    ..session
                }
            }
            None => session.apply(&self.ws, job),
        };
    }

    /// Settings, panels and module statuses.
    fn view(&mut self, action: Action) {
        match action {
            Action::Jsonata(status) => self.jsonata = status,
            Action::Extras(status) => self.extras = status,
            Action::DismissLinkNotice => self.link_notice = None,
            Action::Saved(saving) => self.saving = saving,
            Action::OtherTabSaved(theirs) if *theirs != self.ws => {
                self.saving = Saving::OtherTab(Rc::new(*theirs));
            }
            Action::KeepMine => self.saving = Saving::Saved,
            Action::LinkBroken(why) => self.link_notice = Some(LinkNotice::Broken(why)),
            Action::OpenTest(name) => {
                self.test = name;
                self.test_answer = None;
                self.test_call = None;
            }
            Action::AskTest(request) => {
                self.test_calls += 1;
                let id = self.test_calls;
                let substitutions = self.ws.machine().substitutions.clone();
                self.test_call = Some(Rc::new(TestCall {
                    id,
                    request: *request,
                    substitutions,
                }));
            }
            Action::TestAnswer(a) => self.test_answer = a,
            Action::TestReplied(id, reply)
                if self.test.is_some() && self.test_call.as_ref().is_some_and(|c| c.id == id) =>
            {
                self.test_answer = Some(reply);
            }
            Action::Select(name) => self.selected = name,
            Action::Locate(span) => self.located = span,
            Action::SetExecutions(n) => self.executions_per_month = n,
            Action::SetFreeTier(b) => self.free_tier = b,
            Action::ToggleTheme => self.dark = !self.dark,
            // Every other action is taken by `edit`, `load` or `drive`.
            _ => {}
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // A tick after the run stopped changes nothing: the same state, no new render.
        if matches!(action, Action::Tick(_)) && !self.session.running {
            return self;
        }
        // The autosave reports after every change; the same report re-renders nothing.
        if matches!(&action, Action::Saved(saving) if *saving == self.saving) {
            return self;
        }
        let mut s = (*self).clone();
        // Run (or Step) before an on-demand module the machines need is there: the run starts
        // once it is (it would fail with "the JSONata library is not loaded").
        if matches!(action, Action::Run | Action::Step) && !s.modules_ready() {
            s.run_when_ready = Some(if matches!(action, Action::Step) {
                Deferred::Step
            } else {
                Deferred::Run
            });
            return Rc::new(s);
        }
        let rest = s.edit(action);
        let rest = rest.and_then(|a| s.load(a));
        let rest = rest.and_then(|a| s.drive(a));
        if let Some(a) = rest {
            s.view(a);
        }
        if let (Some(deferred), true) = (s.run_when_ready, s.modules_ready()) {
            s.run_when_ready = None;
            s.begin(match deferred {
                Deferred::Run => Job::Run,
                Deferred::Step => Job::Step,
            });
        }
        Rc::new(s)
    }
}

/// How components change the state: the reducer's dispatcher, from the app's context. It
/// never changes, so reading it re-renders nothing.
pub type Dispatch = UseReducerDispatcher<AppState>;

#[hook]
pub fn use_dispatch() -> Dispatch {
    use_context::<Dispatch>().expect("components are rendered inside app::App's context")
}

/// A callback that dispatches `make(value)`.
pub fn send<T: 'static>(d: &Dispatch, make: impl Fn(T) -> Action + 'static) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |v: T| d.dispatch(make(v)))
}

/// A click that dispatches `make()`.
pub fn on_click(d: &Dispatch, make: impl Fn() -> Action + 'static) -> Callback<MouseEvent> {
    let d = d.clone();
    Callback::from(move |_: MouseEvent| d.dispatch(make()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::run::Status;

    fn reduce(s: Rc<AppState>, a: Action) -> Rc<AppState> {
        s.reduce(a)
    }

    /// The reducer is timed by the clock it is given: this one never moves, so a tick runs
    /// the execution to its end.
    fn frozen() -> f64 {
        0.0
    }

    fn status(s: &AppState) -> Option<Status> {
        s.session
            .run
            .as_ref()
            .map(|r| r.exec.borrow().status().clone())
    }

    #[test]
    fn a_run_goes_to_the_end_in_ticks_and_resets() {
        // The first example waits for a manual approval (.waitForTaskToken) on the way.
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::Run);
        assert!(
            s.session.running && s.session.run.is_some(),
            "{:?}",
            s.session.error
        );
        let s = reduce(s, Action::Tick(frozen));
        assert!(matches!(
            status(&s),
            Some(Status::WaitingForCallback { .. })
        ));
        assert!(!s.session.running);
        let answer = CallbackAnswer::Success("{\"approved\": true}".into());
        let mut s = reduce(s, Action::Callback(answer));
        assert_eq!(s.session.error, None);
        for _ in 0..100 {
            if !s.session.running {
                break;
            }
            s = reduce(s, Action::Tick(frozen));
        }
        let status = status(&s);
        assert!(
            matches!(status, Some(Status::Succeeded { .. })),
            "{status:?}"
        );
        let stopped = reduce(s.clone(), Action::Tick(frozen));
        assert!(
            Rc::ptr_eq(&s, &stopped),
            "a tick after the end changes nothing"
        );
        let s = reduce(s, Action::Reset);
        assert!(s.session.run.is_none());
    }

    #[test]
    fn an_exercise_keeps_the_work_aside_and_restore_brings_it_back() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::SetDefinition("{\"mine\": true}".into()));
        let mine = s.ws.clone();
        let exercise = crate::exercises::TRACK[0];
        let s = reduce(s, Action::OpenExercise(Rc::from(exercise)));
        assert_eq!(s.link_notice, Some(LinkNotice::Exercise));
        assert!(s.ws.exercise.is_some());
        assert_eq!(s.kept_aside.as_deref(), Some(&mine));
        let s = reduce(s, Action::RestoreKeptAside);
        assert_eq!(s.ws, mine);
        assert_eq!(s.link_notice, None);
        let s = reduce(s, Action::OpenExercise(Rc::from("not json")));
        assert_eq!(s.ws, mine, "a broken exercise changes nothing");
        assert!(s.session.error.is_some());
    }

    #[test]
    fn picking_a_state_clears_the_visit_and_the_located_place() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::Locate(Some((1, 5))));
        let s = reduce(s, Action::SelectVisit(Some(3)));
        assert_eq!((s.located, s.session.visit), (Some((1, 5)), Some(3)));
        let s = reduce(s, Action::PickState(Some(Rc::from("A"))));
        assert_eq!((s.located, s.session.visit), (None, None));
        assert_eq!(s.selected.as_deref(), Some("A"));
    }

    #[test]
    fn a_test_state_answer_lands_only_on_the_call_still_open() {
        use crate::services::extras::TestReply;
        let reply = || Rc::new(TestReply::Unavailable("x".into()));
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::OpenTest(Some(Rc::from("A"))));
        let s = reduce(s, Action::AskTest(Box::default()));
        let first = s.test_call.as_ref().map(|c| c.id).unwrap();
        let s = reduce(s, Action::AskTest(Box::default()));
        let s = reduce(s, Action::TestReplied(first, reply()));
        assert!(
            s.test_answer.is_none(),
            "an answer to an earlier call is dropped"
        );
        let second = s.test_call.as_ref().map(|c| c.id).unwrap();
        let s = reduce(s, Action::OpenTest(Some(Rc::from("B"))));
        let s = reduce(s, Action::TestReplied(second, reply()));
        assert!(s.test_answer.is_none(), "another state is open now");
        let s = reduce(s, Action::AskTest(Box::default()));
        let third = s.test_call.as_ref().map(|c| c.id).unwrap();
        let s = reduce(s, Action::TestReplied(third, reply()));
        assert!(s.test_answer.is_some());
    }

    #[test]
    fn a_workspace_file_keeps_the_work_aside_like_a_link() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::SetInput("{\"mine\": 1}".into()));
        let mine = s.ws.clone();
        let file = Workspace::from_example(1);
        let s = reduce(s, Action::OpenWorkspaceFile(Box::new(file.clone())));
        assert_eq!(
            (s.ws.clone(), s.link_notice.clone()),
            (file, Some(LinkNotice::File))
        );
        let s = reduce(s, Action::RestoreKeptAside);
        assert_eq!(
            s.ws, mine,
            "red-team M11: the file replaced the work without a backup"
        );
    }

    #[test]
    fn restore_gives_the_own_work_back_however_many_links_were_opened() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::SetInput("{\"mine\": 1}".into()));
        let mine = s.ws.clone();
        let (l1, l2) = (Workspace::from_example(1), Workspace::from_example(2));
        let s = reduce(s, Action::OpenLink(Box::new(l1.clone())));
        assert!(!s.work_is_own(), "a link as opened is not the user's work");
        let s = reduce(s, Action::OpenLink(Box::new(l2.clone())));
        let s = reduce(s, Action::OpenWorkspaceFile(Box::new(l1)));
        let s = reduce(s, Action::RestoreKeptAside);
        assert_eq!(
            s.ws, mine,
            "red-team H10: the second link took the only slot"
        );
        assert!(s.work_is_own());
        // A link the user edited is their work: the next link keeps it aside.
        let s = reduce(s, Action::OpenLink(Box::new(l2.clone())));
        let s = reduce(s, Action::SetInput("{\"edited\": 1}".into()));
        let edited = s.ws.clone();
        let s = reduce(s, Action::OpenLink(Box::new(Workspace::from_example(3))));
        let s = reduce(s, Action::RestoreKeptAside);
        assert_eq!(s.ws, edited);
        // The same link again (Back to the page's own entry) changes nothing.
        let s = reduce(s, Action::OpenLink(Box::new(edited.clone())));
        assert_eq!(s.link_notice, None);
    }

    #[test]
    fn another_tabs_save_waits_for_the_users_choice() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let mine = s.ws.clone();
        let theirs = Workspace::from_example(1);
        let same = reduce(s.clone(), Action::OtherTabSaved(Box::new(mine.clone())));
        assert_eq!(
            same.saving,
            Saving::Saved,
            "the same version is no conflict"
        );
        let s = reduce(s, Action::OtherTabSaved(Box::new(theirs.clone())));
        assert!(matches!(s.saving, Saving::OtherTab(_)));
        let kept = reduce(s.clone(), Action::KeepMine);
        assert_eq!(
            (kept.saving.clone(), kept.ws.clone()),
            (Saving::Saved, mine.clone())
        );
        let used = reduce(s, Action::UseOtherTab);
        assert_eq!(used.ws, theirs);
        assert!(
            used.work_is_own(),
            "the other tab's version is the user's work too"
        );
        let back = reduce(used, Action::RestoreKeptAside);
        assert_eq!(back.ws, mine);
    }

    #[test]
    fn the_same_save_report_renders_nothing() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let again = reduce(s.clone(), Action::Saved(Saving::Saved));
        assert!(Rc::ptr_eq(&s, &again));
        let failed = reduce(
            s,
            Action::Saved(Saving::Failed(crate::services::storage::SaveProblem::Full)),
        );
        assert!(matches!(failed.saving, Saving::Failed(_)));
    }

    #[test]
    fn a_run_asked_for_before_the_jsonata_module_is_there_starts_once_it_is() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let def = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 + 1 %}", "End": true}}}"#;
        let s = reduce(s, Action::SetDefinition(def.into()));
        let s = reduce(s, Action::Jsonata(ModuleStatus::Loading));
        let s = reduce(s, Action::Run);
        assert!(
            s.run_when_ready == Some(Deferred::Run) && s.session.run.is_none(),
            "ran without the library"
        );
        let s = reduce(s, Action::Jsonata(ModuleStatus::Ready));
        let id = s.session.ahead.as_ref().map(|a| a.id);
        assert!(
            s.run_when_ready.is_none() && id.is_some() && s.session.run.is_none(),
            "the run did not go to the worker first"
        );
        let s = reduce(s, Action::AheadDone(id.unwrap_or_default(), Ok(())));
        assert!(
            s.session.ahead.is_none() && s.session.run.is_some() && s.session.running,
            "the run did not start once the worker was done"
        );
    }

    fn jsonata_workspace() -> Rc<AppState> {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let def = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}}"#;
        let s = reduce(s, Action::SetDefinition(def.into()));
        reduce(s, Action::Jsonata(ModuleStatus::Ready))
    }

    fn worker_log(s: &AppState) -> (Vec<String>, i64) {
        let r = &s.session.ahead.as_ref().expect("a worker job").request;
        let log = r
            .get("log")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let from = r
            .get("from")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64());
        (log.iter().map(Value::to_json).collect(), from.unwrap_or(-1))
    }

    #[test]
    fn the_worker_is_told_every_command_the_page_applied_since_the_run_started() {
        let s = reduce(jsonata_workspace(), Action::Step);
        assert_eq!(worker_log(&s), (vec!["\"step\"".to_string()], 0));
        let id = s.session.ahead.as_ref().map_or(0, |a| a.id);
        let s = reduce(s, Action::AheadDone(id, Ok(())));
        assert_eq!(
            s.session
                .run
                .as_ref()
                .map(|r| r.exec.borrow().history().len()),
            Some(1)
        );
        let s = reduce(s, Action::Step);
        assert_eq!(
            worker_log(&s),
            (vec!["\"step\"".to_string(), "\"step\"".to_string()], 1),
            "a worker that lost the run replays the first step; one that has it applies one"
        );
        let id = s.session.ahead.as_ref().map_or(0, |a| a.id);
        let s = reduce(s, Action::AheadDone(id, Ok(())));
        assert_eq!(s.session.log.len(), 2);
        // Run starts afresh: nothing the page did before is replayed.
        let s = reduce(s, Action::Run);
        assert_eq!(worker_log(&s), (vec!["\"end\"".to_string()], 0));
    }

    #[test]
    fn cancel_while_the_worker_runs_aborts_and_its_late_answer_changes_nothing() {
        let s = reduce(jsonata_workspace(), Action::Run);
        let id = s.session.ahead.as_ref().map_or(0, |a| a.id);
        let s = reduce(s, Action::Cancel);
        let status = |s: &AppState| {
            s.session
                .run
                .as_ref()
                .map(|r| r.exec.borrow().status().name())
        };
        assert!(s.session.ahead.is_none() && !s.session.running);
        assert_eq!(status(&s), Some("ABORTED"));
        let late = reduce(s.clone(), Action::AheadDone(id, Ok(())));
        assert_eq!(
            status(&late),
            Some("ABORTED"),
            "a cancelled job came back to life"
        );
    }

    #[test]
    fn a_worker_that_crashed_says_so_and_the_work_stays() {
        let s = reduce(jsonata_workspace(), Action::Run);
        let before = s.ws.clone();
        let id = s.session.ahead.as_ref().map_or(0, |a| a.id);
        let s = reduce(s, Action::AheadDone(id, Err("The engine stopped".into())));
        assert_eq!(s.session.error.as_deref(), Some("The engine stopped"));
        assert!(s.session.run.is_none() && s.session.ahead.is_none());
        assert_eq!(s.ws, before);
        // The next Run goes to a (fresh) worker again.
        let s = reduce(s, Action::Run);
        assert!(s.session.ahead.is_some() && s.session.error.is_none());
    }

    #[test]
    fn looking_at_another_tab_of_an_opened_project_is_no_edit() {
        let s = Rc::new(AppState::new(Workspace::from_example(0)));
        let s = reduce(s, Action::SetInput("{\"mine\": 1}".into()));
        let mine = s.ws.clone();
        let mut project = Workspace::from_example(1);
        project.add();
        project.open_tab(0);
        let s = reduce(s, Action::OpenProject(Box::new(project)));
        let s = reduce(s, Action::OpenMachine(1));
        assert!(
            !s.work_is_own(),
            "a tab switch made the project the user's work"
        );
        let s = reduce(
            s,
            Action::OpenWorkspaceFile(Box::new(Workspace::from_example(2))),
        );
        let s = reduce(s, Action::RestoreKeptAside);
        assert_eq!(s.ws, mine);
    }
}
