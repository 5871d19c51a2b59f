//! Where things stand in the source text: byte spans by JSON pointer, pointer tokens, line and
//! column.

use super::*;
use rustc_hash::{FxHashMap, FxHashSet};

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
    pub(crate) fn is_container(&self, text: &str, pointer: &str) -> bool {
        self.containers.contains(pointer)
            || self
                .values
                .get(pointer)
                .is_some_and(|s| matches!(text.as_bytes().get(s.start), Some(b'{' | b'[')))
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
        let triples = |entries: &mut dyn Iterator<Item = (&String, &Span)>| {
            Value::from(
                entries
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
        let dups = triples(&mut self.duplicate_keys.iter().map(|(p, s)| (p, s)));
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
            "values" => triples(&mut self.values.iter()),
            "keys" => triples(&mut self.keys.iter()),
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

pub(super) fn escape_pointer_token(out: &mut String, key: &str) {
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
