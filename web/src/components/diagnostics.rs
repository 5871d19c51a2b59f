//! The list of diagnostics under the editor; clicking one selects its state.

use crate::state::{on_click, use_dispatch, Action};
use engine::api::{Diagnostic, Severity};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub diagnostics: Rc<Vec<Diagnostic>>,
}

#[function_component(Diagnostics)]
pub fn diagnostics(props: &Props) -> Html {
    let dispatch = use_dispatch();
    let errors = props
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    html! {
        <div class="diagnostics" data-testid="diagnostics" data-errors={errors.to_string()}>
            if props.diagnostics.is_empty() {
                <span class="ok">{ "✓ Valid state machine" }</span>
            }
            <ul>
                { for props.diagnostics.iter().map(|d| {
                    let loc = d.location.clone().unwrap_or_default();
                    let state = crate::app::derived::state_of_pointer(&loc);
                    let pick = on_click(&dispatch, move || Action::Select(state.clone()));
                    html! {
                        <li class={if d.severity == Severity::Error { "error" } else { "warning" }} onclick={pick}>
                            <span class="pos">{ format!("{}:{}", d.start.0, d.start.1) }</span>
                            <span class="code">{ d.code }</span>
                            <span class="msg">{ d.message.clone() }</span>
                            <span class="loc">{ loc }</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
