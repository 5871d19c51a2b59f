//! The execution history as AWS's event types, filterable and downloadable as JSON.

use crate::state::{use_dispatch, Action, RunHandle};
use engine::syntax::time::format_rfc3339_millis;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunHandle,
    /// A run-to-end is in progress: render fewer rows per frame.
    #[prop_or_default]
    pub running: bool,
}

#[function_component(History)]
pub fn history(props: &Props) -> Html {
    let d = use_dispatch();
    let filter = use_state(String::new);
    let exec = props.run.exec.borrow();
    let start = exec.config().start_time_ms;
    let f = filter.to_lowercase();
    let events = exec.history();
    // Long histories show their last rows; the download has them all.
    let shown: usize = if props.running { 50 } else { 500 };
    let rows: Vec<Html> = events
        .iter()
        .filter(|e| f.is_empty() || e.kind.type_name().to_lowercase().contains(&f) || e.kind.state_name().is_some_and(|n| n.to_lowercase().contains(&f)))
        .rev()
        .take(shown)
        .map(|e| {
            let name = e.kind.state_name().cloned();
            let onclick = {
                let (d, name) = (d.clone(), name.clone());
                Callback::from(move |_| {
                    if let Some(n) = &name {
                        d.dispatch(Action::PickState(Some(n.clone())));
                    }
                })
            };
            let t = e.kind.type_name();
            let class = if t.ends_with("Failed") || t.ends_with("TimedOut") { "failed" } else if t.ends_with("Succeeded") { "succeeded" } else { "" };
            html! {
                <tr data-testid="history-row" class={class} {onclick}>
                    <td>{ e.id }</td>
                    <td>{ t }</td>
                    <td>{ name.as_deref().unwrap_or("") }</td>
                    <td title={format_rfc3339_millis(e.timestamp_ms)}>{ format!("+{:.3}s", (e.timestamp_ms - start) as f64 / 1000.0) }</td>
                </tr>
            }
        })
        .collect();
    let total = events.len();
    let download = {
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| {
            let v = engine::api::history_value(&run.exec.borrow());
            crate::services::download(
                "execution-history.json",
                "application/json",
                &engine::obj! { "events" => v }.to_json_pretty(),
            );
        })
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                filter.set(t.value());
            }
        })
    };
    html! {
        <section class="history">
            <header>
                <h3>{ format!("History · {total} events") }</h3>
                <input type="search" placeholder="Filter by type or state" value={(*filter).clone()} {oninput} aria-label="Filter history" />
                <button onclick={download}>{ "Download JSON" }</button>
            </header>
            <div class="table-wrap">
                <table>
                    <thead><tr><th>{"ID"}</th><th>{"Type"}</th><th>{"State"}</th><th>{"Time"}</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if total > shown {
                    <p class="hint">{ format!("Showing the latest {shown} of {total} events (newest first); download for all.") }</p>
                }
            </div>
        </section>
    }
}
