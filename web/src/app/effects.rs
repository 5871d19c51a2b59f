//! The page's browser effects as hooks: the state the page opens with, the share link kept in
//! the address bar, autosave, the typing debounce, on-demand modules, run slices, shortcuts,
//! and files dropped on the page. The reducer stays pure; these do what it says.

use crate::services::{self, storage};
use crate::state::{Action, AppState, Dispatch, LinkNotice, ModuleStatus, TestCall, Workspace};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// Edits settle this long before the definition is validated and laid out again.
const DEBOUNCE_MS: u32 = 150;
/// The address bar follows the workspace this long after the last change.
const LINK_DELAY_MS: u32 = 400;

/// The state the page opens with: a share link's workspace (the local work kept aside), else
/// the saved work, else the first example. A link that cannot be opened leaves the local work
/// open and says why.
pub fn initial_state() -> AppState {
    // Read and parsed once: it is what the page opens, or what a link keeps aside.
    let saved = storage::load().map(|v| Workspace::from_value(&v));
    let local = |saved: Option<Workspace>| saved.unwrap_or_else(|| Workspace::from_example(0));
    let mut s = match services::link::shared_workspace() {
        None => AppState::new(local(saved)),
        // The page's own link after a reload: nothing to say.
        Some(Ok(ws)) if saved.as_ref() == Some(&ws) => AppState::new(ws),
        Some(Ok(ws)) => {
            let mut s = AppState::new(ws);
            s.kept_aside = saved.map(Rc::new);
            s.link_notice = Some(LinkNotice::Opened);
            s
        }
        Some(Err(e)) => {
            let mut s = AppState::new(local(saved));
            s.link_notice = Some(LinkNotice::Broken(Rc::from(e.to_string().as_str())));
            s
        }
    };
    s.dark = services::prefers_dark();
    s
}

/// Autosave: the workspace after every change, and the work kept aside when there is some.
#[hook]
pub fn use_autosave(ws: &Workspace, kept_aside: &Option<Rc<Workspace>>) {
    use_effect_with(ws.clone(), |ws| {
        storage::save(&ws.to_value());
        || ()
    });
    use_effect_with(kept_aside.clone(), |aside| {
        if let Some(ws) = aside {
            storage::save_backup(&ws.to_value());
        }
        || ()
    });
}

/// The workspace goes into the address bar once edits settle; a broken link stays as it is
/// until the user changes something.
#[hook]
pub fn use_link_sync(ws: &Workspace) {
    let first_ws = use_mut_ref(|| ws.clone());
    let timer = use_mut_ref(|| None::<Timeout>);
    use_effect_with(ws.clone(), move |ws| {
        let broken_untouched =
            *first_ws.borrow() == *ws && matches!(services::link::shared_workspace(), Some(Err(_)));
        if !broken_untouched {
            let ws = ws.clone();
            *timer.borrow_mut() = Some(Timeout::new(LINK_DELAY_MS, move || {
                services::link::write(&ws)
            }));
        }
        || ()
    });
}

/// The definition as validated and drawn: the text once typing pauses, at once when a new
/// text is pushed into the editor (`editor_rev`: an example, a tab, restored work).
#[hook]
pub fn use_settled_definition(definition: &Rc<str>, editor_rev: u64) -> Rc<str> {
    let settled = use_state(|| definition.clone());
    let timer = use_mut_ref(|| None::<Timeout>);
    {
        let settled = settled.clone();
        use_effect_with(definition.clone(), move |def| {
            let def = def.clone();
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || settled.set(def)));
            || ()
        });
    }
    {
        let (settled, def) = (settled.clone(), definition.clone());
        use_effect_with(editor_rev, move |_| {
            settled.set(def);
            || ()
        });
    }
    (*settled).clone()
}

/// Fetches an on-demand module the first time `needed` holds, and reports its progress
/// (validation runs again once it is there).
#[hook]
pub fn use_on_demand_module(
    needed: bool,
    status: &ModuleStatus,
    load: fn(services::Loaded),
    d: Dispatch,
    report: fn(ModuleStatus) -> Action,
) {
    let idle = *status == ModuleStatus::NotLoaded;
    use_effect_with((needed, idle), move |&(needed, idle)| {
        if needed && idle {
            d.dispatch(report(ModuleStatus::Loading));
            load(Box::new(move |r| {
                d.dispatch(report(match r {
                    Ok(()) => ModuleStatus::Ready,
                    Err(e) => ModuleStatus::Failed(Rc::from(e)),
                }))
            }));
        }
        || ()
    });
}

/// A run to the end goes in slices, yielding to the browser between them.
#[hook]
pub fn use_run_slices(running: bool, rev: Option<u64>, d: Dispatch) {
    let tick = use_mut_ref(|| None::<Timeout>);
    use_effect_with((running, rev), move |(running, _)| {
        *tick.borrow_mut() =
            running.then(|| Timeout::new(0, move || d.dispatch(Action::Tick(services::now_ms))));
        || ()
    });
}

/// TestState calls the state asks for go to the extras module; the answer comes back as an
/// action.
#[hook]
pub fn use_test_calls(call: Option<Rc<TestCall>>, d: Dispatch) {
    use_effect_with(call.as_ref().map(|c| c.id), move |_| {
        if let Some(call) = call {
            let id = call.id;
            services::extras::test_state(&call.request, &call.substitutions, move |reply| {
                d.dispatch(Action::TestReplied(id, Rc::new(reply)))
            });
        }
        || ()
    });
}

/// Page-wide shortcuts (the editor handles its own while focused): Ctrl/Cmd+Enter runs, F10
/// steps.
#[hook]
pub fn use_shortcuts(d: Dispatch) {
    use_effect_with((), move |_| {
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
            move |e: web_sys::KeyboardEvent| {
                let in_editor = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| el.closest(".cm-editor").ok().flatten().is_some());
                if in_editor {
                    return;
                }
                if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                    e.prevent_default();
                    d.dispatch(Action::Run);
                } else if e.key() == "F10" {
                    e.prevent_default();
                    d.dispatch(Action::Step);
                }
            },
        );
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback(
                "keydown",
                wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
            );
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback(
                    "keydown",
                    wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                );
            }
        }
    });
}

/// Files and folders dropped anywhere on the page: whether a drag is over it, the files of
/// the last drop (the Open control reads them as a project), and the page's handlers.
pub struct FileDrop {
    pub dragging: bool,
    pub dropped: Option<Rc<Vec<(String, String)>>>,
    pub on_dragover: Callback<DragEvent>,
    pub on_dragleave: Callback<DragEvent>,
    pub on_drop: Callback<DragEvent>,
}

#[hook]
pub fn use_file_drop() -> FileDrop {
    let dropped = use_state(|| None::<Rc<Vec<(String, String)>>>);
    let dragging = use_state(|| false);
    let on_dragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_dragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let on_drop = {
        let (dragging, dropped) = (dragging.clone(), dropped.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(data) = e.data_transfer() else {
                return;
            };
            let dropped = dropped.clone();
            services::extras::read_files(crate::bindings::files_from_drop(&data), move |r| {
                if let Ok(files) = r {
                    dropped.set(Some(Rc::new(files)));
                }
            });
        })
    };
    FileDrop {
        dragging: *dragging,
        dropped: (*dropped).clone(),
        on_dragover,
        on_dragleave,
        on_drop,
    }
}
