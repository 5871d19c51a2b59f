//! Step 3: coordinates. y by rank (each rank as tall as its tallest box); x first packed,
//! then pulled towards the parents' centres with minimum gaps kept.

use super::{Vertex, NODE_GAP, RANK_GAP};

pub(super) struct Coords {
    /// Per vertex: its left edge.
    pub xs: Vec<f64>,
    /// Per rank: its top and its height.
    pub rank_y: Vec<f64>,
    pub rank_h: Vec<f64>,
    pub width: f64,
    pub height: f64,
}

impl Coords {
    /// A vertex's top: centred vertically in its rank's band.
    pub fn node_y(&self, v: &Vertex) -> f64 {
        self.rank_y[v.rank] + (self.rank_h[v.rank] - v.h) / 2.0
    }

    pub fn band_bottom(&self, rank: usize) -> f64 {
        self.rank_y[rank] + self.rank_h[rank]
    }
}

/// Where one rank's vertices go, left to right, given where the ranks above went.
fn place_rank(
    r: &[usize],
    first: bool,
    widest: f64,
    up: &[Vec<usize>],
    vertices: &[Vertex],
    xs: &mut [f64],
) {
    // Desired centres: the parents' mean (or spread evenly on the first rank).
    let total =
        r.iter().map(|v| vertices[*v].w).sum::<f64>() + NODE_GAP * r.len().saturating_sub(1) as f64;
    let mut cursor = (widest - total) / 2.0;
    let mut desired: Vec<f64> = Vec::with_capacity(r.len());
    for v in r {
        let natural = cursor + vertices[*v].w / 2.0;
        cursor += vertices[*v].w + NODE_GAP;
        let ps = &up[*v];
        desired.push(if !first && !ps.is_empty() {
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

pub(super) fn place(ranks: &[Vec<usize>], up: &[Vec<usize>], vertices: &[Vertex]) -> Coords {
    let n_ranks = ranks.len();
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
        place_rank(r, ri == 0, widest, up, vertices, &mut xs);
    }
    // Shift everything to start at 0.
    let min_x = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let min_x = if min_x.is_finite() { min_x } else { 0.0 };
    for x in xs.iter_mut() {
        *x -= min_x;
    }
    let width = (0..vertices.len())
        .map(|v| xs[v] + vertices[v].w)
        .fold(0.0, f64::max);
    let height = rank_y.last().copied().unwrap_or(0.0) + rank_h.last().copied().unwrap_or(0.0);
    Coords {
        xs,
        rank_y,
        rank_h,
        width,
        height,
    }
}
