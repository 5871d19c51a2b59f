//! The page: one reducer (`state::AppState`), derived data memoised (validation, layout, run
//! statuses, cost), browser effects in `services`.

use crate::components::{
    cost_meter::{CostInputs, CostMeter},
    diagnostics::Diagnostics,
    editor::Editor,
    exercise_panel::ExercisePanel,
    graph::Graph,
    history::History,
    inspector::Inspector,
    machine_tabs::MachineTabs,
    move_advisor::MoveAdvisor,
    open_project::OpenProject,
    run_extras::RunExtras,
    run_panel::RunPanel,
    share_bar::ShareBar,
    substitutions::SubstitutionsPanel,
    test_state::TestStatePanel,
    to_aws::ToAws,
};
use crate::examples::EXAMPLES;
use crate::layout::{self, Layout};
use crate::run_view::RunView;
use crate::services::{self, storage};
use crate::state::{Action, AppState, ChildRef, LinkNotice, ModuleStatus, RunHandle, Workspace};
use engine::api::{self, Diagnostic};
use engine::model::{Graph as AslGraph, Kind, WorkflowType};
use engine::syntax::json::Value;
use gloo_timers::callback::Timeout;
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// Compares by identity: memo keys for large derived values.
#[derive(Clone)]
struct ByPtr<T>(Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Edits settle this long before the definition is validated and laid out again.
const DEBOUNCE_MS: u32 = 150;

fn find_state<'a>(g: &'a AslGraph, name: &str) -> Option<&'a engine::model::State> {
    g.walk().map(|(s, _)| s).find(|s| &*s.name == name)
}

/// The innermost state whose definition's lines contain a byte offset (anywhere on the line
/// of its key or of its closing brace counts).
fn state_at(g: &AslGraph, text: &str, offset: usize) -> Option<Rc<str>> {
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
    let holds = |s: &engine::model::State| {
        line_start(s.span.start) <= offset && offset <= line_end(s.body.end.max(s.span.end))
    };
    // The first state that holds it, then the first inside that one, and so on.
    fn innermost(g: &AslGraph, holds: &dyn Fn(&engine::model::State) -> bool) -> Option<Rc<str>> {
        let s = g.states.iter().find(|s| holds(s))?;
        s.sub_graphs()
            .iter()
            .find_map(|g| innermost(g, holds))
            .or_else(|| Some(s.name.clone()))
    }
    innermost(g, &holds)
}

/// The statuses of a Map's inner states in one iteration, laid over the run's statuses.
fn iteration_statuses(
    all: &HashMap<Rc<str>, crate::components::graph::NodeStatus>,
    run: &RunHandle,
    processor: &AslGraph,
    index: usize,
) -> HashMap<Rc<str>, crate::components::graph::NodeStatus> {
    use crate::components::graph::NodeStatus;
    let mut out = all.clone();
    let inner: Vec<Rc<str>> = processor.walk().map(|(s, _)| s.name.clone()).collect();
    for n in &inner {
        out.remove(n);
    }
    let exec = run.exec.borrow();
    let revealed = exec.history().len() as u64;
    for v in exec.visits().iter().filter(|v| {
        v.iteration == Some(index) && v.entered_event <= revealed && inner.contains(&v.state)
    }) {
        let exited = v.exited_event.is_some_and(|e| e <= revealed);
        let st = match (&v.error, exited) {
            (Some(_), true) => NodeStatus::CaughtError,
            (Some(_), false) => NodeStatus::Failed,
            (None, true) => NodeStatus::Succeeded,
            (None, false) => NodeStatus::InProgress,
        };
        out.insert(v.state.clone(), st);
    }
    out
}

/// What the cost meters price: the finished run as Standard and as Express, its children by
/// their own types.
fn cost_inputs(run: &RunHandle) -> Option<CostInputs> {
    use engine::aws::cost;
    let exec = run.exec.borrow();
    if !exec.status().is_finished() {
        return None;
    }
    let express_blocked = engine::aws::advisor::graph_blocker(&exec.machine().graph);
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

fn test_cases(mocks: &str) -> Vec<String> {
    let Ok(v) = api::parse_json(mocks) else {
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

/// Fetches an on-demand module the first time `needed` holds, and reports its progress
/// (validation runs again once it is there).
#[hook]
fn use_on_demand_module(
    needed: bool,
    status: &ModuleStatus,
    load: fn(services::Loaded),
    report: Callback<ModuleStatus>,
) {
    let idle = *status == ModuleStatus::NotLoaded;
    use_effect_with((needed, idle), move |&(needed, idle)| {
        if needed && idle {
            report.emit(ModuleStatus::Loading);
            load(Box::new(move |r| {
                report.emit(match r {
                    Ok(()) => ModuleStatus::Ready,
                    Err(e) => ModuleStatus::Failed(Rc::from(e)),
                })
            }));
        }
        || ()
    });
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let local = || {
            storage::load()
                .map(|v| Workspace::from_value(&v))
                .unwrap_or_else(|| Workspace::from_example(0))
        };
        // A share link opens its workspace; the local work is kept aside first. A link that
        // cannot be opened leaves the local work open and says why.
        let (ws, notice) = match services::link::shared_workspace() {
            None => (local(), None),
            // The page's own link after a reload: nothing to say.
            Some(Ok(ws)) if storage::load().is_some_and(|v| Workspace::from_value(&v) == ws) => {
                (ws, None)
            }
            Some(Ok(ws)) => {
                storage::back_up();
                (ws, Some(LinkNotice::Opened))
            }
            Some(Err(e)) => (
                local(),
                Some(LinkNotice::Broken(Rc::from(e.to_string().as_str()))),
            ),
        };
        let mut s = AppState::new(ws);
        s.link_notice = notice;
        s
    });
    // The workspace goes into the address bar once edits settle; a broken link stays as it
    // is until the user changes something.
    let first_ws = use_mut_ref(|| state.ws.clone());
    let link_timer = use_mut_ref(|| None::<Timeout>);
    {
        let (first_ws, link_timer) = (first_ws.clone(), link_timer.clone());
        use_effect_with(state.ws.clone(), move |ws| {
            let broken_untouched = *first_ws.borrow() == *ws
                && matches!(services::link::shared_workspace(), Some(Err(_)));
            if !broken_untouched {
                let ws = ws.clone();
                *link_timer.borrow_mut() =
                    Some(Timeout::new(400, move || services::link::write(&ws)));
            }
            || ()
        });
    }
    let dark = use_state(services::prefers_dark);

    // Debounced definition → validation → layout (the last good layout stays while broken).
    let settled = use_state(|| state.ws.definition.clone());
    let timer = use_mut_ref(|| None::<Timeout>);
    {
        let (settled, timer) = (settled.clone(), timer.clone());
        use_effect_with(state.ws.definition.clone(), move |def| {
            let def = def.clone();
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || settled.set(def)));
            || ()
        });
    }
    {
        // A loaded example (or restored work) is drawn at once, without the typing debounce.
        let (settled, def) = (settled.clone(), state.ws.definition.clone());
        use_effect_with(state.editor_rev, move |_| {
            settled.set(def);
            || ()
        });
    }
    // JSONata: the module is fetched the first time a definition uses it; validation runs again
    // once it is there (syntax errors come from the library).
    let uses_jsonata = services::jsonata::used_in(&settled);
    use_on_demand_module(uses_jsonata, &state.jsonata, services::jsonata::load, {
        let d = state.dispatcher();
        Callback::from(move |s| d.dispatch(Action::Jsonata(s)))
    });
    let jsonata_ready = state.jsonata == ModuleStatus::Ready;
    // YAML: the extras module is fetched the first time a definition is YAML (any tab's,
    // since the open one may start the others); validation runs again once it is there.
    let uses_yaml = services::extras::needed_for(&settled)
        || state
            .ws
            .others
            .iter()
            .any(|m| services::extras::needed_for(&m.definition));
    use_on_demand_module(uses_yaml, &state.extras, services::extras::load, {
        let d = state.dispatcher();
        Callback::from(move |s| d.dispatch(Action::Extras(s)))
    });
    let extras_ready = state.extras == ModuleStatus::Ready;
    let workflow_type = state.ws.workflow_type;
    let validation = use_memo(
        (
            (*settled).clone(),
            workflow_type,
            jsonata_ready,
            extras_ready,
            state.ws.substitutions.clone(),
        ),
        |(d, t, _, _, subs)| api::validate_with(d, *t, subs),
    );
    let uses = use_memo(ByPtr(validation.clone()), |v| v.0.substitutions.clone());
    // A place the Substitutions panel pointed to, shown in the editor until the next pick.
    let located = use_state(|| None::<(usize, usize)>);
    let dropped = use_state(|| None::<Rc<Vec<(String, String)>>>);
    let dragging = use_state(|| false);
    let convert_error = use_state(|| None::<String>);
    // "YAML support is not loaded" is the loading notice's to say, not an error in the text.
    let diagnostics: Rc<Vec<Diagnostic>> = use_memo(ByPtr(validation.clone()), |v| {
        v.0.diagnostics
            .iter()
            .filter(|d| d.code != engine::check::diagnostic::codes::YAML_UNAVAILABLE)
            .cloned()
            .collect()
    });
    let last_layout = use_mut_ref(|| Rc::new(Layout::default()));
    let layout = use_memo(ByPtr(validation.clone()), |v| {
        v.0.machine.as_ref().map(|m| Rc::new(layout::layout(m)))
    });
    let stale = layout.is_none();
    let shown_layout = match &*layout {
        Some(l) => {
            *last_layout.borrow_mut() = l.clone();
            l.clone()
        }
        None => last_layout.borrow().clone(),
    };

    // Autosave the workspace.
    use_effect_with(state.ws.clone(), |ws| {
        storage::save(&ws.to_value());
        || ()
    });

    // A run to the end goes in chunks, yielding to the browser between them.
    let tick = use_mut_ref(|| None::<Timeout>);
    {
        let (dispatcher, tick) = (state.dispatcher(), tick.clone());
        let rev = state.run.as_ref().map(|r| r.rev);
        use_effect_with((state.running, rev), move |(running, _)| {
            *tick.borrow_mut() =
                running.then(|| Timeout::new(0, move || dispatcher.dispatch(Action::Tick)));
            || ()
        });
    }

    let run_view = use_mut_ref(RunView::default);
    let run_derived = use_memo(state.run.clone(), {
        let run_view = run_view.clone();
        move |run| {
            run.as_ref().map(|r| {
                let mut view = run_view.borrow_mut();
                view.update(&r.exec.borrow());
                (
                    Rc::new(view.statuses.clone()),
                    Rc::new(view.taken.iter().cloned().collect::<Vec<_>>()),
                    Rc::new(view.iterations.clone()),
                )
            })
        }
    });
    let (node_status, taken, iterations) = match &*run_derived {
        Some((s, t, i)) => (s.clone(), t.clone(), i.clone()),
        None => (
            Rc::new(HashMap::new()),
            Rc::new(Vec::new()),
            Rc::new(HashMap::new()),
        ),
    };
    let cost = state.run.as_ref().and_then(cost_inputs);
    // A child execution opened from the run: the graph, inspector and history show it.
    let child_run: Option<(RunHandle, Rc<str>, Rc<str>, WorkflowType)> =
        match (&state.run, state.child) {
            (Some(run), Some(child)) => {
                let exec = run.exec.borrow();
                let found = match child {
                    ChildRef::Nested(i) => exec
                        .nested()
                        .get(i)
                        .map(|n| (n.execution.clone(), n.machine.clone(), n.state.clone())),
                    ChildRef::MapSample(r, s) => exec.map_runs().get(r).and_then(|mr| {
                        mr.samples.get(s).map(|c| {
                            (
                                c.execution.clone(),
                                Rc::from(format!("{} child #{}", mr.state, c.index).as_str()),
                                mr.state.clone(),
                            )
                        })
                    }),
                };
                found.map(|(e, machine, by)| {
                    let ty = e.borrow().config().workflow_type;
                    (
                        RunHandle {
                            exec: e,
                            rev: run.rev,
                        },
                        machine,
                        by,
                        ty,
                    )
                })
            }
            _ => None,
        };
    let child_view = child_run.as_ref().map(|(h, _, _, _)| {
        let exec = h.exec.borrow();
        let mut view = RunView::default();
        view.update(&exec);
        (
            Rc::new(layout::layout(exec.machine())),
            Rc::new(view.statuses.clone()),
            Rc::new(view.taken.iter().cloned().collect::<Vec<_>>()),
            Rc::new(view.iterations.clone()),
        )
    });
    let top_states: Rc<Vec<Rc<str>>> = Rc::new(
        validation
            .machine
            .as_ref()
            .map(|m| m.graph.states.iter().map(|s| s.name.clone()).collect())
            .unwrap_or_default(),
    );

    // One Map iteration picked: the Map's inner states show that iteration's statuses.
    let node_status = match (&state.iteration, &state.run, &validation.machine) {
        (Some((map, i)), Some(run), Some(m)) => match find_state(&m.graph, map).map(|s| &s.kind) {
            Some(Kind::Map(spec)) => {
                Rc::new(iteration_statuses(&node_status, run, &spec.processor, *i))
            }
            _ => node_status,
        },
        _ => node_status,
    };
    // A "Test this state" answer: the tested state in its outcome's colour, the next state
    // marked, the edge between them taken.
    let (node_status, taken) = match (&state.test, &state.test_answer) {
        (Some(name), Some(reply)) => {
            use crate::components::graph::NodeStatus;
            use engine::aws::teststate::TestStatus;
            let mut st = HashMap::new();
            let answer = match &**reply {
                crate::services::extras::TestReply::Answered(a) => Some(a),
                _ => None,
            };
            let status = match answer.map(|a| a.status) {
                Some(TestStatus::Succeeded) => NodeStatus::Succeeded,
                Some(TestStatus::CaughtError) => NodeStatus::CaughtError,
                Some(TestStatus::Retriable) => NodeStatus::InProgress,
                Some(TestStatus::Failed) | None => NodeStatus::Failed,
            };
            st.insert(name.clone(), status);
            let next = answer.and_then(|a| a.next_state.clone());
            let mut edges = Vec::new();
            if let Some(n) = next {
                st.insert(n.clone(), NodeStatus::NextState);
                edges.push((name.clone(), n));
            }
            (Rc::new(st), Rc::new(edges))
        }
        _ => (node_status, taken),
    };
    // The exercise track and its progress: read again when an exercise opens or closes or a
    // run finishes (a finished run may complete one), not on every render.
    let finished_rev = state
        .run
        .as_ref()
        .filter(|r| r.exec.borrow().status().is_finished())
        .map(|r| r.rev);
    let track = use_memo((state.ws.exercise.is_some(), finished_rev), |_| {
        crate::components::exercise_panel::track()
    });
    let test_input: AttrValue = match (&state.test, &state.run) {
        (Some(name), Some(run)) => run
            .exec
            .borrow()
            .visits()
            .iter()
            .rev()
            .find(|v| v.state == *name)
            .map(|v| AttrValue::from(v.input.to_json_pretty()))
            .unwrap_or_else(|| AttrValue::from(state.ws.input.to_string())),
        _ => AttrValue::from(state.ws.input.to_string()),
    };
    let map_pick = state.selected.as_ref().and_then(|sel| {
        let count = *iterations.get(sel)?;
        let current = state
            .iteration
            .as_ref()
            .filter(|(m, _)| m == sel)
            .map(|(_, i)| *i);
        Some((sel.clone(), count, current))
    });

    let d = state.dispatcher();
    let dispatch = move |f: fn(String) -> Action| {
        let d = d.clone();
        Callback::from(move |t: String| d.dispatch(f(t)))
    };
    let d = state.dispatcher();
    let act = move |a: fn() -> Action| {
        let d = d.clone();
        Callback::from(move |_: ()| d.dispatch(a()))
    };
    let on_select = {
        let (d, located) = (state.dispatcher(), located.clone());
        Callback::from(move |n: Option<Rc<str>>| {
            located.set(None);
            d.dispatch(Action::SelectVisit(None));
            d.dispatch(Action::Select(n));
        })
    };
    let on_cursor = {
        let (d, validation, settled_text) =
            (state.dispatcher(), validation.clone(), (*settled).clone());
        let located = located.clone();
        Callback::from(move |offset: usize| {
            if located.is_some_and(|(a, b)| offset < a || offset > b) {
                located.set(None);
            }
            if let Some(m) = &validation.machine {
                if let Some(name) = state_at(&m.graph, &settled_text, offset) {
                    d.dispatch(Action::Select(Some(name)));
                }
            }
        })
    };
    let highlight = (*located).or_else(|| {
        state.selected.as_ref().and_then(|n| {
            validation
                .machine
                .as_ref()
                .and_then(|m| find_state(&m.graph, n))
                .map(|s| (s.span.start, s.body.end.max(s.span.end)))
        })
    });
    let on_pick_diag = {
        let d = state.dispatcher();
        Callback::from(move |loc: String| {
            // /States/NAME/... → select NAME.
            let mut parts = loc.split('/').skip(1);
            let mut last = None;
            while let Some(p) = parts.next() {
                if p == "States" {
                    last = parts
                        .next()
                        .map(|n| Rc::from(n.replace("~1", "/").replace("~0", "~")));
                }
            }
            d.dispatch(Action::Select(last));
        })
    };
    let on_example = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(i) = s.value().parse::<usize>() {
                    d.dispatch(Action::LoadExample(i));
                }
                s.set_value("");
            }
        })
    };
    let toggle_theme = {
        let dark = dark.clone();
        Callback::from(move |_: MouseEvent| dark.set(!*dark))
    };
    let jsonata_notice = match (&state.jsonata, uses_jsonata) {
        (ModuleStatus::Loading | ModuleStatus::NotLoaded, true) => {
            Some(AttrValue::from("Loading the JSONata library…"))
        }
        (ModuleStatus::Failed(e), true) => Some(AttrValue::from(format!(
            "The JSONata library could not be loaded ({e}); JSONata states cannot run."
        ))),
        _ => None,
    };
    let jsonata_notice = jsonata_notice.or(match (&state.extras, uses_yaml) {
        (ModuleStatus::Loading | ModuleStatus::NotLoaded, true) => {
            Some(AttrValue::from("Loading YAML support…"))
        }
        (ModuleStatus::Failed(e), true) => Some(AttrValue::from(format!(
            "YAML support could not be loaded ({e}); convert the definition to JSON to run it."
        ))),
        _ => None,
    });
    let can_run = validation.is_valid() && !stale && jsonata_notice.is_none();

    // "Convert to YAML/JSON": the extras module rewrites the definition (comments are not
    // carried over), and the editor shows the result.
    let format = validation.format;
    let on_convert = {
        let (d, text, convert_error) = (
            state.dispatcher(),
            state.ws.definition.clone(),
            convert_error.clone(),
        );
        Callback::from(move |_: ()| {
            let to = match engine::syntax::detect(&text) {
                api::Format::Json => api::Format::Yaml,
                api::Format::Yaml => api::Format::Json,
            };
            let (d, convert_error) = (d.clone(), convert_error.clone());
            services::extras::convert(&text, to, move |r| match r {
                Ok(t) => {
                    convert_error.set(None);
                    d.dispatch(Action::ReplaceDefinition(t));
                }
                Err(e) => convert_error.set(Some(format!(
                    "The definition could not be converted: {e}. Fix the marked error first."
                ))),
            });
        })
    };
    // Files and folders dropped anywhere on the page are opened as a project.
    let on_dragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_dragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let on_drop = {
        let (dragging, dropped) = (dragging.clone(), dropped.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(data) = e.data_transfer() else {
                return;
            };
            let dropped = dropped.clone();
            services::extras::read_files(crate::bindings::files_from_drop(&data), move |r| {
                if let Ok(files) = r {
                    dropped.set(Some(Rc::new(files)));
                }
            });
        })
    };

    // Page-wide shortcuts (the editor handles its own while focused): Ctrl/Cmd+Enter runs, F10
    // steps.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |e: web_sys::KeyboardEvent| {
                    let in_editor = e
                        .target()
                        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                        .is_some_and(|el| el.closest(".cm-editor").ok().flatten().is_some());
                    if in_editor {
                        return;
                    }
                    if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                        e.prevent_default();
                        d.dispatch(Action::Run);
                    } else if e.key() == "F10" {
                        e.prevent_default();
                        d.dispatch(Action::Step);
                    }
                },
            );
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "keydown",
                    wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                    );
                }
            }
        });
    }

    html! {
        <div class={classes!("app", dark.then_some("dark"), dragging.then_some("dragging"))} ondragover={on_dragover} ondragleave={on_dragleave} ondrop={on_drop}>
            if *dragging {
                <div class="drop-overlay" aria-hidden="true">{ "Drop files or a project folder to open them" }</div>
            }
            <header class="top">
                <h1>{ "ASL Playground" }</h1>
                <select data-testid="examples" onchange={on_example} aria-label="Load an example">
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for EXAMPLES.iter().enumerate().map(|(i, e)| html! { <option value={i.to_string()}>{ e.title }</option> }) }
                </select>
                <OpenProject ws={state.ws.clone()} dropped={(*dropped).clone()}
                    on_open={ let d = state.dispatcher(); Callback::from(move |ws| d.dispatch(Action::OpenProject(Box::new(ws)))) } />
                <ShareBar ws={state.ws.clone()} notice={state.link_notice.clone()}
                    on_load={ let d = state.dispatcher(); Callback::from(move |ws| d.dispatch(Action::LoadWorkspace(Box::new(ws)))) }
                    on_exercise={ let d = state.dispatcher(); Callback::from(move |t| d.dispatch(Action::OpenExercise(t))) }
                    on_restore={ let d = state.dispatcher(); Callback::from(move |_| {
                        let ws = storage::backup().or_else(storage::load).map(|v| Workspace::from_value(&v));
                        match ws { Some(ws) => d.dispatch(Action::LoadWorkspace(Box::new(ws))), None => d.dispatch(Action::DismissLinkNotice) }
                    }) }
                    on_dismiss={ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::DismissLinkNotice)) } />
                <select data-testid="exercises" aria-label="Open a workshop exercise" onchange={ let d = state.dispatcher(); Callback::from(move |e: Event| {
                    if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                        let v = s.value();
                        if let Some(text) = crate::exercises::TRACK.iter().find(|t| crate::exercises::title(t).is_some_and(|(id, _)| id == v)) {
                            let text: Rc<str> = Rc::from(*text);
                            d.dispatch(Action::OpenExercise(text));
                        }
                        s.set_value("");
                    }
                }) }>
                    <option value="" selected=true>{ "Exercises…" }</option>
                    { for track.iter().map(|(id, title, done)| html! { <option value={id.clone()}>{ format!("{}{title}", if *done { "✓ " } else { "" }) }</option> }) }
                </select>
                <span class="spacer" />
                <span class="hint">{ "Ctrl/Cmd+Enter run · F10 step" }</span>
                <button onclick={toggle_theme} aria-label="Toggle dark theme">{ if *dark { "☀ Light" } else { "☾ Dark" } }</button>
                <span class="version" data-testid="engine-version">{ format!("engine {}", engine::VERSION) }</span>
            </header>
            <main class="panes">
                <section class="left">
                    <MachineTabs tabs={state.ws.tabs().into_iter().map(|m| (AttrValue::from(m.name.to_string()), m.workflow_type)).collect::<Vec<_>>()} open={state.ws.position}
                        on_open={ let d = state.dispatcher(); Callback::from(move |i| d.dispatch(Action::OpenMachine(i))) }
                        on_add={act(|| Action::AddMachine)} on_remove={act(|| Action::RemoveMachine)} on_rename={dispatch(Action::RenameMachine)} />
                    if state.ws.exercise.is_some() {
                        <ExercisePanel ws={state.ws.clone()} run={state.run.clone()}
                            on_close={act(|| Action::CloseExercise)} on_solution={act(|| Action::ShowSolution)} />
                    }
                    <Editor text={state.ws.definition.clone()} revision={state.editor_rev} diagnostics={diagnostics.clone()} {highlight} dark={*dark} {format} {on_convert}
                        on_change={dispatch(Action::SetDefinition)} {on_cursor} on_run={act(|| Action::Run)} on_step={act(|| Action::Step)} />
                    if let Some(e) = &*convert_error { <p class="error convert-error" role="alert">{ e }</p> }
                    <SubstitutionsPanel uses={uses.clone()} set={state.ws.substitutions.clone()} {format}
                        on_set={ let d = state.dispatcher(); Callback::from(move |(n, v)| d.dispatch(Action::SetSubstitution(n, v))) }
                        on_locate={ let located = located.clone(); Callback::from(move |span| located.set(Some(span))) }
                        line_of={ let text = (*settled).clone(); Callback::from(move |offset: usize| engine::syntax::json::line_col(&text, offset)) } />
                    <Diagnostics diagnostics={diagnostics.clone()} on_pick={on_pick_diag} />
                </section>
                <section class="middle">
                    if let (Some((_, machine, started_by, ty)), Some((l, st, tk, it))) = (&child_run, &child_view) {
                        <div class="child-banner" data-testid="child-banner">
                            { format!("Child execution of '{machine}' ({}) started by '{started_by}'. ", ty.as_str()) }
                            <button data-testid="back-to-parent" onclick={ let d = state.dispatcher(); Callback::from(move |_: MouseEvent| d.dispatch(Action::ViewChild(None))) }>{ "Back to the parent" }</button>
                        </div>
                        <Graph layout={l.clone()} statuses={st.clone()} taken={tk.clone()} iterations={it.clone()} selected={state.selected.clone()} stale={false} on_select={on_select.clone()} />
                    } else {
                        <Graph layout={shown_layout} statuses={node_status} {taken} {iterations} selected={state.selected.clone()} {stale} on_select={on_select.clone()}
                            on_test={ let d = state.dispatcher(); Callback::from(move |n: Rc<str>| { d.dispatch(Action::Select(Some(n.clone()))); d.dispatch(Action::OpenTest(Some(n))); }) } />
                    }
                    if let (Some(sel), None, None) = (&state.selected, &state.test, &child_run) {
                        <button class="test-open" data-testid="test-state-open" title="Run this state alone, as AWS's TestState API does, with a mocked result or error"
                            onclick={ let (d, sel) = (state.dispatcher(), sel.clone()); Callback::from(move |_: MouseEvent| d.dispatch(Action::OpenTest(Some(sel.clone())))) }>
                            { format!("Test '{sel}'…") }
                        </button>
                    }
                    if let Some((map, count, current)) = map_pick {
                        <div class="iteration-picker">
                            <label>{ format!("{map}: {count} iteration{} · show ", if count == 1 { "" } else { "s" }) }
                                <select data-testid="iteration-picker" aria-label="Map iteration" onchange={ let d = state.dispatcher(); let map = map.clone(); Callback::from(move |e: Event| {
                                    if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                                        d.dispatch(Action::PickIteration(s.value().parse::<usize>().ok().map(|i| (map.clone(), i))));
                                    }
                                }) }>
                                    <option value="" selected={current.is_none()}>{ "all iterations" }</option>
                                    // A long Map lists its first 1,000 iterations here.
                                    { for (0..count.min(1000)).map(|i| html! { <option value={i.to_string()} selected={current == Some(i)}>{ format!("iteration #{i}") }</option> }) }
                                </select>
                            </label>
                        </div>
                    }
                    if let (Some(name), None) = (&state.test, &child_run) {
                        <TestStatePanel state={name.clone()} definition={(*settled).clone()} substitutions={state.ws.substitutions.clone()} input={test_input.clone()} answer={state.test_answer.clone()}
                            on_answer={ let d = state.dispatcher(); Callback::from(move |a| d.dispatch(Action::TestAnswer(a))) }
                            on_close={ let d = state.dispatcher(); Callback::from(move |_| d.dispatch(Action::OpenTest(None))) } />
                    } else if let Some((child, _, _, _)) = &child_run {
                        <Inspector run={child.clone()} selected={state.selected.clone()} visit={state.visit} on_visit={ let d = state.dispatcher(); Callback::from(move |v| d.dispatch(Action::SelectVisit(v))) } />
                    } else if let Some(run) = &state.run {
                        <Inspector run={run.clone()} selected={state.selected.clone()} visit={state.visit} on_visit={ let d = state.dispatcher(); Callback::from(move |v| d.dispatch(Action::SelectVisit(v))) } />
                    } else {
                        <section class="inspector" data-testid="inspector"><p class="hint">{ "Run or step the state machine; then pick a state to see each data-flow stage." }</p></section>
                    }
                </section>
                <section class="right">
                    <RunPanel workflow_type={workflow_type} input={AttrValue::from(state.ws.input.to_string())} mocks={AttrValue::from(state.ws.mocks.to_string())}
                        test_case={AttrValue::from(state.ws.test_case.to_string())} test_cases={test_cases(&state.ws.mocks)}
                        run={state.run.clone()} running={state.running} error={state.run_error.clone()} {can_run} notice={jsonata_notice}
                        on_type={ let d = state.dispatcher(); Callback::from(move |t: WorkflowType| d.dispatch(Action::SetType(t))) }
                        on_input={dispatch(Action::SetInput)} on_mocks={dispatch(Action::SetMocks)} on_test_case={dispatch(Action::SetTestCase)}
                        on_run={act(|| Action::Run)} on_step={act(|| Action::Step)} on_continue={act(|| Action::Continue)}
                        on_cancel={act(|| Action::Cancel)} on_reset={act(|| Action::Reset)}
                        on_callback={ let d = state.dispatcher(); Callback::from(move |a| d.dispatch(Action::Callback(a))) }
                        s3={AttrValue::from(state.ws.s3.to_string())} on_s3={dispatch(Action::SetS3)}
                        at_least_once={state.ws.at_least_once} on_at_least_once={ let d = state.dispatcher(); Callback::from(move |b| d.dispatch(Action::SetAtLeastOnce(b))) } />
                    <ToAws ws={state.ws.clone()} />
                    if let Some(run) = &state.run {
                        <RunExtras run={run.clone()} on_view_child={ let d = state.dispatcher(); Callback::from(move |c| d.dispatch(Action::ViewChild(Some(c)))) } />
                    }
                    <CostMeter inputs={cost} executions={state.executions_per_month} free_tier={state.free_tier}
                        on_executions={ let d = state.dispatcher(); Callback::from(move |n| d.dispatch(Action::SetExecutions(n))) }
                        on_free_tier={ let d = state.dispatcher(); Callback::from(move |b| d.dispatch(Action::SetFreeTier(b))) }>
                        if let Some(run) = &state.run {
                            <MoveAdvisor run={run.clone()} states={top_states.clone()} executions={state.executions_per_month} free_tier={state.free_tier} />
                        }
                    </CostMeter>
                    if let Some((child, _, _, _)) = &child_run {
                        <History run={child.clone()} running={false} on_select_state={ let s = on_select.clone(); Callback::from(move |n| s.emit(Some(n))) } />
                    } else if let Some(run) = &state.run {
                        <History run={run.clone()} running={state.running} on_select_state={ let s = on_select.clone(); Callback::from(move |n| s.emit(Some(n))) } />
                    }
                </section>
            </main>
        </div>
    }
}
