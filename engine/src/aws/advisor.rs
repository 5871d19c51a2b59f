//! "Move it to Express": prices one finished run three ways, for N executions a month: as
//! Standard, as Express, and as a Standard parent whose chosen block of top-level states (a
//! run of states, or one Parallel or Map) runs as a nested Express child started with
//! `states:startExecution.sync:2`. Refuses the move where AWS would: a callback, `.sync`,
//! an activity or a Distributed Map inside the block (Express supports none of them), or a
//! block that is not one piece with one way in and one way out.

use crate::aws::cost::{self, Breakdown, Pricing};
use crate::model::{Graph, Kind, MapMode, Pattern, Resource, State, Transition, WorkflowType};
use crate::run::Execution;
use std::collections::BTreeSet;
use std::rc::Rc;

/// The three prices and what they are made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub moved: Vec<Rc<str>>,
    /// Why the move cannot be done (then `nested` and `saving` are `None`).
    pub refused: Option<String>,
    pub executions: f64,
    /// Monthly cost of the run as a Standard workflow (children by their own types).
    pub standard: f64,
    /// As an Express workflow; `None` when Express cannot run it, with the reason.
    pub express: Option<f64>,
    pub express_refused: Option<String>,
    /// As a Standard parent with the block in a nested Express child.
    pub nested: Option<f64>,
    /// `standard - nested`, per month.
    pub saving: Option<f64>,
    /// Per execution: transitions the block took, how often it ran, and its Express duration.
    pub moved_transitions: f64,
    pub child_runs: f64,
    pub child_duration_ms: f64,
}

/// Why Express cannot run this state itself, if it cannot.
fn express_blocker(state: &State) -> Option<String> {
    let name = &state.name;
    match &state.kind {
        Kind::Task(t) => match &t.resource {
            Resource::Activity(_) => Some(format!("'{name}' calls an activity, which Express workflows do not support")),
            Resource::Service { pattern: Pattern::WaitForTaskToken, .. } => Some(format!("'{name}' waits for a callback (.waitForTaskToken), which Express workflows do not support")),
            Resource::Service { pattern: Pattern::Sync | Pattern::Sync2, .. } => Some(format!("'{name}' runs a job to completion (.sync), which Express workflows do not support")),
            _ => None,
        },
        Kind::Map(m) if m.mode == MapMode::Distributed => Some(format!(
            "'{name}' is a Distributed Map, which Express workflows do not support"
        )),
        _ => None,
    }
}

/// Why Express cannot run this graph, if it cannot (the first state that stops it, nested
/// states included; a Distributed Map stops it before its children are looked at).
pub fn graph_blocker(g: &Graph) -> Option<String> {
    g.walk().find_map(|(s, _)| express_blocker(s))
}

/// Where a state can go next: `Next`, Choice rules and default, Catch targets (`None`: the
/// workflow ends).
fn targets(state: &State) -> Vec<Option<Rc<str>>> {
    let mut out = Vec::new();
    match &state.transition {
        Transition::Next(_, name) => out.push(Some(name.clone())),
        Transition::End => out.push(None),
        Transition::None => {}
    }
    match &state.kind {
        Kind::Choice { rules, default } => {
            out.extend(rules.iter().map(|r| Some(r.next_name.clone())));
            if let Some((_, d)) = default {
                out.push(Some(d.clone()));
            }
        }
        Kind::Succeed | Kind::Fail(_) => out.push(None),
        _ => {}
    }
    out.extend(state.catch.iter().map(|c| Some(c.next_name.clone())));
    out
}

/// Is `moved` one block: one state entered from outside (or the start), one place left to?
fn block_problem(graph: &Graph, moved: &BTreeSet<Rc<str>>) -> Option<String> {
    let mut entries = BTreeSet::new();
    if moved.contains(&graph.start_name) {
        entries.insert(graph.start_name.clone());
    }
    let mut exits = BTreeSet::new();
    for s in &graph.states {
        let inside = moved.contains(&s.name);
        for t in targets(s) {
            match (inside, t) {
                (false, Some(t)) if moved.contains(&t) => {
                    entries.insert(t);
                }
                (true, Some(t)) if !moved.contains(&t) => {
                    exits.insert(Some(t));
                }
                (true, None) => {
                    exits.insert(None);
                }
                _ => {}
            }
        }
    }
    if entries.len() > 1 {
        let names: Vec<&str> = entries.iter().map(|e| &**e).collect();
        return Some(format!(
            "the states must form one block with one way in; it is entered at {}",
            names.join(", ")
        ));
    }
    if exits.len() > 1 {
        return Some(
            "the states must form one block with one way out; it leaves to more than one state"
                .into(),
        );
    }
    None
}

/// Prices `ex` (finished, run with inspection data) three ways for `executions` a month, with
/// the top-level states `moved` in a nested Express child.
pub fn advise(ex: &Execution, moved: &[&str], executions: f64, pricing: Pricing) -> Advice {
    let graph = &ex.machine().graph;
    let moved_set: BTreeSet<Rc<str>> = moved.iter().map(|m| Rc::from(*m)).collect();
    let standard_b = cost::breakdown(ex, WorkflowType::Standard);
    let standard = cost::charges(standard_b, executions, pricing).total();
    let express_refused = graph_blocker(graph);
    let express = express_refused.is_none().then(|| {
        cost::charges(
            cost::breakdown(ex, WorkflowType::Express),
            executions,
            pricing,
        )
        .total()
    });
    let mut advice = Advice {
        moved: moved_set.iter().cloned().collect(),
        refused: None,
        executions,
        standard,
        express,
        express_refused,
        nested: None,
        saving: None,
        moved_transitions: 0.0,
        child_runs: 0.0,
        child_duration_ms: 0.0,
    };
    let refuse = |mut a: Advice, why: String| {
        a.refused = Some(why);
        a
    };
    if moved_set.is_empty() {
        return refuse(advice, "choose the states to move".into());
    }
    for name in &moved_set {
        match graph.by_name.get(name) {
            None => return refuse(advice, format!("'{name}' is not a state of the top level")),
            Some(&id) => {
                let state = &graph.states[id];
                let inside = || state.sub_graphs().iter().find_map(|g| graph_blocker(g));
                if let Some(why) = express_blocker(state).or_else(inside) {
                    return refuse(advice, why);
                }
            }
        }
    }
    if let Some(why) = block_problem(graph, &moved_set) {
        return refuse(advice, why);
    }
    if ex.visits().is_empty() {
        return refuse(
            advice,
            "run the workflow first (with inspection data)".into(),
        );
    }
    // Attribute every visit to its top-level ancestor; a run of consecutive top-level visits
    // of moved states is one child execution.
    let time = |id: u64| {
        ex.history()
            .get(id.saturating_sub(1) as usize)
            .map_or(0, |e| e.timestamp_ms)
    };
    let mut in_moved = false;
    let mut episode: Option<(i64, i64)> = None;
    let mut durations = Vec::new();
    for v in ex.visits() {
        if v.depth == 0 {
            in_moved = moved_set.contains(&v.state);
            if in_moved {
                let start = time(v.entered_event);
                let end = v.exited_event.map_or(start, time);
                episode = Some(match episode {
                    Some((s, _)) => (s, end),
                    None => (start, end),
                });
            } else if let Some((s, e)) = episode.take() {
                durations.push((e - s) as f64);
            }
        }
        if in_moved {
            advice.moved_transitions += 1.0 + v.retries as f64;
        }
    }
    if let Some((s, e)) = episode {
        durations.push((e - s) as f64);
    }
    advice.child_runs = durations.len() as f64;
    advice.child_duration_ms = durations.iter().sum();
    let memory = cost::execution_memory_mb(ex);
    let nested_b = standard_b
        + Breakdown {
            // The block's transitions leave the parent; its Task state enters once per run.
            transitions: advice.child_runs - advice.moved_transitions,
            requests: advice.child_runs,
            gb_seconds: durations.iter().map(|d| cost::gb_seconds(*d, memory)).sum(),
        };
    let nested = cost::charges(nested_b, executions, pricing).total();
    advice.nested = Some(nested);
    advice.saving = Some(standard - nested);
    advice
}
