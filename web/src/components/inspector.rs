//! The data-flow inspector: for one visit of one state, each stage side by side, under the
//! TestState API's names. Like the console's Data Flow Simulator, but for every state of a
//! real run.

use crate::state::{use_dispatch, Action, RunHandle};
use engine::syntax::json::Value;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunHandle,
    pub selected: Option<Rc<str>>,
    pub visit: Option<usize>,
}

fn stage(title: &str, note: &str, v: Option<&Value>) -> Html {
    match v {
        Some(v) => html! {
            <div class="stage">
                <h4>{ title }<small>{ note }</small></h4>
                <pre>{ clip(v.to_json_pretty()) }</pre>
            </div>
        },
        None => html! {},
    }
}

fn clip(s: String) -> String {
    const MAX: usize = 20_000;
    if s.len() > MAX {
        format!(
            "{}\n… ({} more characters)",
            &s[..engine::syntax::json::floor_char_boundary(&s, MAX)],
            s.len() - MAX
        )
    } else {
        s
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    let d = use_dispatch();
    let exec = props.run.exec.borrow();
    let revealed = exec.history().len() as u64;
    let visits: Vec<(usize, &engine::run::Visit)> = exec
        .visits()
        .iter()
        .enumerate()
        .filter(|(_, v)| {
            v.entered_event <= revealed && props.selected.as_deref().is_none_or(|s| s == &*v.state)
        })
        .collect();
    if visits.is_empty() {
        return html! { <section class="inspector" data-testid="inspector"><p class="hint">{ "Select a state that ran to see its data flow." }</p></section> };
    }
    let current = props
        .visit
        .and_then(|i| visits.iter().position(|(vi, _)| *vi == i))
        .unwrap_or(visits.len() - 1);
    let (_, v) = visits[current];
    let exited = v.exited_event.is_some_and(|e| e <= revealed);
    // The picker lists the latest visits only (a Map may have thousands).
    const PICKER: usize = 200;
    let first = visits.len().saturating_sub(PICKER).min(current);
    let options: Html = visits
        .iter()
        .enumerate()
        .skip(first)
        .map(|(k, (vi, vv))| {
            let label = match vv.iteration {
                Some(i) => format!("{} #{k} (iteration/branch {i})", vv.state),
                None => format!("{} #{k}", vv.state),
            };
            html! { <option value={vi.to_string()} selected={k == current}>{ label }</option> }
        })
        .collect();
    let onchange = {
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                d.dispatch(Action::SelectVisit(s.value().parse().ok()));
            }
        })
    };
    html! {
        <section class="inspector" data-testid="inspector">
            <header>
                <h3>{ format!("{} · {}", v.state, v.state_type) }</h3>
                <select {onchange} aria-label="Visit">{ options }</select>
                if v.retries > 0 && (exited || exec.status().is_finished()) { <span class="badge">{ format!("{} retr{}", v.retries, if v.retries == 1 { "y" } else { "ies" }) }</span> }
            </header>
            <div class="stages">
                { stage("input", "state input", Some(&v.input)) }
                if !v.jsonata { { stage("afterInputPath", "InputPath", v.after_input_path.as_ref()) } }
                if v.jsonata {
                    { stage("arguments", "Arguments", v.after_parameters.as_ref()) }
                } else {
                    { stage("afterParameters", "Parameters", v.after_parameters.as_ref()) }
                }
                { stage("result", "task/state result", v.result.as_ref()) }
                if !v.jsonata {
                    { stage("afterResultSelector", "ResultSelector", v.after_result_selector.as_ref()) }
                    { stage("afterResultPath", "ResultPath", if exited { v.after_result_path.as_ref() } else { None }) }
                }
                { stage("output", if v.jsonata { "Output → next state" } else { "OutputPath → next state" }, if exited { v.output.as_ref() } else { None }) }
                if let Some(a) = v.assigned.as_ref().filter(|_| exited) {
                    { stage("variables", "Assign → from the next state on", Some(&engine::syntax::json::Value::Object(a.clone()))) }
                }
                if let Some(engine::run::VisitError { error: e, cause: c }) = &v.error {
                    <div class="stage error"><h4>{ "error" }</h4><pre>{ format!("{e}\n{}", c.as_deref().unwrap_or("")) }</pre></div>
                }
            </div>
            if let Some(n) = v.next.as_ref().filter(|_| exited) { <p class="hint">{ format!("Next: {n}") }</p> }
        </section>
    }
}
