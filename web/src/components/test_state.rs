//! "Test this state": AWS's TestState API in the page. The form builds AWS's request (the
//! whole machine plus `stateName`, input, mock result or error, inspection level, state
//! configuration, variables, context); the engine answers as AWS does; the answer shows the
//! status, the next state (also marked on the graph) and every inspection stage.

use crate::components::json_input::JsonInput;
use engine::syntax::json::Value;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Rc<str>,
    /// The whole definition text (the state is tested inside it, by name).
    pub definition: Rc<str>,
    /// Values for its placeholders.
    pub substitutions: Rc<engine::api::Substitutions>,
    /// The input that state saw in the last run, or the execution input.
    pub input: AttrValue,
    pub answer: Option<Rc<Value>>,
    pub on_answer: Callback<Option<Rc<Value>>>,
    pub on_close: Callback<()>,
}

fn select(
    label: &'static str,
    testid: &'static str,
    options: &'static [&'static str],
    value: &UseStateHandle<String>,
) -> Html {
    let onchange = {
        let value = value.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                value.set(s.value());
            }
        })
    };
    html! {
        <label>{ label }
            <select data-testid={testid} {onchange}>
                { for options.iter().map(|o| html! { <option value={*o} selected={**value == *o}>{ *o }</option> }) }
            </select>
        </label>
    }
}

fn text(label: &'static str, testid: &'static str, value: &UseStateHandle<String>) -> Html {
    let oninput = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                value.set(i.value());
            }
        })
    };
    html! { <label>{ label }<input data-testid={testid} value={(**value).clone()} {oninput} /></label> }
}

#[function_component(TestStatePanel)]
pub fn test_state_panel(p: &Props) -> Html {
    let input = use_state(|| p.input.to_string());
    let mock = use_state(|| "error".to_string());
    let mock_result = use_state(|| "{}".to_string());
    let error = use_state(|| "States.TaskFailed".to_string());
    let cause = use_state(|| "Mocked failure".to_string());
    let validation = use_state(|| "STRICT".to_string());
    let level = use_state(|| "DEBUG".to_string());
    let retry_count = use_state(String::new);
    let map_failures = use_state(String::new);
    let caused_by = use_state(String::new);
    let reader_data = use_state(String::new);
    let variables = use_state(String::new);
    let context = use_state(String::new);
    {
        // A new state (or a new last-run input) starts a fresh form.
        let (input, on_answer) = (input.clone(), p.on_answer.clone());
        use_effect_with((p.state.clone(), p.input.clone()), move |(_, i)| {
            input.set(i.to_string());
            on_answer.emit(None);
            || ()
        });
    }
    let run = {
        let (state, definition, on_answer) =
            (p.state.clone(), p.definition.clone(), p.on_answer.clone());
        let substitutions = p.substitutions.clone();
        let fields = (
            input.clone(),
            mock.clone(),
            mock_result.clone(),
            error.clone(),
            cause.clone(),
            validation.clone(),
            level.clone(),
        );
        let config = (
            retry_count.clone(),
            map_failures.clone(),
            caused_by.clone(),
            reader_data.clone(),
            variables.clone(),
            context.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (input, mock, mock_result, error, cause, validation, level) = &fields;
            let (retry_count, map_failures, caused_by, reader_data, variables, context) = &config;
            let mut req = engine::syntax::json::Map::default();
            let mut put = |k: &str, v: Value| {
                req.insert(Rc::from(k), v);
            };
            put("definition", Value::from(&*definition));
            put("stateName", Value::from(&*state));
            put("input", Value::from(input.as_str()));
            put("inspectionLevel", Value::from(level.as_str()));
            put(
                "roleArn",
                Value::from("arn:aws:iam::123456789012:role/playground"),
            );
            match mock.as_str() {
                "result" => put(
                    "mock",
                    engine::obj! { "result" => mock_result.as_str(), "fieldValidationMode" => validation.as_str() },
                ),
                "error" => put(
                    "mock",
                    engine::obj! { "errorOutput" => engine::obj! { "error" => error.as_str(), "cause" => cause.as_str() } },
                ),
                _ => {}
            }
            let mut cfg = engine::syntax::json::Map::default();
            let number = |s: &str| s.trim().parse::<i64>().ok();
            if let Some(n) = number(retry_count) {
                cfg.insert(Rc::from("retrierRetryCount"), Value::from(n));
            }
            if let Some(n) = number(map_failures) {
                cfg.insert(Rc::from("mapIterationFailureCount"), Value::from(n));
            }
            if !caused_by.trim().is_empty() {
                cfg.insert(
                    Rc::from("errorCausedByState"),
                    Value::from(caused_by.trim()),
                );
            }
            if !reader_data.trim().is_empty() {
                cfg.insert(
                    Rc::from("mapItemReaderData"),
                    Value::from(reader_data.as_str()),
                );
            }
            if !cfg.is_empty() {
                put("stateConfiguration", Value::from(cfg));
            }
            if !variables.trim().is_empty() {
                put("variables", Value::from(variables.as_str()));
            }
            if !context.trim().is_empty() {
                put("context", Value::from(context.as_str()));
            }
            // TestState runs in the extras module (the first load leaves it out).
            let on_answer = on_answer.clone();
            let request = engine::obj! {
                "op" => "teststate",
                "request" => Value::from(req),
                "substitutions" => Value::from(substitutions.as_ref().clone()),
            };
            crate::services::extras::ask(request, move |r| {
                on_answer.emit(Some(Rc::new(match r {
                    Ok(v) => v.get("answer").cloned().unwrap_or(Value::Null),
                    Err(e) => engine::obj! { "error_code" => "PlaygroundError", "message" => e },
                })))
            });
        })
    };
    let close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let set = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |t: String| h.set(t))
    };
    let answer = p.answer.as_ref().map(|a| {
        if let Some(code) = a.get("error_code").and_then(Value::as_str) {
            return html! {
                <div class="answer" data-testid="test-answer">
                    <p class="error" data-testid="test-status">{ code }</p>
                    <p>{ a.get("message").and_then(Value::as_str).unwrap_or("") }</p>
                </div>
            };
        }
        let s = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_string);
        let stages: Vec<(String, Value)> = a
            .get("inspectionData")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
            .unwrap_or_default();
        html! {
            <div class="answer" data-testid="test-answer">
                <p>
                    <span class="status" data-testid="test-status">{ s("status").unwrap_or_default() }</span>
                    if let Some(n) = s("nextState") { { " → next state " }<strong data-testid="test-next">{ n }</strong> }
                </p>
                if let Some(e) = s("error") { <p class="error">{ format!("{e}: {}", s("cause").unwrap_or_default()) }</p> }
                if let Some(o) = a.get("output") { <div class="stage"><h4>{ "output" }</h4><pre>{ o.to_json_pretty() }</pre></div> }
                <div class="stages">
                    { for stages.iter().map(|(k, v)| html! { <div class="stage" data-testid="test-stage" data-stage={k.clone()}><h4>{ k.clone() }</h4><pre>{ v.to_json_pretty() }</pre></div> }) }
                </div>
            </div>
        }
    });
    html! {
        <section class="test-state" data-testid="test-state">
            <header>
                <h3>{ format!("Test '{}' (TestState)", p.state) }</h3>
                <button class="primary" data-testid="test-run" onclick={run}>{ "Test" }</button>
                <button onclick={close}>{ "Close" }</button>
            </header>
            { answer.unwrap_or_default() }
            <div class="form">
                <JsonInput label="Input (the one this state saw in the last run)" value={AttrValue::from((*input).clone())} on_change={set(&input)} testid="test-input" rows={4} />
                <div>
                    { select("Mock", "test-mock", &["none", "result", "error"], &mock) }
                    if *mock == "result" {
                        <JsonInput label="Mocked result (JSON)" value={AttrValue::from((*mock_result).clone())} on_change={set(&mock_result)} testid="test-mock-result" rows={3} />
                        { select("Field validation", "test-validation", &["STRICT", "PRESENT", "NONE"], &validation) }
                    }
                    if *mock == "error" {
                        { text("Error", "test-error", &error) }
                        { text("Cause", "test-cause", &cause) }
                    }
                </div>
                { select("Inspection level", "test-level", &["INFO", "DEBUG", "TRACE"], &level) }
                { text("Retrier retry count", "test-retry-count", &retry_count) }
                { text("Map iteration failure count", "test-map-failures", &map_failures) }
                { text("Error caused by state", "test-caused-by", &caused_by) }
                <JsonInput label="Map ItemReader data (JSON)" value={AttrValue::from((*reader_data).clone())} on_change={set(&reader_data)} rows={2} />
                <JsonInput label="Variables (JSON object)" value={AttrValue::from((*variables).clone())} on_change={set(&variables)} rows={2} />
                <JsonInput label="Context object (JSON; replaces the generated one)" value={AttrValue::from((*context).clone())} on_change={set(&context)} rows={2} />
            </div>
        </section>
    }
}
