//! YAML definitions and templates: read into the same `Value` and `SpanMap` as JSON, so every
//! diagnostic points at the line:column of the YAML text as written.
//!
//! The parser is saphyr-parser (chosen by measurement, see ARCHITECTURE.md), behind the `yaml`
//! feature. A build without it (the page's first module) asks the host (`host::set`), which
//! answers `host_call`'s JSON protocol from the on-demand module, as JSONata does. Values follow
//! YAML 1.2's core schema (what js-yaml, the Serverless Framework's parser, uses: `Yes` is a
//! string). CloudFormation's short tags become the long form (`!GetAtt A.Arn` is
//! `{"Fn::GetAtt": ["A", "Arn"]}`, `!Ref X` is `{"Ref": "X"}`), so a template reads the same in
//! YAML and in JSON. Writing YAML (`to_yaml`) needs no library and is always here.

use super::json::{self, Number, ParseError, SpanMap, Value};

/// Aliases can make a small text expand into a huge document ("billion laughs"): refuse past
/// this many values.
#[cfg(feature = "yaml")]
pub(crate) const MAX_NODES: usize = 1_000_000;

/// Parses one YAML document into a value and its spans.
pub fn parse_with_spans(text: &str) -> Result<(Value, SpanMap), ParseError> {
    #[cfg(feature = "yaml")]
    {
        reader::parse(text)
    }
    #[cfg(not(feature = "yaml"))]
    {
        match host::call(&crate::obj! { "op" => "yaml", "text" => text }) {
            Some(answer) => decode_answer(&answer),
            None => Err(ParseError {
                message: UNAVAILABLE.into(),
                offset: 0,
            }),
        }
    }
}

/// The message when this build has no YAML parser and the host has not given one (yet).
pub(crate) const UNAVAILABLE: &str = "YAML support is not loaded";

/// Is YAML readable in this build (built in, or handed over by the host)?
pub fn available() -> bool {
    cfg!(feature = "yaml") || host::is_set()
}

/// The answer to one `host_call` request (JSON text in, JSON text out), for a host that runs
/// the engine without the YAML parser: `{"op": "yaml", "text": …}` gives
/// `{"value", "spans"}` or `{"error", "offset"}`.
#[cfg(feature = "yaml")]
pub(crate) fn host_answer(text: &str) -> Value {
    match reader::parse(text) {
        Ok((value, spans)) => crate::obj! { "value" => value, "spans" => spans.to_value() },
        Err(e) => crate::obj! { "error" => e.message, "offset" => e.offset as i64 },
    }
}

#[cfg(not(feature = "yaml"))]
fn decode_answer(answer: &Value) -> Result<(Value, SpanMap), ParseError> {
    if let Some(message) = answer.get("error").and_then(Value::as_str) {
        let offset = answer
            .get("offset")
            .and_then(Value::as_number)
            .and_then(Number::as_i64)
            .unwrap_or(0)
            .max(0) as usize;
        return Err(ParseError {
            message: message.to_string(),
            offset,
        });
    }
    match (answer.get("value"), answer.get("spans")) {
        (Some(value), Some(spans)) => Ok((value.clone(), SpanMap::from_value(spans))),
        _ => Err(ParseError {
            message: format!(
                "the YAML module answered something else: {}",
                answer.to_json()
            ),
            offset: 0,
        }),
    }
}

/// The YAML parser a host gives to a build of the engine without it.
pub mod host {
    use crate::syntax::json::{self, Value};
    use std::cell::RefCell;

    type Call = Box<dyn Fn(&str) -> String>;
    thread_local! {
        static HOST: RefCell<Option<Call>> = const { RefCell::new(None) };
    }

    /// Gives the engine a YAML parser: a function from a request to its answer (JSON text).
    pub fn set(call: impl Fn(&str) -> String + 'static) {
        HOST.with(|h| *h.borrow_mut() = Some(Box::new(call)));
    }

    pub fn is_set() -> bool {
        HOST.with(|h| h.borrow().is_some())
    }

    #[cfg_attr(feature = "yaml", allow(dead_code))]
    pub(crate) fn call(request: &Value) -> Option<Value> {
        let answer = HOST.with(|h| h.borrow().as_ref().map(|f| f(&request.to_json())))?;
        json::parse(&answer).ok()
    }
}

/// CloudFormation's short-form tags and the long form each stands for.
#[cfg(feature = "yaml")]
pub(crate) fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "Not" => "Fn::Not",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "FindInMap" => "Fn::FindInMap",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "ImportValue" => "Fn::ImportValue",
        "GetAZs" => "Fn::GetAZs",
        "Transform" => "Fn::Transform",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        _ => return None,
    })
}

/// A plain scalar by YAML 1.2's core schema.
pub(crate) fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | ".nan" | ".NaN" | ".NAN" => {
            // JSON has no infinities: keep the text.
            return Value::from(text);
        }
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Number(Number::Int(i));
        }
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(digits) = text.strip_prefix(prefix) {
            if let Ok(i) = i64::from_str_radix(digits, radix) {
                return Value::Number(Number::Int(i));
            }
        }
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let b = unsigned.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    let int_digits = digits(&mut i);
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = digits(&mut i);
    }
    let mantissa_ok = int_digits > 0 || frac_digits > 0;
    if mantissa_ok && matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return Value::from(text);
        }
    }
    if mantissa_ok && i == b.len() {
        if let Ok(f) = text.parse::<f64>() {
            if f.is_finite() {
                return Value::Number(Number::Float(f));
            }
        }
    }
    Value::from(text)
}

#[cfg(feature = "yaml")]
mod reader {
    use super::*;
    use crate::syntax::json::{NodeId, Span, Token, MAX_DEPTH};
    use rustc_hash::FxHashMap;
    use saphyr_parser::{Event, Parser, ScalarStyle};
    use std::rc::Rc;

    /// saphyr's markers count characters; spans are bytes.
    struct Offsets {
        /// Byte offset of every character, when the text is not ASCII.
        bytes: Option<Vec<u32>>,
        len: usize,
    }

    impl Offsets {
        fn new(text: &str) -> Offsets {
            let bytes = (!text.is_ascii()).then(|| {
                let mut v: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
                v.push(text.len() as u32);
                v
            });
            Offsets {
                bytes,
                len: text.len(),
            }
        }
        fn byte(&self, char_index: usize) -> usize {
            match &self.bytes {
                None => char_index.min(self.len),
                Some(v) => v.get(char_index).map_or(self.len, |b| *b as usize),
            }
        }
    }

    enum Open {
        Seq(Vec<Value>),
        Map {
            map: json::Map,
            key: Option<(Rc<str>, Span)>,
        },
    }

    struct Frame {
        open: Open,
        /// This container's node in the span map (inside a tagged `!Join [...]`, the node under
        /// `Fn::Join`).
        node: NodeId,
        /// The wrapping object's node of a tagged container.
        outer: Option<NodeId>,
        start: usize,
        /// The end of the last child (a block container ends where its last value does).
        end: usize,
        flow: bool,
        anchor: usize,
        /// The long-form key this container sits under (a tagged `!Join [...]`).
        wrap: Option<&'static str>,
        /// JSON levels down to this container's values (a tagged one is two: the wrapping
        /// object and the container).
        depth: usize,
        nodes: usize,
    }

    struct Builder<'t> {
        text: &'t str,
        spans: SpanMap,
        stack: Vec<Frame>,
        anchors: FxHashMap<usize, (Value, usize)>,
        nodes: usize,
        root: Option<Value>,
    }

    fn error(message: impl Into<String>, offset: usize) -> ParseError {
        ParseError {
            message: message.into(),
            offset,
        }
    }

    /// A key as it reads: scalars by their text (YAML allows `1: x`; JSON keys are strings).
    fn key_text(v: &Value) -> Option<Rc<str>> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => Some(Rc::from("null")),
            Value::Bool(_) | Value::Number(_) => Some(Rc::from(v.to_json().as_str())),
            _ => None,
        }
    }

    impl Builder<'_> {
        /// A span-map node for a new child of the innermost container (the root if none).
        fn child_node(&mut self, start: usize) -> NodeId {
            let (parent, token, key) = match self.stack.last() {
                None => (None, Token::Index(0), None),
                Some(top) => match &top.open {
                    Open::Seq(items) => (Some(top.node), Token::Index(items.len() as u32), None),
                    Open::Map { key, .. } => match key {
                        Some((k, s)) => (Some(top.node), Token::Key(k.clone()), Some(*s)),
                        None => (Some(top.node), Token::Key(Rc::from("")), None),
                    },
                },
            };
            let id = self.spans.add(parent, token, start);
            if let Some(k) = key {
                self.spans.set_key(id, k);
            }
            id
        }

        /// JSON levels of the innermost open container's values (0 at the top).
        fn depth(&self) -> usize {
            self.stack.last().map_or(0, |f| f.depth)
        }

        fn is_key_position(&self) -> bool {
            matches!(
                self.stack.last(),
                Some(Frame {
                    open: Open::Map { key: None, .. },
                    ..
                })
            )
        }

        fn count(&mut self, n: usize, at: usize) -> Result<(), ParseError> {
            self.nodes += n;
            if self.nodes > MAX_NODES {
                return Err(error(
                    format!("The YAML expands to more than {MAX_NODES} values (through aliases)"),
                    at,
                ));
            }
            if let Some(top) = self.stack.last_mut() {
                top.nodes += n;
            }
            Ok(())
        }

        /// A finished node (scalar, alias or closed container) goes into its parent.
        fn place(
            &mut self,
            value: Value,
            span: Span,
            node: Option<NodeId>,
            container: Option<bool>,
        ) -> Result<(), ParseError> {
            if let Some(id) = node {
                self.spans.set_span(id, span);
                if let Some(array) = container {
                    self.spans.set_container(id, array);
                }
            }
            let Some(top) = self.stack.last_mut() else {
                if self.root.is_none() {
                    self.root = Some(value);
                }
                return Ok(());
            };
            top.end = top.end.max(span.end);
            match &mut top.open {
                Open::Seq(items) => {
                    items.push(value);
                }
                Open::Map { map, key } => match key.take() {
                    None => {
                        let Some(k) = key_text(&value) else {
                            return Err(error("A mapping key must be a scalar", span.start));
                        };
                        *key = Some((k, span));
                        return Ok(());
                    }
                    Some((k, key_span)) => {
                        if map.contains_key(&k) {
                            self.spans.add_duplicate(top.node, k.clone(), key_span);
                        }
                        map.insert(k, value);
                    }
                },
            }
            Ok(())
        }

        fn scalar(
            &mut self,
            raw: &str,
            style: ScalarStyle,
            anchor: usize,
            tag: Option<(String, String)>,
            span: Span,
        ) -> Result<(), ParseError> {
            let node = (!self.is_key_position()).then(|| self.child_node(span.start));
            let plain = style == ScalarStyle::Plain;
            let mut value = match tag.as_ref().map(|(h, s)| (h.as_str(), s.as_str())) {
                Some(("!!", "str")) | Some(("!", "")) => Value::from(raw),
                Some(("!!", "int" | "float" | "bool" | "null")) => plain_scalar(raw),
                _ if plain => plain_scalar(raw),
                _ => Value::from(raw),
            };
            let mut wrap = None;
            if let Some(("!", suffix)) = tag.as_ref().map(|(h, s)| (h.as_str(), s.as_str())) {
                wrap = long_form(suffix);
                if wrap.is_some() && self.depth() + 1 > MAX_DEPTH {
                    return Err(error(
                        format!("YAML nested deeper than {MAX_DEPTH} levels"),
                        span.start,
                    ));
                }
                if wrap == Some("Fn::GetAtt") {
                    // `!GetAtt Resource.Attribute` is `["Resource", "Attribute"]`.
                    let text = raw.to_string();
                    value = match text.split_once('.') {
                        Some((r, a)) => Value::from(vec![Value::from(r), Value::from(a)]),
                        None => Value::from(text.as_str()),
                    };
                } else if wrap.is_some() {
                    value = Value::from(raw);
                }
            }
            // Where the decoded text starts in the source, when it maps one to one (a
            // diagnostic inside the string can then be marked at its character).
            let content = match style {
                ScalarStyle::Plain if !raw.contains('\n') => {
                    Some(span.end.saturating_sub(raw.len()))
                }
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
                    if self.text.get(span.start + 1..span.end.saturating_sub(1)) == Some(raw) =>
                {
                    Some(span.start + 1)
                }
                _ => None,
            };
            if let (Some(name), Some(outer)) = (wrap, node) {
                let inner = self
                    .spans
                    .add(Some(outer), Token::Key(Rc::from(name)), span.start);
                self.spans.set_span(inner, span);
                if let Some(c) = content {
                    self.spans.set_content(inner, c);
                }
                let mut m = json::Map::default();
                m.insert(Rc::from(name), value);
                value = Value::from(m);
            } else if let (Some(c), Some(id)) = (content, node) {
                self.spans.set_content(id, c);
            }
            self.count(1, span.start)?;
            if anchor != 0 {
                self.anchors.insert(anchor, (value.clone(), 1));
            }
            let container = wrap.is_some().then_some(false);
            self.place(value, span, node, container)
        }

        fn open(
            &mut self,
            seq: bool,
            anchor: usize,
            tag: Option<(String, String)>,
            span: Span,
        ) -> Result<(), ParseError> {
            if self.is_key_position() {
                return Err(error("A mapping key must be a scalar", span.start));
            }
            let wrap = match tag.as_ref().map(|(h, s)| (h.as_str(), s.as_str())) {
                Some(("!", suffix)) => long_form(suffix),
                _ => None,
            };
            let depth = self.depth() + 1 + wrap.is_some() as usize;
            if depth > MAX_DEPTH {
                return Err(error(
                    format!("YAML nested deeper than {MAX_DEPTH} levels"),
                    span.start,
                ));
            }
            let node = self.child_node(span.start);
            let flow = matches!(self.text.as_bytes().get(span.start), Some(b'[' | b'{'));
            let (node, outer) = match wrap {
                Some(name) => {
                    let inner = self
                        .spans
                        .add(Some(node), Token::Key(Rc::from(name)), span.start);
                    self.spans.set_container(node, false);
                    (inner, Some(node))
                }
                None => (node, None),
            };
            self.spans.set_container(node, seq);
            self.stack.push(Frame {
                open: if seq {
                    Open::Seq(Vec::new())
                } else {
                    Open::Map {
                        map: json::Map::default(),
                        key: None,
                    }
                },
                node,
                outer,
                start: span.start,
                end: span.end,
                flow,
                anchor,
                wrap,
                depth,
                nodes: 1,
            });
            Ok(())
        }

        fn close(&mut self, span: Span) -> Result<(), ParseError> {
            let Some(frame) = self.stack.pop() else {
                return Err(error("Unbalanced YAML structure", span.start));
            };
            let end = if frame.flow {
                span.end
            } else {
                frame.end.max(frame.start)
            };
            let node_span = Span {
                start: frame.start,
                end,
            };
            let mut value = match frame.open {
                Open::Seq(items) => Value::from(items),
                Open::Map { map, key } => {
                    if let Some((_, key_span)) = key {
                        return Err(error("A mapping key has no value", key_span.start));
                    }
                    Value::from(map)
                }
            };
            let seq = matches!(value, Value::Array(_));
            let mut node = frame.node;
            if let (Some(name), Some(outer)) = (frame.wrap, frame.outer) {
                self.spans.set_span(node, node_span);
                node = outer;
                let mut m = json::Map::default();
                m.insert(Rc::from(name), value);
                value = Value::from(m);
            }
            if frame.anchor != 0 {
                self.anchors
                    .insert(frame.anchor, (value.clone(), frame.nodes));
            }
            if let Some(parent) = self.stack.last_mut() {
                parent.nodes += frame.nodes;
            }
            let array = seq && frame.outer.is_none();
            self.place(value, node_span, Some(node), Some(array))
        }

        fn alias(&mut self, id: usize, span: Span) -> Result<(), ParseError> {
            let Some((value, nodes)) = self.anchors.get(&id).cloned() else {
                return Err(error("An alias to an unknown anchor", span.start));
            };
            let node = (!self.is_key_position()).then(|| self.child_node(span.start));
            self.count(nodes, span.start)?;
            let container = match value {
                Value::Array(_) => Some(true),
                Value::Object(_) => Some(false),
                _ => None,
            };
            self.place(value, span, node, container)
        }
    }

    pub(super) fn parse(text: &str) -> Result<(Value, SpanMap), ParseError> {
        match parse_strict(text) {
            Err(e) if e.message.contains("indentation") => {
                // PyYAML and SnakeYAML (what SAM and CloudFormation read templates with) let a
                // flow collection's lines sit left of its key (`KeyPolicy: {` … `}` written as
                // JSON); YAML 1.2 does not. Indent those lines and map the spans back.
                let Some((repaired, inserted)) = indent_flow_lines(text) else {
                    return Err(e);
                };
                let (value, mut spans) = parse_strict(&repaired).map_err(|_| e)?;
                spans.map_offsets(|o| original_offset(&inserted, o));
                Ok((value, spans))
            }
            other => other,
        }
    }

    /// Where a repaired text's offset was in the original: `inserted` lists (offset in the
    /// repaired text, spaces inserted there), in order.
    fn original_offset(inserted: &[(usize, usize)], o: usize) -> usize {
        let mut shift = 0;
        for &(at, n) in inserted {
            if at >= o {
                break;
            }
            shift += n.min(o - at);
        }
        o - shift
    }

    /// The text with every line inside a flow collection indented at least one column past the
    /// line that opened it; `None` when nothing needed it.
    fn indent_flow_lines(text: &str) -> Option<(String, Vec<(usize, usize)>)> {
        let mut out = String::with_capacity(text.len() + 64);
        let mut inserted = Vec::new();
        let (mut depth, mut min_indent) = (0usize, 0usize);
        let mut quote: Option<char> = None;
        for line in text.split_inclusive('\n') {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let blank = line.trim().is_empty();
            if depth > 0 && quote.is_none() && !blank && indent < min_indent {
                inserted.push((out.len(), min_indent - indent));
                out.extend(std::iter::repeat_n(' ', min_indent - indent));
            }
            if depth == 0 {
                min_indent = indent + 1;
            }
            let mut prev = ' ';
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (quote, c) {
                    (Some('"'), '\\') => {
                        chars.next();
                    }
                    (Some(q), c) if c == q => {
                        if q == '\'' && chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            quote = None;
                        }
                    }
                    (Some(_), _) => {}
                    (None, '#') if prev == ' ' || prev == '\t' => break,
                    (None, '"') => quote = Some('"'),
                    (None, '\'') if depth > 0 || matches!(prev, ' ' | ':') => quote = Some('\''),
                    (None, '{' | '[') => depth += 1,
                    (None, '}' | ']') => depth = depth.saturating_sub(1),
                    _ => {}
                }
                prev = c;
            }
            if depth == 0 {
                quote = None;
            }
            out.push_str(line);
        }
        (!inserted.is_empty()).then_some((out, inserted))
    }

    fn parse_strict(text: &str) -> Result<(Value, SpanMap), ParseError> {
        let offsets = Offsets::new(text);
        let mut b = Builder {
            text,
            spans: SpanMap::default(),
            stack: Vec::new(),
            anchors: FxHashMap::default(),
            nodes: 0,
            root: None,
        };
        let mut documents = 0;
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| {
                let at = offsets.byte(e.marker().index());
                error(e.info().to_string(), json::floor_char_boundary(text, at))
            })?;
            let span = Span {
                start: offsets.byte(span.start.index()),
                end: offsets.byte(span.end.index()),
            };
            let tag_of = |t: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>| {
                t.map(|t| (t.handle.clone(), t.suffix.clone()))
            };
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(error(
                            "A definition is one YAML document; this text has another after '---'",
                            span.start,
                        ));
                    }
                }
                Event::Scalar(raw, style, anchor, tag) => {
                    b.scalar(&raw, style, anchor, tag_of(tag), span)?
                }
                Event::SequenceStart(anchor, tag) => b.open(true, anchor, tag_of(tag), span)?,
                Event::MappingStart(anchor, tag) => b.open(false, anchor, tag_of(tag), span)?,
                Event::SequenceEnd | Event::MappingEnd => b.close(span)?,
                Event::Alias(id) => b.alias(id, span)?,
                _ => {}
            }
        }
        let value = b.root.take().unwrap_or(Value::Null);
        Ok((value, b.spans))
    }
}

/// Writes a value as block-style YAML (two-space indents; strings quoted only where YAML would
/// read them as something else).
pub(crate) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        v => {
            write_scalar(&mut out, v);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

fn write_map(out: &mut String, m: &json::Map, depth: usize) {
    for (k, v) in m {
        indent(out, depth);
        write_string(out, k);
        out.push(':');
        write_nested(out, v, depth);
    }
}

fn write_seq(out: &mut String, a: &[Value], depth: usize) {
    for v in a {
        indent(out, depth);
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // `- Key: value` with the rest of the mapping under it.
                out.push(' ');
                let mut first = true;
                for (k, item) in m.iter() {
                    if !first {
                        indent(out, depth + 1);
                    }
                    first = false;
                    write_string(out, k);
                    out.push(':');
                    write_nested(out, item, depth + 1);
                }
            }
            _ => write_nested(out, v, depth),
        }
    }
}

/// After `key:` or `-`: a scalar on the same line, a container on the lines below.
fn write_nested(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, depth + 1);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, depth + 1);
        }
        Value::String(s)
            if s.contains('\n') && !s.contains('\r') && !s.starts_with([' ', '\t']) =>
        {
            // A literal block keeps multi-line text (a JSONata expression, a SQL query) readable.
            let keep = if s.ends_with('\n') { "" } else { "-" };
            out.push_str(" |");
            out.push_str(keep);
            out.push('\n');
            let body = s.strip_suffix('\n').unwrap_or(s);
            for line in body.split('\n') {
                if !line.is_empty() {
                    indent(out, depth + 1);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        _ => {
            out.push(' ');
            write_scalar(out, v);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => write_string(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        other => out.push_str(&other.to_json()),
    }
}

/// A string plain when it reads back as the same string, else in JSON's double quotes (valid
/// YAML).
fn write_string(out: &mut String, s: &str) {
    if needs_quotes(s) {
        json::write_string(out, s);
    } else {
        out.push_str(s);
    }
}

fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    if !matches!(plain_scalar(s), Value::String(_)) {
        return true;
    }
    let first = s.as_bytes()[0];
    // `$.x` and `${X}` read as strings; these characters start something else in YAML.
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) {
        return true;
    }
    s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control())
        || matches!(
            s,
            "yes" | "no" | "Yes" | "No" | "YES" | "NO" | "on" | "off" | "On" | "Off" | "y" | "n"
        )
}

#[cfg(all(test, feature = "yaml"))]
mod tests {
    use super::*;

    #[test]
    fn reads_block_and_flow_with_spans() {
        let text = "Comment: hi # a comment\nStates:\n  A:\n    Type: Pass\n    L: [1, \"two\"]\n    End: true\n";
        let (v, spans) = parse_with_spans(text).unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"Comment":"hi","States":{"A":{"Type":"Pass","L":[1,"two"],"End":true}}}"#
        );
        let at = |p: &str| {
            let s = spans.value(p).unwrap();
            &text[s.start..s.end]
        };
        assert_eq!(at("/States/A/Type"), "Pass");
        assert_eq!(at("/States/A/L/1"), "\"two\"");
        assert_eq!(at("/States/A/L"), "[1, \"two\"]");
        let k = spans.key("/States/A").unwrap();
        assert_eq!(&text[k.start..k.end], "A");
        assert!(spans.is_container(text, "/States/A"));
        let ty = spans.value("/States/A/Type").unwrap();
        assert_eq!(
            spans.string_range(text, "/States/A/Type", 1, 2),
            Some(json::Span {
                start: ty.start + 1,
                end: ty.start + 3
            })
        );
        // The host protocol (the page's YAML module) carries the same map.
        assert_eq!(SpanMap::from_value(&spans.to_value()), spans);
    }

    #[test]
    fn short_tags_read_as_the_long_form() {
        let (v, _) = parse_with_spans(
            "a: !GetAtt Fn.Arn\nb: !Ref Table\nc: !Join ['', [x, !Ref Y]]\nd: !Sub 'arn:${AWS::Partition}:x'\n",
        )
        .unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"a":{"Fn::GetAtt":["Fn","Arn"]},"b":{"Ref":"Table"},"c":{"Fn::Join":["",["x",{"Ref":"Y"}]]},"d":{"Fn::Sub":"arn:${AWS::Partition}:x"}}"#
        );
    }

    #[test]
    fn core_schema_and_yes_is_a_string() {
        let (v, _) =
            parse_with_spans("[Yes, no, 1, 1.5, 0x10, ~, true, '1', 1e3, .5, 1.]").unwrap();
        assert_eq!(
            v.to_json(),
            r#"["Yes","no",1,1.5,16,null,true,"1",1000.0,0.5,1.0]"#
        );
    }

    #[test]
    fn refuses_what_would_explode_or_is_not_one_document() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse_with_spans(&text).unwrap_err();
        assert!(e.message.contains("expands"), "{}", e.message);
        assert!(parse_with_spans("a: 1\n---\nb: 2\n").is_err());
        assert!(parse_with_spans(&"[".repeat(100_000)).is_err());
        assert!(parse_with_spans("a: 1\n  b: 2\n").is_err());
    }

    #[test]
    fn flow_lines_left_of_their_key_read_as_pyyaml_reads_them() {
        let text = "A:\n  B:\n      KeyPolicy: {\n        \"Version\": \"x\",\n        \"L\": [1,\n  2]\n    }\n  C: 1\n";
        let (v, spans) = parse_with_spans(text).unwrap();
        assert_eq!(
            v.to_json(),
            r#"{"A":{"B":{"KeyPolicy":{"Version":"x","L":[1,2]}},"C":1}}"#
        );
        let s = spans.value("/A/C").unwrap();
        assert_eq!(&text[s.start..s.end], "1");
        let s = spans.value("/A/B/KeyPolicy/Version").unwrap();
        assert_eq!(&text[s.start..s.end], "\"x\"");
    }

    #[test]
    fn non_ascii_spans_are_bytes() {
        let text = "Comment: \"héllo wörld\"\nStartAt: Ä\n";
        let (_, spans) = parse_with_spans(text).unwrap();
        let s = spans.value("/StartAt").unwrap();
        assert_eq!(&text[s.start..s.end], "Ä");
    }

    #[test]
    fn yaml_round_trips_through_to_yaml() {
        let src = r#"{"Comment":"a: b","StartAt":"Yes","States":{"Yes":{"Type":"Pass","Result":{"n":1,"s":"1","e":"","l":[1,{"a":"x"},[]],"m":"line1\nline2"},"End":true}}}"#;
        let v = json::parse(src).unwrap();
        let yaml = to_yaml(&v);
        let (back, _) = parse_with_spans(&yaml).unwrap();
        assert_eq!(back.to_json(), v.to_json(), "{yaml}");
    }
}
