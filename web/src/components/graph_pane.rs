//! The middle pane: the graph of the open machine (or of a child execution opened from the
//! run), "Test this state", the Map iteration picker, and below them the TestState form or
//! the data-flow inspector.

use crate::app::derived::{ByPtr, ChildRun, RunMarks};
use crate::components::{inspector::Inspector, test_state::TestStatePanel};
use crate::graph::{layout::Layout, Graph};
use crate::services::extras::TestReply;
use crate::state::{on_click, use_dispatch, Action, RunSession};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub layout: ByPtr<Layout>,
    pub marks: RunMarks,
    /// The definition is broken: the last good graph is shown, dimmed.
    pub stale: bool,
    pub selected: Option<Rc<str>>,
    pub session: RunSession,
    /// A child execution shown instead of the run, with its own layout and marks.
    pub child: Option<(ChildRun, ByPtr<Layout>, RunMarks)>,
    /// "Test this state": the state, its answer, the input it starts from.
    pub test: Option<Rc<str>>,
    pub test_answer: Option<Rc<TestReply>>,
    pub test_input: Rc<str>,
    /// The settled definition the TestState form tests.
    pub settled: Rc<str>,
    /// The selected Map: its name, iterations run, the one shown.
    pub map_pick: Option<(Rc<str>, usize, Option<usize>)>,
}

fn iteration_picker(
    map: &Rc<str>,
    count: usize,
    current: Option<usize>,
    d: &crate::state::Dispatch,
) -> Html {
    let onchange = {
        let (d, map) = (d.clone(), map.clone());
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let picked = s.value().parse::<usize>().ok().map(|i| (map.clone(), i));
                d.dispatch(Action::PickIteration(picked));
            }
        })
    };
    html! {
        <div class="iteration-picker">
            <label>{ format!("{map}: {count} iteration{} · show ", if count == 1 { "" } else { "s" }) }
                <select data-testid="iteration-picker" aria-label="Map iteration" {onchange}>
                    <option value="" selected={current.is_none()}>{ "all iterations" }</option>
                    // A long Map lists its first 1,000 iterations here.
                    { for (0..count.min(1000)).map(|i| html! { <option value={i.to_string()} selected={current == Some(i)}>{ format!("iteration #{i}") }</option> }) }
                </select>
            </label>
        </div>
    }
}

#[function_component(GraphPane)]
pub fn graph_pane(p: &Props) -> Html {
    let d = use_dispatch();
    let graph = match &p.child {
        Some((child, layout, marks)) => html! {
            <>
            <div class="child-banner" data-testid="child-banner">
                { format!("Child execution of '{}' ({}) started by '{}'. ", child.machine, child.workflow_type.as_str(), child.started_by) }
                <button data-testid="back-to-parent" onclick={on_click(&d, || Action::ViewChild(None))}>{ "Back to the parent" }</button>
            </div>
            <Graph layout={layout.0.clone()} statuses={marks.statuses.clone()} taken={marks.taken.clone()} iterations={marks.iterations.clone()} selected={p.selected.clone()} stale={false} />
            </>
        },
        None => html! {
            <Graph layout={p.layout.0.clone()} statuses={p.marks.statuses.clone()} taken={p.marks.taken.clone()} iterations={p.marks.iterations.clone()} selected={p.selected.clone()} stale={p.stale} testable=true />
        },
    };
    let child = p.child.as_ref().map(|(c, _, _)| c);
    let below = match (&p.test, child, &p.session.run) {
        (Some(name), None, _) => html! {
            <TestStatePanel state={name.clone()} definition={p.settled.clone()} input={AttrValue::from(p.test_input.clone())} answer={p.test_answer.clone()} />
        },
        (_, Some(c), _) => {
            html! { <Inspector run={c.handle.clone()} selected={p.selected.clone()} visit={p.session.visit} /> }
        }
        (_, None, Some(run)) => {
            html! { <Inspector run={run.clone()} selected={p.selected.clone()} visit={p.session.visit} /> }
        }
        _ => html! {
            <section class="inspector" data-testid="inspector"><p class="hint">{ "Run or step the state machine; then pick a state to see each data-flow stage." }</p></section>
        },
    };
    html! {
        <section class="middle">
            { graph }
            if let (Some(sel), None, None) = (&p.selected, &p.test, child) {
                <button class="test-open" data-testid="test-state-open" title="Run this state alone, as AWS's TestState API does, with a mocked result or error"
                    onclick={ let sel = sel.clone(); on_click(&d, move || Action::OpenTest(Some(sel.clone()))) }>
                    { format!("Test '{sel}'…") }
                </button>
            }
            if let Some((map, count, current)) = &p.map_pick {
                { iteration_picker(map, *count, *current, &d) }
            }
            { below }
        </section>
    }
}
