//! Running: workflow type, input, mocks and test case; Run, Step, Continue, Cancel, Reset;
//! the callback buttons of a waiting `.waitForTaskToken` Task; status and final output.

use crate::components::json_input::JsonInput;
use crate::state::{CallbackAnswer, RunHandle};
use engine::model::WorkflowType;
use engine::run::Status;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub workflow_type: WorkflowType,
    pub input: AttrValue,
    pub mocks: AttrValue,
    pub test_case: AttrValue,
    pub test_cases: Vec<String>,
    pub run: Option<RunHandle>,
    pub running: bool,
    pub error: Option<String>,
    pub can_run: bool,
    /// Why Run waits (the JSONata library is loading), shown beside the buttons.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
    pub on_type: Callback<WorkflowType>,
    pub on_input: Callback<String>,
    pub on_mocks: Callback<String>,
    pub on_test_case: Callback<String>,
    pub on_run: Callback<()>,
    pub on_step: Callback<()>,
    pub on_continue: Callback<()>,
    pub on_cancel: Callback<()>,
    pub on_reset: Callback<()>,
    pub on_callback: Callback<CallbackAnswer>,
    /// Mocked S3 buckets for Distributed Map's ItemReader (JSON text).
    pub s3: AttrValue,
    pub on_s3: Callback<String>,
    pub at_least_once: bool,
    pub on_at_least_once: Callback<bool>,
}

#[function_component(RunPanel)]
pub fn run_panel(p: &Props) -> Html {
    let payload = use_state(|| "{\n  \"approved\": true\n}".to_string());
    let status = p.run.as_ref().map(|r| r.exec.borrow().status().clone());
    let status_name = match (&status, p.running) {
        (_, true) => "RUNNING",
        (Some(Status::WaitingForCallback { .. }), _) => "WAITING",
        (Some(s), _) => s.name(),
        (None, _) => "NOT STARTED",
    };
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_type = {
        let cb = p.on_type.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                cb.emit(WorkflowType::parse(&s.value()).unwrap_or_default());
            }
        })
    };
    let on_case = {
        let cb = p.on_test_case.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                cb.emit(s.value());
            }
        })
    };
    let finished = status.as_ref().is_some_and(|s| s.is_finished());
    let started = p.run.is_some();
    let callback_ui = match &status {
        Some(Status::WaitingForCallback { state, .. }) => {
            let send = |answer: fn(String) -> CallbackAnswer| {
                let (cb, payload) = (p.on_callback.clone(), payload.clone());
                Callback::from(move |_: MouseEvent| cb.emit(answer((*payload).clone())))
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
        Some(Status::Succeeded { output }) if !p.running => html! {
            <pre class="output ok" data-testid="execution-output">{ output.to_json_pretty() }</pre>
        },
        Some(Status::Failed { error, cause } | Status::TimedOut { error, cause }) if !p.running => {
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
                        <option value="STANDARD" selected={p.workflow_type == WorkflowType::Standard}>{ "Standard" }</option>
                        <option value="EXPRESS" selected={p.workflow_type == WorkflowType::Express}>{ "Express" }</option>
                    </select>
                </label>
                if !p.test_cases.is_empty() {
                    <label>{ "Test case " }
                        <select onchange={on_case} aria-label="Test case">
                            { for p.test_cases.iter().map(|c| html! { <option value={c.clone()} selected={*c == *p.test_case}>{ c }</option> }) }
                        </select>
                    </label>
                }
            </div>
            <div class="buttons">
                <button class="primary" data-testid="run" disabled={!p.can_run || p.running} onclick={click(&p.on_run)} title="Run to the end (Ctrl/Cmd+Enter)">{ "▶ Run" }</button>
                <button data-testid="step" disabled={!p.can_run || p.running} onclick={click(&p.on_step)} title="One history event (F10)">{ "Step" }</button>
                <button data-testid="continue" disabled={!started || finished || p.running} onclick={click(&p.on_continue)}>{ "Continue" }</button>
                <button data-testid="cancel" disabled={!p.running && !matches!(status, Some(Status::WaitingForCallback { .. }))} onclick={click(&p.on_cancel)}>{ "Cancel" }</button>
                <button data-testid="reset" disabled={!started} onclick={click(&p.on_reset)}>{ "Reset" }</button>
                <span class={classes!("status", status_name.to_lowercase())} data-testid="execution-status">{ status_name }</span>
            </div>
            if let Some(n) = &p.notice { <p class="hint" data-testid="run-notice">{ n.clone() }</p> }
            if let Some(e) = &p.error { <p class="error" role="alert">{ e }</p> }
            { callback_ui }
            { outcome }
            <details open=true>
                <summary>{ "Input and mocks" }</summary>
                <JsonInput label="Execution input" value={p.input.clone()} on_change={p.on_input.clone()} testid="input" />
                <JsonInput label="Mocks (MockConfigFile.json, or {\"State\": [{\"Return\": …}]})" value={p.mocks.clone()} on_change={p.on_mocks.clone()} testid="mocks" rows={8} />
                <JsonInput label="S3 data for ItemReader ({\"bucket\": {\"key\": \"object text\"}})" value={p.s3.clone()} on_change={p.on_s3.clone()} testid="s3" rows={4} />
                <label class="check" title="Asynchronous Express delivers each Task at least once: re-deliver some invocations (seeded) and report the steps that are not idempotent">
                    <input type="checkbox" data-testid="at-least-once" checked={p.at_least_once} disabled={p.workflow_type != WorkflowType::Express}
                        onchange={ let cb = p.on_at_least_once.clone(); Callback::from(move |e: Event| { if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { cb.emit(i.checked()); } }) } />
                    { " At-least-once delivery (asynchronous Express)" }
                </label>
            </details>
        </section>
    }
}
