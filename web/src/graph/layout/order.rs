//! Step 2: the order of the vertices within each rank, by barycentre sweeps (down, up, …)
//! from the topological order, for fewer crossings.

use super::ranks::Layered;
use super::Vertex;

const SWEEPS: usize = 6;

fn set_orders(ranks: &[Vec<usize>], vertices: &mut [Vertex]) {
    for r in ranks {
        for (i, v) in r.iter().enumerate() {
            vertices[*v].order = i as f64;
        }
    }
}

/// The vertices of each rank, left to right.
pub(super) fn order(layered: &Layered, vertices: &mut [Vertex]) -> Vec<Vec<usize>> {
    let n_ranks = layered.n_ranks;
    let mut ranks: Vec<Vec<usize>> = vec![Vec::new(); n_ranks];
    // Initial order: discovery order of the topological queue, then dummies.
    let mut seen = vec![false; vertices.len()];
    for v in layered.queue.iter().copied().chain(0..vertices.len()) {
        if !seen[v] {
            seen[v] = true;
            ranks[vertices[v].rank].push(v);
        }
    }
    set_orders(&ranks, vertices);
    for sweep in 0..SWEEPS {
        let downwards = sweep % 2 == 0;
        let range: Vec<usize> = if downwards {
            (1..n_ranks).collect()
        } else {
            (0..n_ranks.saturating_sub(1)).rev().collect()
        };
        let neighbours = if downwards {
            &layered.up
        } else {
            &layered.down
        };
        for r in range {
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
    ranks
}
