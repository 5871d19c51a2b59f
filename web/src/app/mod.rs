//! The page's root: one reducer (`state::AppState`) whose dispatcher every component reads
//! from the context, derived data memoised (`derived`: validation, layout, run marks, cost),
//! browser effects as hooks (`effects`). The three panes and the header get data as props.

pub mod derived;
mod effects;

use crate::components::{
    cost_meter::CostFigures, definition_pane::DefinitionPane, graph_pane::GraphPane,
    run_pane::RunPane, top_bar::TopBar,
};
use crate::graph::layout::{self, Layout};
use crate::run_view::RunView;
use crate::services;
use crate::state::{Action, Dispatch, ModuleStatus, Saving};
use derived::{ByPtr, RunMarks};
use engine::api::{self, Diagnostic};
use std::rc::Rc;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(effects::initial_state);
    let d = state.dispatcher();
    effects::use_link_sync(&state.ws);
    effects::use_autosave(
        &state.ws,
        state.work_is_own(),
        &state.kept_aside,
        matches!(state.saving, Saving::OtherTab(_)),
        d.clone(),
    );
    effects::use_outside_changes(d.clone());
    effects::use_shortcuts(d.clone());
    effects::use_test_calls(state.test_call.clone(), d.clone());
    effects::use_run_ahead(state.session.ahead.clone(), d.clone());
    let files = effects::use_file_drop();
    let machine = state.ws.machine();

    // Debounced definition → validation → layout (the last good layout stays while broken).
    let settled = effects::use_settled_definition(&machine.definition, state.editor_rev);
    // JSONata: the module is fetched the first time a definition uses it. YAML: the extras
    // module, the first time a definition is YAML (any tab's, since the open one may start
    // the others). Validation runs again once either is there.
    // (Any machine's: the open one may start the others, and a run waits for the module.)
    let uses_jsonata = services::jsonata::used_in(&settled)
        || state
            .ws
            .others()
            .any(|m| services::jsonata::used_in(&m.definition));
    let uses_yaml = services::extras::needed_for(&settled)
        || state
            .ws
            .others()
            .any(|m| services::extras::needed_for(&m.definition));
    effects::use_on_demand_module(
        uses_jsonata,
        &state.jsonata,
        services::jsonata::load,
        d.clone(),
        Action::Jsonata,
    );
    effects::use_on_demand_module(
        uses_yaml,
        &state.extras,
        services::extras::load,
        d.clone(),
        Action::Extras,
    );
    let validation = use_memo(
        (
            settled.clone(),
            machine.workflow_type,
            state.jsonata == ModuleStatus::Ready,
            state.extras == ModuleStatus::Ready,
            machine.substitutions.clone(),
        ),
        |(d, t, _, _, subs)| api::validate_with(d, *t, subs),
    );
    let uses = use_memo(ByPtr(validation.clone()), |v| {
        Rc::new(v.0.substitutions.clone())
    });
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

    let session = &state.session;
    effects::use_run_slices(
        session.running,
        session.run.as_ref().map(|r| r.rev),
        d.clone(),
    );
    // The run's marks, kept up to date incrementally (a long run reads only what is new).
    let run_view = use_mut_ref(RunView::default);
    let run_marks = use_memo(session.run.clone(), move |run| {
        run.as_ref().map_or_else(RunMarks::default, |r| {
            let mut view = run_view.borrow_mut();
            view.update(&r.exec);
            RunMarks::of(&view)
        })
    });
    let graph = validation.machine.as_ref().map(|m| &*m.graph);
    let marks = derived::graph_marks(&state, graph, (*run_marks).clone());
    // A child execution opened from the run: the graph, inspector and history show it.
    let child = derived::child_view(session);
    // Priced when the run advances or the month changes, not on every keystroke.
    let cost_inputs = use_memo(session.run.clone(), |run| {
        run.as_ref().and_then(derived::cost_inputs)
    });
    let cost = use_memo(
        (
            ByPtr(cost_inputs),
            state.executions_per_month,
            state.free_tier,
        ),
        |(inputs, n, free)| {
            (*inputs.0)
                .clone()
                .map(|i| Rc::new(CostFigures::new(i, *n, *free)))
        },
    );
    // The exercise track and its progress: read again when an exercise opens or closes or a
    // run finishes (a finished run may complete one), not on every render.
    let finished_rev = session
        .run
        .as_ref()
        .filter(|r| r.exec.borrow().status().is_finished())
        .map(|r| r.rev);
    let track = use_memo((state.ws.exercise.is_some(), finished_rev), |_| {
        crate::components::exercise_panel::track()
    });
    let test_cases = use_memo(state.ws.mocks.clone(), |m| derived::test_cases(m));
    let notice = derived::module_notice((&state.jsonata, uses_jsonata), (&state.extras, uses_yaml));
    let can_run = validation.is_valid() && !stale && notice.is_none();
    let highlight = state.located.or_else(|| {
        let s = derived::find_state(graph?, state.selected.as_deref()?)?;
        Some((s.span.start, s.body.end.max(s.span.end)))
    });

    html! {
        <ContextProvider<Dispatch> context={d}>
        <div class={classes!("app", state.dark.then_some("dark"), files.dragging.then_some("dragging"))} ondragover={files.on_dragover} ondragleave={files.on_dragleave} ondrop={files.on_drop}>
            if files.dragging {
                <div class="drop-overlay" aria-hidden="true">{ "Drop files or a project folder to open them" }</div>
            }
            <TopBar ws={state.ws.clone()} notice={state.link_notice.clone()} saving={state.saving.clone()} dropped={files.dropped.clone()} track={track.clone()} dark={state.dark} />
            <main class="panes">
                <DefinitionPane ws={state.ws.clone()} run={session.run.clone()} editor_rev={state.editor_rev} dark={state.dark}
                    settled={settled.clone()} validation={ByPtr(validation.clone())} diagnostics={diagnostics.clone()} uses={(*uses).clone()}
                    {highlight} located={state.located} />
                <GraphPane layout={ByPtr(shown_layout)} {marks} {stale} selected={state.selected.clone()} session={session.clone()}
                    child={child.clone()} test={state.test.clone()} test_answer={state.test_answer.clone()} test_input={derived::test_input(&state)}
                    settled={settled.clone()} map_pick={derived::map_pick(&state, &run_marks.iterations)} />
                <RunPane ws={state.ws.clone()} session={session.clone()} test_cases={test_cases} {can_run} notice={notice.map(AttrValue::from)}
                    cost={(*cost).clone()} executions={state.executions_per_month} free_tier={state.free_tier}
                    top_states={derived::top_states(graph)} child={child.map(|(c, _, _)| c)} />
            </main>
        </div>
        </ContextProvider<Dispatch>>
    }
}
