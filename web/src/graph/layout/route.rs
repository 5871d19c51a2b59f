//! Step 4: the boxes put where their vertices went, the edges routed through the gaps
//! between ranks (loops round a lane to the right of everything), and the containers'
//! contents moved into their boxes.

use super::place::Coords;
use super::ranks::Layered;
use super::vertices::Vertices;
use super::{EdgePath, EdgeStyle, Local, LogicalEdge, NodeBox, Vertex, HEADER, LANE_GAP, RANK_GAP};
use engine::model::Graph;
use std::rc::Rc;

/// A loop (or an edge to the same or an earlier rank): down out of the source, into the gap
/// below its rank, right to a lane outside every node, up to the gap above the target's
/// rank, left, and down into it.
fn loop_points(
    k: usize,
    e: &LogicalEdge,
    vertices: &[Vertex],
    c: &Coords,
    lane: f64,
) -> Vec<(f64, f64)> {
    let cx = |v: usize| c.xs[v] + vertices[v].w / 2.0;
    let (a, b) = (e.from, e.to);
    let (ra, rb) = (vertices[a].rank, vertices[b].rank);
    let below = c.band_bottom(ra) + RANK_GAP / 2.0 - 6.0 + (k % 3) as f64 * 4.0;
    let above = c.rank_y[rb] - RANK_GAP / 2.0 + (k % 3) as f64 * 4.0;
    let above = if rb == 0 { -RANK_GAP / 2.0 } else { above };
    vec![
        (cx(a) + 6.0, c.node_y(&vertices[a]) + vertices[a].h),
        (cx(a) + 6.0, below),
        (lane, below),
        (lane, above),
        (cx(b) + 6.0, above),
        (cx(b) + 6.0, c.node_y(&vertices[b])),
    ]
}

/// A forward edge: straight down each segment of its chain, bending only in the gaps.
fn chain_points(chain: &[usize], vertices: &[Vertex], c: &Coords) -> Vec<(f64, f64)> {
    let cx = |v: usize| c.xs[v] + vertices[v].w / 2.0;
    let mut points: Vec<(f64, f64)> = Vec::new();
    for (i, w) in chain.windows(2).enumerate() {
        let (u, v) = (w[0], w[1]);
        let (ru, rv) = (vertices[u].rank, vertices[v].rank);
        if i == 0 {
            points.push((cx(u), c.node_y(&vertices[u]) + vertices[u].h));
        }
        points.push((cx(u), c.band_bottom(ru)));
        points.push((cx(v), c.rank_y[rv]));
        if i + 2 == chain.len() {
            points.push((cx(v), c.node_y(&vertices[v])));
        }
    }
    points.dedup();
    points
}

pub(super) fn route(graph: &Graph, v: Vertices, layered: &Layered, c: Coords) -> Local {
    let Vertices {
        mut vertices,
        nodes,
        logical,
        ..
    } = v;
    // Place nodes (centred vertically in their rank band) and note containers' contents.
    let mut all_nodes: Vec<NodeBox> = Vec::new();
    let mut inner_parts: Vec<(usize, Local, f64, f64)> = Vec::new();
    for (i, vert) in vertices.iter_mut().enumerate() {
        let Some(n) = vert.node else { continue };
        let mut nb = nodes[n].clone();
        nb.x = c.xs[i];
        nb.y = c.node_y(vert);
        let index = all_nodes.len();
        all_nodes.push(nb);
        if let Some(inner) = vert.inner.take() {
            let ox = c.xs[i] + (vert.w - inner.width) / 2.0;
            let oy = c.node_y(vert) + HEADER;
            inner_parts.push((index, inner, ox, oy));
        }
    }
    let n_states = graph.states.len();
    let name_of = |v: usize| -> Rc<str> {
        if v < n_states {
            graph.states[v].name.clone()
        } else {
            Rc::from("")
        }
    };
    let mut edges: Vec<EdgePath> = Vec::new();
    let mut width = c.width;
    let mut lane = width + LANE_GAP;
    for (k, e) in logical.iter().enumerate() {
        let going_back = layered.back[k] || vertices[e.to].rank <= vertices[e.from].rank;
        let (points, kind) = if going_back {
            let points = loop_points(k, e, &vertices, &c, lane);
            lane += LANE_GAP;
            (points, EdgeStyle::Back)
        } else {
            (chain_points(&layered.chains[k], &vertices, &c), e.style)
        };
        edges.push(EdgePath {
            from: name_of(e.from),
            to: name_of(e.to),
            points,
            label: e.label.clone(),
            kind,
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
        height: c.height,
    }
}
