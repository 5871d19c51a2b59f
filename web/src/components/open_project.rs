//! "Open…": a project from the user's disk. Files (a definition in JSON or YAML, a SAM or
//! CloudFormation template, a CDK synth output, serverless.yml, Terraform) or a whole folder,
//! by picker or by drop; so `DefinitionUri: statemachine/x.asl.yaml` resolves. Every state
//! machine found becomes a tab, with its type and its substitutions from the template. The
//! reading happens in the extras module; what could not be read is said, one line each.

use crate::services::extras;
use crate::state::{use_dispatch, Action, Dispatch, MachineDoc, Workspace};
use engine::aws::import::Imported;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    /// Files dropped on the page (the app catches drops anywhere).
    pub dropped: Option<Rc<Vec<(String, String)>>>,
}

/// What the last opening said.
#[derive(Clone, PartialEq)]
enum Said {
    Reading,
    Done {
        machines: usize,
        warnings: Vec<String>,
    },
    Failed(String),
}

fn open_files(
    ws: Workspace,
    files: Vec<(String, String)>,
    d: Dispatch,
    said: UseStateHandle<Option<Said>>,
) {
    if files.is_empty() {
        said.set(Some(Said::Failed(
            "No JSON, YAML or Terraform file was among them.".into(),
        )));
        return;
    }
    said.set(Some(Said::Reading));
    extras::import(files, move |r| match r {
        Err(e) => said.set(Some(Said::Failed(e))),
        Ok(Imported {
            machines,
            warnings,
            mocks,
            input,
        }) => {
            let count = machines.len();
            if count > 0 {
                let docs = machines
                    .into_iter()
                    .map(|m| MachineDoc {
                        name: Rc::from(m.name.as_str()),
                        definition: Rc::from(m.definition.as_str()),
                        workflow_type: m.workflow_type,
                        substitutions: Rc::new(m.substitutions),
                    })
                    .collect();
                let mut opened = ws.with_machines(docs);
                // The project's own mocks and input, or none: the last workspace's would not fit.
                opened.input = Rc::from(input.as_deref().unwrap_or("{}"));
                opened.mocks = Rc::from(mocks.as_ref().map_or("", |m| m.text.as_str()));
                opened.machine_name = Rc::from(mocks.as_ref().map_or("", |m| m.machine.as_str()));
                opened.test_case = Rc::from(mocks.as_ref().map_or("", |m| m.test_case.as_str()));
                opened.s3 = Rc::from("");
                // The opened project's workspace: its machines as tabs, its mocks and input.
                d.dispatch(Action::OpenProject(Box::new(opened)));
            }
            // The page's notice says what opened; this one only what could not be read.
            said.set((count == 0 || !warnings.is_empty()).then_some(Said::Done {
                machines: count,
                warnings,
            }));
        }
    });
}

#[function_component(OpenProject)]
pub fn open_project(p: &Props) -> Html {
    let d = use_dispatch();
    let said = use_state(|| None::<Said>);
    let on_files = {
        let (ws, d, said) = (p.ws.clone(), d.clone(), said.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let (ws, d, said) = (ws.clone(), d.clone(), said.clone());
            let promise = crate::bindings::files_from_input(&input);
            extras::read_files(promise, move |r| match r {
                Ok(files) => open_files(ws, files, d, said),
                Err(e) => said.set(Some(Said::Failed(e))),
            });
            input.set_value("");
        })
    };
    {
        // A drop on the page.
        let (ws, d, said) = (p.ws.clone(), d.clone(), said.clone());
        use_effect_with(p.dropped.clone(), move |dropped| {
            if let Some(files) = dropped {
                open_files(ws, files.as_ref().clone(), d, said);
            }
            || ()
        });
    }
    let dismiss = {
        let said = said.clone();
        Callback::from(move |_: MouseEvent| said.set(None))
    };
    let message = (*said).clone().map(|s| {
        let (class, text, list) = match s {
            Said::Reading => ("info", "Reading the project…".to_string(), Vec::new()),
            Said::Done { machines: 0, warnings } => ("error", "No state machine could be opened:".to_string(), warnings),
            Said::Done { machines, warnings } => (
                "warn",
                format!("Opened {machines} state machine{}; not everything could be read:", if machines == 1 { "" } else { "s" }),
                warnings,
            ),
            Said::Failed(e) => ("error", format!("The files could not be read: {e}"), Vec::new()),
        };
        html! {
            <div class={classes!("open-message", class)} data-testid="open-message" role="status">
                <span>{ text }</span>
                if !list.is_empty() { <ul>{ for list.iter().map(|w| html! { <li>{ w }</li> }) }</ul> }
                <button onclick={dismiss} aria-label="Dismiss">{ "✕" }</button>
            </div>
        }
    });
    html! {
        <span class="open-project">
            <label class="button" title="Open definitions (JSON or YAML), SAM or CloudFormation templates, serverless.yml or Terraform files; or drop them on the page">
                { "Open files…" }
                <input type="file" multiple=true accept=".json,.yaml,.yml,.tf,application/json" onchange={on_files.clone()} data-testid="open-files" />
            </label>
            <label class="button" title="Open a project folder: templates find the definition files they point to">
                { "Open folder…" }
                <input type="file" webkitdirectory=true multiple=true onchange={on_files} data-testid="open-folder" />
            </label>
            { message.unwrap_or_default() }
        </span>
    }
}
