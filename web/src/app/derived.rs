//! What the page shows that follows from the state: pure functions, memoised by the app and
//! tested natively. Nothing here touches the browser.

use crate::components::cost_meter::CostInputs;
use crate::graph::layout::{self, Layout};
use crate::run_view::{visit_status, NodeStatus, RunView};
use crate::services::extras::TestReply;
use crate::state::{AppState, ChildRef, ModuleStatus, RunHandle, RunSession};
use engine::aws::teststate::TestStatus;
use engine::model::{Graph as AslGraph, Kind, State, WorkflowType};
use engine::run::Status;
use engine::syntax::json::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// Compares by identity: memo keys and props for large derived values.
#[derive(Clone)]
pub struct ByPtr<T>(pub Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

pub type Statuses = Rc<HashMap<Rc<str>, NodeStatus>>;
pub type Taken = Rc<Vec<(Rc<str>, Rc<str>)>>;
pub type Iterations = Rc<HashMap<Rc<str>, usize>>;

/// What the graph colours: node statuses, edges taken, Map iteration counts.
#[derive(Clone, PartialEq, Default)]
pub struct RunMarks {
    pub statuses: Statuses,
    pub taken: Taken,
    pub iterations: Iterations,
}

impl RunMarks {
    pub fn of(view: &RunView) -> RunMarks {
        RunMarks {
            statuses: Rc::new(view.statuses.clone()),
            taken: Rc::new(view.taken.iter().cloned().collect()),
            iterations: Rc::new(view.iterations.clone()),
        }
    }
}

/// A state anywhere in the graph (inside Parallel branches and Map processors too).
pub fn find_state<'a>(g: &'a AslGraph, name: &str) -> Option<&'a State> {
    g.walk().map(|(s, _)| s).find(|s| &*s.name == name)
}

/// The innermost state whose definition's lines contain a byte offset (anywhere on the line
/// of its key or of its closing brace counts).
pub fn state_at(g: &AslGraph, text: &str, offset: usize) -> Option<Rc<str>> {
    let line_start = |i: usize| {
        text[..engine::syntax::json::floor_char_boundary(text, i)]
            .rfind('\n')
            .map_or(0, |p| p + 1)
    };
    let line_end = |i: usize| {
        text[engine::syntax::json::floor_char_boundary(text, i)..]
            .find('\n')
            .map_or(text.len(), |p| i + p)
    };
    let holds = |s: &State| {
        line_start(s.span.start) <= offset && offset <= line_end(s.body.end.max(s.span.end))
    };
    // The first state that holds it, then the first inside that one, and so on.
    fn innermost(g: &AslGraph, holds: &dyn Fn(&State) -> bool) -> Option<Rc<str>> {
        let s = g.states.iter().find(|s| holds(s))?;
        s.sub_graphs()
            .iter()
            .find_map(|g| innermost(g, holds))
            .or_else(|| Some(s.name.clone()))
    }
    innermost(g, &holds)
}

/// The state a diagnostic's location points into (`/States/NAME/...`, the innermost one).
pub fn state_of_pointer(location: &str) -> Option<Rc<str>> {
    let mut parts = location.split('/').skip(1);
    let mut last = None;
    while let Some(p) = parts.next() {
        if p == "States" {
            last = parts
                .next()
                .map(|n| Rc::from(engine::syntax::json::unescape_pointer(n)));
        }
    }
    last
}

/// The statuses of a Map's inner states in one iteration, laid over the run's statuses.
pub fn iteration_statuses(
    all: &HashMap<Rc<str>, NodeStatus>,
    run: &RunHandle,
    processor: &AslGraph,
    index: usize,
) -> HashMap<Rc<str>, NodeStatus> {
    let mut out = all.clone();
    let inner: Vec<Rc<str>> = processor.walk().map(|(s, _)| s.name.clone()).collect();
    for n in &inner {
        out.remove(n);
    }
    let exec = run.exec.borrow();
    let revealed = exec.history().len() as u64;
    let failed = matches!(
        exec.status(),
        Status::Failed { .. } | Status::TimedOut { .. } | Status::Aborted
    );
    for v in exec.visits().iter().filter(|v| {
        v.iteration == Some(index) && v.entered_event <= revealed && inner.contains(&v.state)
    }) {
        // RunView's rule, for this iteration's visits only (the last visit of a state wins).
        out.insert(v.state.clone(), visit_status(v, revealed, failed));
    }
    out
}

/// A "Test this state" answer on the graph: the tested state in its outcome's colour, the
/// next state marked, the edge between them taken.
pub fn test_marks(tested: &Rc<str>, reply: &TestReply) -> (Statuses, Taken) {
    let answer = match reply {
        TestReply::Answered(a) => Some(a),
        _ => None,
    };
    let status = match answer.map(|a| a.status) {
        Some(TestStatus::Succeeded) => NodeStatus::Succeeded,
        Some(TestStatus::CaughtError) => NodeStatus::CaughtError,
        Some(TestStatus::Retriable) => NodeStatus::InProgress,
        Some(TestStatus::Failed) | None => NodeStatus::Failed,
    };
    let mut statuses = HashMap::from([(tested.clone(), status)]);
    let mut edges = Vec::new();
    if let Some(n) = answer.and_then(|a| a.next_state.clone()) {
        statuses.insert(n.clone(), NodeStatus::NextState);
        edges.push((tested.clone(), n));
    }
    (Rc::new(statuses), Rc::new(edges))
}

/// What the graph colours for the open machine: the run's marks, one Map iteration's
/// statuses when one is picked, or a "Test this state" answer.
pub fn graph_marks(s: &AppState, graph: Option<&AslGraph>, run: RunMarks) -> RunMarks {
    if let (Some(name), Some(reply)) = (&s.test, &s.test_answer) {
        let (statuses, taken) = test_marks(name, reply);
        return RunMarks {
            statuses,
            taken,
            ..run
        };
    }
    let picked = match (&s.session.iteration, &s.session.run, graph) {
        (Some((map, i)), Some(handle), Some(g)) => match find_state(g, map).map(|s| &s.kind) {
            Some(Kind::Map(spec)) => Some(iteration_statuses(
                &run.statuses,
                handle,
                &spec.processor,
                *i,
            )),
            _ => None,
        },
        _ => None,
    };
    match picked {
        Some(statuses) => RunMarks {
            statuses: Rc::new(statuses),
            ..run
        },
        None => run,
    }
}

/// What the cost meters price: the finished run as Standard and as Express, its children by
/// their own types.
pub fn cost_inputs(run: &RunHandle) -> Option<CostInputs> {
    use engine::aws::cost;
    let exec = run.exec.borrow();
    if !exec.status().is_finished() {
        return None;
    }
    let express_blocked = engine::aws::advisor::graph_blocker(&exec.machine().graph)
        .or_else(|| cost::express_duration_blocker(&exec));
    let mut children = Vec::new();
    if !exec.nested().is_empty() {
        children.push(format!("{} child execution(s)", exec.nested().len()));
    }
    let map_children: usize = exec.map_runs().iter().map(|r| r.children).sum();
    if map_children > 0 {
        children.push(format!("{map_children} Distributed Map child execution(s)"));
    }
    Some(CostInputs {
        standard: cost::breakdown(&exec, WorkflowType::Standard),
        express: express_blocked
            .is_none()
            .then(|| cost::breakdown(&exec, WorkflowType::Express)),
        express_blocked,
        transitions: exec.transitions(),
        duration_ms: exec.duration_ms() as f64,
        memory_mb: cost::execution_memory_mb(&exec),
        children: children.join(" and "),
    })
}

/// The test cases a MockConfigFile.json text defines, for the picker.
pub fn test_cases(mocks: &str) -> Vec<String> {
    let Ok(v) = engine::api::parse_json(mocks) else {
        return Vec::new();
    };
    let Some(machines) = v.get("StateMachines").and_then(Value::as_object) else {
        return Vec::new();
    };
    machines
        .values()
        .filter_map(|m| m.get("TestCases").and_then(Value::as_object))
        .flat_map(|c| c.keys().map(|k| k.to_string()))
        .collect()
}

/// A child execution opened from the run: its handle, what to call it, the state that
/// started it and its type.
#[derive(Clone, PartialEq)]
pub struct ChildRun {
    pub handle: RunHandle,
    pub machine: Rc<str>,
    pub started_by: Rc<str>,
    pub workflow_type: WorkflowType,
}

pub fn child_run(run: &RunHandle, child: ChildRef) -> Option<ChildRun> {
    let exec = run.exec.borrow();
    let (e, machine, started_by) = match child {
        ChildRef::Nested(i) => exec
            .nested()
            .get(i)
            .map(|n| (n.execution.clone(), n.machine.clone(), n.state.clone())),
        ChildRef::MapSample(r, s) => exec.map_runs().get(r).and_then(|mr| {
            mr.samples.get(s).map(|c| {
                let name = format!("{} child #{}", mr.state, c.index);
                (
                    c.execution.clone(),
                    Rc::from(name.as_str()),
                    mr.state.clone(),
                )
            })
        }),
    }?;
    let workflow_type = e.borrow().config().workflow_type;
    Some(ChildRun {
        handle: RunHandle {
            exec: e,
            rev: run.rev,
        },
        machine,
        started_by,
        workflow_type,
    })
}

/// The child execution shown instead of the run: the run, its graph's layout and marks.
pub fn child_view(session: &RunSession) -> Option<(ChildRun, ByPtr<Layout>, RunMarks)> {
    let child = child_run(session.run.as_ref()?, session.child?)?;
    let mut view = RunView::default();
    view.update(&child.handle.exec);
    let layout = layout::layout(child.handle.exec.borrow().machine());
    Some((child, ByPtr(Rc::new(layout)), RunMarks::of(&view)))
}

/// "Test this state"'s input: what that state saw in the last run, else the execution input.
pub fn test_input(s: &AppState) -> Rc<str> {
    let seen = match (&s.test, &s.session.run) {
        (Some(name), Some(run)) => run
            .exec
            .borrow()
            .visits()
            .iter()
            .rev()
            .find(|v| v.state == *name)
            .map(|v| Rc::from(v.input.to_json_pretty().as_str())),
        _ => None,
    };
    seen.unwrap_or_else(|| s.ws.input.clone())
}

/// The selected Map's iterations for the picker: its name, how many ran, the one shown.
pub fn map_pick(
    s: &AppState,
    iterations: &HashMap<Rc<str>, usize>,
) -> Option<(Rc<str>, usize, Option<usize>)> {
    let sel = s.selected.as_ref()?;
    let count = *iterations.get(sel)?;
    let current = s
        .session
        .iteration
        .as_ref()
        .filter(|(m, _)| m == sel)
        .map(|(_, i)| *i);
    Some((sel.clone(), count, current))
}

/// Why Run waits or cannot run: an on-demand module the definition needs is loading or
/// failed to load.
pub fn module_notice(
    jsonata: (&ModuleStatus, bool),
    yaml: (&ModuleStatus, bool),
) -> Option<String> {
    let notice = |(status, needed): (&ModuleStatus, bool),
                  loading: &str,
                  failed: &dyn Fn(&str) -> String| {
        match (status, needed) {
            (ModuleStatus::Loading | ModuleStatus::NotLoaded, true) => Some(loading.to_string()),
            (ModuleStatus::Failed(e), true) => Some(failed(e)),
            _ => None,
        }
    };
    notice(jsonata, "Loading the JSONata library…", &|e| {
        format!("The JSONata library could not be loaded ({e}); JSONata states cannot run.")
    })
    .or_else(|| {
        notice(yaml, "Loading YAML support…", &|e| {
            format!(
                "YAML support could not be loaded ({e}); convert the definition to JSON to run it."
            )
        })
    })
}

/// The top-level states, in definition order (the advisor's picks).
pub fn top_states(graph: Option<&AslGraph>) -> Rc<Vec<Rc<str>>> {
    Rc::new(
        graph
            .map(|g| g.states.iter().map(|s| s.name.clone()).collect())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::api;

    const NESTED: &str = r#"{
  "StartAt": "P",
  "States": {
    "P": {
      "Type": "Parallel",
      "Branches": [
        { "StartAt": "Inner", "States": { "Inner": { "Type": "Pass", "End": true } } }
      ],
      "Next": "Done"
    },
    "Done": { "Type": "Succeed" }
  }
}"#;

    fn graph() -> Rc<AslGraph> {
        let v = api::validate(NESTED, WorkflowType::Standard);
        v.machine.expect("valid").graph.clone()
    }

    #[test]
    fn the_cursor_selects_the_innermost_state_on_its_line() {
        let g = graph();
        let at = |needle: &str| state_at(&g, NESTED, NESTED.find(needle).unwrap());
        assert_eq!(at("\"Inner\": {").as_deref(), Some("Inner"));
        assert_eq!(at("\"Branches\"").as_deref(), Some("P"));
        assert_eq!(at("\"Succeed\"").as_deref(), Some("Done"));
        assert_eq!(
            state_at(&g, NESTED, 0),
            None,
            "the opening brace is in no state"
        );
        assert!(find_state(&g, "Inner").is_some(), "found inside a branch");
    }

    #[test]
    fn a_diagnostic_selects_the_innermost_state_it_points_into() {
        assert_eq!(
            state_of_pointer("/States/P/Branches/0/States/In~1ner/Next").as_deref(),
            Some("In/ner")
        );
        assert_eq!(state_of_pointer("/StartAt"), None);
    }

    #[test]
    fn test_cases_come_from_every_machine_of_a_mock_config() {
        let mocks = r#"{"StateMachines": {"A": {"TestCases": {"Happy": {}, "Sad": {}}}, "B": {"TestCases": {"Other": {}}}}}"#;
        assert_eq!(test_cases(mocks), ["Happy", "Sad", "Other"]);
        assert!(test_cases("{\"Task\": [{\"Return\": 1}]}").is_empty());
        assert!(test_cases("not json").is_empty());
    }

    #[test]
    fn the_run_waits_for_the_modules_the_definition_needs() {
        let (ready, loading) = (ModuleStatus::Ready, ModuleStatus::Loading);
        let failed = ModuleStatus::Failed(Rc::from("offline"));
        assert_eq!(module_notice((&ready, true), (&ready, true)), None);
        assert_eq!(module_notice((&loading, false), (&loading, false)), None);
        assert!(module_notice((&loading, true), (&ready, false))
            .unwrap()
            .contains("JSONata"));
        assert!(module_notice((&ready, false), (&failed, true))
            .unwrap()
            .contains("offline"));
    }

    #[test]
    fn a_test_answer_marks_the_tested_and_the_next_state() {
        let reply = TestReply::Unavailable("not loaded".into());
        let (statuses, taken) = test_marks(&Rc::from("A"), &reply);
        assert_eq!(statuses.get("A"), Some(&NodeStatus::Failed));
        assert!(taken.is_empty());
    }
}
