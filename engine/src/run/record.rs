//! Recording: history events and the per-visit inspection record.

use super::*;

impl Execution {
    pub(crate) fn push_event(&mut self, prev: u64, t: i64, kind: EventKind) -> u64 {
        let id = self.events.len() as u64 + 1;
        self.events.push(Event {
            id,
            previous_event_id: prev,
            timestamp_ms: t,
            kind,
        });
        self.end_time = self.end_time.max(t);
        id
    }

    pub(crate) fn emit(&mut self, frame: &mut Frame, kind: EventKind) -> u64 {
        let id = self.push_event(frame.last_event, frame.clock, kind);
        frame.last_event = id;
        id
    }

    pub(crate) fn visit_mut(&mut self, frame: &Frame) -> Option<&mut Visit> {
        frame.visit.and_then(|i| self.visits.get_mut(i))
    }
}
