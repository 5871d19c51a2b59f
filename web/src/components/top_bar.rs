//! The page's header: examples, Open (files, folders, drops), Share, the exercise track, the
//! keyboard hint, the theme and the engine's version.

use crate::components::{open_project::OpenProject, save_notice::SaveNotice, share_bar::ShareBar};
use crate::examples::EXAMPLES;
use crate::state::{on_click, use_dispatch, Action, LinkNotice, Saving, Workspace};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    pub notice: Option<LinkNotice>,
    pub saving: Saving,
    /// Files dropped on the page, for Open.
    pub dropped: Option<Rc<Vec<(String, String)>>>,
    /// The built-in exercises: id, title, done.
    pub track: Rc<Vec<(String, String, bool)>>,
    pub dark: bool,
}

/// A `<select>` used as a menu: `pick` gets the chosen value, then the menu shows its
/// placeholder again.
fn menu_pick(pick: impl Fn(String) + 'static) -> Callback<Event> {
    Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            pick(s.value());
            s.set_value("");
        }
    })
}

#[function_component(TopBar)]
pub fn top_bar(p: &Props) -> Html {
    let d = use_dispatch();
    let on_example = {
        let d = d.clone();
        menu_pick(move |v| {
            if let Ok(i) = v.parse::<usize>() {
                d.dispatch(Action::LoadExample(i));
            }
        })
    };
    let on_exercise = {
        let d = d.clone();
        menu_pick(move |v| {
            let by_id = |t: &&&str| crate::exercises::title(t).is_some_and(|(id, _)| id == v);
            if let Some(text) = crate::exercises::TRACK.iter().find(by_id) {
                d.dispatch(Action::OpenExercise(Rc::from(*text)));
            }
        })
    };
    html! {
        <header class="top">
            <h1>{ "ASL Playground" }</h1>
            <select data-testid="examples" onchange={on_example} aria-label="Load an example">
                <option value="" selected=true>{ "Examples…" }</option>
                { for EXAMPLES.iter().enumerate().map(|(i, e)| html! { <option value={i.to_string()}>{ e.title }</option> }) }
            </select>
            <OpenProject ws={p.ws.clone()} dropped={p.dropped.clone()} />
            <ShareBar ws={p.ws.clone()} notice={p.notice.clone()} />
            <SaveNotice saving={p.saving.clone()} ws={p.ws.clone()} />
            <select data-testid="exercises" aria-label="Open a workshop exercise" onchange={on_exercise}>
                <option value="" selected=true>{ "Exercises…" }</option>
                { for p.track.iter().map(|(id, title, done)| html! { <option value={id.clone()}>{ format!("{}{title}", if *done { "✓ " } else { "" }) }</option> }) }
            </select>
            <span class="spacer" />
            <span class="hint">{ "Ctrl/Cmd+Enter run · F10 step" }</span>
            <button onclick={on_click(&d, || Action::ToggleTheme)} aria-label="Toggle dark theme">{ if p.dark { "☀ Light" } else { "☾ Dark" } }</button>
            <span class="version" data-testid="engine-version">{ format!("engine {}", engine::VERSION) }</span>
        </header>
    }
}
