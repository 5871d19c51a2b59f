//! The Substitutions panel: every `${…}` placeholder of the open definition (and each
//! CloudFormation intrinsic), the value the run uses (set by the user or the template, known,
//! or guessed from the field), and where it is used. Editing a value sets it for this machine;
//! clearing it gives the placeholder back a guessed value.

use crate::state::{on_click, use_dispatch, Action};
use engine::api::{Format, Substitutions};
use engine::syntax::json::Value;
use engine::syntax::{Origin, Use};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Every placeholder met, in reading order (from validation).
    pub uses: Rc<Vec<Use>>,
    /// The values set for this machine.
    pub set: Rc<Substitutions>,
    pub format: Format,
    /// The definition the uses were read from (for their lines and columns).
    pub text: Rc<str>,
}

/// A value as the input shows it (strings as they are, numbers and booleans as JSON).
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_json(),
    }
}

#[function_component(SubstitutionsPanel)]
pub fn substitutions_panel(p: &Props) -> Html {
    let d = use_dispatch();
    if p.uses.is_empty() {
        return html! {};
    }
    // One row per name, with every place it is used.
    let mut rows: Vec<(&Use, Vec<&Use>)> = Vec::new();
    for u in p.uses.iter() {
        match rows.iter_mut().find(|(first, _)| first.name == u.name) {
            Some((_, all)) => all.push(u),
            None => rows.push((u, vec![u])),
        }
    }
    let guessed = rows
        .iter()
        .filter(|(u, _)| u.origin == Origin::Guessed)
        .count();
    html! {
        <details class="substitutions" data-testid="substitutions" open={guessed > 0 || !p.set.is_empty()}>
            <summary>
                { format!("Substitutions ({})", rows.len()) }
                if guessed > 0 {
                    <span class="hint">{ format!(" · {guessed} guessed from where they are used: set them to your own values") }</span>
                }
            </summary>
            <table>
                <thead><tr><th>{ "Placeholder" }</th><th>{ "Value used" }</th><th>{ "Used at" }</th></tr></thead>
                <tbody>
                { for rows.iter().map(|(first, all)| {
                    let name = first.name.clone();
                    let is_set = p.set.contains_key(&name);
                    let value = p.set.get(&name).map_or_else(|| shown(&first.value), shown);
                    let (badge, title) = match first.origin {
                        Origin::Given => ("set", "Set here or by the template"),
                        Origin::Known => ("known", "An AWS pseudo parameter or a default written in the text: the playground's region, account and partition"),
                        Origin::Guessed => ("guessed", "Nobody set it: a plausible value for the field it sits in"),
                    };
                    let on_change = {
                        let (d, name) = (d.clone(), name.clone());
                        Callback::from(move |e: Event| {
                            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                                d.dispatch(Action::SetSubstitution(name.clone(), Some(Value::from(i.value()))));
                            }
                        })
                    };
                    let reset = {
                        let name = name.clone();
                        on_click(&d, move || Action::SetSubstitution(name.clone(), None))
                    };
                    let label = format!("Value for {}", first.name);
                    html! {
                        <tr data-name={first.name.to_string()} data-origin={badge}>
                            <td><code>{ format!("${{{}}}", first.name) }</code></td>
                            <td>
                                <div class="value">
                                    <input type="text" value={value.clone()} title={value} aria-label={label} onchange={on_change} spellcheck="false" />
                                    <span class={classes!("badge", badge)} title={title}>{ badge }</span>
                                    if is_set {
                                        <button class="clear" onclick={reset} aria-label={format!("Clear the value of {}", first.name)} title="Clear this value: the playground guesses one from where it is used">{ "✕" }</button>
                                    }
                                </div>
                            </td>
                            <td class="where">
                                { for all.iter().map(|u| {
                                    let (line, col) = engine::syntax::json::line_col(&p.text, u.span.start);
                                    let span = (u.span.start, u.span.end);
                                    let locate = on_click(&d, move || Action::Locate(Some(span)));
                                    html! { <button class="link" onclick={locate} title={u.pointer.clone()}>{ format!("{line}:{col}") }</button> }
                                }) }
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            if p.format == Format::Yaml {
                <p class="hint">{ "The definition is YAML; the run uses it with these values, as SAM and CloudFormation would." }</p>
            }
        </details>
    }
}
