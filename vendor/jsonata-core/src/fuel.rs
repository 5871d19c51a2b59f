//! ASL Playground patch (the only change to jsonata-core 2.2.13): `EvaluatorOptions::timeout_ms`
//! counts evaluation steps instead of wall-clock milliseconds.
//!
//! The library checks its timeout at each node it evaluates, each element a higher-order
//! builtin hands its callback and each pass of a tail-call loop, by asking its start
//! `Instant` for the time elapsed. This `Instant` counts those checks: each one is a step, and
//! `STEPS_PER_MS` steps make one "millisecond". So a budget is deterministic (the same
//! expression stops at the same point on every machine and in every run, as a playground must),
//! and it works in wasm32, which has no clock (`std::time::Instant::now` panics there).

use std::cell::Cell;
use std::time::Duration;

/// Steps per "millisecond" of `timeout_ms`.
pub(crate) const STEPS_PER_MS: u64 = 1_000;

thread_local! {
    static STEPS: Cell<u64> = const { Cell::new(0) };
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Instant(u64);

impl Instant {
    pub(crate) fn now() -> Instant {
        Instant(STEPS.with(Cell::get))
    }

    /// One more step, and the steps since `now` as a duration.
    pub(crate) fn elapsed(&self) -> Duration {
        let steps = STEPS.with(|s| {
            let n = s.get().wrapping_add(1);
            s.set(n);
            n
        });
        Duration::from_micros(steps.wrapping_sub(self.0).saturating_mul(1_000 / STEPS_PER_MS))
    }
}
