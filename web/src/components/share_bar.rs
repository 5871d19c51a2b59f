//! Sharing: "Copy link" (the whole workspace in the URL, its length shown, a warning above
//! what chat apps keep, a file instead above what browsers accept), a workspace file to
//! download or open, and the notice about a share link the page opened or could not open.

use crate::services::{self, link};
use crate::share;
use crate::state::{on_click, use_dispatch, Action, LinkNotice, Workspace};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    pub notice: Option<LinkNotice>,
}

#[function_component(ShareBar)]
pub fn share_bar(p: &Props) -> Html {
    let d = use_dispatch();
    let shown = use_state(|| None::<String>);
    let upload_error = use_state(|| None::<String>);
    let on_share = {
        let (ws, shown) = (p.ws.clone(), shown.clone());
        Callback::from(move |_: MouseEvent| {
            let url = link::url_with(&share::encode(&ws));
            if url.len() <= share::URL_SAFE_LENGTH {
                link::copy(&url);
            }
            shown.set(if shown.is_some() { None } else { Some(url) });
        })
    };
    let download = {
        let ws = p.ws.clone();
        Callback::from(move |_: MouseEvent| services::download_workspace(&ws))
    };
    let upload = {
        let (d, upload_error) = (d.clone(), upload_error.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (d, upload_error) = (d.clone(), upload_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                match engine::api::parse_json(&text) {
                    Ok(v) if v.get("checks").is_some() && v.get("start").is_some() => {
                        upload_error.set(None);
                        // An exercise file (an instructor's own).
                        d.dispatch(Action::OpenExercise(std::rc::Rc::from(text.as_str())));
                    }
                    Ok(v) if v.get("machines").is_some() || v.get("definition").is_some() => {
                        upload_error.set(None);
                        d.dispatch(Action::OpenWorkspaceFile(Box::new(Workspace::from_value(
                            &v,
                        ))));
                    }
                    Ok(_) => {
                        upload_error.set(Some("This file is not a playground workspace.".into()))
                    }
                    Err(e) => upload_error.set(Some(format!("This file is not JSON: {e}"))),
                }
            });
        })
    };
    let popover = shown.as_ref().map(|url| {
        let len = url.len();
        html! {
            <div class="share-pop" data-testid="share-pop">
                <p data-testid="share-length">{ format!("Link: {len} characters{}", if len <= share::URL_SAFE_LENGTH { " (copied)" } else { "" }) }</p>
                if len > share::URL_SAFE_LENGTH {
                    <p class="warn">{ "This workspace is too large for a link: share the workspace file instead." }</p>
                } else if len > share::CHAT_SAFE_LENGTH {
                    <p class="warn">{ format!("Over {} characters: some chat apps cut links this long. A workspace file always works.", share::CHAT_SAFE_LENGTH) }</p>
                }
                if len <= share::URL_SAFE_LENGTH { <input readonly=true value={url.clone()} data-testid="share-url" aria-label="Share link" /> }
                <div class="buttons">
                    <button onclick={download}>{ "Download workspace file" }</button>
                    <label class="file">{ "Open a workspace or exercise file… " }<input type="file" accept=".json,application/json" onchange={upload} data-testid="share-upload" /></label>
                </div>
                if let Some(e) = &*upload_error { <p class="error">{ e }</p> }
            </div>
        }
    });
    let notice = p.notice.as_ref().map(|n| {
        let restore = on_click(&d, || Action::RestoreKeptAside);
        let dismiss = on_click(&d, || Action::DismissLinkNotice);
        let (class, text, restore_label) = match n {
            LinkNotice::Opened => ("info", "You opened a shared workspace. Your own work was kept aside.".to_string(), "Restore my work"),
            LinkNotice::Exercise => ("info", "You opened an exercise. Your own work was kept aside.".to_string(), "Restore my work"),
            LinkNotice::Project(1) => ("info", "You opened a project: its state machine is open. Your own work was kept aside.".to_string(), "Restore my work"),
            LinkNotice::Project(n) => ("info", format!("You opened a project: its {n} state machines are the tabs. Your own work was kept aside."), "Restore my work"),
            LinkNotice::File => ("info", "You opened a workspace file. Your own work was kept aside.".to_string(), "Restore my work"),
            LinkNotice::OtherTab => ("info", "You opened the version another tab saved. This tab's work was kept aside.".to_string(), "Restore my work"),
            LinkNotice::Broken(why) => ("error", format!("This link could not be opened: {why}. Your last local work is open instead; the link is left as it is."), "Open my last local work"),
        };
        html! {
            <div class={classes!("link-notice", class)} data-testid="share-message" role="status">
                <span>{ text }</span>
                <button data-testid="restore-local" onclick={restore}>{ restore_label }</button>
                <button onclick={dismiss} aria-label="Dismiss">{ "✕" }</button>
            </div>
        }
    });
    html! {
        <>
            <span class="share">
                <button data-testid="share" onclick={on_share} title="Copy a link holding the whole workspace">{ "Copy link" }</button>
                { popover.unwrap_or_default() }
            </span>
            { notice.unwrap_or_default() }
        </>
    }
}
