//! The strict JSON parser, with or without spans.

use super::spans::{NodeId, Token};
use super::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset of the offending character.
    pub offset: usize,
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
    /// Where the next value goes in the span map: its parent, token and key.
    parent: Option<NodeId>,
    token: Token,
    key_span: Option<Span>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, spans: Option<&'a mut SpanMap>) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            spans,
            parent: None,
            token: Token::Index(0),
            key_span: None,
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
        let (parent, key_span) = (self.parent, self.key_span.take());
        let token = std::mem::replace(&mut self.token, Token::Index(0));
        let node = self.spans.as_deref_mut().map(|spans| {
            let id = spans.add(parent, token, start);
            if let Some(k) = key_span {
                spans.set_key(id, k);
            }
            id
        });
        let value = match self.bytes.get(self.pos) {
            None => return self.error("Unexpected end of input: expected a JSON value"),
            Some(b'{') => self.parse_object(depth, node)?,
            Some(b'[') => self.parse_array(depth, node)?,
            Some(b'"') => Value::String(Rc::from(self.parse_string()?)),
            Some(b't') => self.parse_literal("true", Value::Bool(true))?,
            Some(b'f') => self.parse_literal("false", Value::Bool(false))?,
            Some(b'n') => self.parse_literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.parse_number()?,
            Some(b'$') if self.spans.is_some() && self.bytes.get(self.pos + 1) == Some(&b'{') => {
                self.parse_bare_placeholder(node)?
            }
            Some(_) => {
                return self.error(format!(
                    "Unexpected {}: expected a JSON value",
                    self.describe_here()
                ))
            }
        };
        if let (Some(spans), Some(id)) = (self.spans.as_deref_mut(), node) {
            spans.finish(id, self.pos);
        }
        Ok(value)
    }

    /// `${Name}` where a value belongs (SAM, CDK and Terraform substitute it before AWS reads
    /// the JSON): read as the string `${Name}` and listed, so that substitution can give it its
    /// value's type.
    fn parse_bare_placeholder(&mut self, node: Option<NodeId>) -> Result<Value, ParseError> {
        let start = self.pos;
        let Some(close) = self.text[start..].find(['}', '\n']) else {
            return self.error("Unterminated '${': expected '}'");
        };
        if self.bytes[start + close] != b'}' {
            return self.error("Unterminated '${': expected '}'");
        }
        self.pos = start + close + 1;
        if let (Some(spans), Some(id)) = (self.spans.as_deref_mut(), node) {
            spans.set_bare_placeholder(id);
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
            Ok(f) if f.is_finite() => {
                if let Some(spans) = self.spans.as_deref_mut() {
                    if changes(text, f, is_float) {
                        let span = Span {
                            start,
                            end: self.pos,
                        };
                        spans.add_inexact(span, f);
                    }
                }
                Ok(Value::Number(Number::Float(f)))
            }
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

    fn parse_array(&mut self, depth: usize, node: Option<NodeId>) -> Result<Value, ParseError> {
        self.pos += 1;
        if let (Some(spans), Some(id)) = (self.spans.as_deref_mut(), node) {
            spans.set_container(id, true);
        }
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Rc::new(items)));
        }
        loop {
            self.skip_ws();
            self.parent = node;
            self.token = Token::Index(items.len() as u32);
            let item = self.parse_value(depth + 1)?;
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

    fn parse_object(&mut self, depth: usize, node: Option<NodeId>) -> Result<Value, ParseError> {
        self.pos += 1;
        if let (Some(spans), Some(id)) = (self.spans.as_deref_mut(), node) {
            spans.set_container(id, false);
        }
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
            let key: Rc<str> = Rc::from(self.parse_string()?);
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
            if let (Some(spans), Some(id)) = (self.spans.as_deref_mut(), node) {
                if map.contains_key(&*key) {
                    spans.add_duplicate(id, key.clone(), key_span);
                }
                self.parent = node;
                self.token = Token::Key(key.clone());
                self.key_span = Some(key_span);
            }
            let item = self.parse_value(depth + 1)?;
            map.insert(key, item);
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

/// Does a 64-bit float change what the number `text` writes? An integer too large for i64
/// that does not print back as written (`123456789012345678901234567890`, 2^63), or
/// a number with a non-zero digit that underflows to zero (`1e-400`). Decimal fractions
/// (`0.1`) are not flagged: every JSON reader rounds them alike.
fn changes(text: &str, f: f64, is_float: bool) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    if f == 0.0 {
        return mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    }
    let mut written = String::new();
    super::write_number(&mut written, Number::Float(f));
    !is_float && written != text
}
