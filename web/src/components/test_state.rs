//! "Test this state": AWS's TestState API in the page. The form is a typed
//! `TestStateRequest` (the whole machine plus `stateName`, input, mock result or error,
//! inspection level, state configuration, variables, context); the extras module answers as
//! AWS does; the answer shows the status, the next state (also marked on the graph) and every
//! inspection stage.

use crate::components::json_input::JsonInput;
use crate::services::extras::TestReply;
use crate::state::{on_click, use_dispatch, Action};
use engine::aws::teststate::{
    FieldValidationMode, InspectionLevel, MockedError, StateConfiguration, TestMock,
    TestStateRequest,
};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: Rc<str>,
    /// The whole definition text (the state is tested inside it, by name).
    pub definition: Rc<str>,
    /// The input that state saw in the last run, or the execution input.
    pub input: AttrValue,
    pub answer: Option<Rc<TestReply>>,
}

/// The form as typed (text boxes hold text; the selects are AWS's enums).
#[derive(Clone, PartialEq)]
struct Form {
    input: String,
    /// "none", "result" or "error".
    mock: &'static str,
    mock_result: String,
    error: String,
    cause: String,
    validation: FieldValidationMode,
    level: InspectionLevel,
    retry_count: String,
    map_failures: String,
    caused_by: String,
    reader_data: String,
    variables: String,
    context: String,
}

impl Form {
    fn new(input: &str) -> Form {
        Form {
            input: input.to_string(),
            mock: "error",
            mock_result: "{}".into(),
            error: "States.TaskFailed".into(),
            cause: "Mocked failure".into(),
            validation: FieldValidationMode::Strict,
            level: InspectionLevel::Debug,
            retry_count: String::new(),
            map_failures: String::new(),
            caused_by: String::new(),
            reader_data: String::new(),
            variables: String::new(),
            context: String::new(),
        }
    }

    /// AWS's request for `state` inside `definition`; empty boxes are left out.
    fn request(&self, definition: &str, state: &str) -> TestStateRequest {
        let given = |s: &str| Some(s.trim()).filter(|t| !t.is_empty()).map(str::to_string);
        let number = |s: &str| s.trim().parse::<i64>().ok();
        TestStateRequest {
            definition: definition.to_string(),
            state_name: Some(state.to_string()),
            input: Some(self.input.clone()),
            inspection_level: self.level,
            role_arn: Some(engine::run::ExecutionContext::DEFAULT_ROLE_ARN.to_string()),
            reveal_secrets: false,
            mock: match self.mock {
                "result" => Some(TestMock {
                    result: Some(self.mock_result.clone()),
                    error_output: None,
                    field_validation_mode: self.validation,
                }),
                "error" => Some(TestMock {
                    result: None,
                    error_output: Some(MockedError {
                        error: self.error.clone(),
                        cause: Some(self.cause.clone()),
                    }),
                    field_validation_mode: self.validation,
                }),
                _ => None,
            },
            state_configuration: StateConfiguration {
                retrier_retry_count: number(&self.retry_count),
                map_iteration_failure_count: number(&self.map_failures),
                error_caused_by_state: given(&self.caused_by),
                map_item_reader_data: given(&self.reader_data).map(|_| self.reader_data.clone()),
            },
            variables: given(&self.variables).map(|_| self.variables.clone()),
            context: given(&self.context).map(|_| self.context.clone()),
        }
    }
}

/// A select over `options` (label, value); `pick` writes the chosen one into the form.
fn select<T: Copy + PartialEq + 'static>(
    label: &'static str,
    testid: &'static str,
    options: &'static [(&'static str, T)],
    current: T,
    form: &UseStateHandle<Form>,
    pick: fn(&mut Form, T),
) -> Html {
    let onchange = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Some((_, v)) = options.iter().find(|(name, _)| *name == s.value()) {
                let mut f = (*form).clone();
                pick(&mut f, *v);
                form.set(f);
            }
        })
    };
    html! {
        <label>{ label }
            <select data-testid={testid} {onchange}>
                { for options.iter().map(|(name, v)| html! { <option value={*name} selected={*v == current}>{ *name }</option> }) }
            </select>
        </label>
    }
}

/// A callback that writes a box's text into the form.
fn setter(form: &UseStateHandle<Form>, field: fn(&mut Form) -> &mut String) -> Callback<String> {
    let form = form.clone();
    Callback::from(move |t: String| {
        let mut f = (*form).clone();
        *field(&mut f) = t;
        form.set(f);
    })
}

fn text(label: &'static str, testid: &'static str, value: &str, set: Callback<String>) -> Html {
    let value = value.to_string();
    let oninput = Callback::from(move |e: InputEvent| {
        if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            set.emit(i.value());
        }
    });
    html! { <label>{ label }<input data-testid={testid} {value} {oninput} /></label> }
}

const MOCKS: &[(&str, &str)] = &[("none", "none"), ("result", "result"), ("error", "error")];
const MODES: &[(&str, FieldValidationMode)] = &[
    ("STRICT", FieldValidationMode::Strict),
    ("PRESENT", FieldValidationMode::Present),
    ("NONE", FieldValidationMode::None),
];
const LEVELS: &[(&str, InspectionLevel)] = &[
    ("INFO", InspectionLevel::Info),
    ("DEBUG", InspectionLevel::Debug),
    ("TRACE", InspectionLevel::Trace),
];

#[function_component(TestStatePanel)]
pub fn test_state_panel(p: &Props) -> Html {
    let d = use_dispatch();
    let form = use_state(|| Form::new(&p.input));
    {
        // A new state (or a new last-run input) starts a fresh form.
        let (form, d) = (form.clone(), d.clone());
        use_effect_with((p.state.clone(), p.input.clone()), move |(_, i)| {
            form.set(Form::new(i));
            d.dispatch(Action::TestAnswer(None));
            || ()
        });
    }
    let run = {
        let (state, definition, d) = (p.state.clone(), p.definition.clone(), d.clone());
        let form = form.clone();
        // The typed request; an effect asks the extras module, which answers as AWS does.
        Callback::from(move |_: MouseEvent| {
            d.dispatch(Action::AskTest(Box::new(form.request(&definition, &state))))
        })
    };
    let close = on_click(&d, || Action::OpenTest(None));
    let answer = p.answer.as_deref().map(|reply| match reply {
        TestReply::Refused(e) => html! {
            <div class="answer" data-testid="test-answer">
                <p class="error" data-testid="test-status">{ e.code.name() }</p>
                <p>{ e.message.clone() }</p>
            </div>
        },
        TestReply::Unavailable(why) => html! {
            <div class="answer" data-testid="test-answer">
                <p class="error" data-testid="test-status">{ "Not answered" }</p>
                <p>{ why.clone() }</p>
            </div>
        },
        TestReply::Answered(a) => {
            let stages = a.inspection_data.as_ref().and_then(|d| d.as_object());
            html! {
                <div class="answer" data-testid="test-answer">
                    <p>
                        <span class="status" data-testid="test-status">{ a.status.name() }</span>
                        if let Some(n) = &a.next_state { { " → next state " }<strong data-testid="test-next">{ n.to_string() }</strong> }
                    </p>
                    if let Some(e) = &a.error { <p class="error">{ format!("{e}: {}", a.cause.as_deref().unwrap_or_default()) }</p> }
                    if let Some(o) = &a.output { <div class="stage"><h4>{ "output" }</h4><pre>{ o.to_json_pretty() }</pre></div> }
                    <div class="stages">
                        { for stages.into_iter().flat_map(|m| m.iter()).map(|(k, v)| html! { <div class="stage" data-testid="test-stage" data-stage={k.to_string()}><h4>{ k.to_string() }</h4><pre>{ v.to_json_pretty() }</pre></div> }) }
                    </div>
                </div>
            }
        }
    });
    let f = &*form;
    let set = |field: fn(&mut Form) -> &mut String| setter(&form, field);
    html! {
        <section class="test-state" data-testid="test-state">
            <header>
                <h3>{ format!("Test '{}' (TestState)", p.state) }</h3>
                <button class="primary" data-testid="test-run" onclick={run}>{ "Test" }</button>
                <button onclick={close}>{ "Close" }</button>
            </header>
            { answer.unwrap_or_default() }
            <div class="form">
                <JsonInput label="Input (the one this state saw in the last run)" value={AttrValue::from(f.input.clone())} on_change={set(|f| &mut f.input)} testid="test-input" rows={4} />
                <div>
                    { select("Mock", "test-mock", MOCKS, f.mock, &form, |f, v| f.mock = v) }
                    if f.mock == "result" {
                        <JsonInput label="Mocked result (JSON)" value={AttrValue::from(f.mock_result.clone())} on_change={set(|f| &mut f.mock_result)} testid="test-mock-result" rows={3} />
                        { select("Field validation", "test-validation", MODES, f.validation, &form, |f, v| f.validation = v) }
                    }
                    if f.mock == "error" {
                        { text("Error", "test-error", &f.error, set(|f| &mut f.error)) }
                        { text("Cause", "test-cause", &f.cause, set(|f| &mut f.cause)) }
                    }
                </div>
                { select("Inspection level", "test-level", LEVELS, f.level, &form, |f, v| f.level = v) }
                { text("Retrier retry count", "test-retry-count", &f.retry_count, set(|f| &mut f.retry_count)) }
                { text("Map iteration failure count", "test-map-failures", &f.map_failures, set(|f| &mut f.map_failures)) }
                { text("Error caused by state", "test-caused-by", &f.caused_by, set(|f| &mut f.caused_by)) }
                <JsonInput label="Map ItemReader data (JSON)" value={AttrValue::from(f.reader_data.clone())} on_change={set(|f| &mut f.reader_data)} rows={2} />
                <JsonInput label="Variables (JSON object)" value={AttrValue::from(f.variables.clone())} on_change={set(|f| &mut f.variables)} rows={2} />
                <JsonInput label="Context object (JSON; replaces the generated one)" value={AttrValue::from(f.context.clone())} on_change={set(|f| &mut f.context)} rows={2} />
            </div>
        </section>
    }
}
