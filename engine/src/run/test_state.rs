//! TestState is a mode of the interpreter, not a second one: these hooks are where the tested
//! state (the frame at depth 0 of a `RunConfig::test_state` run) behaves as AWS's TestState
//! API makes it: retriers and catchers report instead of acting (driver.rs asks `tested`), a
//! mocked Map or Parallel does not run its children, the Map's tolerated failures come from
//! the request.

use super::*;

/// Did `failed` of `total` items exceed the tolerated count or percentage? `unset` answers
/// when neither is set (a run fails on any failure; TestState lets them pass).
pub(crate) fn exceeds_tolerance(
    count: Option<u64>,
    percentage: Option<f64>,
    failed: u64,
    total: u64,
    unset: bool,
) -> bool {
    match (count, percentage) {
        (None, None) => unset,
        (c, p) => {
            c.is_some_and(|c| failed > c)
                || p.is_some_and(|p| failed as f64 * 100.0 > p * total as f64)
        }
    }
}

impl Execution {
    /// The TestState configuration, when `frame` is the tested state's.
    pub(crate) fn tested(&self, frame: &Frame) -> Option<&TestStateConfig> {
        self.cfg.test_state.as_ref().filter(|_| frame.depth == 0)
    }

    /// TestState's mocked result or error for the tested Map or Parallel.
    pub(crate) fn test_container_mock(&self, frame: &Frame) -> Option<Outcome> {
        self.tested(frame)?.container_mock.clone()
    }

    /// The tested Map's mocked outcome, after the request's `mapIterationFailureCount` met the
    /// Map's tolerated failures (recorded in the visit).
    pub(crate) fn tested_map_outcome(
        &mut self,
        frame: &Frame,
        spec: &MapSpec,
        effective: &Value,
        count: usize,
        outcome: Outcome,
    ) -> Result<Outcome, Failure> {
        let (c, p) = self.tolerated(frame, spec, effective)?;
        if let Some(v) = self.visit_mut(frame) {
            if let Some(m) = &mut v.map {
                m.tolerated_failure_count = c;
                m.tolerated_failure_percentage = p;
            }
        }
        let failed = self.tested(frame).map_or(0, |t| t.map_failures);
        // AWS-recorded: with no threshold set, TestState lets the failures pass.
        if exceeds_tolerance(c, p, failed, count as u64, false)
            && matches!(outcome, Outcome::Return(_))
        {
            return Ok(Outcome::Throw {
                error: Rc::from(errors::EXCEED_TOLERATED_FAILURE_THRESHOLD),
                cause: Some(Rc::from(
                    "The specified tolerated failure threshold was exceeded",
                )),
            });
        }
        Ok(outcome)
    }
}
