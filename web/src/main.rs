//! ASL Playground's page: a thin entry point; the app lives in `app`.

mod app;
mod bindings;
mod completion;
mod components;
mod examples;
pub mod layout;
mod services;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
