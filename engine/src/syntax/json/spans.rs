//! Where things stand in the source text: byte spans by JSON pointer, pointer tokens, line and
//! column.

use super::*;
use rustc_hash::FxHashMap;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Where each value (and each object key) of a parsed document stands in its text, looked up
/// by JSON pointer. Only definitions are parsed with spans; data is parsed without.
///
/// Stored as a tree (each node names its parent and its token), never as pointer strings: a
/// value under a 1 MB key costs a node, not a copy of the key (a 1,590-character share link
/// holding 10,000 values under such a key once took 4 GB). Pointers are built only on demand.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SpanMap {
    nodes: Vec<SpanNode>,
    children: FxHashMap<(u32, Token), u32>,
    /// Keys that appear more than once in one object (JSON allows it; ASL does not).
    duplicates: Vec<DuplicateKey>,
    /// Numbers the text writes that a 64-bit float changes (their span and the value kept).
    inexact: Vec<(Span, f64)>,
}

/// The id of one value in a `SpanMap` (the root is the first one added).
pub type NodeId = u32;

#[derive(Debug, Clone, PartialEq)]
struct SpanNode {
    parent: Option<NodeId>,
    token: Token,
    value: Span,
    /// The key naming this value in its parent object.
    key: Option<Span>,
    /// YAML only: where a string's decoded text starts, for strings whose text maps one to
    /// one onto the source (a plain scalar on one line, a quoted one without escapes).
    content: Option<usize>,
    /// A mapping or sequence (a JSON container starts with `{` or `[`; a YAML block one with
    /// its first key, so it is marked).
    container: bool,
    array: bool,
    /// A bare `${Name}` placeholder in value position (`"MaxConcurrency": ${Max}`): not JSON
    /// until substituted, read as the string `${Name}`.
    bare_placeholder: bool,
}

/// One step of a pointer: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Token {
    Key(Rc<str>),
    Index(u32),
}

#[derive(Debug, Clone, PartialEq)]
struct DuplicateKey {
    object: NodeId,
    key: Rc<str>,
    span: Span,
}

impl SpanMap {
    // --- building (the JSON and YAML parsers) ---

    /// Adds a value under `parent` (`None`: the root) at `token`, its span to be completed
    /// with `finish`. A later value at the same place (a duplicate key) takes over lookups.
    pub(crate) fn add(&mut self, parent: Option<NodeId>, token: Token, start: usize) -> NodeId {
        let id = self.nodes.len() as NodeId;
        if let Some(p) = parent {
            self.children.insert((p, token.clone()), id);
        }
        self.nodes.push(SpanNode {
            parent,
            token,
            value: Span { start, end: start },
            key: None,
            content: None,
            container: false,
            array: false,
            bare_placeholder: false,
        });
        id
    }

    pub(crate) fn finish(&mut self, id: NodeId, end: usize) {
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.value.end = end;
        }
    }

    #[cfg(feature = "yaml")]
    pub(crate) fn set_span(&mut self, id: NodeId, span: Span) {
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.value = span;
        }
    }

    pub(crate) fn set_key(&mut self, id: NodeId, span: Span) {
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.key = Some(span);
        }
    }

    pub(crate) fn set_container(&mut self, id: NodeId, array: bool) {
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.container = true;
            n.array = array;
        }
    }

    pub(crate) fn set_content(&mut self, id: NodeId, start: usize) {
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.content = Some(start);
        }
    }

    pub(crate) fn set_bare_placeholder(&mut self, id: NodeId) {
        if let Some(n) = self.nodes.get_mut(id as usize) {
            n.bare_placeholder = true;
        }
    }

    pub(crate) fn add_inexact(&mut self, span: Span, kept: f64) {
        self.inexact.push((span, kept));
    }

    /// Each number the text writes that is kept as another value: its pointer, its span and
    /// the value kept (a walk over the nodes each: there are few, and at most 100 reported).
    pub fn inexact_numbers(&self) -> impl Iterator<Item = (String, Span, f64)> + '_ {
        self.inexact.iter().map(|&(span, kept)| {
            let node = self.nodes.iter().position(|n| n.value == span);
            let pointer = node.map_or_else(String::new, |id| self.pointer_of(id as NodeId));
            (pointer, span, kept)
        })
    }

    pub(crate) fn add_duplicate(&mut self, object: NodeId, key: Rc<str>, span: Span) {
        self.duplicates.push(DuplicateKey { object, key, span });
    }

    /// Moves every offset through `f` (YAML's repaired text back to the original).
    #[cfg(feature = "yaml")]
    pub(crate) fn map_offsets(&mut self, f: impl Fn(usize) -> usize) {
        let span = |s: Span| Span {
            start: f(s.start),
            end: f(s.end),
        };
        for n in &mut self.nodes {
            n.value = span(n.value);
            n.key = n.key.map(span);
            n.content = n.content.map(&f);
        }
        for d in &mut self.duplicates {
            d.span = span(d.span);
        }
    }

    // --- lookups by pointer ---

    fn find(&self, pointer: &str) -> Option<&SpanNode> {
        let mut id: NodeId = 0;
        let mut node = self.nodes.first()?;
        if pointer.is_empty() {
            return Some(node);
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = if node.array {
                Token::Index(raw.parse().ok()?)
            } else {
                Token::Key(Rc::from(unescape_pointer(raw)))
            };
            id = *self.children.get(&(id, token))?;
            node = &self.nodes[id as usize];
        }
        Some(node)
    }

    /// The span of the value at `pointer`.
    pub fn value(&self, pointer: &str) -> Option<Span> {
        self.find(pointer).map(|n| n.value)
    }

    /// The span of the key naming the value at `pointer`.
    pub fn key(&self, pointer: &str) -> Option<Span> {
        self.find(pointer).and_then(|n| n.key)
    }

    /// Is the value at `pointer` a bare `${Name}` placeholder?
    pub fn is_bare_placeholder(&self, pointer: &str) -> bool {
        self.find(pointer).is_some_and(|n| n.bare_placeholder)
    }

    pub fn has_bare_placeholders(&self) -> bool {
        self.nodes.iter().any(|n| n.bare_placeholder)
    }

    /// The pointer of a node, built by walking up to the root.
    fn pointer_of(&self, mut id: NodeId) -> String {
        let mut tokens = Vec::new();
        while let Some(n) = self.nodes.get(id as usize) {
            let Some(parent) = n.parent else { break };
            tokens.push(&n.token);
            id = parent;
        }
        let mut out = String::new();
        for token in tokens.into_iter().rev() {
            out.push('/');
            match token {
                Token::Index(i) => out.push_str(&i.to_string()),
                Token::Key(k) => escape_pointer_token(&mut out, k),
            }
        }
        out
    }

    /// Each repeated key as (pointer of the object, key, span of the repeated key), in order.
    pub fn duplicate_keys(&self) -> impl Iterator<Item = (String, &str, Span)> + '_ {
        self.duplicates
            .iter()
            .map(|d| (self.pointer_of(d.object), &*d.key, d.span))
    }

    pub fn duplicate_count(&self) -> usize {
        self.duplicates.len()
    }

    /// Is the value at `pointer` an object or an array?
    pub(crate) fn is_container(&self, text: &str, pointer: &str) -> bool {
        self.find(pointer).is_some_and(|n| {
            n.container || matches!(text.as_bytes().get(n.value.start), Some(b'{' | b'['))
        })
    }

    /// The source range of `len` bytes at `offset` in the decoded text of the string at
    /// `pointer`: exact through JSON escapes and for YAML strings that map one to one; else the
    /// string's whole span.
    pub(crate) fn string_range(
        &self,
        text: &str,
        pointer: &str,
        offset: usize,
        len: usize,
    ) -> Option<Span> {
        let node = self.find(pointer)?;
        let whole = node.value;
        if let Some(start) = node.content {
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

    /// For a host's protocol (the page's YAML module): one row per node, `[parent, token,
    /// start, end, keyStart, keyEnd, content, flags]` (-1 for none), and the duplicate keys as
    /// `[object, key, start, end]`. Linear in the document, like the map itself.
    pub fn to_value(&self) -> Value {
        let int = |x: Option<usize>| Value::from(x.map_or(-1, |x| x as i64));
        let nodes = self
            .nodes
            .iter()
            .map(|n| {
                let flags =
                    n.container as i64 | (n.array as i64) << 1 | (n.bare_placeholder as i64) << 2;
                Value::from(vec![
                    int(n.parent.map(|p| p as usize)),
                    match &n.token {
                        Token::Key(k) => Value::String(k.clone()),
                        Token::Index(i) => Value::from(*i as i64),
                    },
                    int(Some(n.value.start)),
                    int(Some(n.value.end)),
                    int(n.key.map(|k| k.start)),
                    int(n.key.map(|k| k.end)),
                    int(n.content),
                    Value::from(flags),
                ])
            })
            .collect::<Vec<_>>();
        let duplicates = self
            .duplicates
            .iter()
            .map(|d| {
                Value::from(vec![
                    Value::from(d.object as i64),
                    Value::String(d.key.clone()),
                    Value::from(d.span.start as i64),
                    Value::from(d.span.end as i64),
                ])
            })
            .collect::<Vec<_>>();
        crate::obj! { "nodes" => Value::from(nodes), "duplicates" => Value::from(duplicates) }
    }

    /// Reads `to_value`'s form. Anything malformed is skipped (spans only locate messages); a
    /// node may only name an earlier node as its parent, so the tree stays a tree.
    pub fn from_value(v: &Value) -> SpanMap {
        let rows = |k: &str| {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| a.as_slice())
                .unwrap_or(&[])
        };
        let num = |x: Option<&Value>| {
            x.and_then(Value::as_number)
                .and_then(Number::as_i64)
                .and_then(|n| usize::try_from(n).ok())
        };
        let mut map = SpanMap::default();
        // Row index -> node (a skipped row shifts no later reference).
        let mut ids: Vec<Option<NodeId>> = Vec::new();
        for row in rows("nodes") {
            let Some(a) = row.as_array() else {
                ids.push(None);
                continue;
            };
            let id = map.nodes.len();
            let parent = num(a.first()).and_then(|p| ids.get(p).copied().flatten());
            let token = match a.get(1) {
                Some(Value::String(k)) => Token::Key(k.clone()),
                other => Token::Index(num(other).unwrap_or(0) as u32),
            };
            if parent.is_none() && id > 0 {
                ids.push(None);
                continue;
            }
            let start = num(a.get(2)).unwrap_or(0);
            let node = map.add(parent, token, start);
            ids.push(Some(node));
            map.finish(node, num(a.get(3)).unwrap_or(start));
            if let (Some(s), Some(e)) = (num(a.get(4)), num(a.get(5))) {
                map.set_key(node, Span { start: s, end: e });
            }
            if let Some(c) = num(a.get(6)) {
                map.set_content(node, c);
            }
            let flags = num(a.get(7)).unwrap_or(0);
            if flags & 1 != 0 {
                map.set_container(node, flags & 2 != 0);
            }
            if flags & 4 != 0 {
                map.set_bare_placeholder(node);
            }
        }
        for row in rows("duplicates") {
            let Some(a) = row.as_array() else { continue };
            let (Some(object), Some(Value::String(key))) = (num(a.first()), a.get(1)) else {
                continue;
            };
            if let Some(object) = ids.get(object).copied().flatten() {
                let span = Span {
                    start: num(a.get(2)).unwrap_or(0),
                    end: num(a.get(3)).unwrap_or(0),
                };
                map.add_duplicate(object, key.clone(), span);
            }
        }
        map
    }
}

/// One JSON-pointer token as the key it names (`~1` → `/`, `~0` → `~`): `escape_pointer`'s
/// inverse.
pub fn unescape_pointer(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A key as one JSON-pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    escape_pointer_token(&mut out, key);
    out
}

pub(crate) fn escape_pointer_token(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
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
