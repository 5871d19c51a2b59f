//! Step 1: which edges go back (loops), a rank per vertex by longest path over the others,
//! and a dummy vertex on every rank a long edge passes, so that every forward edge is a chain
//! of segments between adjacent ranks.

use super::vertices::Vertices;
use super::{LogicalEdge, Vertex, NODE_H};
use engine::model::Graph;

pub(super) struct Layered {
    /// Per logical edge: it closes a loop.
    pub back: Vec<bool>,
    /// Per logical edge: its vertices from source to target, dummies between.
    pub chains: Vec<Vec<usize>>,
    /// The vertices in topological (Kahn's) order: the initial order within ranks.
    pub queue: Vec<usize>,
    pub n_ranks: usize,
    /// Per vertex: its neighbours on the rank above and below (forward segments only).
    pub up: Vec<Vec<usize>>,
    pub down: Vec<Vec<usize>>,
}

/// The logical edges leaving each vertex.
fn outgoing(logical: &[LogicalEdge], nv: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for (k, e) in logical.iter().enumerate() {
        out[e.from].push(k);
    }
    out
}

/// Back edges by depth-first search from the start, then from anything unvisited.
fn back_edges(logical: &[LogicalEdge], out: &[Vec<usize>], roots: Vec<usize>) -> Vec<bool> {
    let nv = out.len();
    let mut back = vec![false; logical.len()];
    let mut state = vec![0u8; nv]; // 0 new, 1 on stack, 2 done
    for root in roots.into_iter().chain(0..nv) {
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
                let t = logical[k].to;
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
    back
}

/// Longest-path ranks over forward edges, in Kahn's order (which it returns).
fn longest_path_ranks(
    logical: &[LogicalEdge],
    out: &[Vec<usize>],
    back: &[bool],
    vertices: &mut [Vertex],
) -> Vec<usize> {
    let nv = out.len();
    let mut indeg = vec![0usize; nv];
    for (k, e) in logical.iter().enumerate() {
        if !back[k] {
            indeg[e.to] += 1;
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
            let t = logical[k].to;
            vertices[t].rank = vertices[t].rank.max(vertices[v].rank + 1);
            indeg[t] -= 1;
            if indeg[t] == 0 {
                queue.push(t);
            }
        }
    }
    queue
}

/// Dummy vertices for forward edges spanning several ranks; a chain per logical edge.
fn chains(logical: &[LogicalEdge], back: &[bool], vertices: &mut Vec<Vertex>) -> Vec<Vec<usize>> {
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(logical.len());
    for (k, e) in logical.iter().enumerate() {
        let (a, b) = (e.from, e.to);
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
    chains
}

pub(super) fn layer(graph: &Graph, anchors: bool, v: &mut Vertices) -> Layered {
    let out = outgoing(&v.logical, v.vertices.len());
    let roots = match (anchors, graph.start) {
        (true, _) => vec![v.start_v],
        (false, Some(s)) => vec![s],
        (false, None) => Vec::new(),
    };
    let back = back_edges(&v.logical, &out, roots);
    let queue = longest_path_ranks(&v.logical, &out, &back, &mut v.vertices);
    if anchors {
        // The end anchor sits below everything.
        let end_v = v.end_v;
        let max_rank = (0..end_v).map(|i| v.vertices[i].rank).max().unwrap_or(0);
        v.vertices[end_v].rank = v.vertices[end_v].rank.max(max_rank + 1);
    }
    let chains = chains(&v.logical, &back, &mut v.vertices);
    let n_ranks = v.vertices.iter().map(|x| x.rank).max().unwrap_or(0) + 1;
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); v.vertices.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); v.vertices.len()];
    for (k, chain) in chains.iter().enumerate() {
        if back[k] {
            continue;
        }
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    Layered {
        back,
        chains,
        queue,
        n_ranks,
        up,
        down,
    }
}
