//! The left pane: the machines' tabs, the open exercise, the definition editor (with Convert
//! to YAML/JSON), its substitutions and its diagnostics.

use crate::app::derived::{self, ByPtr};
use crate::components::{
    diagnostics::Diagnostics, editor::Editor, exercise_panel::ExercisePanel,
    machine_tabs::MachineTabs, substitutions::SubstitutionsPanel,
};
use crate::state::{send, use_dispatch, Action, RunHandle, Workspace};
use engine::api::{Diagnostic, Format};
use engine::check::Validation;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    pub run: Option<RunHandle>,
    pub editor_rev: u64,
    pub dark: bool,
    /// The settled definition and what validating it gave.
    pub settled: Rc<str>,
    pub validation: ByPtr<Validation>,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Every placeholder met (memoised from the validation).
    pub uses: Rc<Vec<engine::syntax::Use>>,
    /// The byte range to highlight in the editor (a located place, else the selected state).
    pub highlight: Option<(usize, usize)>,
    /// A place is being shown (the cursor leaving it stops showing it).
    pub located: Option<(usize, usize)>,
}

#[function_component(DefinitionPane)]
pub fn definition_pane(p: &Props) -> Html {
    let d = use_dispatch();
    let convert_error = use_state(|| None::<String>);
    let machine = p.ws.machine();
    let validation = &p.validation.0;
    let format = validation.format;
    let on_cursor = {
        let (d, validation, text) = (d.clone(), p.validation.clone(), p.settled.clone());
        let located = p.located;
        Callback::from(move |offset: usize| {
            if located.is_some_and(|(a, b)| offset < a || offset > b) {
                d.dispatch(Action::Locate(None));
            }
            let graph = validation.0.machine.as_ref().map(|m| &m.graph);
            if let Some(name) = graph.and_then(|g| derived::state_at(g, &text, offset)) {
                d.dispatch(Action::Select(Some(name)));
            }
        })
    };
    // "Convert to YAML/JSON": the extras module rewrites the definition (comments are not
    // carried over), and the editor shows the result.
    let on_convert = {
        let (d, text, convert_error) =
            (d.clone(), machine.definition.clone(), convert_error.clone());
        Callback::from(move |_: ()| {
            let to = match engine::syntax::detect(&text) {
                Format::Json => Format::Yaml,
                Format::Yaml => Format::Json,
            };
            let (d, convert_error) = (d.clone(), convert_error.clone());
            crate::services::extras::convert(&text, to, move |r| match r {
                Ok(t) => {
                    convert_error.set(None);
                    d.dispatch(Action::ReplaceDefinition(t));
                }
                Err(e) => convert_error.set(Some(format!(
                    "The definition could not be converted: {e}. Fix the marked error first."
                ))),
            });
        })
    };
    html! {
        <section class="left">
            <MachineTabs machines={p.ws.machines().clone()} open={p.ws.open_index()} />
            if p.ws.exercise.is_some() {
                <ExercisePanel ws={p.ws.clone()} run={p.run.clone()} />
            }
            <Editor text={machine.definition.clone()} revision={p.editor_rev} diagnostics={p.diagnostics.clone()} highlight={p.highlight} dark={p.dark} {format} {on_convert}
                on_change={send(&d, Action::SetDefinition)} {on_cursor} />
            if let Some(e) = &*convert_error { <p class="error convert-error" role="alert">{ e }</p> }
            <SubstitutionsPanel uses={p.uses.clone()} set={machine.substitutions.clone()} {format} text={p.settled.clone()} />
            <Diagnostics diagnostics={p.diagnostics.clone()} />
        </section>
    }
}
