//! Running: workflow type, input, mocks and test case; Run, Step, Continue, Cancel, Reset;
//! the callback buttons of a waiting `.waitForTaskToken` Task; status and final output.

use crate::components::json_input::JsonInput;
use crate::state::{on_click, send, use_dispatch, Action, CallbackAnswer, RunSession, Workspace};
use engine::model::WorkflowType;
use engine::run::Status;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    pub session: RunSession,
    pub test_cases: Vec<String>,
    pub can_run: bool,
    /// Why Run waits (the JSONata library is loading), shown beside the buttons.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
}

#[function_component(RunPanel)]
pub fn run_panel(p: &Props) -> Html {
    let d = use_dispatch();
    let payload = use_state(|| "{\n  \"approved\": true\n}".to_string());
    let (session, ws) = (&p.session, &p.ws);
    let workflow_type = ws.machine().workflow_type;
    // The worker making the run first counts as running: Cancel stops it.
    let running = session.running || session.ahead.is_some();
    let status = session
        .run
        .as_ref()
        .map(|r| r.exec.borrow().status().clone());
    let status_name = match (&status, running) {
        (_, true) => "RUNNING",
        (Some(Status::WaitingForCallback { .. }), _) => "WAITING",
        (Some(s), _) => s.name(),
        (None, _) => "NOT STARTED",
    };
    let on_type = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                d.dispatch(Action::SetType(
                    WorkflowType::parse(&s.value()).unwrap_or_default(),
                ));
            }
        })
    };
    let on_case = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                d.dispatch(Action::SetTestCase(s.value()));
            }
        })
    };
    let finished = status.as_ref().is_some_and(|s| s.is_finished());
    let started = session.run.is_some();
    let callback_ui = match &status {
        Some(Status::WaitingForCallback { state, .. }) => {
            let send = |answer: fn(String) -> CallbackAnswer| {
                let payload = payload.clone();
                on_click(&d, move || Action::Callback(answer((*payload).clone())))
            };
            let on_payload = {
                let payload = payload.clone();
                Callback::from(move |t: String| payload.set(t))
            };
            html! {
                <div class="callback">
                    <p>{ format!("'{state}' waits for its task token (.waitForTaskToken).") }</p>
                    <JsonInput label="Payload (success output, or failure {\"error\", \"cause\"})" value={(*payload).clone()} on_change={on_payload} rows={3} />
                    <div class="buttons">
                        <button class="primary" data-testid="send-success" onclick={send(CallbackAnswer::Success)}>{ "Send success" }</button>
                        <button data-testid="send-failure" onclick={send(|t| {
                            let v = engine::api::parse_json(&t).unwrap_or_default();
                            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
                            CallbackAnswer::Failure { error: s("error"), cause: s("cause") }
                        })}>{ "Send failure" }</button>
                        <button data-testid="send-heartbeat" onclick={send(|_| CallbackAnswer::Heartbeat)}>{ "Heartbeat" }</button>
                    </div>
                </div>
            }
        }
        _ => html! {},
    };
    let outcome = match &status {
        Some(Status::Succeeded { output }) if !running => html! {
            <pre class="output ok" data-testid="execution-output">{ output.to_json_pretty() }</pre>
        },
        Some(Status::Failed { error, cause } | Status::TimedOut { error, cause }) if !running => {
            html! {
                <pre class="output failed" data-testid="execution-output">{ format!("{}\n{}", error.as_deref().unwrap_or("(no error)"), cause.as_deref().unwrap_or("")) }</pre>
            }
        }
        _ => html! {},
    };
    html! {
        <section class="run-panel">
            <div class="row">
                <label>{ "Workflow type " }
                    <select data-testid="workflow-type" onchange={on_type} aria-label="Workflow type">
                        <option value="STANDARD" selected={workflow_type == WorkflowType::Standard}>{ "Standard" }</option>
                        <option value="EXPRESS" selected={workflow_type == WorkflowType::Express}>{ "Express" }</option>
                    </select>
                </label>
                if !p.test_cases.is_empty() {
                    <label>{ "Test case " }
                        <select onchange={on_case} aria-label="Test case">
                            { for p.test_cases.iter().map(|c| html! { <option value={c.clone()} selected={**c == *ws.test_case}>{ c }</option> }) }
                        </select>
                    </label>
                }
            </div>
            <div class="buttons">
                <button class="primary" data-testid="run" disabled={!p.can_run || running} onclick={on_click(&d, || Action::Run)} title="Run to the end (Ctrl/Cmd+Enter)">{ "▶ Run" }</button>
                <button data-testid="step" disabled={!p.can_run || running} onclick={on_click(&d, || Action::Step)} title="One history event (F10)">{ "Step" }</button>
                <button data-testid="continue" disabled={!started || finished || running} onclick={on_click(&d, || Action::Continue)}>{ "Continue" }</button>
                <button data-testid="cancel" disabled={!running && !matches!(status, Some(Status::WaitingForCallback { .. }))} onclick={on_click(&d, || Action::Cancel)}>{ "Cancel" }</button>
                <button data-testid="reset" disabled={!started} onclick={on_click(&d, || Action::Reset)}>{ "Reset" }</button>
                <span class={classes!("status", status_name.to_lowercase())} data-testid="execution-status">{ status_name }</span>
            </div>
            if let Some(n) = &p.notice { <p class="hint" data-testid="run-notice">{ n.clone() }</p> }
            if session.ahead.is_some() { <p class="hint" data-testid="run-ahead" role="status">{ "Evaluating in the engine's worker: the page stays usable, and Cancel stops it." }</p> }
            if let Some(e) = &session.error { <p class="error" role="alert">{ e }</p> }
            { callback_ui }
            { outcome }
            <details open=true>
                <summary>{ "Input and mocks" }</summary>
                <JsonInput label="Execution input" value={ws.input.to_string()} on_change={send(&d, Action::SetInput)} testid="input" />
                <JsonInput label="Mocks (MockConfigFile.json, or {\"State\": [{\"Return\": …}]})" value={ws.mocks.to_string()} on_change={send(&d, Action::SetMocks)} testid="mocks" rows={8} />
                <JsonInput label="S3 data for ItemReader ({\"bucket\": {\"key\": \"object text\"}})" value={ws.s3.to_string()} on_change={send(&d, Action::SetS3)} testid="s3" rows={4} />
                <label class="check" title="Asynchronous Express delivers each Task at least once: re-deliver some invocations (seeded) and report the steps that are not idempotent">
                    <input type="checkbox" data-testid="at-least-once" checked={ws.at_least_once} disabled={workflow_type != WorkflowType::Express}
                        onchange={ let d = d.clone(); Callback::from(move |e: Event| { if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { d.dispatch(Action::SetAtLeastOnce(i.checked())); } }) } />
                    { " At-least-once delivery (asynchronous Express)" }
                </label>
            </details>
        </section>
    }
}
