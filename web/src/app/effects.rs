//! The page's browser effects as hooks: the state the page opens with, the share link kept in
//! the address bar, autosave, the typing debounce, on-demand modules, run slices, shortcuts,
//! and files dropped on the page. The reducer stays pure; these do what it says.

use crate::services::{self, storage};
use crate::state::{
    Action, Ahead, AppState, Dispatch, LinkNotice, ModuleStatus, Saving, TestCall, Workspace,
};
use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Edits settle this long before the definition is validated and laid out again.
const DEBOUNCE_MS: u32 = 150;
/// The address bar follows the workspace this long after the last change.
const LINK_DELAY_MS: u32 = 400;

/// The state the page opens with: a share link's workspace (the user's own work kept aside),
/// else the saved work, else the first example. A link that cannot be opened leaves the local
/// work open and says why. The page's own address after a reload is not a link being opened:
/// the saved work is newer (typed after the address was last written).
pub fn initial_state() -> AppState {
    // Read and parsed once: it is what the page opens, or what a link keeps aside.
    let saved = storage::load().map(|v| Workspace::from_value(&v));
    let saved_is_opened = saved.is_some() && storage::saved_is_opened();
    let backup = || storage::load_backup().map(|v| Rc::new(Workspace::from_value(&v)));
    // The user's own work: the saved workspace, unless it is itself a link as opened.
    let own = |saved: Option<Workspace>| {
        if saved_is_opened {
            backup()
        } else {
            saved.map(Rc::new)
        }
    };
    let local = |saved: Option<Workspace>| {
        let mut s = AppState::new(saved.clone().unwrap_or_else(|| Workspace::from_example(0)));
        if saved_is_opened {
            // Still the link as opened: "Restore my work" stays possible.
            s.opened = saved.map(Rc::new);
            s.kept_aside = backup();
        }
        s
    };
    let fragment = services::link::fragment();
    let mut s = match services::link::shared_workspace() {
        None => local(saved),
        Some(_) if storage::is_own_link(&fragment) => local(saved),
        Some(Ok(ws)) if saved.as_ref() == Some(&ws) => local(saved),
        Some(Ok(ws)) => {
            let mut s = AppState::new(ws.clone());
            s.kept_aside = own(saved);
            s.opened = Some(Rc::new(ws));
            s.link_notice = Some(LinkNotice::Opened);
            s
        }
        Some(Err(e)) => {
            let mut s = local(saved);
            s.link_notice = Some(LinkNotice::Broken(Rc::from(e.to_string().as_str())));
            s
        }
    };
    s.dark = services::prefers_dark();
    s
}

/// Autosave: the workspace after every change (what the editor holds, broken JSON included),
/// and the work kept aside when there is some; what happened is reported (a failure is shown
/// at once, with the workspace file offered). While another tab's newer save waits for the
/// user's choice, this tab does not save over it.
#[hook]
pub fn use_autosave(
    ws: &Workspace,
    own: bool,
    kept_aside: &Option<Rc<Workspace>>,
    paused: bool,
    d: Dispatch,
) {
    {
        let d = d.clone();
        use_effect_with((ws.clone(), own, paused), move |(ws, own, paused)| {
            if *paused {
                storage::pause();
            } else {
                let result = storage::save(&ws.to_value(), !*own);
                d.dispatch(Action::Saved(match result {
                    Ok(()) => Saving::Saved,
                    Err(problem) => Saving::Failed(problem),
                }));
            }
            || ()
        });
    }
    use_effect_with(kept_aside.clone(), move |aside| {
        if let Some(ws) = aside {
            // (While another tab's save waits, its notice stays: saving must stay paused.)
            if let (Err(problem), false) = (storage::save_backup(&ws.to_value()), paused) {
                d.dispatch(Action::Saved(Saving::Failed(problem)));
            }
        }
        || ()
    });
}

/// Another tab saving the same workspace (`storage` events), and a link pasted into this
/// tab's address bar or reached by Back and Forward (`hashchange`): both become actions.
#[hook]
pub fn use_outside_changes(d: Dispatch) {
    use_effect_with((), move |_| {
        let listeners = web_sys::window().map(|window| {
            let on_storage = {
                let d = d.clone();
                EventListener::new(&window, "storage", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else {
                        return;
                    };
                    if !storage::is_workspace_change(e) {
                        return;
                    }
                    let theirs = e.new_value().and_then(|t| engine::api::parse_json(&t).ok());
                    if let Some(v) = theirs {
                        d.dispatch(Action::OtherTabSaved(Box::new(Workspace::from_value(&v))));
                    }
                })
            };
            // (The page's own replaceState fires no hashchange; an unchanged workspace is not
            // opened again.)
            let on_hash = EventListener::new(&window, "hashchange", move |_| {
                match services::link::shared_workspace() {
                    Some(Ok(ws)) => d.dispatch(Action::OpenLink(Box::new(ws))),
                    Some(Err(e)) => {
                        d.dispatch(Action::LinkBroken(Rc::from(e.to_string().as_str())))
                    }
                    None => {}
                }
            });
            (on_storage, on_hash)
        });
        // Dropping the listeners removes them.
        move || drop(listeners)
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

/// The run's next part, made first by the page's Web Worker (`RunSession::ahead`); the
/// page does it once the worker is done. A job that is no longer wanted (cancelled, or
/// replaced by a newer one) terminates the worker: an evaluation cannot be interrupted any
/// other way.
#[hook]
pub fn use_run_ahead(ahead: Option<Rc<Ahead>>, d: Dispatch) {
    let in_flight = use_mut_ref(|| None::<u64>);
    use_effect_with(ahead.as_ref().map(|a| a.id), move |_| {
        if let Some(stale) = in_flight.borrow_mut().take() {
            if ahead.as_ref().map(|a| a.id) != Some(stale) {
                services::worker::stop();
            }
        }
        if let Some(ahead) = ahead {
            let id = ahead.id;
            *in_flight.borrow_mut() = Some(id);
            let in_flight = in_flight.clone();
            services::worker::ask(&ahead.request, true, move |r| {
                if *in_flight.borrow() == Some(id) {
                    *in_flight.borrow_mut() = None;
                }
                let done = match r {
                    Ok(_) => Ok(()),
                    Err(services::worker::WorkerError::Stopped) => return,
                    Err(e) => Err(Rc::from(e.describe("running the execution").as_str())),
                };
                d.dispatch(Action::AheadDone(id, done));
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
        let listener = web_sys::window().map(|window| {
            // Not passive (gloo's default): the shortcuts prevent the browser's own action.
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&window, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let in_editor = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
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
            })
        });
        move || drop(listener)
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
