//! A small JSON text box (execution input, mocks, callback payloads) that says at once
//! whether its text parses, and where not.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub testid: AttrValue,
    #[prop_or(6)]
    pub rows: u32,
}

#[function_component(JsonInput)]
pub fn json_input(props: &Props) -> Html {
    let error = if props.value.trim().is_empty() {
        None
    } else {
        engine::api::parse_json(&props.value).err()
    };
    let oninput = {
        let cb = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                cb.emit(t.value());
            }
        })
    };
    html! {
        <label class="json-input">
            <span>{ props.label.clone() }</span>
            <textarea rows={props.rows.to_string()} spellcheck="false" value={props.value.clone()} {oninput} data-testid={props.testid.clone()} class={classes!(error.is_some().then_some("invalid"))} />
            if let Some(e) = error {
                <small class="error">{ e }</small>
            }
        </label>
    }
}
