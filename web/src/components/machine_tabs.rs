//! The workspace's state machines as tabs above the editor: open, add, rename, remove. The
//! open machine is the one that runs; `states:startExecution` Tasks start the others by name.

use crate::state::{on_click, use_dispatch, Action, MachineDoc};
use engine::model::WorkflowType;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// In tab order.
    pub machines: Rc<Vec<MachineDoc>>,
    pub open: usize,
}

#[function_component(MachineTabs)]
pub fn machine_tabs(p: &Props) -> Html {
    let d = use_dispatch();
    let renaming = use_state(|| false);
    let tabs = p.machines.iter().enumerate().map(|(i, m)| {
        let (name, ty) = (AttrValue::from(m.name.clone()), m.workflow_type);
        let open = i == p.open;
        let on_open = {
            let (d, renaming) = (d.clone(), renaming.clone());
            Callback::from(move |_: MouseEvent| {
                if open {
                    renaming.set(true);
                } else {
                    d.dispatch(Action::OpenMachine(i));
                }
            })
        };
        let badge = match ty {
            WorkflowType::Standard => "STD",
            WorkflowType::Express => "EXP",
        };
        if open && *renaming {
            let done = {
                let (d, renaming) = (d.clone(), renaming.clone());
                Callback::from(move |e: FocusEvent| {
                    if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                        d.dispatch(Action::RenameMachine(i.value()));
                    }
                    renaming.set(false);
                })
            };
            let keys = Callback::from(|e: KeyboardEvent| {
                if e.key() == "Enter" {
                    if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                        let _ = i.blur();
                    }
                }
            });
            html! { <input class="tab-rename" data-testid="machine-rename" value={name.clone()} onblur={done} onkeydown={keys} aria-label="Machine name" /> }
        } else {
            html! {
                <button class={classes!("tab", open.then_some("open"))} data-testid="machine-tab" data-name={name.clone()} onclick={on_open}
                    title={if open { "The machine that runs; click to rename" } else { "Open this machine" }}>
                    { name.clone() }<small>{ badge }</small>
                </button>
            }
        }
    });
    let add = on_click(&d, || Action::AddMachine);
    let remove = on_click(&d, || Action::RemoveMachine);
    html! {
        <nav class="machine-tabs" aria-label="State machines">
            { for tabs }
            <button class="tab add" data-testid="machine-add" onclick={add} title="Add a state machine (start it from another with states:startExecution)">{ "+" }</button>
            if p.machines.len() > 1 {
                <button class="tab remove" onclick={remove} title="Remove the open machine">{ "✕" }</button>
            }
        </nav>
    }
}
