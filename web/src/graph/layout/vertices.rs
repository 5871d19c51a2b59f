//! Step 0: a box per state, sized by its name or its contents (a Parallel's branches side by
//! side, a Map's processor, each laid out recursively), the Start and End anchors, and the
//! state machine's edges between them.

use super::label::{clip, describe, text_width};
use super::{
    layout_graph, EdgeStyle, Local, LogicalEdge, NodeBox, NodeKind, Vertex, ANCHOR, HEADER,
    NODE_GAP, NODE_H, PAD,
};
use engine::model::{EdgeKind, Graph, Kind, State, Transition};
use std::rc::Rc;

pub(super) struct Vertices {
    /// The states' vertices in definition order, then the anchors (then, later, dummies).
    pub vertices: Vec<Vertex>,
    pub nodes: Vec<NodeBox>,
    pub logical: Vec<LogicalEdge>,
    pub start_v: usize,
    pub end_v: usize,
}

/// A Parallel's branches side by side, merged into one local layout.
fn branches_side_by_side(branches: &[Rc<Graph>], name: &str) -> (f64, f64, Local) {
    let inners: Vec<Local> = branches.iter().map(|b| layout_graph(b, false)).collect();
    let w = inners.iter().map(|l| l.width).sum::<f64>()
        + NODE_GAP * (inners.len().saturating_sub(1)) as f64
        + 2.0 * PAD;
    let h = inners.iter().map(|l| l.height).fold(0.0, f64::max) + HEADER + PAD;
    let mut merged = Local {
        nodes: Vec::new(),
        edges: Vec::new(),
        width: w - 2.0 * PAD,
        height: h - HEADER - PAD,
    };
    let mut x = 0.0;
    for l in inners {
        let base = merged.nodes.len();
        for mut nb in l.nodes {
            nb.x += x;
            nb.parent = nb.parent.map(|p| p + base);
            merged.nodes.push(nb);
        }
        for mut e in l.edges {
            e.points.iter_mut().for_each(|p| p.0 += x);
            merged.edges.push(e);
        }
        x += l.width + NODE_GAP;
    }
    (w.max(text_width(name) + 2.0 * PAD), h, merged)
}

/// A state's box: width, height, what it is, and a container's contents.
fn state_box(s: &State) -> (f64, f64, NodeKind, Option<Local>) {
    match &s.kind {
        Kind::Parallel { branches } => {
            let (w, h, merged) = branches_side_by_side(branches, &s.name);
            let kind = NodeKind::Container {
                type_name: "Parallel",
            };
            (w, h, kind, Some(merged))
        }
        Kind::Map(spec) => {
            let inner = layout_graph(&spec.processor, false);
            let w = (inner.width + 2.0 * PAD).max(text_width(&s.name) + 2.0 * PAD + 60.0);
            let h = inner.height + HEADER + PAD;
            (w, h, NodeKind::Container { type_name: "Map" }, Some(inner))
        }
        k => (
            (text_width(&s.name) + 36.0).max(110.0),
            NODE_H,
            NodeKind::State {
                type_name: k.type_name(),
            },
            None,
        ),
    }
}

/// The style and label of the edge from `s` to one of its successors.
fn edge_style(s: &State, edge: EdgeKind) -> (EdgeStyle, Option<String>) {
    match edge {
        EdgeKind::Next => (EdgeStyle::Next, None),
        EdgeKind::Default => (EdgeStyle::Default, Some("Default".to_string())),
        EdgeKind::Rule(r) => {
            let label = match &s.kind {
                Kind::Choice { rules, .. } => {
                    rules.get(r).map(|rule| clip(describe(&rule.condition), 40))
                }
                _ => None,
            };
            (EdgeStyle::Choice, label)
        }
        EdgeKind::Catch(c) => (
            EdgeStyle::Catch,
            s.catch
                .get(c)
                .map(|c| clip(format!("Catch {}", c.error_equals.join(", ")), 40)),
        ),
    }
}

pub(super) fn vertices(graph: &Graph, anchors: bool) -> Vertices {
    let n_states = graph.states.len();
    let mut vertices: Vec<Vertex> = Vec::with_capacity(n_states + 2);
    let mut nodes: Vec<NodeBox> = Vec::with_capacity(n_states + 2);
    let mut push = |name: Rc<str>, kind, w, h, span, inner| {
        nodes.push(NodeBox {
            name,
            kind,
            x: 0.0,
            y: 0.0,
            w,
            h,
            parent: None,
            span,
        });
        vertices.push(Vertex {
            w,
            h,
            rank: 0,
            order: 0.0,
            node: Some(nodes.len() - 1),
            inner,
        });
    };
    for s in &graph.states {
        let (w, h, kind, inner) = state_box(s);
        push(
            s.name.clone(),
            kind,
            w,
            h,
            (s.span.start, s.span.end),
            inner,
        );
    }
    let start_v = n_states;
    let end_v = start_v + 1;
    if anchors {
        for kind in [NodeKind::Start, NodeKind::End] {
            push(Rc::from(""), kind, ANCHOR, ANCHOR, (0, 0), None);
        }
    }
    let mut logical: Vec<LogicalEdge> = Vec::new();
    let mut edge = |from, to, style, label| {
        logical.push(LogicalEdge {
            from,
            to,
            style,
            label,
        })
    };
    if anchors {
        if let Some(s) = graph.start {
            edge(start_v, s, EdgeStyle::Anchor, None);
        }
    }
    for (i, s) in graph.states.iter().enumerate() {
        for (target, kind) in s.successors() {
            let Some(t) = graph.id(&target) else { continue };
            let (style, label) = edge_style(s, kind);
            edge(i, t, style, label);
        }
        let terminal = matches!(s.transition, Transition::End)
            || matches!(s.kind, Kind::Succeed | Kind::Fail(_));
        if anchors && terminal {
            edge(i, end_v, EdgeStyle::Anchor, None);
        }
    }
    Vertices {
        vertices,
        nodes,
        logical,
        start_v,
        end_v,
    }
}
