//! The state machine graph: SVG drawn from `layout::Layout`. Nodes carry AWS's status colours
//! during and after a run; taken edges are highlighted. Pan by dragging, zoom with the wheel,
//! fit to view; export as SVG or PNG. While the definition is broken the last good graph stays,
//! dimmed.

use super::layout::{EdgeStyle, Layout, NodeBox, NodeKind};
use crate::run_view::NodeStatus;
use crate::state::{use_dispatch, Action, Dispatch};
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub layout: Rc<Layout>,
    /// Status by state name (absent: not started, or no run).
    pub statuses: Rc<HashMap<Rc<str>, NodeStatus>>,
    /// Edges taken in the run, as (from, to).
    pub taken: Rc<Vec<(Rc<str>, Rc<str>)>>,
    /// Map iterations run, by Map state name.
    pub iterations: Rc<HashMap<Rc<str>, usize>>,
    pub selected: Option<Rc<str>>,
    /// The definition is broken: show the last good graph dimmed.
    pub stale: bool,
    /// Right-click on a node opens "Test this state" (not for a child execution's graph).
    #[prop_or_default]
    pub testable: bool,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.layout, &o.layout)
            && Rc::ptr_eq(&self.statuses, &o.statuses)
            && Rc::ptr_eq(&self.taken, &o.taken)
            && self.selected == o.selected
            && self.stale == o.stale
            && self.testable == o.testable
    }
}

#[derive(Clone, Copy, PartialEq)]
struct View {
    x: f64,
    y: f64,
    scale: f64,
}

const MARGIN: f64 = 24.0;

fn path_d(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" }));
    }
    d
}

/// Pan (drag), zoom (wheel, buttons) and fit of the graph in its host element.
struct PanZoom {
    view: View,
    fit: Callback<()>,
    zoom: Callback<f64>,
    on_wheel: Callback<WheelEvent>,
    on_down: Callback<PointerEvent>,
    on_move: Callback<PointerEvent>,
    on_up: Callback<PointerEvent>,
}

#[hook]
fn use_pan_zoom(layout: Rc<Layout>, host: NodeRef) -> PanZoom {
    let view = use_state(|| View {
        x: 0.0,
        y: 0.0,
        scale: 1.0,
    });
    let drag = use_mut_ref(|| None::<(f64, f64, View)>);

    let fit = {
        let (view, host, layout) = (view.clone(), host.clone(), layout.clone());
        Callback::from(move |_: ()| {
            let (w, h) = host.cast::<web_sys::Element>().map_or((800.0, 600.0), |e| {
                (e.client_width() as f64, e.client_height() as f64)
            });
            let scale = ((w - 2.0 * MARGIN) / layout.width.max(1.0))
                .min((h - 2.0 * MARGIN - 40.0) / layout.height.max(1.0))
                .clamp(0.05, 1.5);
            view.set(View {
                x: (w - layout.width * scale) / 2.0,
                y: MARGIN + 20.0,
                scale,
            });
        })
    };
    {
        let fit = fit.clone();
        // Fit when the graph's shape changes size noticeably (a new definition).
        use_effect_with(
            ((layout.width / 50.0) as i64, (layout.height / 50.0) as i64),
            move |_| {
                fit.emit(());
                || ()
            },
        );
    }
    let on_wheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let v = *view;
            let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
            let scale = (v.scale * factor).clamp(0.05, 4.0);
            let (mx, my) = (e.offset_x() as f64, e.offset_y() as f64);
            view.set(View {
                x: mx - (mx - v.x) * scale / v.scale,
                y: my - (my - v.y) * scale / v.scale,
                scale,
            });
        })
    };
    let on_down = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = Some((e.client_x() as f64, e.client_y() as f64, *view));
        })
    };
    let on_move = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some((x0, y0, v)) = *drag.borrow() {
                if e.buttons() & 1 == 1 {
                    view.set(View {
                        x: v.x + e.client_x() as f64 - x0,
                        y: v.y + e.client_y() as f64 - y0,
                        ..v
                    });
                }
            }
        })
    };
    let on_up = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None)
    };
    let zoom = {
        let view = view.clone();
        Callback::from(move |factor: f64| {
            let v = *view;
            view.set(View {
                scale: (v.scale * factor).clamp(0.05, 4.0),
                ..v
            });
        })
    };
    PanZoom {
        view: *view,
        fit,
        zoom,
        on_wheel,
        on_down,
        on_move,
        on_up,
    }
}

/// A state (a box, or a container around its contents) or an anchor.
fn node_html(
    n: &NodeBox,
    p: &Props,
    d: &Dispatch,
    offset: (f64, f64),
    containers: &mut Vec<Html>,
    leaves: &mut Vec<Html>,
) {
    let status = p
        .statuses
        .get(&n.name)
        .copied()
        .unwrap_or(NodeStatus::NotYetStarted);
    let selected = p.selected.as_deref() == Some(&*n.name) && !n.name.is_empty();
    let on_click = {
        let (d, name) = (d.clone(), n.name.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            if !name.is_empty() {
                d.dispatch(Action::PickState(Some(name.clone())));
            }
        })
    };
    let on_context = {
        let (d, name, testable) = (d.clone(), n.name.clone(), p.testable);
        Callback::from(move |e: MouseEvent| {
            if testable && !name.is_empty() {
                e.prevent_default();
                e.stop_propagation();
                d.dispatch(Action::Select(Some(name.clone())));
                d.dispatch(Action::OpenTest(Some(name.clone())));
            }
        })
    };
    let (x, y) = (n.x + offset.0, n.y + offset.1);
    match &n.kind {
        NodeKind::Start | NodeKind::End => leaves.push(html! {
            <g class={classes!("anchor", if n.kind == NodeKind::Start { "start" } else { "end" })}>
                <circle cx={format!("{:.1}", x + n.w / 2.0)} cy={format!("{:.1}", y + n.h / 2.0)} r={format!("{:.1}", n.w / 2.0)} />
                <text x={format!("{:.1}", x + n.w + 4.0)} y={format!("{:.1}", y + n.h / 2.0 + 4.0)}>{ if n.kind == NodeKind::Start { "Start" } else { "End" } }</text>
            </g>
        }),
        NodeKind::Container { type_name } => {
            let iterations = p.iterations.get(&n.name).copied();
            containers.push(html! {
                <g class={classes!("node", "container", status.as_str(), selected.then_some("selected"))} data-testid="graph-node" data-state={n.name.to_string()} data-status={status.as_str()} onclick={on_click} oncontextmenu={on_context.clone()}>
                    <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", n.w)} height={format!("{:.1}", n.h)} rx="8" />
                    <text class="title" x={format!("{:.1}", x + 10.0)} y={format!("{:.1}", y + 19.0)}>{ format!("{} · {type_name}", n.name) }</text>
                    if let Some(count) = iterations {
                        <text class="badge" x={format!("{:.1}", x + n.w - 10.0)} y={format!("{:.1}", y + 19.0)} text-anchor="end">{ format!("{count} iteration{}", if count == 1 { "" } else { "s" }) }</text>
                    }
                </g>
            })
        }
        NodeKind::State { type_name } => leaves.push(html! {
            <g class={classes!("node", type_name.to_lowercase(), status.as_str(), selected.then_some("selected"))} data-testid="graph-node" data-state={n.name.to_string()} data-status={status.as_str()} onclick={on_click} oncontextmenu={on_context} tabindex="0">
                <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", n.w)} height={format!("{:.1}", n.h)} rx={if *type_name == "Choice" { "20" } else { "6" }} />
                <text x={format!("{:.1}", x + n.w / 2.0)} y={format!("{:.1}", y + n.h / 2.0 + 4.5)} text-anchor="middle">{ n.name.to_string() }</text>
                <title>{ format!("{} ({type_name})", n.name) }</title>
            </g>
        }),
    }
}

/// An edge: its path, and its label mid-way along the segment that crosses the gap between
/// ranks (free space).
fn edge_html(e: &super::layout::EdgePath, taken: bool, offset: (f64, f64)) -> Html {
    let (ox, oy) = offset;
    let pts: Vec<(f64, f64)> = e.points.iter().map(|(x, y)| (x + ox, y + oy)).collect();
    let style = match e.kind {
        EdgeStyle::Next | EdgeStyle::Anchor => "next",
        EdgeStyle::Choice => "choice",
        EdgeStyle::Default => "default",
        EdgeStyle::Catch => "catch",
        EdgeStyle::Back => "back",
    };
    let is_taken = taken;
    let label = e.label.as_ref().map(|t| {
        // Mid-way along the segment that crosses the gap between ranks (free space).
        let (a, b) = (pts.get(1).or(pts.first()).copied().unwrap_or_default(), pts.get(2).or(pts.get(1)).copied().unwrap_or_default());
        let (lx, ly) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0 - 12.0);
        html! { <text class="edge-label" x={format!("{:.1}", lx + 4.0)} y={format!("{:.1}", ly + 14.0)}>{ t.clone() }</text> }
    });
    html! {
        <g class={classes!("edge", style, is_taken.then_some("taken"))}>
            <path d={path_d(&pts)} marker-end="url(#arrow)" />
            { for label }
        </g>
    }
}

#[function_component(Graph)]
pub fn graph(props: &Props) -> Html {
    let d = use_dispatch();
    let svg_ref = use_node_ref();
    let host = use_node_ref();
    let PanZoom {
        view: v,
        fit,
        zoom,
        on_wheel,
        on_down,
        on_move,
        on_up,
    } = use_pan_zoom(props.layout.clone(), host.clone());
    let zoom = |factor: f64| {
        let zoom = zoom.clone();
        Callback::from(move |_: MouseEvent| zoom.emit(factor))
    };
    let export_svg = {
        let svg_ref = svg_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                crate::services::download(
                    "state-machine.svg",
                    "image/svg+xml",
                    &standalone_svg(&svg.outer_html()),
                );
            }
        })
    };
    let export_png = {
        let (svg_ref, layout) = (svg_ref.clone(), props.layout.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                crate::bindings::export_png(
                    &standalone_svg(&svg.outer_html()),
                    layout.width + 2.0 * MARGIN,
                    layout.height + 2.0 * MARGIN + 40.0,
                    "state-machine.png",
                );
            }
        })
    };

    let taken: std::collections::HashSet<(&str, &str)> =
        props.taken.iter().map(|(a, b)| (&**a, &**b)).collect();
    let offset = (MARGIN, MARGIN + 20.0);
    let mut containers = Vec::new();
    let mut leaves = Vec::new();
    for n in &props.layout.nodes {
        node_html(n, props, &d, offset, &mut containers, &mut leaves);
    }
    let edges: Html = props
        .layout
        .edges
        .iter()
        .map(|e| edge_html(e, taken.contains(&(&*e.from, &*e.to)), offset))
        .collect();
    html! {
        <div class={classes!("graph", props.stale.then_some("stale"))} data-testid="graph" ref={host}
            onwheel={on_wheel} onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointerleave={on_up}
            onclick={ let d = d.clone(); Callback::from(move |_: MouseEvent| d.dispatch(Action::PickState(None))) }>
            <div class="graph-tools" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} onpointerdown={Callback::from(|e: PointerEvent| e.stop_propagation())}>
                <button title="Zoom in" onclick={zoom(1.2)}>{"+"}</button>
                <button title="Zoom out" onclick={zoom(1.0 / 1.2)}>{"−"}</button>
                <button title="Fit to view" onclick={ let fit = fit.clone(); Callback::from(move |_: MouseEvent| fit.emit(())) }>{"Fit"}</button>
                <button title="Export SVG" onclick={export_svg}>{"SVG"}</button>
                <button title="Export PNG" onclick={export_png}>{"PNG"}</button>
            </div>
            <svg ref={svg_ref} xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" role="img" aria-label="State machine graph">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                <g transform={format!("translate({:.1},{:.1}) scale({:.3})", v.x, v.y, v.scale)}>
                    { for containers }
                    { edges }
                    { for leaves }
                </g>
            </svg>
        </div>
    }
}

/// The SVG with its styles inlined, so an exported file looks like the page.
fn standalone_svg(inner: &str) -> String {
    let style = "<style>text{font:13px system-ui,sans-serif;fill:#16191f}.node rect{fill:#fff;stroke:#687078;stroke-width:1.5}.container>rect{fill:#f2f3f3;stroke-dasharray:5 2}.Succeeded>rect{fill:#2bd62e}.container.Succeeded>rect{fill:#91ea9a}.Failed>rect{fill:#de322f}.container.Failed>rect{fill:#ee9592}.CaughtError>rect{fill:orange}.container.CaughtError>rect{fill:#ffd27f}.InProgress>rect{fill:#53c9ed}.container.InProgress>rect{fill:#a9e4f7}.edge path{fill:none;stroke:#687078;stroke-width:1.4}.edge.catch path{stroke-dasharray:5 3}.edge.taken path{stroke:#0972d3;stroke-width:2.5}.anchor circle{fill:#ffda75;stroke:#687078}.edge-label{font-size:11px;fill:#414d5c}marker path{fill:#687078}</style>";
    inner.replacen('>', &format!(">{style}"), 1)
}
