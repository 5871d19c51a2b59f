//! The workshop track: the exercise files of tests/data/exercises (where a test checks that
//! each solution passes and each start fails), built in. Instructors' own exercises come in
//! as files or inside share links.

use engine::syntax::json::Value;

pub const TRACK: &[&str] = &[
    include_str!("../../tests/data/exercises/01-standard-vs-express.json"),
    include_str!("../../tests/data/exercises/02-nested-express.json"),
    include_str!("../../tests/data/exercises/03-map-vs-parallel.json"),
    include_str!("../../tests/data/exercises/04-retries-with-jitter.json"),
    include_str!("../../tests/data/exercises/05-catch-and-compensate.json"),
    include_str!("../../tests/data/exercises/06-callbacks.json"),
    include_str!("../../tests/data/exercises/07-distributed-map.json"),
    include_str!("../../tests/data/exercises/08-jsonata-and-variables.json"),
];

/// An exercise's id and title, for the picker.
pub fn title(text: &str) -> Option<(String, String)> {
    let v = engine::api::parse_json(text).ok()?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some((s("id")?, s("title")?))
}
