//! JSON values shared by reference, a strict parser that can record source spans, and a
//! serializer.
//!
//! Why not `serde_json::Value`: an execution moves the same documents through many states and
//! records them in history events. With `Rc`-shared arrays, objects and strings, handing a
//! value on is a reference-count bump, and a state only copies what it changes
//! (`Rc::make_mut`). The parser is ours because definitions need byte spans for diagnostics.

use indexmap::IndexMap;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use std::fmt::Write as _;
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
    pub fn is_int(self) -> bool {
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
            let token = raw.replace("~1", "/").replace("~0", "~");
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
    pub fn json_size(&self) -> usize {
        self.json_size_with(&mut SizeCache::default())
    }

    /// `json_size`, reusing sizes of large shared arrays and objects already measured (an
    /// execution hands the same documents from state to state).
    pub fn json_size_with(&self, cache: &mut SizeCache) -> usize {
        match self {
            Value::Null | Value::Bool(true) => 4,
            Value::Bool(false) => 5,
            Value::Number(n) => number_len(*n),
            Value::String(s) => escaped_len(s),
            Value::Array(a) => {
                let key = Rc::as_ptr(a) as usize;
                if let Some((_, n)) = cache.0.get(&key) {
                    return *n;
                }
                let n = 2
                    + a.iter().map(|v| v.json_size_with(cache)).sum::<usize>()
                    + a.len().saturating_sub(1);
                if a.len() >= SizeCache::MIN_LEN {
                    cache.0.insert(key, (self.clone(), n));
                }
                n
            }
            Value::Object(m) => {
                let key = Rc::as_ptr(m) as usize;
                if let Some((_, n)) = cache.0.get(&key) {
                    return *n;
                }
                let n = 2
                    + m.iter()
                        .map(|(k, v)| escaped_len(k) + 1 + v.json_size_with(cache))
                        .sum::<usize>()
                    + m.len().saturating_sub(1);
                if m.len() >= SizeCache::MIN_LEN {
                    cache.0.insert(key, (self.clone(), n));
                }
                n
            }
        }
    }
}

/// Sizes of measured containers by identity. Each entry holds its value, so the address it
/// is keyed by cannot be freed and reused while the cache lives.
#[derive(Default, Debug)]
pub struct SizeCache(FxHashMap<usize, (Value, usize)>);

impl SizeCache {
    /// Smaller containers are cheaper to measure again than to remember.
    const MIN_LEN: usize = 16;
}

fn number_len(n: Number) -> usize {
    match n {
        Number::Int(i) => {
            let mut len = if i < 0 { 2 } else { 1 };
            let mut x = i.unsigned_abs();
            while x >= 10 {
                x /= 10;
                len += 1;
            }
            len
        }
        Number::Float(_) => {
            let mut s = String::new();
            write_number(&mut s, n);
            s.len()
        }
    }
}

fn escaped_len(s: &str) -> usize {
    2 + s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
                0..=0x1f => 5,
                _ => 0,
            })
            .sum::<usize>()
}

pub fn write_number(out: &mut String, n: Number) {
    match n {
        Number::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Number::Float(f) if !f.is_finite() => out.push_str("null"),
        Number::Float(f) if f.fract() == 0.0 && f.abs() < 1e16 => {
            let _ = write!(out, "{f:.1}");
        }
        Number::Float(f) => {
            let _ = write!(out, "{f}");
        }
    }
}

pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn write_value(out: &mut String, v: &Value, indent: Option<usize>, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(step) = indent {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', step * depth));
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_value(out, item, indent, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, indent, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Where each value (and each object key) of a parsed document stands in its text, by JSON
/// pointer. Only definitions are parsed with spans; data is parsed without.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SpanMap {
    pub values: FxHashMap<String, Span>,
    pub keys: FxHashMap<String, Span>,
    /// Keys that appear more than once in one object (JSON allows it; ASL does not).
    pub duplicate_keys: Vec<(String, Span)>,
    /// YAML only: the values that are mappings or sequences (a JSON container starts with
    /// `{` or `[`, a YAML block one with its first key).
    pub containers: FxHashSet<String>,
    /// YAML only: where a string's decoded text starts, for strings whose text maps one to one
    /// onto the source (a plain scalar on one line, a quoted one without escapes).
    pub string_content: FxHashMap<String, usize>,
    /// Bare `${Name}` placeholders in value position (`"MaxConcurrency": ${Max}`): not JSON
    /// until substituted, read as the string `${Name}` and listed here.
    pub bare_placeholders: Vec<String>,
}

impl SpanMap {
    /// Is the value at `pointer` an object or an array?
    pub fn is_container(&self, text: &str, pointer: &str) -> bool {
        self.containers.contains(pointer)
            || self
                .values
                .get(pointer)
                .is_some_and(|s| matches!(text.as_bytes().get(s.start), Some(b'{' | b'[')))
    }

    /// The source range of `len` bytes at `offset` in the decoded text of the string at
    /// `pointer`: exact through JSON escapes and for YAML strings that map one to one; else the
    /// string's whole span.
    pub fn string_range(
        &self,
        text: &str,
        pointer: &str,
        offset: usize,
        len: usize,
    ) -> Option<Span> {
        let whole = *self.values.get(pointer)?;
        if let Some(&start) = self.string_content.get(pointer) {
            let from = floor_char_boundary(text, (start + offset).min(whole.end));
            let to = floor_char_boundary(text, (from + len.max(1)).min(whole.end)).max(from);
            return Some(Span {
                start: from,
                end: to,
            });
        }
        if text.as_bytes().get(whole.start) != Some(&b'"') {
            return Some(whole);
        }
        // Walk the JSON literal, one decoded character at a time.
        let raw = text
            .get(whole.start + 1..whole.end.saturating_sub(1))
            .unwrap_or("");
        let base = whole.start + 1;
        let from = base + raw_index(raw, offset);
        let to = (base + raw_index(raw, offset + len.max(1)))
            .max(from + 1)
            .min(whole.end);
        Some(Span {
            start: from,
            end: to,
        })
    }

    /// For a host's protocol (the page's YAML module): `[[pointer, start, end], …]` tables.
    pub fn to_value(&self) -> Value {
        let triples = |m: &FxHashMap<String, Span>| {
            Value::from(
                m.iter()
                    .map(|(p, s)| {
                        Value::from(vec![
                            Value::from(p.as_str()),
                            Value::from(s.start as i64),
                            Value::from(s.end as i64),
                        ])
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let dups = Value::from(
            self.duplicate_keys
                .iter()
                .map(|(p, s)| {
                    Value::from(vec![
                        Value::from(p.as_str()),
                        Value::from(s.start as i64),
                        Value::from(s.end as i64),
                    ])
                })
                .collect::<Vec<_>>(),
        );
        let strings = |v: &mut dyn Iterator<Item = &String>| {
            Value::from(v.map(|p| Value::from(p.as_str())).collect::<Vec<_>>())
        };
        let content = Value::from(
            self.string_content
                .iter()
                .map(|(p, o)| Value::from(vec![Value::from(p.as_str()), Value::from(*o as i64)]))
                .collect::<Vec<_>>(),
        );
        crate::obj! {
            "values" => triples(&self.values),
            "keys" => triples(&self.keys),
            "duplicateKeys" => dups,
            "containers" => strings(&mut self.containers.iter()),
            "stringContent" => content,
            "barePlaceholders" => strings(&mut self.bare_placeholders.iter()),
        }
    }

    /// Reads `to_value`'s form (anything malformed is skipped: spans only locate messages).
    pub fn from_value(v: &Value) -> SpanMap {
        let rows = |k: &str| {
            v.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let num = |x: Option<&Value>| {
            x.and_then(Value::as_number)
                .and_then(Number::as_i64)
                .unwrap_or(0)
                .max(0) as usize
        };
        let triple = |r: &Value| -> Option<(String, Span)> {
            let a = r.as_array()?;
            Some((
                a.first()?.as_str()?.to_string(),
                Span {
                    start: num(a.get(1)),
                    end: num(a.get(2)),
                },
            ))
        };
        let strs = |k: &str| {
            rows(k)
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        SpanMap {
            values: rows("values").iter().filter_map(triple).collect(),
            keys: rows("keys").iter().filter_map(triple).collect(),
            duplicate_keys: rows("duplicateKeys").iter().filter_map(triple).collect(),
            containers: strs("containers").into_iter().collect(),
            string_content: rows("stringContent")
                .iter()
                .filter_map(|r| {
                    let a = r.as_array()?;
                    Some((a.first()?.as_str()?.to_string(), num(a.get(1))))
                })
                .collect(),
            bare_placeholders: strs("barePlaceholders"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset of the offending character.
    pub offset: usize,
}

/// The index in a JSON string literal's raw text (without its quotes) where decoded byte
/// `target` is (escapes count as the characters they stand for).
fn raw_index(raw: &str, target: usize) -> usize {
    let b = raw.as_bytes();
    let (mut decoded, mut i) = (0, 0);
    while decoded < target && i < b.len() {
        if b[i] == b'\\' {
            let hex = |at: usize| {
                raw.get(at..at + 4)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
            };
            match (b.get(i + 1), hex(i + 2)) {
                (Some(b'u'), Some(hi))
                    if (0xD800..0xDC00).contains(&hi)
                        && raw.get(i + 6..).is_some_and(|r| r.starts_with("\\u")) =>
                {
                    decoded += 4;
                    i += 12;
                }
                (Some(b'u'), Some(c)) => {
                    decoded += char::from_u32(c).map_or(3, char::len_utf8);
                    i += 6;
                }
                _ => {
                    decoded += 1;
                    i += 1 + raw
                        .get(i + 1..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8);
                }
            }
        } else {
            let c = raw
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            decoded += c;
            i += c;
        }
    }
    i.min(b.len())
}

/// Nesting deeper than this is refused rather than risking the stack.
pub const MAX_DEPTH: usize = 512;

pub fn parse(text: &str) -> Result<Value, ParseError> {
    Parser::new(text, None).parse_document()
}

pub fn parse_with_spans(text: &str) -> Result<(Value, SpanMap), ParseError> {
    let mut spans = SpanMap::default();
    let value = Parser::new(text, Some(&mut spans)).parse_document()?;
    Ok((value, spans))
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    spans: Option<&'a mut SpanMap>,
    pointer: String,
}

/// A key as one JSON-pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    escape_pointer_token(&mut out, key);
    out
}

fn escape_pointer_token(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, spans: Option<&'a mut SpanMap>) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            spans,
            pointer: String::new(),
        }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            message: message.into(),
            offset: self.pos,
        })
    }

    fn describe_here(&self) -> String {
        match self.text[self.pos.min(self.text.len())..].chars().next() {
            None => "end of input".to_string(),
            Some(c) => format!("'{}'", c.escape_debug()),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn parse_document(mut self) -> Result<Value, ParseError> {
        // A byte-order mark (editors on Windows write one) is not part of the document.
        if self.text.starts_with('\u{feff}') {
            self.pos = 3;
        }
        self.skip_ws();
        let v = self.parse_value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return self.error(format!(
                "Unexpected {} after the JSON value",
                self.describe_here()
            ));
        }
        Ok(v)
    }

    fn parse_value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return self.error(format!("JSON nested deeper than {MAX_DEPTH} levels"));
        }
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            None => return self.error("Unexpected end of input: expected a JSON value"),
            Some(b'{') => self.parse_object(depth)?,
            Some(b'[') => self.parse_array(depth)?,
            Some(b'"') => Value::String(Rc::from(self.parse_string()?)),
            Some(b't') => self.parse_literal("true", Value::Bool(true))?,
            Some(b'f') => self.parse_literal("false", Value::Bool(false))?,
            Some(b'n') => self.parse_literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.parse_number()?,
            Some(b'$') if self.spans.is_some() && self.bytes.get(self.pos + 1) == Some(&b'{') => {
                self.parse_bare_placeholder()?
            }
            Some(_) => {
                return self.error(format!(
                    "Unexpected {}: expected a JSON value",
                    self.describe_here()
                ))
            }
        };
        if let Some(spans) = self.spans.as_deref_mut() {
            spans.values.insert(
                self.pointer.clone(),
                Span {
                    start,
                    end: self.pos,
                },
            );
        }
        Ok(value)
    }

    /// `${Name}` where a value belongs (SAM, CDK and Terraform substitute it before AWS reads
    /// the JSON): read as the string `${Name}` and listed, so that substitution can give it its
    /// value's type.
    fn parse_bare_placeholder(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let Some(close) = self.text[start..].find(['}', '\n']) else {
            return self.error("Unterminated '${': expected '}'");
        };
        if self.bytes[start + close] != b'}' {
            return self.error("Unterminated '${': expected '}'");
        }
        self.pos = start + close + 1;
        if let Some(spans) = self.spans.as_deref_mut() {
            spans.bare_placeholders.push(self.pointer.clone());
        }
        Ok(Value::from(&self.text[start..self.pos]))
    }

    fn parse_literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            self.error(format!(
                "Unexpected {}: expected a JSON value",
                self.describe_here()
            ))
        }
    }

    fn parse_number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return self.error("Invalid number: expected a digit"),
        }
        if self.pos == int_start {
            return self.error("Invalid number");
        }
        let mut is_float = false;
        if self.bytes.get(self.pos) == Some(&b'.') {
            is_float = true;
            self.pos += 1;
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return self.error("Invalid number: expected a digit after '.'");
            }
            while matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            is_float = true;
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return self.error("Invalid number: expected a digit in the exponent");
            }
            while matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = &self.text[start..self.pos];
        if !is_float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Number(Number::Int(i)));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Number(Number::Float(f))),
            _ => Err(ParseError {
                message: format!("Number out of range: {text}"),
                offset: start,
            }),
        }
    }

    fn parse_hex4(&mut self) -> Result<u32, ParseError> {
        let Some(hex) = self.text.get(self.pos..self.pos + 4) else {
            return self.error("Invalid \\u escape: expected four hex digits");
        };
        match u32::from_str_radix(hex, 16) {
            Ok(v) if hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.pos += 4;
                Ok(v)
            }
            _ => self.error("Invalid \\u escape: expected four hex digits"),
        }
    }

    fn parse_string(&mut self) -> Result<String, ParseError> {
        // Opening quote.
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return self.error("Unterminated string: expected '\"'"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(&esc) = self.bytes.get(self.pos) else {
                        return self.error("Unterminated string: expected '\"'");
                    };
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.parse_hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair; a lone surrogate becomes U+FFFD.
                                if self.text[self.pos..].starts_with("\\u") {
                                    let save = self.pos;
                                    self.pos += 2;
                                    let lo = self.parse_hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                        )
                                    } else {
                                        self.pos = save;
                                        None
                                    }
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.pos -= 1;
                            return self.error(format!(
                                "Invalid escape {} in string",
                                self.describe_here()
                            ));
                        }
                    }
                }
                Some(_) => {
                    return self
                        .error("Control character in string: escape it (\\n, \\t, \\u0000)");
                }
            }
        }
    }

    fn parse_array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Rc::new(items)));
        }
        loop {
            self.skip_ws();
            let saved_len = self.pointer.len();
            if self.spans.is_some() {
                let _ = write!(self.pointer, "/{}", items.len());
            }
            let item = self.parse_value(depth + 1)?;
            self.pointer.truncate(saved_len);
            items.push(item);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(Rc::new(items)));
                }
                _ => {
                    return self.error(format!(
                        "Unexpected {}: expected ',' or ']'",
                        self.describe_here()
                    ))
                }
            }
        }
    }

    fn parse_object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut map = Map::default();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Rc::new(map)));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return self.error(format!(
                    "Unexpected {}: expected a property name in double quotes",
                    self.describe_here()
                ));
            }
            let key_start = self.pos;
            let key = self.parse_string()?;
            let key_span = Span {
                start: key_start,
                end: self.pos,
            };
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return self.error(format!("Unexpected {}: expected ':'", self.describe_here()));
            }
            self.pos += 1;
            self.skip_ws();
            let saved_len = self.pointer.len();
            if self.spans.is_some() {
                self.pointer.push('/');
                escape_pointer_token(&mut self.pointer, &key);
            }
            let duplicate = map.contains_key(key.as_str());
            if let Some(spans) = self.spans.as_deref_mut() {
                if duplicate {
                    spans.duplicate_keys.push((self.pointer.clone(), key_span));
                } else {
                    spans.keys.insert(self.pointer.clone(), key_span);
                }
            }
            let item = self.parse_value(depth + 1)?;
            self.pointer.truncate(saved_len);
            map.insert(Rc::from(key), item);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(Rc::new(map)));
                }
                _ => {
                    return self.error(format!(
                        "Unexpected {}: expected ',' or '}}'",
                        self.describe_here()
                    ))
                }
            }
        }
    }
}

/// Line and column (both 1-based; the column counts UTF-16 code units, as editors do) of a
/// byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].encode_utf16().count() + 1;
    (line, col)
}

pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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
        let text = r#"{"States": {"A": {"Next": "B"}, "A": 1}}"#;
        let (_, spans) = parse_with_spans(text).unwrap();
        let s = spans.values["/States/A/Next"];
        assert_eq!(&text[s.start..s.end], "\"B\"");
        assert_eq!(spans.duplicate_keys.len(), 1);
    }
}
