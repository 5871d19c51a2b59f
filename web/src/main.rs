//! ASL Playground's page: a thin entry point; the app lives in `app`.

mod app;
mod bindings;
mod completion;
mod components;
mod examples;
mod exercises;
mod graph;
mod markdown;
mod run_view;
mod services;
mod share;
mod state;

/// For the budget measurements (web/e2e): validates and lays out `text` `repeat` times and
/// returns the mean milliseconds, timed with the browser's clock.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn measure_validate_and_layout(text: &str, repeat: u32, layout_only: bool) -> f64 {
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let validation = engine::api::validate(text, engine::model::WorkflowType::Standard);
    let t0 = now();
    for _ in 0..repeat.max(1) {
        if layout_only {
            if let Some(m) = &validation.machine {
                std::hint::black_box(graph::layout::layout(m));
            }
        } else {
            let v = engine::api::validate(text, engine::model::WorkflowType::Standard);
            if let Some(m) = &v.machine {
                std::hint::black_box(graph::layout::layout(m));
            }
        }
    }
    (now() - t0) / repeat.max(1) as f64
}

fn main() {
    yew::Renderer::<app::App>::new().render();
}
