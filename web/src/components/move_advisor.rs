//! "Move to Express": pick a block of top-level states; the engine's advisor prices the run as
//! a Standard parent with that block in a nested Express child and reports the monthly
//! saving, or why AWS would not allow it.

use crate::components::cost_meter::usd;
use crate::state::RunHandle;
use engine::aws::cost::Pricing;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunHandle,
    /// The machine's top-level states, in definition order.
    pub states: Rc<Vec<Rc<str>>>,
    pub executions: u64,
    pub free_tier: bool,
}

#[function_component(MoveAdvisor)]
pub fn move_advisor(p: &Props) -> Html {
    let picked = use_state(Vec::<Rc<str>>::new);
    // Priced when the pick, the run or the month changes, not on every render.
    let advice = use_memo(
        ((*picked).clone(), p.run.clone(), p.executions, p.free_tier),
        |(picked, run, executions, free_tier)| {
            let exec = run.exec.borrow();
            let names: Vec<&str> = picked.iter().map(|s| &**s).collect();
            let pricing = Pricing {
                free_tier: *free_tier,
                ..Pricing::default()
            };
            (exec.status().is_finished() && !names.is_empty())
                .then(|| engine::aws::advisor::advise(&exec, &names, *executions as f64, pricing))
        },
    );
    if !p.run.exec.borrow().status().is_finished() {
        return html! {};
    }
    let boxes = p.states.iter().map(|name| {
        let checked = picked.contains(name);
        let toggle = {
            let (picked, name) = (picked.clone(), name.clone());
            Callback::from(move |_: Event| {
                let mut v = (*picked).clone();
                if let Some(i) = v.iter().position(|n| *n == name) {
                    v.remove(i);
                } else {
                    v.push(name.clone());
                }
                picked.set(v);
            })
        };
        html! { <label class="pick"><input type="checkbox" {checked} onchange={toggle} data-testid="move-state" data-state={name.to_string()} />{ format!(" {name}") }</label> }
    });
    let result = match &*advice {
        None => {
            html! { <p class="hint">{ "Pick a run of states, or one Parallel or Map, to price it as a nested Express child." }</p> }
        }
        Some(a) => match (&a.refused, a.nested, a.saving) {
            (Some(why), _, _) => {
                html! { <p class="warn" data-testid="move-result">{ format!("AWS would not allow this move: {why}.") }</p> }
            }
            (None, Some(nested), Some(saving)) => html! {
                <p data-testid="move-result">
                    { format!("Standard parent + nested Express child: {} / month ({} transitions move out, {} child run(s), {:.0} ms in the child per execution). ", usd(nested), a.moved_transitions, a.child_runs, a.child_duration_ms) }
                    <strong>{ if saving >= 0.0 { format!("Saves {} / month against Standard.", usd(saving)) } else { format!("Costs {} / month more than Standard.", usd(-saving)) } }</strong>
                </p>
            },
            _ => html! {},
        },
    };
    html! {
        <details class="advisor" data-testid="move-advisor">
            <summary>{ "Move states into a nested Express child…" }</summary>
            <div class="picks">{ for boxes }</div>
            { result }
        </details>
    }
}
