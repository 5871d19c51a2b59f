//! The graph layout for ASL: a pure function from the engine's model to boxes and edge paths,
//! tested natively. Top-down layered layout, one file per step:
//!
//! 0. `vertices`: a box per state (containers laid out recursively) and the logical edges;
//! 1. `ranks`: back edges (loops) found by depth-first search from the start anchor, ranks by
//!    longest path over the remaining edges, a dummy vertex on every rank a long edge passes
//!    (so edges only join adjacent ranks);
//! 2. `order`: order within ranks by barycentre sweeps (fewer crossings);
//! 3. `place`: x by the parents' barycentre with minimum gaps, y by rank;
//! 4. `route`: nodes placed, edges routed, containers' contents moved into place.
//!
//! Parallel and Map states are containers holding their branches (side by side) or their
//! processor. Edges run vertically under or over their own node, then only through the free
//! gaps between ranks; loops go round a lane to the right of every node. So no edge crosses a
//! node.

mod label;
mod order;
mod place;
mod ranks;
mod route;
mod vertices;

use engine::model::{Graph, StateMachine};
use std::rc::Rc;

pub const NODE_H: f64 = 40.0;
const RANK_GAP: f64 = 56.0;
const NODE_GAP: f64 = 36.0;
const PAD: f64 = 18.0;
const HEADER: f64 = 30.0;
const ANCHOR: f64 = 22.0;
const LANE_GAP: f64 = 14.0;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Start,
    End,
    /// A state; `type_name` is its ASL Type.
    State {
        type_name: &'static str,
    },
    /// A Parallel or Map drawn as a box around its contents.
    Container {
        type_name: &'static str,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// The state name (empty for anchors).
    pub name: Rc<str>,
    pub kind: NodeKind,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Index of the enclosing container node, if any.
    pub parent: Option<usize>,
    /// Where the state's key stands in the source (for editor navigation).
    pub span: (usize, usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgePath {
    pub from: Rc<str>,
    pub to: Rc<str>,
    pub points: Vec<(f64, f64)>,
    pub label: Option<String>,
    pub kind: EdgeStyle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeStyle {
    Next,
    Choice,
    Default,
    Catch,
    /// A loop back to an earlier state.
    Back,
    Anchor,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
    pub width: f64,
    pub height: f64,
}

/// One graph's layout in local coordinates (origin top-left).
struct Local {
    nodes: Vec<NodeBox>,
    edges: Vec<EdgePath>,
    width: f64,
    height: f64,
}

struct Vertex {
    w: f64,
    h: f64,
    rank: usize,
    order: f64,
    /// Index into the graph's node boxes, or None for a dummy.
    node: Option<usize>,
    /// The inner layout of a container, placed when the vertex is.
    inner: Option<Local>,
}

/// An edge of the state machine, between two vertices.
struct LogicalEdge {
    from: usize,
    to: usize,
    style: EdgeStyle,
    label: Option<String>,
}

pub fn layout(machine: &StateMachine) -> Layout {
    let local = layout_graph(&machine.graph, true);
    Layout {
        nodes: local.nodes,
        edges: local.edges,
        width: local.width,
        height: local.height,
    }
}

/// One graph (the machine's, a branch, a processor), `anchors` with Start and End circles.
fn layout_graph(graph: &Graph, anchors: bool) -> Local {
    let mut v = vertices::vertices(graph, anchors);
    let layered = ranks::layer(graph, anchors, &mut v);
    let ranks = order::order(&layered, &mut v.vertices);
    let coords = place::place(&ranks, &layered.up, &v.vertices);
    route::route(graph, v, &layered, coords)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::api;
    use engine::model::WorkflowType;

    fn lay(text: &str) -> Layout {
        let v = api::validate(text, WorkflowType::Standard);
        layout(v.machine.as_ref().expect("machine"))
    }

    fn overlaps(a: &NodeBox, b: &NodeBox) -> bool {
        a.x < b.x + b.w - 0.5
            && b.x < a.x + a.w - 0.5
            && a.y < b.y + b.h - 0.5
            && b.y < a.y + a.h - 0.5
    }

    fn is_ancestor(nodes: &[NodeBox], a: usize, mut b: usize) -> bool {
        while let Some(p) = nodes[b].parent {
            if p == a {
                return true;
            }
            b = p;
        }
        false
    }

    fn segment_hits_box(p: (f64, f64), q: (f64, f64), n: &NodeBox) -> bool {
        // Axis-aligned or diagonal segments: sample finely (layouts are small).
        let steps = 64;
        (1..steps).any(|i| {
            let t = i as f64 / steps as f64;
            let (x, y) = (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
            x > n.x + 1.0 && x < n.x + n.w - 1.0 && y > n.y + 1.0 && y < n.y + n.h - 1.0
        })
    }

    /// Checks the invariants on every fixture and bench workload: no two nodes overlap (unless
    /// one contains the other), containers hold their contents, and no edge crosses a node
    /// other than its own ends or their containers.
    #[test]
    fn fixtures_lay_out_without_overlaps_or_edges_through_nodes() {
        let dirs = ["../tests/data/exec", "../../shared/bench/workloads"];
        let mut checked = 0;
        for dir in dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in rd.flatten() {
                let path = entry.path();
                if !path.to_string_lossy().ends_with(".asl.json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read");
                let l = lay(&text);
                checked += 1;
                for i in 0..l.nodes.len() {
                    if let Some(p) = l.nodes[i].parent {
                        let (c, n) = (&l.nodes[p], &l.nodes[i]);
                        assert!(
                            n.x >= c.x
                                && n.y >= c.y
                                && n.x + n.w <= c.x + c.w + 0.5
                                && n.y + n.h <= c.y + c.h + 0.5,
                            "{}: {} outside its container",
                            path.display(),
                            n.name
                        );
                    }
                    for j in i + 1..l.nodes.len() {
                        if is_ancestor(&l.nodes, i, j) || is_ancestor(&l.nodes, j, i) {
                            continue;
                        }
                        assert!(
                            !overlaps(&l.nodes[i], &l.nodes[j]),
                            "{}: {:?} overlaps {:?}",
                            path.display(),
                            l.nodes[i].name,
                            l.nodes[j].name
                        );
                    }
                }
                for e in &l.edges {
                    for (ni, n) in l.nodes.iter().enumerate() {
                        if matches!(n.kind, NodeKind::Container { .. }) {
                            continue; // edges run inside and out of containers by design
                        }
                        if (n.name == e.from || n.name == e.to) && !n.name.is_empty() {
                            continue;
                        }
                        if n.name.is_empty()
                            && matches!(n.kind, NodeKind::Start | NodeKind::End)
                            && (e.from.is_empty() || e.to.is_empty())
                        {
                            continue;
                        }
                        for w in e.points.windows(2) {
                            assert!(
                                !segment_hits_box(w[0], w[1], n),
                                "{}: edge {} -> {} crosses {:?} (node {ni})",
                                path.display(),
                                e.from,
                                e.to,
                                n.name
                            );
                        }
                    }
                }
            }
        }
        assert!(checked >= 10, "only {checked} definitions laid out");
    }

    /// Proper crossings between segments of different edges (shared endpoints do not count).
    fn crossings(l: &Layout) -> usize {
        type Segment = (usize, (f64, f64), (f64, f64));
        let segs: Vec<Segment> = l
            .edges
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.points.windows(2).map(move |w| (i, w[0], w[1])))
            .collect();
        let cross = |a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)| {
            let o = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
                (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
            };
            let (d1, d2, d3, d4) = (o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d));
            d1 * d2 < -1e-6 && d3 * d4 < -1e-6
        };
        let mut n = 0;
        for (i, a) in segs.iter().enumerate() {
            for b in &segs[i + 1..] {
                if a.0 != b.0 && cross(a.1, a.2, b.1, b.2) {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn few_crossings() {
        for (name, text, max) in [
            (
                "choice-operators",
                include_str!("../../../../tests/data/exec/choice-operators.asl.json"),
                0,
            ),
            (
                "catch-result-path",
                include_str!("../../../../tests/data/exec/catch-result-path.asl.json"),
                0,
            ),
            (
                "callback-approval",
                include_str!("../../../../tests/data/exec/callback-approval.asl.json"),
                0,
            ),
            (
                "map-concurrency",
                include_str!("../../../../tests/data/exec/map-concurrency.asl.json"),
                0,
            ),
            (
                "parallel-makespan",
                include_str!("../../../../tests/data/exec/parallel-makespan.asl.json"),
                0,
            ),
            (
                "endless-loop",
                include_str!("../../../../tests/data/exec/endless-loop.asl.json"),
                1,
            ),
        ] {
            let n = crossings(&lay(text));
            assert!(n <= max, "{name}: {n} crossings (at most {max})");
        }
    }

    #[test]
    fn loops_become_back_edges_and_choices_are_labelled() {
        let l = lay(include_str!(
            "../../../../tests/data/exec/endless-loop.asl.json"
        ));
        assert!(l
            .edges
            .iter()
            .any(|e| e.kind == EdgeStyle::Back && &*e.to == "Again"));
        let l = lay(include_str!(
            "../../../../tests/data/exec/choice-operators.asl.json"
        ));
        assert!(l
            .edges
            .iter()
            .any(|e| e.label.as_deref() == Some("Default")));
        assert!(l.edges.iter().any(|e| e
            .label
            .as_deref()
            .is_some_and(|s| s.contains("$.file matches"))));
        let l = lay(include_str!(
            "../../../../tests/data/exec/catch-result-path.asl.json"
        ));
        assert!(l.edges.iter().any(|e| e.kind == EdgeStyle::Catch
            && e.label.as_deref() == Some("Catch Inventory.OutOfStock")));
    }

    #[test]
    fn parallel_branches_sit_side_by_side_inside_their_container() {
        let l = lay(include_str!(
            "../../../../tests/data/exec/parallel-makespan.asl.json"
        ));
        let c = l
            .nodes
            .iter()
            .position(|n| &*n.name == "FanOut")
            .expect("container");
        let a = l
            .nodes
            .iter()
            .find(|n| &*n.name == "Short")
            .expect("branch 1");
        let b = l
            .nodes
            .iter()
            .find(|n| &*n.name == "Long")
            .expect("branch 2");
        assert_eq!(a.parent, Some(c));
        assert!(
            (a.y - b.y).abs() < 0.5 && a.x + a.w <= b.x,
            "branches side by side"
        );
    }

    /// Many states in a chain with choices: layout is linear enough to stay fast (the browser
    /// budget is measured separately; this guards against quadratic blow-ups).
    #[test]
    fn large_definitions_lay_out() {
        let mut states = Vec::new();
        for i in 0..1000 {
            let next = if i + 1 < 1000 {
                format!("\"Next\": \"S{}\"", i + 1)
            } else {
                "\"End\": true".to_string()
            };
            if i % 10 == 5 {
                states.push(format!("\"S{i}\": {{\"Type\": \"Choice\", \"Choices\": [{{\"Variable\": \"$.x\", \"NumericEquals\": {i}, \"Next\": \"S{}\"}}], \"Default\": \"S{}\"}}", (i + 3).min(999), i + 1));
            } else {
                states.push(format!("\"S{i}\": {{\"Type\": \"Pass\", {next}}}"));
            }
        }
        let text = format!(
            "{{\"StartAt\": \"S0\", \"States\": {{{}}}}}",
            states.join(",")
        );
        let l = lay(&text);
        assert_eq!(l.nodes.len(), 1002);
    }
}
