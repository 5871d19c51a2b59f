//! JSONPath as AWS Step Functions evaluates it (AWS uses Jayway JsonPath): definite paths
//! give one value, indefinite ones (wildcards, slices, unions, filters, deep scan) give an
//! array of matches. Also reference paths (`ResultPath`), which write into a document.

use crate::syntax::json::{Map, Number, Value};
use std::fmt::Write as _;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the state's input (or whatever document the field applies to).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(Rc<str>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Field(Rc<str>),
    Index(i64),
    Wildcard,
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Union(Vec<Segment>),
    Filter(Rc<Filter>),
    /// `..` followed by a selector.
    Descend(Box<Segment>),
    /// `.length()`
    Length,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JsonPath {
    pub source: Rc<str>,
    pub root: Root,
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Compare(Operand, CmpOp, Operand),
    Exists(Operand),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `@...` relative to the current item.
    Current(Vec<Segment>),
    /// `$...` from the document root.
    Root(Vec<Segment>),
    Literal(Value),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    // Jayway's word operators (its RelationalOperator), with a list or a value on the right.
    In,
    Nin,
    Contains,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
}

/// Why a path gave no value, with Jayway's wording.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PathError {
    /// The last property is missing: "No results for path: $['a']".
    NoResults(String),
    /// A property before the last is missing: "Missing property in path $['a']".
    MissingProperty(String),
    /// A step met the wrong kind of value.
    NotAnObject {
        property: String,
        at: String,
        found: &'static str,
    },
    NotAnArray {
        at: String,
        found: &'static str,
    },
    UndefinedVariable(Rc<str>),
}

impl PathError {
    /// Jayway's message, as AWS quotes it in `States.Runtime` causes.
    pub(crate) fn jayway_message(&self) -> String {
        match self {
            PathError::NoResults(p) => format!("No results for path: {p}"),
            PathError::MissingProperty(p) => format!("Missing property in path {p}"),
            PathError::NotAnObject { property, at, found } => format!(
                "Expected to find an object with property ['{property}'] in path {at} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider'.",
                java_type(found)
            ),
            PathError::NotAnArray { at, found } => {
                format!("Filter: [{at}] can only be applied to arrays. Current context is: {found}")
            }
            PathError::UndefinedVariable(name) => format!("Variable '{name}' is not defined"),
        }
    }
}

fn java_type(t: &str) -> &'static str {
    match t {
        "string" => "java.lang.String",
        "number" => "java.lang.Number",
        "boolean" => "java.lang.Boolean",
        "array" => "java.util.List",
        _ => "null",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset inside the path text.
    pub offset: usize,
}

impl JsonPath {
    pub fn parse(source: &str) -> Result<JsonPath, SyntaxError> {
        let mut p = PathParser {
            src: source,
            pos: 0,
        };
        let root = p.parse_root()?;
        let segments = p.parse_segments()?;
        if p.pos < source.len() {
            return Err(p.err("unexpected character"));
        }
        Ok(JsonPath {
            source: Rc::from(source),
            root,
            segments,
        })
    }

    /// The identity path `$`.
    pub fn identity() -> JsonPath {
        JsonPath {
            source: Rc::from("$"),
            root: Root::Input,
            segments: Vec::new(),
        }
    }

    pub(crate) fn is_identity(&self) -> bool {
        self.root == Root::Input && self.segments.is_empty()
    }

    /// A definite path names at most one value (no wildcards, slices, unions, filters, deep
    /// scan); Jayway then returns the value itself rather than a list.
    pub(crate) fn is_definite(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Field(_) | Segment::Index(_) | Segment::Length))
    }

    /// A reference path (allowed in `ResultPath`): only fields and indices.
    pub(crate) fn is_reference(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Field(_) | Segment::Index(_)))
    }

    /// Evaluates against an already chosen root document.
    pub(crate) fn eval_on(&self, root: &Value) -> Result<Value, PathError> {
        if self.is_definite() {
            eval_definite(&self.segments, root)
        } else {
            let mut out = Vec::new();
            select(&self.segments, root, root, &mut out);
            Ok(Value::Array(Rc::new(out)))
        }
    }
}

fn normalized(segments: &[Segment]) -> String {
    let mut s = String::from("$");
    for seg in segments {
        match seg {
            Segment::Field(f) => {
                let _ = write!(s, "['{f}']");
            }
            Segment::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
            _ => s.push_str("[*]"),
        }
    }
    s
}

fn eval_definite(segments: &[Segment], root: &Value) -> Result<Value, PathError> {
    let mut current = root;
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        current = match seg {
            Segment::Field(name) => match current {
                Value::Object(m) => match m.get(name) {
                    Some(v) => v,
                    None if i == last => return Err(PathError::NoResults(normalized(segments))),
                    None => return Err(PathError::MissingProperty(normalized(&segments[..=i]))),
                },
                other => {
                    return Err(PathError::NotAnObject {
                        property: name.to_string(),
                        at: normalized(&segments[..i]),
                        found: other.type_name(),
                    })
                }
            },
            Segment::Index(idx) => match current {
                Value::Array(a) => {
                    let resolved = if *idx < 0 {
                        (a.len() as i64).saturating_add(*idx)
                    } else {
                        *idx
                    };
                    match usize::try_from(resolved).ok().and_then(|i| a.get(i)) {
                        Some(v) => v,
                        None => return Err(PathError::NoResults(normalized(segments))),
                    }
                }
                other => {
                    return Err(PathError::NotAnArray {
                        at: normalized(&segments[..=i]),
                        found: other.type_name(),
                    })
                }
            },
            Segment::Length => {
                return match current {
                    Value::Array(a) => Ok(Value::from(a.len() as i64)),
                    Value::Object(m) => Ok(Value::from(m.len() as i64)),
                    Value::String(s) => Ok(Value::from(s.chars().count() as i64)),
                    _ => Err(PathError::NoResults(normalized(segments))),
                }
            }
            _ => return Err(PathError::NoResults(normalized(segments))),
        };
    }
    Ok(current.clone())
}

/// Collects every match of an indefinite path (missing pieces are skipped, as Jayway does).
fn select(segments: &[Segment], node: &Value, root: &Value, out: &mut Vec<Value>) {
    let Some((seg, rest)) = segments.split_first() else {
        out.push(node.clone());
        return;
    };
    match seg {
        Segment::Field(name) => {
            if let Some(v) = node.get(name) {
                select(rest, v, root, out);
            }
        }
        Segment::Index(idx) => {
            if let Value::Array(a) = node {
                let resolved = if *idx < 0 {
                    (a.len() as i64).saturating_add(*idx)
                } else {
                    *idx
                };
                if let Some(v) = usize::try_from(resolved).ok().and_then(|i| a.get(i)) {
                    select(rest, v, root, out);
                }
            }
        }
        Segment::Wildcard => match node {
            Value::Array(a) => a.iter().for_each(|v| select(rest, v, root, out)),
            Value::Object(m) => m.values().for_each(|v| select(rest, v, root, out)),
            _ => {}
        },
        Segment::Slice(start, end, step) => {
            if let Value::Array(a) = node {
                for i in slice_indices(a.len(), *start, *end, *step) {
                    select(rest, &a[i], root, out);
                }
            }
        }
        Segment::Union(parts) => {
            for part in parts {
                let mut tmp = Vec::new();
                select(std::slice::from_ref(part), node, root, &mut tmp);
                for v in tmp {
                    select(rest, &v, root, out);
                }
            }
        }
        Segment::Filter(filter) => match node {
            Value::Array(a) => {
                for item in a.iter() {
                    if filter_matches(filter, item, root) {
                        select(rest, item, root, out);
                    }
                }
            }
            Value::Object(_) if filter_matches(filter, node, root) => select(rest, node, root, out),
            _ => {}
        },
        Segment::Descend(inner) => {
            let mut matches = Vec::new();
            descend(inner, node, root, &mut matches);
            for v in matches {
                select(rest, &v, root, out);
            }
        }
        Segment::Length => {
            if let Ok(v) = eval_definite(std::slice::from_ref(seg), node) {
                select(rest, &v, root, out);
            }
        }
    }
}

fn descend(inner: &Segment, node: &Value, root: &Value, out: &mut Vec<Value>) {
    select(std::slice::from_ref(inner), node, root, out);
    match node {
        Value::Array(a) => a.iter().for_each(|v| descend(inner, v, root, out)),
        Value::Object(m) => m.values().for_each(|v| descend(inner, v, root, out)),
        _ => {}
    }
}

fn slice_indices(
    len: usize,
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Vec<usize> {
    let len = len as i64;
    let step = step.unwrap_or(1);
    if step <= 0 {
        return Vec::new();
    }
    let clamp = |i: i64| {
        if i < 0 {
            len.saturating_add(i).max(0)
        } else {
            i.min(len)
        }
    };
    let from = clamp(start.unwrap_or(0));
    let to = clamp(end.unwrap_or(len));
    (from..to)
        .step_by(step as usize)
        .map(|i| i as usize)
        .collect()
}

fn operand_value(op: &Operand, current: &Value, root: &Value) -> Option<Value> {
    match op {
        Operand::Literal(v) => Some(v.clone()),
        Operand::Current(segs) => resolve_relative(segs, current),
        Operand::Root(segs) => resolve_relative(segs, root),
    }
}

fn resolve_relative(segs: &[Segment], base: &Value) -> Option<Value> {
    if segs
        .iter()
        .all(|s| matches!(s, Segment::Field(_) | Segment::Index(_) | Segment::Length))
    {
        eval_definite(segs, base).ok()
    } else {
        let mut out = Vec::new();
        select(segs, base, base, &mut out);
        Some(Value::Array(Rc::new(out)))
    }
}

fn filter_matches(filter: &Filter, current: &Value, root: &Value) -> bool {
    match filter {
        Filter::And(a, b) => filter_matches(a, current, root) && filter_matches(b, current, root),
        Filter::Or(a, b) => filter_matches(a, current, root) || filter_matches(b, current, root),
        Filter::Not(a) => !filter_matches(a, current, root),
        Filter::Exists(op) => operand_value(op, current, root).is_some(),
        Filter::Compare(l, op, r) => {
            let (Some(a), Some(b)) = (
                operand_value(l, current, root),
                operand_value(r, current, root),
            ) else {
                return false;
            };
            compare_values(&a, *op, &b)
        }
    }
}

fn compare_values(a: &Value, op: CmpOp, b: &Value) -> bool {
    use std::cmp::Ordering;
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let same = |x: &Value, y: &Value| compare_values(x, CmpOp::Eq, y);
    let in_list = |x: &Value| list(b).iter().any(|y| same(x, y));
    match op {
        CmpOp::In => return in_list(a),
        CmpOp::Nin => return !in_list(a),
        CmpOp::Contains => {
            return match (a, b) {
                (Value::Array(items), _) => items.iter().any(|x| same(x, b)),
                (Value::String(s), Value::String(t)) => s.contains(&**t),
                _ => false,
            }
        }
        CmpOp::SubsetOf => return a.as_array().is_some_and(|items| items.iter().all(in_list)),
        CmpOp::AnyOf => return a.as_array().is_some_and(|items| items.iter().any(in_list)),
        CmpOp::NoneOf => return a.as_array().is_some_and(|items| !items.iter().any(in_list)),
        CmpOp::Size | CmpOp::Empty => {
            let len = match a {
                Value::Array(items) => items.len(),
                Value::String(s) => s.chars().count(),
                _ => return false,
            };
            return if op == CmpOp::Size {
                b.as_number().is_some_and(|n| n.as_f64() == len as f64)
            } else {
                b.as_bool() == Some(len == 0)
            };
        }
        _ => {}
    }
    let ord = match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => {
            return match op {
                CmpOp::Eq => a == b,
                CmpOp::Ne => a != b,
                _ => false,
            }
        }
    };
    match (op, ord) {
        (CmpOp::Eq, Some(o)) => o == Ordering::Equal,
        (CmpOp::Ne, Some(o)) => o != Ordering::Equal,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
        (CmpOp::Ne, None) => true,
        _ => false,
    }
}

struct PathParser<'a> {
    src: &'a str,
    pos: usize,
}

fn is_name_char(c: char) -> bool {
    !matches!(
        c,
        '.' | '['
            | ']'
            | '('
            | ')'
            | ' '
            | '\t'
            | '\n'
            | '\r'
            | '\''
            | '"'
            | ','
            | '='
            | '!'
            | '<'
            | '>'
            | '&'
            | '|'
    )
}

impl PathParser<'_> {
    fn err(&self, message: &str) -> SyntaxError {
        SyntaxError {
            message: format!("{message} at position {}", self.pos),
            offset: self.pos,
        }
    }
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }
    fn eat(&mut self, s: &str) -> bool {
        if self
            .src
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s))
        {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }
    fn name(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_name_char(c) {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        &self.src[start..self.pos]
    }

    fn parse_root(&mut self) -> Result<Root, SyntaxError> {
        if !self.eat("$") {
            return Err(self.err("a path must start with '$'"));
        }
        if self.eat("$") {
            return Ok(Root::Context);
        }
        match self.peek() {
            Some(c) if is_name_char(c) && c != '*' && c != '@' && c != '?' => {
                let name = self.name();
                Ok(Root::Variable(Rc::from(name)))
            }
            _ => Ok(Root::Input),
        }
    }

    fn parse_segments(&mut self) -> Result<Vec<Segment>, SyntaxError> {
        let mut segs = Vec::new();
        loop {
            if self.eat("..") {
                let inner = if self.peek() == Some('[') {
                    self.parse_bracket()?
                } else if self.eat("*") {
                    Segment::Wildcard
                } else {
                    let name = self.name();
                    if name.is_empty() {
                        return Err(self.err("expected a name after '..'"));
                    }
                    Segment::Field(Rc::from(name))
                };
                segs.push(Segment::Descend(Box::new(inner)));
            } else if self.eat(".") {
                // Jayway reads the token after a dot as it would read it anywhere: `$.[0]`,
                // `$.Items.[0].Id`, `$.['a','b']` and `$.[?(@.n > 0)]` are brackets.
                if self.peek() == Some('[') {
                    segs.push(self.parse_bracket()?);
                } else if self.eat("*") {
                    segs.push(Segment::Wildcard);
                } else {
                    let name = self.name().to_string();
                    if name.is_empty() {
                        return Err(self.err("expected a name after '.'"));
                    }
                    if name == "length" && self.eat("()") {
                        segs.push(Segment::Length);
                    } else {
                        segs.push(Segment::Field(Rc::from(name)));
                    }
                }
            } else if self.peek() == Some('[') {
                segs.push(self.parse_bracket()?);
            } else {
                return Ok(segs);
            }
        }
    }

    fn parse_int(&mut self) -> Option<i64> {
        let start = self.pos;
        self.eat("-");
        while matches!(self.peek(), Some('0'..='9')) {
            self.pos += 1;
        }
        let t = &self.src[start..self.pos];
        if t.is_empty() || t == "-" {
            self.pos = start;
            return None;
        }
        t.parse().ok()
    }

    fn parse_quoted(&mut self) -> Result<String, SyntaxError> {
        let Some(quote) = self.peek().filter(|c| *c == '\'' || *c == '"') else {
            return Err(self.err("expected a quoted name"));
        };
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated quoted name"));
            };
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(out);
            }
            // Jayway: a backslash escapes only the quote (and itself); otherwise it is literal.
            // AWS-recorded: `$['Test\""Name"']` reads the key `Test\""Name"`.
            if c == '\\' && matches!(self.peek(), Some(n) if n == quote || n == '\\') {
                let n = self.peek().unwrap_or(quote);
                self.pos += n.len_utf8();
                out.push(n);
            } else {
                out.push(c);
            }
        }
    }

    fn parse_bracket(&mut self) -> Result<Segment, SyntaxError> {
        self.pos += 1; // '['
        self.skip_ws();
        let seg = if self.eat("*") {
            Segment::Wildcard
        } else if self.eat("?") {
            self.skip_ws();
            if !self.eat("(") {
                return Err(self.err("expected '(' after '?'"));
            }
            let f = self.parse_filter_or()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.err("expected ')' to close the filter"));
            }
            Segment::Filter(Rc::new(f))
        } else if matches!(self.peek(), Some('\'' | '"')) {
            let mut names = vec![self.parse_quoted()?];
            self.skip_ws();
            while self.eat(",") {
                self.skip_ws();
                names.push(self.parse_quoted()?);
                self.skip_ws();
            }
            if names.len() == 1 {
                Segment::Field(Rc::from(names.remove(0)))
            } else {
                Segment::Union(
                    names
                        .into_iter()
                        .map(|n| Segment::Field(Rc::from(n)))
                        .collect(),
                )
            }
        } else {
            let first = self.parse_int();
            self.skip_ws();
            if self.eat(":") {
                let end = self.parse_int();
                let step = if self.eat(":") {
                    self.parse_int()
                } else {
                    None
                };
                Segment::Slice(first, end, step)
            } else if let Some(i) = first {
                let mut idx = vec![i];
                while self.eat(",") {
                    self.skip_ws();
                    idx.push(
                        self.parse_int()
                            .ok_or_else(|| self.err("expected an index"))?,
                    );
                    self.skip_ws();
                }
                if idx.len() == 1 {
                    Segment::Index(i)
                } else {
                    Segment::Union(idx.into_iter().map(Segment::Index).collect())
                }
            } else {
                return Err(self.err("expected an index, a quoted name, '*', a slice or a filter"));
            }
        };
        self.skip_ws();
        if !self.eat("]") {
            return Err(self.err("expected ']'"));
        }
        Ok(seg)
    }

    fn parse_filter_or(&mut self) -> Result<Filter, SyntaxError> {
        let mut left = self.parse_filter_and()?;
        loop {
            self.skip_ws();
            if self.eat("||") {
                let right = self.parse_filter_and()?;
                left = Filter::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn parse_filter_and(&mut self) -> Result<Filter, SyntaxError> {
        let mut left = self.parse_filter_atom()?;
        loop {
            self.skip_ws();
            if self.eat("&&") {
                let right = self.parse_filter_atom()?;
                left = Filter::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn parse_filter_atom(&mut self) -> Result<Filter, SyntaxError> {
        self.skip_ws();
        if self.eat("!") {
            return Ok(Filter::Not(Box::new(self.parse_filter_atom()?)));
        }
        if self.eat("(") {
            let f = self.parse_filter_or()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.err("expected ')'"));
            }
            return Ok(f);
        }
        let left = self.parse_operand()?;
        self.skip_ws();
        let op = if self.eat("==") {
            CmpOp::Eq
        } else if self.eat("!=") {
            CmpOp::Ne
        } else if self.eat("<=") {
            CmpOp::Le
        } else if self.eat(">=") {
            CmpOp::Ge
        } else if self.eat("<") {
            CmpOp::Lt
        } else if self.eat(">") {
            CmpOp::Gt
        } else if let Some(op) = self.word_operator() {
            op
        } else {
            return Ok(Filter::Exists(left));
        };
        self.skip_ws();
        let right = self.parse_operand()?;
        Ok(Filter::Compare(left, op, right))
    }

    /// `in`, `nin`, `contains`, `subsetof`, `anyof`, `noneof`, `size`, `empty`, followed by a
    /// blank.
    fn word_operator(&mut self) -> Option<CmpOp> {
        let rest = &self.src[self.pos..];
        for (word, op) in [
            ("nin", CmpOp::Nin),
            ("in", CmpOp::In),
            ("contains", CmpOp::Contains),
            ("subsetof", CmpOp::SubsetOf),
            ("anyof", CmpOp::AnyOf),
            ("noneof", CmpOp::NoneOf),
            ("size", CmpOp::Size),
            ("empty", CmpOp::Empty),
        ] {
            if rest
                .strip_prefix(word)
                .is_some_and(|after| after.starts_with([' ', '\t']))
            {
                self.pos += word.len();
                return Some(op);
            }
        }
        None
    }

    /// A list literal, `['a', 'b']` or `[1, 2]` (Jayway reads it as JSON with single quotes
    /// allowed).
    fn parse_list(&mut self) -> Result<Operand, SyntaxError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.eat("]") {
                return Ok(Operand::Literal(Value::from(items)));
            }
            match self.parse_operand()? {
                Operand::Literal(v) => items.push(v),
                _ => return Err(self.err("a list holds only literals")),
            }
            self.skip_ws();
            if !self.eat(",") && self.peek() != Some(']') {
                return Err(self.err("expected ',' or ']' in the list"));
            }
        }
    }

    fn parse_operand(&mut self) -> Result<Operand, SyntaxError> {
        self.skip_ws();
        if self.peek() == Some('[') {
            return self.parse_list();
        }
        if self.eat("@") {
            return Ok(Operand::Current(self.parse_segments()?));
        }
        if self.eat("$") {
            return Ok(Operand::Root(self.parse_segments()?));
        }
        if matches!(self.peek(), Some('\'' | '"')) {
            return Ok(Operand::Literal(Value::from(self.parse_quoted()?)));
        }
        for (word, v) in [
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
        ] {
            if self.eat(word) {
                return Ok(Operand::Literal(v));
            }
        }
        let start = self.pos;
        while matches!(self.peek(), Some('0'..='9' | '-' | '.' | 'e' | 'E' | '+')) {
            self.pos += 1;
        }
        let t = &self.src[start..self.pos];
        if let Ok(i) = t.parse::<i64>() {
            return Ok(Operand::Literal(Value::Number(Number::Int(i))));
        }
        if let Ok(f) = t.parse::<f64>() {
            return Ok(Operand::Literal(Value::Number(Number::Float(f))));
        }
        Err(self.err("expected a filter operand"))
    }
}

/// Why a `ResultPath` could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResultPathError {
    pub message: String,
}

/// Writes `value` at a reference path inside `doc`, creating missing objects on the way (the
/// `ResultPath` rule). `$` replaces the document.
pub(crate) fn set_at(doc: Value, path: &JsonPath, value: Value) -> Result<Value, ResultPathError> {
    if path.segments.is_empty() {
        return Ok(value);
    }
    let mut doc = doc;
    set_in(&mut doc, &path.segments, value, path)?;
    Ok(doc)
}

fn set_in(
    node: &mut Value,
    segs: &[Segment],
    value: Value,
    path: &JsonPath,
) -> Result<(), ResultPathError> {
    let Some((seg, rest)) = segs.split_first() else {
        *node = value;
        return Ok(());
    };
    let fail = |node: &Value| ResultPathError {
        message: format!(
            "Unable to apply ReferencePath {} to input {}",
            path.source,
            node.to_json()
        ),
    };
    match seg {
        Segment::Field(name) => {
            let Value::Object(map) = node else {
                return Err(fail(node));
            };
            let map: &mut Map = Rc::make_mut(map);
            if rest.is_empty() {
                map.insert(name.clone(), value);
                return Ok(());
            }
            let child = map.entry(name.clone()).or_insert_with(Value::object);
            set_in(child, rest, value, path)
        }
        Segment::Index(i) => {
            let Value::Array(arr) = node else {
                return Err(fail(node));
            };
            let len = arr.len() as i64;
            let idx = if *i < 0 { len.saturating_add(*i) } else { *i };
            if idx < 0 || idx >= len {
                return Err(fail(node));
            }
            let arr = Rc::make_mut(arr);
            set_in(&mut arr[idx as usize], rest, value, path)
        }
        _ => Err(fail(node)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::json::parse;

    fn eval(path: &str, doc: &str) -> Result<String, String> {
        let p = JsonPath::parse(path).map_err(|e| e.message)?;
        p.eval_on(&parse(doc).unwrap())
            .map(|v| v.to_json())
            .map_err(|e| e.jayway_message())
    }

    #[test]
    fn jayway_semantics() {
        assert_eq!(eval("$.a.b", r#"{"a":{"b":1}}"#), Ok("1".into()));
        assert_eq!(eval("$.x", "{}"), Err("No results for path: $['x']".into()));
        assert_eq!(
            eval("$.no.such", "{}"),
            Err("Missing property in path $['no']".into())
        );
        assert_eq!(
            eval("$.items[1:]", r#"{"items":[1,2,3]}"#),
            Ok("[2,3]".into())
        );
        assert_eq!(
            eval("$[*].a", r#"[{"a":1},{"b":2},{"a":3}]"#),
            Ok("[1,3]".into())
        );
        assert_eq!(
            eval(
                "$.u[?(@.s == 0)].n",
                r#"{"u":[{"s":0,"n":"a"},{"s":1,"n":"b"}]}"#
            ),
            Ok(r#"["a"]"#.into())
        );
        assert_eq!(eval("$..n", r#"{"a":{"n":1},"n":2}"#), Ok("[2,1]".into()));
        assert_eq!(
            eval(r#"$['Test\\""Name"']"#, r#"{"Test\\\"\"Name\"":1}"#),
            Ok("1".into())
        );
        assert_eq!(eval("$.a.length()", r#"{"a":[1,2]}"#), Ok("2".into()));
        // Jayway reads a bracket after a dot as a bracket (real definitions write these).
        assert_eq!(eval("$.[0]", "[7,8]"), Ok("7".into()));
        assert_eq!(
            eval("$.Items.[0].Id", r#"{"Items":[{"Id":"a"}]}"#),
            Ok(r#""a""#.into())
        );
        assert_eq!(
            eval("$.[*].['a','b']", r#"[{"a":1,"b":2}]"#),
            Ok("[1,2]".into())
        );
        assert_eq!(
            eval("$.[?(@.n > 0)]", r#"[{"n":0},{"n":2}]"#),
            Ok(r#"[{"n":2}]"#.into())
        );
        // Jayway's word operators.
        let items = r#"[{"a":"x","t":["p","q"]},{"a":"y","t":[]},{"a":"z","t":["q"]}]"#;
        for (path, want) in [
            ("$[?(@.a in ['x', 'z'])].a", r#"["x","z"]"#),
            ("$[?(@.a nin ['x'])].a", r#"["y","z"]"#),
            ("$[?(@.t contains 'q')].a", r#"["x","z"]"#),
            ("$[?(@.t subsetof ['q'])].a", r#"["y","z"]"#),
            ("$[?(@.t anyof ['p'])].a", r#"["x"]"#),
            ("$[?(@.t noneof ['p'])].a", r#"["y","z"]"#),
            ("$[?(@.t size 2)].a", r#"["x"]"#),
            ("$[?(@.t empty true)].a", r#"["y"]"#),
        ] {
            assert_eq!(eval(path, items), Ok(want.into()), "{path}");
        }
        // An unquoted word is no literal for Jayway (its number reader refuses it): a syntax
        // error, as AWS gives.
        assert!(JsonPath::parse("$[?(@.a == ACTIVE)]").is_err());
    }

    #[test]
    fn result_path_creates_parents() {
        let p = JsonPath::parse("$.out.box").unwrap();
        let doc = set_at(parse(r#"{"a":1}"#).unwrap(), &p, Value::from(2)).unwrap();
        assert_eq!(doc.to_json(), r#"{"a":1,"out":{"box":2}}"#);
        assert!(set_at(
            Value::from("foo"),
            &JsonPath::parse("$.x").unwrap(),
            Value::Null
        )
        .is_err());
    }
}
