//! The way to real AWS: the definition, the mocks as `MockConfigFile.json` and the input as
//! files; SAM and CloudFormation snippets and the AWS CLI commands to copy
//! (`engine::aws_export`). The history downloads from the history panel.

use crate::services::{self, link};
use crate::state::Workspace;
use engine::aws_export;
use engine::json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
}

fn snippet(title: &'static str, testid: &'static str, text: String) -> Html {
    let copy = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| link::copy(&text))
    };
    html! {
        <div class="snippet">
            <div class="row"><strong>{ title }</strong><button onclick={copy}>{ "Copy" }</button></div>
            <textarea readonly=true rows="6" data-testid={testid} value={text} />
        </div>
    }
}

#[function_component(ToAws)]
pub fn to_aws(p: &Props) -> Html {
    let ws = &p.ws;
    let definition = engine::api::parse_json(&ws.definition).ok();
    let mocks = engine::api::parse_json(&ws.mocks).unwrap_or_else(|_| Value::object());
    let name = aws_export::resource_name(&ws.name);
    let Some(def) = definition else {
        return html! { <details class="to-aws"><summary>{ "To AWS…" }</summary><p class="hint">{ "Fix the definition's JSON first." }</p></details> };
    };
    // The first Task, with the first result its mocks give, for the test-state command.
    let first_task = def
        .get("States")
        .and_then(Value::as_object)
        .and_then(|s| {
            s.iter()
                .find(|(_, st)| st.get("Type").and_then(Value::as_str) == Some("Task"))
        })
        .map(|(n, _)| n.to_string());
    let mock_result = first_task.as_ref().and_then(|n| {
        mocks
            .get(n)
            .and_then(Value::as_array)
            .and_then(|l| l.iter().find_map(|r| r.get("Return").cloned()))
    });
    let cli = aws_export::cli(
        &name,
        ws.workflow_type,
        first_task
            .as_deref()
            .map(|t| (t, mock_result.as_ref().unwrap_or(&Value::Null)))
            .filter(|(_, m)| !m.is_null()),
    );
    let file = |name: &'static str, text: String| {
        Callback::from(move |_: MouseEvent| services::download(name, "application/json", &text))
    };
    html! {
        <details class="to-aws" data-testid="to-aws">
            <summary>{ "To AWS…" }</summary>
            <div class="buttons">
                <button onclick={file("definition.asl.json", def.to_json_pretty())}>{ "definition.asl.json" }</button>
                <button onclick={file("MockConfigFile.json", aws_export::mock_config(&mocks, &name).to_json_pretty())}>{ "MockConfigFile.json" }</button>
                <button onclick={file("input.json", ws.input.to_string())}>{ "input.json" }</button>
            </div>
            { snippet("AWS CLI", "aws-cli", cli) }
            { snippet("AWS SAM", "aws-sam", aws_export::sam(&name, &def, ws.workflow_type)) }
            { snippet("CloudFormation", "aws-cfn", aws_export::cloudformation(&name, &def, ws.workflow_type)) }
        </details>
    }
}
