use engine::api;
use engine::model::WorkflowType;
use yew::prelude::*;

/// The built-in example: a retrying, catching order step.
pub const EXAMPLE: &str = include_str!("../../tests/data/exec/catch-result-path.asl.json");

#[function_component(App)]
pub fn app() -> Html {
    let validation = use_memo((), |_| api::validate(EXAMPLE, WorkflowType::Standard));
    let states = validation
        .machine
        .as_ref()
        .map_or(0, |m| m.graph.states.len());
    let errors: Vec<Html> = validation
        .diagnostics
        .iter()
        .map(|d| html! { <li>{ format!("{}:{} {} {}", d.start.0, d.start.1, d.code, d.message) }</li> })
        .collect();
    html! {
        <main>
            <h1>{ "ASL Playground" }</h1>
            <p data-testid="engine-version">{ format!("engine {}", engine::VERSION) }</p>
            <p data-testid="validation">
                { if validation.is_valid() { format!("Example is valid: {states} states") } else { "Example is invalid".to_string() } }
            </p>
            <ul data-testid="diagnostics">{ for errors }</ul>
            <pre>{ EXAMPLE }</pre>
        </main>
    }
}
