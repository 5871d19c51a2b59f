//! JSON values shared by reference, a strict parser that can record source spans, and a
//! serializer.
//!
//! Why not `serde_json::Value`: an execution moves the same documents through many states and
//! records them in history events. With `Rc`-shared arrays, objects and strings, handing a
//! value on is a reference-count bump, and a state only copies what it changes
//! (`Rc::make_mut`). The parser is ours because definitions need byte spans for diagnostics.

mod parse;
mod spans;
mod write;

pub use parse::{parse, parse_with_spans, ParseError, MAX_DEPTH};
pub(crate) use spans::escape_pointer_token;
pub use spans::{
    escape_pointer, floor_char_boundary, line_col, unescape_pointer, NodeId, Span, SpanMap, Token,
};
use write::{escaped_len, number_len, write_value};
pub use write::{write_number, write_string};

use indexmap::IndexMap;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::rc::Rc;

/// An object: insertion-ordered, as AWS (Jackson) keeps keys.
pub type Map = IndexMap<Rc<str>, Value, FxBuildHasher>;

#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Rc<str>),
    Array(Rc<Vec<Value>>),
    Object(Rc<Map>),
}

/// Integers stay integers (AWS distinguishes `1` from `1.0` in output).
#[derive(Clone, Copy, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
    /// The integer value if the number is integral (`2.0` counts).
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
            Number::Float(_) => None,
        }
    }
    pub(crate) fn is_int(self) -> bool {
        matches!(self, Number::Int(_))
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b) || a == b,
            (Value::Object(a), Value::Object(b)) => {
                Rc::ptr_eq(a, b)
                    || (a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v)))
            }
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(Rc::from(s))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Rc::from(s))
    }
}
impl From<Rc<str>> for Value {
    fn from(s: Rc<str>) -> Self {
        Value::String(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Number(Number::Float(f))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Array(Rc::new(v))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Object(Rc::new(m))
    }
}

impl Value {
    pub fn object() -> Value {
        Value::Object(Rc::new(Map::default()))
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }
    /// The JSON type name, as AWS words it in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
    /// Follows an RFC 6901 JSON pointer.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut current = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_pointer(raw);
            current = match current {
                Value::Object(m) => m.get(token.as_str())?,
                Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }
    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self, None, 0);
        out
    }
    /// Indented JSON text (two spaces), for people.
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self, Some(2), 0);
        out
    }
    /// Size in bytes of the compact JSON text (AWS measures payload quotas in UTF-8 bytes).
    pub(crate) fn json_size(&self) -> usize {
        self.json_size_with(&mut SizeCache::default())
    }

    /// `json_size`, reusing sizes of large shared arrays and objects already measured (an
    /// execution hands the same documents from state to state).
    pub(crate) fn json_size_with(&self, cache: &mut SizeCache) -> usize {
        self.measure_with(cache).map_or(usize::MAX, |m| m.size)
    }

    /// Size as compact JSON and height, or `None` when the value nests deeper than `MAX_DEPTH`
    /// (the parser's own bound). The walk stops there, so it never recurses deeper than that,
    /// however deep a value the engine has built.
    pub(crate) fn measure(&self) -> Option<Measure> {
        self.measure_with(&mut SizeCache::default())
    }

    pub(crate) fn measure_with(&self, cache: &mut SizeCache) -> Option<Measure> {
        self.measure_at(cache, 0)
    }

    fn measure_at(&self, cache: &mut SizeCache, depth: usize) -> Option<Measure> {
        if depth > MAX_DEPTH {
            return None;
        }
        let leaf = |size| Some(Measure { size, height: 0 });
        let (key, len) = match self {
            Value::Null | Value::Bool(true) => return leaf(4),
            Value::Bool(false) => return leaf(5),
            Value::Number(n) => return leaf(number_len(*n)),
            Value::String(s) => return leaf(escaped_len(s)),
            Value::Array(a) => (Rc::as_ptr(a) as usize, a.len()),
            Value::Object(m) => (Rc::as_ptr(m) as *const u8 as usize, m.len()),
        };
        if let Some((_, m)) = cache.0.get(&key) {
            return (depth + m.height <= MAX_DEPTH).then_some(*m);
        }
        let mut size = 2 + len.saturating_sub(1);
        let mut height = 0;
        let mut child = |v: &Value, cache: &mut SizeCache| -> Option<usize> {
            let m = v.measure_at(cache, depth + 1)?;
            height = height.max(m.height + 1);
            Some(m.size)
        };
        match self {
            Value::Array(a) => {
                for v in a.iter() {
                    size += child(v, cache)?;
                }
            }
            Value::Object(m) => {
                for (k, v) in m.iter() {
                    size += escaped_len(k) + 1 + child(v, cache)?;
                }
            }
            _ => {}
        }
        let m = Measure { size, height };
        if len >= SizeCache::MIN_LEN {
            cache.0.insert(key, (self.clone(), m));
        }
        Some(m)
    }
}

/// What `Value::measure_with` finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Measure {
    /// Bytes of the compact JSON text.
    pub size: usize,
    /// Levels of nesting below the value (0 for a scalar or an empty container).
    pub height: usize,
}

/// Sizes of measured containers by identity. Each entry holds its value, so the address it
/// is keyed by cannot be freed and reused while the cache lives.
#[derive(Default, Debug)]
pub(crate) struct SizeCache(FxHashMap<usize, (Value, Measure)>);

impl SizeCache {
    /// Smaller containers are cheaper to measure again than to remember.
    const MIN_LEN: usize = 16;
}

/// Builds an object value from pairs; later keys win.
#[macro_export]
macro_rules! obj {
    ($($k:expr => $v:expr),* $(,)?) => {{
        let mut m = $crate::syntax::json::Map::default();
        $( m.insert(std::rc::Rc::from($k), $crate::syntax::json::Value::from($v)); )*
        $crate::syntax::json::Value::Object(std::rc::Rc::new(m))
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_positions() {
        let v = parse(r#"{"a":[1,2.5,-3e2,"x\n\u00e9\ud83d\ude00"],"b":null}"#).unwrap();
        assert_eq!(v.to_json(), r#"{"a":[1,2.5,-300.0,"x\né😀"],"b":null}"#);
        assert_eq!(v.json_size(), v.to_json().len());
        let err = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(line_col("{\n  \"a\": tru\n}", err.offset), (2, 8));
        assert!(parse("[1,]").is_err());
        assert!(parse(&"[".repeat(10_000)).is_err());
    }

    #[test]
    fn records_spans_and_duplicates() {
        let text = r#"{"States": {"A": {"Next": "B"}, "A": 1}, "L": [0, {"~/": 2}]}"#;
        let (_, spans) = parse_with_spans(text).unwrap();
        let at = |p: &str| spans.value(p).map(|s| &text[s.start..s.end]);
        assert_eq!(at("/L/1/~0~1"), Some("2"));
        assert_eq!(at("/L/0"), Some("0"));
        assert_eq!(at("/L/2"), None);
        assert_eq!(at("/L/x"), None);
        assert_eq!(at(""), Some(text));
        let dups: Vec<_> = spans.duplicate_keys().collect();
        assert_eq!(
            dups,
            vec![("/States".to_string(), "A", Span { start: 32, end: 35 })]
        );
        // The later value takes over lookups; its key is the repeated one.
        assert_eq!(spans.value("/States/A"), Some(Span { start: 37, end: 38 }));
        assert_eq!(spans.key("/States/A/Next"), None);
    }
}
