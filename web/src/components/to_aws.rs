//! The way to real AWS: the whole project the way it deploys (SAM, CDK, Terraform or the
//! Serverless Framework, the definitions as JSON or YAML, the mocks and the input) as one zip,
//! made by the extras module; the definition, the mocks as `MockConfigFile.json` and the input
//! as files; SAM and CloudFormation snippets and the AWS CLI commands to copy
//! (`engine::aws::export`). The history downloads from the history panel.

use crate::services::{self, extras, link};
use crate::state::Workspace;
use engine::aws::export;
use engine::syntax::json::Value;
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

/// The export request for the extras module: every machine, the mocks, the input.
fn export_request(ws: &Workspace, target: &str, format: &str, zip: bool) -> Value {
    let machines: Vec<Value> = ws
        .machines()
        .iter()
        .map(|m| {
            engine::obj! {
                "name" => m.name.clone(),
                "type" => m.workflow_type.as_str(),
                "definition" => m.definition.clone(),
                "substitutions" => Value::from(m.substitutions.as_ref().clone()),
            }
        })
        .collect();
    let mocks = engine::api::parse_json(&ws.mocks)
        .ok()
        .filter(|m| !m.is_null());
    engine::obj! {
        "op" => "export",
        "target" => target,
        "format" => format,
        "machines" => machines,
        "mocks" => mocks.unwrap_or(Value::Null),
        "open" => ws.open_index() as i64,
        "input" => ws.input.clone(),
        "zip" => zip,
    }
}

/// The project the way it deploys: pick the tool and the format, preview the template,
/// download the zip.
#[function_component(ProjectExport)]
fn project_export(p: &Props) -> Html {
    let target = use_state(|| "sam".to_string());
    let format = use_state(|| "as-written".to_string());
    let preview = use_state(|| None::<Result<(String, String), String>>);
    let pick = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                h.set(s.value());
            }
        })
    };
    let show = {
        let (ws, target, format, preview) = (
            p.ws.clone(),
            target.clone(),
            format.clone(),
            preview.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let preview = preview.clone();
            let main = match target.as_str() {
                "cdk" => "lib/playground-stack.ts",
                "terraform" => "main.tf",
                "serverless" => "serverless.yml",
                _ => "template.yaml",
            };
            extras::ask(export_request(&ws, &target, &format, false), move |r| {
                preview.set(Some(r.map(|v| {
                    let text = v
                        .get("files")
                        .and_then(Value::as_array)
                        .and_then(|f| {
                            f.iter()
                                .find(|f| f.get("path").and_then(Value::as_str) == Some(main))
                        })
                        .and_then(|f| f.get("text").and_then(Value::as_str))
                        .unwrap_or("")
                        .to_string();
                    (main.to_string(), text)
                })))
            });
        })
    };
    let download = {
        let (ws, target, format, preview) = (
            p.ws.clone(),
            target.clone(),
            format.clone(),
            preview.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (preview, name) = (
                preview.clone(),
                format!(
                    "{}-{}.zip",
                    export::resource_name(&ws.machine().name),
                    target.as_str()
                ),
            );
            extras::ask(export_request(&ws, &target, &format, true), move |r| {
                let zip = r.and_then(|v| {
                    v.get("zip")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .ok_or_else(|| "no archive came back".to_string())
                });
                match zip {
                    Ok(b64) => {
                        if let Err(e) =
                            crate::bindings::download_base64(&name, "application/zip", &b64)
                        {
                            preview.set(Some(Err(crate::bindings::describe(&e))));
                        }
                    }
                    Err(e) => preview.set(Some(Err(e))),
                }
            });
        })
    };
    html! {
        <div class="snippet project-export" data-testid="project-export">
            <div class="row"><strong>{ "Project" }</strong>
                <select aria-label="Deploy with" onchange={pick(&target)} data-testid="export-target">
                    <option value="sam" selected={*target == "sam"}>{ "AWS SAM" }</option>
                    <option value="cdk" selected={*target == "cdk"}>{ "AWS CDK (TypeScript)" }</option>
                    <option value="terraform" selected={*target == "terraform"}>{ "Terraform" }</option>
                    <option value="serverless" selected={*target == "serverless"}>{ "Serverless Framework" }</option>
                </select>
                <select aria-label="Definitions as" onchange={pick(&format)} data-testid="export-format">
                    <option value="as-written" selected={*format == "as-written"}>{ "definitions as written" }</option>
                    <option value="json" selected={*format == "json"}>{ "definitions as JSON" }</option>
                    <option value="yaml" selected={*format == "yaml"}>{ "definitions as YAML" }</option>
                </select>
            </div>
            <div class="buttons">
                <button onclick={show} data-testid="export-preview">{ "Preview" }</button>
                <button onclick={download} data-testid="export-zip">{ "Download project (.zip)" }</button>
            </div>
            <p class="hint">{ "Every tab's definition as a file, literal ARNs lifted into substitutions, the mocks as MockConfigFile.json, the input. Terraform gets JSON definitions." }</p>
            { match &*preview {
                Some(Ok((file, text))) => html! { <><p class="hint">{ file.clone() }</p><textarea readonly=true rows="10" data-testid="export-text" value={text.clone()} /></> },
                Some(Err(e)) => html! { <p class="error">{ e.clone() }</p> },
                None => html! {},
            } }
        </div>
    }
}

#[function_component(ToAws)]
pub fn to_aws(p: &Props) -> Html {
    let ws = &p.ws;
    let machine = ws.machine();
    // The snippets below hold the definition inline, as JSON with its substitutions applied.
    let definition = engine::syntax::read_definition(&machine.definition, &machine.substitutions)
        .ok()
        .map(|d| d.value);
    let mocks = engine::api::parse_json(&ws.mocks).unwrap_or_else(|_| Value::object());
    let name = export::resource_name(&machine.name);
    let Some(def) = definition else {
        return html! { <details class="to-aws"><summary>{ "To AWS…" }</summary><ProjectExport ws={ws.clone()} /><p class="hint">{ "Fix the definition first: the snippets hold it inline." }</p></details> };
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
    let cli = export::cli(
        &name,
        machine.workflow_type,
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
            <ProjectExport ws={ws.clone()} />
            <div class="buttons">
                <button onclick={file("definition.asl.json", def.to_json_pretty())}>{ "definition.asl.json" }</button>
                <button onclick={file("MockConfigFile.json", export::mock_config(&mocks, &name).to_json_pretty())}>{ "MockConfigFile.json" }</button>
                <button onclick={file("input.json", ws.input.to_string())}>{ "input.json" }</button>
            </div>
            { snippet("AWS CLI", "aws-cli", cli) }
            { snippet("AWS SAM", "aws-sam", export::sam(&name, &def, machine.workflow_type)) }
            { snippet("CloudFormation", "aws-cfn", export::cloudformation(&name, &def, machine.workflow_type)) }
        </details>
    }
}
