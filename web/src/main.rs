//! ASL Playground's page. For now: the engine's version and the validation of a built-in
//! example, proving the toolchain (Yew, Trunk, wasm-bindgen, wasm-opt) end to end; the editor,
//! graph and runs come with the web app issue.

mod app;
pub mod layout;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
