//! What a state's handler asks of the driver. Handlers work on a borrowed frame and say what
//! should happen next; only the driver (`driver.rs`) moves frames, retries and catches.

use super::*;

// The child frame is not boxed: one allocation per branch or iteration cost parallel-fanout 2-5%
// (bench/ab.mjs); the variant's size is moved, not allocated.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step {
    /// Leave the state with `output` along `next` (`None`: the graph ends).
    Exit {
        output: Value,
        next: Option<StateId>,
    },
    /// Stay in the state, in `phase` (waiting for a callback, children to run, a Map Run).
    Stay(Phase),
    /// Stay in `phase` and run `child` (a branch or an iteration) above this frame.
    Child { phase: Phase, child: Frame },
    /// End the frame with this failure, without Retry or Catch (a Fail state).
    Fail(Failure),
}

/// A handler's answer: an error goes to Retry, then Catch, then fails the frame.
pub(crate) type Handled = Result<Step, Failure>;

impl State {
    /// Where a `Next` transition leads (`None`: the state ends its graph).
    pub(crate) fn next_id(&self) -> Option<StateId> {
        match &self.transition {
            Transition::Next(Some(id), _) => Some(*id),
            _ => None,
        }
    }
}
