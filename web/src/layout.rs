//! The graph layout for ASL: a pure function from the engine's model to boxes and edge paths,
//! tested natively. Top-down layered layout:
//!
//! 1. back edges (loops) found by depth-first search from the start anchor;
//! 2. ranks by longest path over the remaining edges;
//! 3. a dummy node on every rank a long edge passes, so edges only join adjacent ranks;
//! 4. order within ranks by barycentre sweeps (fewer crossings);
//! 5. x by the parents' barycentre with minimum gaps, y by rank.
//!
//! Parallel and Map states are containers holding their branches (side by side) or their
//! processor, laid out recursively. Edges run vertically under or over their own node, then
//! only through the free gaps between ranks; loops go round a lane to the right of every node.
//! So no edge crosses a node.

use engine::model::{EdgeKind, Graph, Kind, StateMachine, Transition};
use engine::query::choice::{Cmp, Condition, Kind as CmpKind, Operand, TypeTest};
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

impl NodeBox {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
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

/// Estimated text width (the SVG uses a 13px sans-serif font).
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 7.2
}

/// A short description of a Choice rule, for its edge label.
pub fn describe(c: &Condition) -> String {
    let op = |cmp: &Cmp| match cmp {
        Cmp::Equals => "==",
        Cmp::LessThan => "<",
        Cmp::GreaterThan => ">",
        Cmp::LessThanEquals => "<=",
        Cmp::GreaterThanEquals => ">=",
    };
    match c {
        Condition::Compare {
            variable,
            kind,
            cmp,
            operand,
        } => {
            let rhs = match operand {
                Operand::Literal(v) => v.to_json(),
                Operand::Path(p) => p.source.to_string(),
            };
            let k = match kind {
                CmpKind::Timestamp => " (time)",
                _ => "",
            };
            format!("{} {} {rhs}{k}", variable.source, op(cmp))
        }
        Condition::Matches { variable, .. } => format!("{} matches", variable.source),
        Condition::Test {
            variable,
            test,
            expected,
        } => {
            let t = match test {
                TypeTest::IsNull => "is null",
                TypeTest::IsPresent => "is present",
                TypeTest::IsNumeric => "is numeric",
                TypeTest::IsString => "is string",
                TypeTest::IsBoolean => "is boolean",
                TypeTest::IsTimestamp => "is timestamp",
            };
            format!(
                "{} {}{t}",
                variable.source,
                if *expected { "" } else { "not " }
            )
        }
        Condition::And(cs) => cs.iter().map(describe).collect::<Vec<_>>().join(" and "),
        Condition::Or(cs) => cs.iter().map(describe).collect::<Vec<_>>().join(" or "),
        Condition::Not(c) => format!("not ({})", describe(c)),
        Condition::Jsonata(e) => engine::query::jsonata::quoted(e).to_string(),
    }
}

fn clip(s: String, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    } else {
        s
    }
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
    /// Index into `Local::nodes`, or None for a dummy.
    node: Option<usize>,
    /// The inner layout of a container, placed when the vertex is.
    inner: Option<Local>,
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

fn layout_graph(graph: &Graph, anchors: bool) -> Local {
    let n_states = graph.states.len();
    // Vertices: states, then start/end anchors.
    let mut vertices: Vec<Vertex> = Vec::with_capacity(n_states + 2);
    let mut nodes: Vec<NodeBox> = Vec::with_capacity(n_states + 2);
    for s in &graph.states {
        let (w, h, kind, inner) = match &s.kind {
            Kind::Parallel { branches } => {
                let inners: Vec<Local> = branches.iter().map(|b| layout_graph(b, false)).collect();
                let w = inners.iter().map(|l| l.width).sum::<f64>()
                    + NODE_GAP * (inners.len().saturating_sub(1)) as f64
                    + 2.0 * PAD;
                let h = inners.iter().map(|l| l.height).fold(0.0, f64::max) + HEADER + PAD;
                // Branches side by side: merge them into one local layout.
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
                let w = w.max(text_width(&s.name) + 2.0 * PAD);
                (
                    w,
                    h,
                    NodeKind::Container {
                        type_name: "Parallel",
                    },
                    Some(merged),
                )
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
        };
        nodes.push(NodeBox {
            name: s.name.clone(),
            kind,
            x: 0.0,
            y: 0.0,
            w,
            h,
            parent: None,
            span: (s.span.start, s.span.end),
        });
        vertices.push(Vertex {
            w,
            h,
            rank: 0,
            order: 0.0,
            node: Some(nodes.len() - 1),
            inner,
        });
    }
    let start_v = vertices.len();
    let end_v = start_v + 1;
    if anchors {
        for kind in [NodeKind::Start, NodeKind::End] {
            nodes.push(NodeBox {
                name: Rc::from(""),
                kind,
                x: 0.0,
                y: 0.0,
                w: ANCHOR,
                h: ANCHOR,
                parent: None,
                span: (0, 0),
            });
            vertices.push(Vertex {
                w: ANCHOR,
                h: ANCHOR,
                rank: 0,
                order: 0.0,
                node: Some(nodes.len() - 1),
                inner: None,
            });
        }
    }

    // Logical edges (from vertex, to vertex, style, label).
    let mut logical: Vec<(usize, usize, EdgeStyle, Option<String>)> = Vec::new();
    if anchors {
        if let Some(s) = graph.start {
            logical.push((start_v, s, EdgeStyle::Anchor, None));
        }
    }
    for (i, s) in graph.states.iter().enumerate() {
        for (target, edge) in s.successors() {
            let Some(t) = graph.id(&target) else { continue };
            let (style, label) = match edge {
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
            };
            logical.push((i, t, style, label));
        }
        let terminal = matches!(s.transition, Transition::End)
            || matches!(s.kind, Kind::Succeed | Kind::Fail(_));
        if anchors && terminal {
            logical.push((i, end_v, EdgeStyle::Anchor, None));
        }
    }

    // 1. Back edges by DFS (from the start, then from anything unvisited).
    let nv = vertices.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for (k, (a, _, _, _)) in logical.iter().enumerate() {
        out[*a].push(k);
    }
    let mut back = vec![false; logical.len()];
    let mut state = vec![0u8; nv]; // 0 new, 1 on stack, 2 done
    let mut roots: Vec<usize> = Vec::new();
    if anchors {
        roots.push(start_v);
    } else if let Some(s) = graph.start {
        roots.push(s);
    }
    roots.extend(0..nv);
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        // Iterative DFS: (vertex, next edge position).
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some((v, pos)) = stack.last_mut() {
            let v = *v;
            if let Some(&k) = out[v].get(*pos) {
                *pos += 1;
                let t = logical[k].1;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => back[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }

    // 2. Longest-path ranks over forward edges (Kahn's order).
    let mut indeg = vec![0usize; nv];
    for (k, (_, b, _, _)) in logical.iter().enumerate() {
        if !back[k] {
            indeg[*b] += 1;
        }
    }
    let mut queue: Vec<usize> = (0..nv).filter(|v| indeg[*v] == 0).collect();
    let mut qi = 0;
    while qi < queue.len() {
        let v = queue[qi];
        qi += 1;
        for &k in &out[v] {
            if back[k] {
                continue;
            }
            let t = logical[k].1;
            vertices[t].rank = vertices[t].rank.max(vertices[v].rank + 1);
            indeg[t] -= 1;
            if indeg[t] == 0 {
                queue.push(t);
            }
        }
    }
    if anchors {
        // The end anchor sits below everything.
        let max_rank = (0..end_v).map(|v| vertices[v].rank).max().unwrap_or(0);
        vertices[end_v].rank = vertices[end_v].rank.max(max_rank + 1);
    }

    // 3. Dummy vertices for forward edges spanning several ranks; chains per logical edge.
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(logical.len());
    for (k, (a, b, _, _)) in logical.iter().enumerate() {
        let (a, b) = (*a, *b);
        let mut chain = vec![a];
        if !back[k] && vertices[b].rank > vertices[a].rank + 1 {
            for r in vertices[a].rank + 1..vertices[b].rank {
                vertices.push(Vertex {
                    w: 8.0,
                    h: NODE_H,
                    rank: r,
                    order: 0.0,
                    node: None,
                    inner: None,
                });
                chain.push(vertices.len() - 1);
            }
        }
        chain.push(b);
        chains.push(chain);
    }
    let n_ranks = vertices.iter().map(|v| v.rank).max().unwrap_or(0) + 1;
    let mut ranks: Vec<Vec<usize>> = vec![Vec::new(); n_ranks];
    // Initial order: discovery order of the topological queue, then dummies.
    let mut seen = vec![false; vertices.len()];
    for v in queue.iter().copied().chain(0..vertices.len()) {
        if !seen[v] {
            seen[v] = true;
            ranks[vertices[v].rank].push(v);
        }
    }
    // Adjacency between consecutive ranks (forward segments only).
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    for (k, chain) in chains.iter().enumerate() {
        if back[k] {
            continue;
        }
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }

    // 4. Barycentre sweeps.
    let set_orders = |ranks: &Vec<Vec<usize>>, vertices: &mut Vec<Vertex>| {
        for r in ranks {
            for (i, v) in r.iter().enumerate() {
                vertices[*v].order = i as f64;
            }
        }
    };
    set_orders(&ranks, &mut vertices);
    for sweep in 0..6 {
        let downwards = sweep % 2 == 0;
        let range: Vec<usize> = if downwards {
            (1..n_ranks).collect()
        } else {
            (0..n_ranks.saturating_sub(1)).rev().collect()
        };
        for r in range {
            let neighbours = if downwards { &up } else { &down };
            let mut keyed: Vec<(f64, usize)> = ranks[r]
                .iter()
                .map(|v| {
                    let ns = &neighbours[*v];
                    let key = if ns.is_empty() {
                        vertices[*v].order
                    } else {
                        ns.iter().map(|n| vertices[*n].order).sum::<f64>() / ns.len() as f64
                    };
                    (key, *v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            ranks[r] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, v) in ranks[r].iter().enumerate() {
                vertices[*v].order = i as f64;
            }
        }
    }

    // 5. Coordinates. y by rank; x first packed, then pulled towards the parents' centres.
    let rank_h: Vec<f64> = ranks
        .iter()
        .map(|r| r.iter().map(|v| vertices[*v].h).fold(0.0, f64::max))
        .collect();
    let mut rank_y = vec![0.0; n_ranks];
    for r in 1..n_ranks {
        rank_y[r] = rank_y[r - 1] + rank_h[r - 1] + RANK_GAP;
    }
    let mut xs = vec![0.0f64; vertices.len()];
    let widest = ranks
        .iter()
        .map(|r| {
            r.iter().map(|v| vertices[*v].w).sum::<f64>()
                + NODE_GAP * r.len().saturating_sub(1) as f64
        })
        .fold(0.0, f64::max);
    for (ri, r) in ranks.iter().enumerate() {
        // Desired centres: the parents' mean (or spread evenly on the first rank).
        let total = r.iter().map(|v| vertices[*v].w).sum::<f64>()
            + NODE_GAP * r.len().saturating_sub(1) as f64;
        let mut cursor = (widest - total) / 2.0;
        let mut desired: Vec<f64> = Vec::with_capacity(r.len());
        for v in r {
            let natural = cursor + vertices[*v].w / 2.0;
            cursor += vertices[*v].w + NODE_GAP;
            let ps = &up[*v];
            desired.push(if ri > 0 && !ps.is_empty() {
                ps.iter()
                    .map(|p| xs[*p] + vertices[*p].w / 2.0)
                    .sum::<f64>()
                    / ps.len() as f64
            } else {
                natural
            });
        }
        // Left to right with minimum gaps, then right to left, then average.
        let mut left = vec![0.0; r.len()];
        let mut min_x = f64::NEG_INFINITY;
        for (i, v) in r.iter().enumerate() {
            let x = (desired[i] - vertices[*v].w / 2.0).max(min_x);
            left[i] = x;
            min_x = x + vertices[*v].w + NODE_GAP;
        }
        let mut right = vec![0.0; r.len()];
        let mut max_x = f64::INFINITY;
        for (i, v) in r.iter().enumerate().rev() {
            let x = (desired[i] - vertices[*v].w / 2.0).min(max_x - vertices[*v].w);
            right[i] = x;
            max_x = x - NODE_GAP;
        }
        let mut placed: Vec<f64> = left
            .iter()
            .zip(&right)
            .map(|(a, b)| (a + b) / 2.0)
            .collect();
        // Averaging can break the gaps again: enforce them once more.
        let mut min_x = f64::NEG_INFINITY;
        for (i, v) in r.iter().enumerate() {
            placed[i] = placed[i].max(min_x);
            min_x = placed[i] + vertices[*v].w + NODE_GAP;
        }
        for (i, v) in r.iter().enumerate() {
            xs[*v] = placed[i];
        }
    }
    // Shift everything to start at 0.
    let min_x = (0..vertices.len())
        .map(|v| xs[v])
        .fold(f64::INFINITY, f64::min);
    let min_x = if min_x.is_finite() { min_x } else { 0.0 };
    for x in xs.iter_mut() {
        *x -= min_x;
    }
    let mut width = (0..vertices.len())
        .map(|v| xs[v] + vertices[v].w)
        .fold(0.0, f64::max);
    let height = rank_y.last().copied().unwrap_or(0.0) + rank_h.last().copied().unwrap_or(0.0);

    // Place nodes (centred vertically in their rank band) and containers' contents.
    let mut all_nodes: Vec<NodeBox> = Vec::new();
    let mut index_of = vec![usize::MAX; vertices.len()];
    let mut inner_parts: Vec<(usize, Local, f64, f64)> = Vec::new();
    for (v, vert) in vertices.iter_mut().enumerate() {
        let Some(n) = vert.node else { continue };
        let mut nb = nodes[n].clone();
        nb.x = xs[v];
        nb.y = rank_y[vert.rank] + (rank_h[vert.rank] - vert.h) / 2.0;
        index_of[v] = all_nodes.len();
        all_nodes.push(nb);
        if let Some(inner) = vert.inner.take() {
            let ox = xs[v] + (vert.w - inner.width) / 2.0;
            let oy = rank_y[vert.rank] + (rank_h[vert.rank] - vert.h) / 2.0 + HEADER;
            inner_parts.push((index_of[v], inner, ox, oy));
        }
    }
    let node_y = |v: usize, vertices: &Vec<Vertex>| {
        rank_y[vertices[v].rank] + (rank_h[vertices[v].rank] - vertices[v].h) / 2.0
    };
    let band_bottom = |r: usize| rank_y[r] + rank_h[r];

    // Edges.
    let mut edges: Vec<EdgePath> = Vec::new();
    let name_of = |v: usize| -> Rc<str> {
        if v < n_states {
            graph.states[v].name.clone()
        } else {
            Rc::from("")
        }
    };
    let mut lane = width + LANE_GAP;
    for (k, (a, b, style, label)) in logical.iter().enumerate() {
        let chain = &chains[k];
        let cx = |v: usize| xs[v] + vertices[v].w / 2.0;
        let mut points: Vec<(f64, f64)> = Vec::new();
        if back[k] || vertices[*b].rank <= vertices[*a].rank {
            // Down out of the source, into the gap below its rank, right to a lane outside
            // every node, up to the gap above the target's rank, left, and down into it.
            let (ra, rb) = (vertices[*a].rank, vertices[*b].rank);
            let below = band_bottom(ra) + RANK_GAP / 2.0 - 6.0 + (k % 3) as f64 * 4.0;
            let above = rank_y[rb] - RANK_GAP / 2.0 + (k % 3) as f64 * 4.0;
            let above = if rb == 0 { -RANK_GAP / 2.0 } else { above };
            points.push((cx(*a) + 6.0, node_y(*a, &vertices) + vertices[*a].h));
            points.push((cx(*a) + 6.0, below));
            points.push((lane, below));
            points.push((lane, above));
            points.push((cx(*b) + 6.0, above));
            points.push((cx(*b) + 6.0, node_y(*b, &vertices)));
            lane += LANE_GAP;
            edges.push(EdgePath {
                from: name_of(*a),
                to: name_of(*b),
                points,
                label: label.clone(),
                kind: EdgeStyle::Back,
            });
            continue;
        }
        for (i, w) in chain.windows(2).enumerate() {
            let (u, v) = (w[0], w[1]);
            let (ru, rv) = (vertices[u].rank, vertices[v].rank);
            if i == 0 {
                points.push((cx(u), node_y(u, &vertices) + vertices[u].h));
            }
            points.push((cx(u), band_bottom(ru)));
            points.push((cx(v), rank_y[rv]));
            if i + 2 == chain.len() {
                points.push((cx(v), node_y(v, &vertices)));
            }
        }
        points.dedup();
        edges.push(EdgePath {
            from: name_of(*a),
            to: name_of(*b),
            points,
            label: label.clone(),
            kind: *style,
        });
    }
    if lane > width + LANE_GAP {
        width = lane;
    }

    // Containers' contents, in absolute coordinates.
    for (parent, inner, ox, oy) in inner_parts {
        let base = all_nodes.len();
        for mut nb in inner.nodes {
            nb.x += ox;
            nb.y += oy;
            nb.parent = Some(nb.parent.map_or(parent, |p| p + base));
            all_nodes.push(nb);
        }
        for mut e in inner.edges {
            e.points.iter_mut().for_each(|p| {
                p.0 += ox;
                p.1 += oy;
            });
            edges.push(e);
        }
    }
    Local {
        nodes: all_nodes,
        edges,
        width,
        height,
    }
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
                include_str!("../../tests/data/exec/choice-operators.asl.json"),
                0,
            ),
            (
                "catch-result-path",
                include_str!("../../tests/data/exec/catch-result-path.asl.json"),
                0,
            ),
            (
                "callback-approval",
                include_str!("../../tests/data/exec/callback-approval.asl.json"),
                0,
            ),
            (
                "map-concurrency",
                include_str!("../../tests/data/exec/map-concurrency.asl.json"),
                0,
            ),
            (
                "parallel-makespan",
                include_str!("../../tests/data/exec/parallel-makespan.asl.json"),
                0,
            ),
            (
                "endless-loop",
                include_str!("../../tests/data/exec/endless-loop.asl.json"),
                1,
            ),
        ] {
            let n = crossings(&lay(text));
            assert!(n <= max, "{name}: {n} crossings (at most {max})");
        }
    }

    #[test]
    fn loops_become_back_edges_and_choices_are_labelled() {
        let l = lay(include_str!("../../tests/data/exec/endless-loop.asl.json"));
        assert!(l
            .edges
            .iter()
            .any(|e| e.kind == EdgeStyle::Back && &*e.to == "Again"));
        let l = lay(include_str!(
            "../../tests/data/exec/choice-operators.asl.json"
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
            "../../tests/data/exec/catch-result-path.asl.json"
        ));
        assert!(l.edges.iter().any(|e| e.kind == EdgeStyle::Catch
            && e.label.as_deref() == Some("Catch Inventory.OutOfStock")));
    }

    #[test]
    fn parallel_branches_sit_side_by_side_inside_their_container() {
        let l = lay(include_str!(
            "../../tests/data/exec/parallel-makespan.asl.json"
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
