//! What the page says when the work is not being kept in the browser: the autosave failed (too
//! large, storage full, no storage), with the workspace file offered at once; or another tab
//! saved this workspace, and this tab waits for the user's choice instead of overwriting it.

use crate::services::{self, storage::SaveProblem};
use crate::state::{on_click, use_dispatch, Action, Saving, Workspace};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub saving: Saving,
    pub ws: Workspace,
}

#[function_component(SaveNotice)]
pub fn save_notice(p: &Props) -> Html {
    let d = use_dispatch();
    let download = {
        let ws = p.ws.clone();
        Callback::from(move |_: MouseEvent| services::download_workspace(&ws))
    };
    match &p.saving {
        Saving::Saved => html! {},
        Saving::Failed(problem) => html! {
            <div class="link-notice error save-notice" data-testid="save-problem" role="alert">
                <span>{ match problem {
                    SaveProblem::TooLarge(_) => format!("{problem} Download the workspace file to keep it; it is saved again once it is smaller."),
                    _ => format!("{problem} Download the workspace file to keep it; the page keeps trying to save."),
                } }</span>
                <button data-testid="save-download" onclick={download}>{ "Download workspace file" }</button>
            </div>
        },
        Saving::OtherTab(_) => html! {
            <div class="link-notice error save-notice" data-testid="other-tab" role="alert">
                <span>{ "Another tab saved a different version of this workspace. This tab stopped saving, so neither overwrites the other." }</span>
                <button data-testid="use-other-tab" onclick={on_click(&d, || Action::UseOtherTab)}>{ "Open that version" }</button>
                <button data-testid="keep-mine" onclick={on_click(&d, || Action::KeepMine)}>{ "Keep this tab's version" }</button>
                <button onclick={download}>{ "Download this tab's" }</button>
            </div>
        },
    }
}
