//! The workspace's state machines as tabs above the editor: open, add, rename, remove. The
//! open machine is the one that runs; `states:startExecution` Tasks start the others by name.

use engine::model::WorkflowType;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// (name, type) in tab order.
    pub tabs: Vec<(AttrValue, WorkflowType)>,
    pub open: usize,
    pub on_open: Callback<usize>,
    pub on_add: Callback<()>,
    pub on_rename: Callback<String>,
    pub on_remove: Callback<()>,
}

#[function_component(MachineTabs)]
pub fn machine_tabs(p: &Props) -> Html {
    let renaming = use_state(|| false);
    let tabs = p.tabs.iter().enumerate().map(|(i, (name, ty))| {
        let open = i == p.open;
        let on_open = {
            let (cb, renaming) = (p.on_open.clone(), renaming.clone());
            Callback::from(move |_: MouseEvent| {
                if open {
                    renaming.set(true);
                } else {
                    cb.emit(i);
                }
            })
        };
        let badge = match ty {
            WorkflowType::Standard => "STD",
            WorkflowType::Express => "EXP",
        };
        if open && *renaming {
            let done = {
                let (cb, renaming) = (p.on_rename.clone(), renaming.clone());
                Callback::from(move |e: FocusEvent| {
                    if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                        cb.emit(i.value());
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
    let add = {
        let cb = p.on_add.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let remove = {
        let cb = p.on_remove.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <nav class="machine-tabs" aria-label="State machines">
            { for tabs }
            <button class="tab add" data-testid="machine-add" onclick={add} title="Add a state machine (start it from another with states:startExecution)">{ "+" }</button>
            if p.tabs.len() > 1 {
                <button class="tab remove" onclick={remove} title="Remove the open machine">{ "✕" }</button>
            }
        </nav>
    }
}
