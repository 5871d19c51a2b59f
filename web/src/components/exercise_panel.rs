//! The open exercise: its instructions (Markdown, read by the extras module and rendered
//! safely), its checks (run on the
//! engine after every finished run, each shown as pass or fail), hints one at a time, the
//! reference solution on demand. Passing every check marks the exercise done (localStorage).

use crate::services::storage;
use crate::state::{on_click, use_dispatch, Action, RunHandle, Workspace};
use engine::playground::exercise::{run_checks, Attempt};
use engine::syntax::json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    pub run: Option<RunHandle>,
}

/// The instructions' and hints' Markdown, as the extras module reads it.
#[derive(Clone, PartialEq)]
enum Rendered {
    Loading,
    Trees(Vec<Value>),
    Failed(String),
}

/// The exercise's instructions and hints as Markdown trees, read by the extras module when
/// the exercise opens.
#[hook]
fn use_rendered_markdown(exercise: Option<std::rc::Rc<str>>) -> UseStateHandle<Rendered> {
    let rendered = use_state(|| Rendered::Loading);
    {
        let rendered = rendered.clone();
        use_effect_with(exercise, move |text| {
            if let Some(text) = text {
                let ex = engine::api::parse_json(text).unwrap_or_default();
                let mut texts = vec![ex
                    .get("instructions")
                    .cloned()
                    .unwrap_or_else(|| Value::from(""))];
                texts.extend(
                    ex.get("hints")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
                rendered.set(Rendered::Loading);
                crate::services::extras::ask(
                    engine::obj! { "op" => "markdown", "texts" => texts },
                    move |r| {
                        rendered.set(match r {
                            Ok(v) => Rendered::Trees(
                                v.get("trees")
                                    .and_then(Value::as_array)
                                    .cloned()
                                    .unwrap_or_default(),
                            ),
                            Err(e) => Rendered::Failed(e),
                        })
                    },
                );
            }
            || ()
        });
    }
    rendered
}

#[function_component(ExercisePanel)]
pub fn exercise_panel(p: &Props) -> Html {
    let d = use_dispatch();
    let hints_shown = use_state(|| 0usize);
    let rendered = use_rendered_markdown(p.ws.exercise.clone());
    // Every hook runs on every render, with or without an exercise (the markup is empty
    // without one).
    let text =
        p.ws.exercise
            .clone()
            .unwrap_or_else(|| std::rc::Rc::from(""));
    // Markdown tree i (0: the instructions, then the hints), or the raw text while it loads.
    let markdown = |i: usize, raw: &str| match &*rendered {
        Rendered::Trees(t) if t.get(i).is_some() => crate::markdown::render(&t[i]),
        Rendered::Failed(e) if i == 0 => {
            html! { <><p class="error">{ format!("The instructions could not be formatted ({e}); here they are as written:") }</p><pre class="raw">{ raw.to_string() }</pre></> }
        }
        _ => html! { <pre class="raw">{ raw.to_string() }</pre> },
    };
    let exercise = engine::api::parse_json(&text).unwrap_or_default();
    let s = |k: &str| {
        exercise
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    // Checks run when a run finishes (and again for each later run).
    let finished_rev = p
        .run
        .as_ref()
        .filter(|r| r.exec.borrow().status().is_finished())
        .map(|r| r.rev);
    let results = use_memo(
        (finished_rev, p.ws.clone(), text.clone()),
        |(rev, ws, _)| {
            rev.map(|_| {
                let machine = ws.machine();
                let attempt = Attempt {
                    definition: machine.definition.to_string(),
                    workflow_type: machine.workflow_type,
                    input: ws.input.to_string(),
                    mocks: ws.mocks.to_string(),
                    machines: ws.registry(),
                    substitutions: machine.substitutions.as_ref().clone(),
                };
                run_checks(&exercise_of(ws), &attempt)
            })
        },
    );
    let labels: Vec<String> = exercise
        .get("checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            c.get("label")
                .and_then(Value::as_str)
                .unwrap_or("check")
                .to_string()
        })
        .collect();
    let checks = labels.iter().enumerate().map(|(i, label)| {
        let result = results.as_ref().as_ref().and_then(|r| r.get(i));
        let status = match result {
            Some(r) if r.passed => "pass",
            Some(_) => "fail",
            None => "pending",
        };
        let mark = match status {
            "pass" => "✓",
            "fail" => "✗",
            _ => "·",
        };
        html! {
            <li class={classes!("check", status)} data-testid="exercise-check" data-status={status}>
                { format!("{mark} {label}") }
                if let Some(r) = result.filter(|r| !r.passed) { <small>{ format!(" ({})", r.detail) }</small> }
            </li>
        }
    });
    let hints: Vec<String> = exercise
        .get("hints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str().map(str::to_string))
        .collect();
    let more_hint = {
        let h = hints_shown.clone();
        Callback::from(move |_: MouseEvent| h.set(*h + 1))
    };
    let close = on_click(&d, || Action::CloseExercise);
    let solution = on_click(&d, || Action::ShowSolution);
    let all_passed = results
        .as_ref()
        .as_ref()
        .is_some_and(|r| !r.is_empty() && r.iter().all(|c| c.passed));
    // Progress is written once, when the checks first all pass.
    use_effect_with((all_passed, s("id")), |(passed, id)| {
        if *passed {
            storage::mark_done(id);
        }
        || ()
    });
    if p.ws.exercise.is_none() {
        return html! {};
    }
    html! {
        <details class="exercise" open=true data-testid="exercise">
            <summary>{ format!("Exercise: {}", s("title")) }{ if all_passed { " — done ✓" } else { "" } }</summary>
            <div class="instructions">{ markdown(0, &s("instructions")) }</div>
            <ul class="checks">{ for checks }</ul>
            if results.is_none() { <p class="hint">{ "Run the workflow to check your work." }</p> }
            { for hints.iter().take(*hints_shown).enumerate().map(|(i, h)| html! { <div class="exercise-hint">{ markdown(i + 1, h) }</div> }) }
            <div class="buttons">
                if *hints_shown < hints.len() { <button onclick={more_hint}>{ "Hint" }</button> }
                <button onclick={solution} title="Replace the workspace with the reference solution">{ "Show the solution" }</button>
                <button onclick={close}>{ "Close the exercise" }</button>
            </div>
        </details>
    }
}

fn exercise_of(ws: &Workspace) -> Value {
    ws.exercise
        .as_deref()
        .and_then(|t| engine::api::parse_json(t).ok())
        .unwrap_or_default()
}

/// The built-in track and the ids already done, for the picker.
pub fn track() -> Vec<(String, String, bool)> {
    let done = storage::done_exercises();
    crate::exercises::TRACK
        .iter()
        .filter_map(|text| {
            let (id, title) = crate::exercises::title(text)?;
            let finished = done.contains(&id);
            Some((id, title, finished))
        })
        .collect()
}
