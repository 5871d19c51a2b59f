//! What a run started besides its own states: child executions (`states:startExecution`),
//! Distributed Map runs (counters, sampled children, ResultWriter's files) and, for
//! asynchronous Express, the at-least-once report.

use crate::state::{on_click, use_dispatch, Action, ChildRef, RunHandle};
use engine::run::Status;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunHandle,
}

fn status_text(s: &Status) -> String {
    match s {
        Status::Failed { error, .. } | Status::TimedOut { error, .. } => {
            format!("{} ({})", s.name(), error.as_deref().unwrap_or("no error"))
        }
        _ => s.name().to_string(),
    }
}

#[function_component(RunExtras)]
pub fn run_extras(p: &Props) -> Html {
    let d = use_dispatch();
    let exec = p.run.exec.borrow();
    if !exec.status().is_finished() {
        return html! {};
    }
    let nested = exec.nested();
    let runs = exec.map_runs();
    let dups = exec.duplicates();
    if nested.is_empty() && runs.is_empty() && dups.is_empty() {
        return html! {};
    }
    let children = nested.iter().enumerate().map(|(i, n)| {
        let child = n.execution.borrow();
        let view = on_click(&d, move || Action::ViewChild(Some(ChildRef::Nested(i))));
        html! {
            <li data-testid="child-execution">
                <button onclick={view} data-testid="open-child">{ "Open" }</button>
                { format!(" {} ({}) started by '{}': {}, {} transitions, {} ms", n.machine, child.config().workflow_type.as_str(), n.state, status_text(child.status()), child.transitions(), child.duration_ms()) }
            </li>
        }
    });
    let map_runs = runs.iter().enumerate().map(|(ri, r)| {
        let samples = r.samples.iter().enumerate().map(|(si, s)| {
            let open = on_click(&d, move || Action::ViewChild(Some(ChildRef::MapSample(ri, si))));
            html! {
                <li data-testid="map-child">
                    <button class="link" onclick={open} data-testid="open-map-child">{ format!("child #{} {}", s.index, status_text(&s.status)) }</button>
                    <small>{ format!(" input {}", clip(&s.input.to_json())) }</small>
                </li>
            }
        });
        let tolerated = match (r.tolerated_failure_count, r.tolerated_failure_percentage) {
            (None, None) => "no failures tolerated".to_string(),
            (c, p) => [c.map(|c| format!("{c} items")), p.map(|p| format!("{p}%"))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" or "),
        };
        html! {
            <div class="map-run" data-testid="map-run">
                <h4>{ format!("Map Run of '{}'{} · {}", r.state, r.label.as_ref().map(|l| format!(" ({l})")).unwrap_or_default(), r.status) }</h4>
                <p>{ format!("{} items in {} {} children: {} items succeeded, {} failed (tolerated: {tolerated}); children's transitions {}, billed {} ms", r.items, r.children, r.execution_type.as_str(), r.succeeded_items, r.failed_items, r.child_transitions, r.child_billed_ms) }</p>
                <details><summary>{ format!("{} sampled children (the first {} and failed ones)", r.samples.len(), r.samples.len().min(20)) }</summary><ul>{ for samples }</ul></details>
                if !r.written.is_empty() {
                    <details><summary>{ format!("ResultWriter wrote {} files", r.written.len()) }</summary>
                        { for r.written.iter().map(|(k, t)| html! { <div><code>{ k.clone() }</code><pre>{ clip(t) }</pre></div> }) }
                    </details>
                }
            </div>
        }
    });
    html! {
        <section class="run-extras">
            if !nested.is_empty() {
                <h3>{ "Child executions" }</h3>
                <ul>{ for children }</ul>
            }
            { for map_runs }
            if !dups.is_empty() {
                <h3>{ "At-least-once delivery" }</h3>
                <ul data-testid="duplicates">
                    { for dups.iter().map(|d| html! {
                        <li class={classes!(d.changes_result.then_some("warn"))}>
                            { format!("{} (invocation #{}){}{}", d.state, d.invocation, if d.redelivered { ": delivered twice in this run" } else { "" },
                                if d.changes_result { " · not idempotent: a second delivery answers differently" } else { " · idempotent" }) }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn clip(s: &str) -> String {
    const MAX: usize = 4000;
    if s.len() > MAX {
        format!(
            "{}… ({} bytes)",
            &s[..engine::syntax::json::floor_char_boundary(s, MAX)],
            s.len()
        )
    } else {
        s.to_string()
    }
}
