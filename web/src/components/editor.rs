//! The definition editor: CodeMirror 6 through the JS bridge. Diagnostics become underlines
//! and gutter markers at their exact range; the selected state is highlighted and scrolled to.

use crate::bindings;
use crate::state::{use_dispatch, Action};
use engine::api::{Diagnostic, Severity};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    /// The text to show; pushed into the editor when `revision` changes.
    pub text: Rc<str>,
    pub revision: u64,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Byte range of the selected state's definition.
    pub highlight: Option<(usize, usize)>,
    pub dark: bool,
    pub on_change: Callback<String>,
    pub on_cursor: Callback<usize>,
    /// How the text is written (the Format button is for JSON; conversion goes both ways).
    pub format: engine::api::Format,
    pub on_convert: Callback<()>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        self.revision == o.revision
            && Rc::ptr_eq(&self.diagnostics, &o.diagnostics)
            && self.highlight == o.highlight
            && self.dark == o.dark
            && self.text == o.text
            && self.format == o.format
    }
}

/// UTF-16 offset (what the editor counts) of a byte offset.
pub fn utf16_offset(text: &str, byte: usize) -> usize {
    let b = engine::syntax::json::floor_char_boundary(text, byte);
    text[..b].encode_utf16().count()
}

/// Byte offset of a UTF-16 offset.
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The diagnostics as the JS bridge takes them: UTF-16 ranges, severity, message.
fn diagnostics_json(text: &str, diags: &[Diagnostic]) -> String {
    let list: Vec<engine::syntax::json::Value> = diags
        .iter()
        .map(|d| {
            engine::obj! {
                "from" => utf16_offset(text, d.span.start) as i64,
                "to" => utf16_offset(text, d.span.end.max(d.span.start + 1)) as i64,
                "severity" => if d.severity == Severity::Error { "error" } else { "warning" },
                "message" => format!("{}: {}", d.code, d.message),
            }
        })
        .collect();
    engine::syntax::json::Value::from(list).to_json()
}

struct Handlers {
    _change: Closure<dyn FnMut(String)>,
    _cursor: Closure<dyn FnMut(u32)>,
    _complete: Closure<dyn FnMut(String) -> String>,
    _run: Closure<dyn FnMut()>,
    _step: Closure<dyn FnMut()>,
}

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let d = use_dispatch();
    let host = use_node_ref();
    let id = use_mut_ref(|| None::<u32>);
    let handlers = use_mut_ref(|| None::<Handlers>);
    // The text the editor holds now (for cursor offsets).
    let current = use_mut_ref(|| props.text.to_string());
    let fallback = !bindings::editor_available();
    // The JS callbacks are made once; they call whatever callbacks the latest render passed.
    let latest = use_mut_ref(|| props.clone());
    *latest.borrow_mut() = props.clone();

    {
        let (host, id, handlers, current) =
            (host.clone(), id.clone(), handlers.clone(), current.clone());
        let (p, d) = (props.clone(), d.clone());
        let latest = latest.clone();
        use_effect_with((), move |_| {
            if let Some(el) = host.cast::<web_sys::Element>() {
                if bindings::editor_available() {
                    let (cur, l) = (current.clone(), latest.clone());
                    let change = Closure::<dyn FnMut(String)>::new(move |t: String| {
                        *cur.borrow_mut() = t.clone();
                        let cb = l.borrow().on_change.clone();
                        cb.emit(t);
                    });
                    let (cur, l) = (current.clone(), latest.clone());
                    let cursor = Closure::<dyn FnMut(u32)>::new(move |pos: u32| {
                        let cb = l.borrow().on_cursor.clone();
                        cb.emit(byte_offset(&cur.borrow(), pos as usize))
                    });
                    let complete = Closure::<dyn FnMut(String) -> String>::new(|req: String| {
                        crate::completion::complete(&req)
                    });
                    let d2 = d.clone();
                    let run = Closure::<dyn FnMut()>::new(move || d2.dispatch(Action::Run));
                    let step = Closure::<dyn FnMut()>::new(move || d.dispatch(Action::Step));
                    let new_id = bindings::editor_create(
                        &el, &p.text, &change, &cursor, &complete, &run, &step, p.dark,
                    );
                    *id.borrow_mut() = Some(new_id);
                    *handlers.borrow_mut() = Some(Handlers {
                        _change: change,
                        _cursor: cursor,
                        _complete: complete,
                        _run: run,
                        _step: step,
                    });
                }
            }
            || ()
        });
    }
    {
        let (id, current, text) = (id.clone(), current.clone(), props.text.clone());
        use_effect_with(props.revision, move |_| {
            if let Some(id) = *id.borrow() {
                *current.borrow_mut() = text.to_string();
                bindings::editor_set_text(id, &text);
            }
            || ()
        });
    }
    {
        let (id, current) = (id.clone(), current.clone());
        use_effect_with(props.diagnostics.clone(), move |diags| {
            if let Some(id) = *id.borrow() {
                bindings::editor_set_diagnostics(id, &diagnostics_json(&current.borrow(), diags));
            }
            || ()
        });
    }
    {
        let (id, current) = (id.clone(), current.clone());
        use_effect_with(props.highlight, move |h| {
            if let Some(id) = *id.borrow() {
                let text = current.borrow();
                match h {
                    Some((a, b)) => bindings::editor_highlight(
                        id,
                        utf16_offset(&text, *a) as i32,
                        utf16_offset(&text, *b) as i32,
                        true,
                    ),
                    None => bindings::editor_highlight(id, -1, -1, false),
                }
            }
            || ()
        });
    }
    {
        let id = id.clone();
        use_effect_with(props.dark, move |dark| {
            if let Some(id) = *id.borrow() {
                bindings::editor_set_dark(id, *dark);
            }
            || ()
        });
    }
    let on_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                on_change.emit(t.value());
            }
        })
    };
    let format = {
        let id = id.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = *id.borrow() {
                bindings::editor_format(id);
            }
        })
    };
    let yaml = props.format == engine::api::Format::Yaml;
    let convert = {
        let cb = props.on_convert.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <>
        <div class="editor-tools">
            <button onclick={format} title="Format document (Shift+Alt+F)" disabled={fallback || yaml}>{ "Format" }</button>
            <button onclick={convert} data-testid="convert" title="Rewrite the definition in the other format (comments are not carried over)">
                { if yaml { "Convert to JSON" } else { "Convert to YAML" } }
            </button>
            <span class="format-badge" data-testid="format">{ if yaml { "YAML" } else { "JSON" } }</span>
            <span class="hint">{ if yaml { "Ctrl+F search" } else { "Ctrl+F search · Ctrl+Space complete" } }</span>
        </div>
        <div class="editor" data-testid="editor" ref={host}>
            if fallback {
                <textarea class="editor-fallback" aria-label="State machine definition (JSON or YAML)" value={props.text.to_string()} oninput={on_input} />
            }
        </div>
        </>
    }
}
