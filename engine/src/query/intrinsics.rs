//! The 18 intrinsic functions (`States.Format(...)` and friends) of JSONPath states: parsed
//! once when the definition is loaded, evaluated per state visit. A failure raises
//! `States.IntrinsicFailure`.

use crate::query::env::Env;
use crate::query::failure::{errors, Failure};
use crate::query::path::JsonPath;
use crate::syntax::json::{self, Number, Value};
use base64::Engine as _;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Literal(Value),
    Path(JsonPath),
    Call(Box<Call>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub function: Function,
    pub args: Vec<Arg>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

pub const FUNCTION_NAMES: &[(&str, Function)] = &[
    ("States.Format", Function::Format),
    ("States.StringToJson", Function::StringToJson),
    ("States.JsonToString", Function::JsonToString),
    ("States.ArrayPartition", Function::ArrayPartition),
    ("States.ArrayContains", Function::ArrayContains),
    ("States.ArrayRange", Function::ArrayRange),
    ("States.ArrayGetItem", Function::ArrayGetItem),
    ("States.ArrayLength", Function::ArrayLength),
    ("States.ArrayUnique", Function::ArrayUnique),
    ("States.Array", Function::Array),
    ("States.Base64Encode", Function::Base64Encode),
    ("States.Base64Decode", Function::Base64Decode),
    ("States.Hash", Function::Hash),
    ("States.JsonMerge", Function::JsonMerge),
    ("States.MathRandom", Function::MathRandom),
    ("States.MathAdd", Function::MathAdd),
    ("States.StringSplit", Function::StringSplit),
    ("States.UUID", Function::Uuid),
];

impl Function {
    pub fn name(self) -> &'static str {
        FUNCTION_NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("States.?", |(n, _)| n)
    }
    /// Allowed argument counts (min, max).
    fn arity(self) -> (usize, usize) {
        use Function::*;
        match self {
            Format => (1, usize::MAX),
            Array => (0, usize::MAX),
            StringToJson | JsonToString | ArrayLength | ArrayUnique | Base64Encode
            | Base64Decode => (1, 1),
            ArrayPartition | ArrayContains | ArrayGetItem | Hash | MathAdd | StringSplit => (2, 2),
            ArrayRange | JsonMerge => (3, 3),
            MathRandom => (2, 3),
            Uuid => (0, 0),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// A hash of a value that agrees with its equality: numbers by their `f64` value, objects
/// whatever their key order.
fn structural_hash(v: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    match v {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, *b).hash(&mut h),
        Value::Number(n) => {
            let f = n.as_f64();
            (2u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(&mut h)
        }
        Value::String(s) => (3u8, &**s).hash(&mut h),
        Value::Array(a) => {
            4u8.hash(&mut h);
            for x in a.iter() {
                structural_hash(x).hash(&mut h);
            }
        }
        Value::Object(m) => {
            let pairs = m.iter().fold(0u64, |acc, (k, x)| {
                let mut e = rustc_hash::FxHasher::default();
                (&**k, structural_hash(x)).hash(&mut e);
                acc.wrapping_add(e.finish())
            });
            (5u8, m.len(), pairs).hash(&mut h)
        }
    }
    h.finish()
}

/// Does this string look like an intrinsic function call (rather than a path)?
pub(crate) fn looks_like_call(s: &str) -> bool {
    s.starts_with("States.") && s.contains('(')
}

pub fn parse(src: &str) -> Result<Call, SyntaxError> {
    let mut p = CallParser {
        src,
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    let call = p.parse_call()?;
    p.skip_ws();
    if p.pos < src.len() {
        return Err(p.err("unexpected text after the closing ')'"));
    }
    Ok(call)
}

struct CallParser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl CallParser<'_> {
    fn err(&self, m: &str) -> SyntaxError {
        SyntaxError {
            message: format!("{m} at position {}", self.pos),
            offset: self.pos,
        }
    }
    fn peek(&self) -> Option<char> {
        // `get`: a position that is not on a character boundary reads as the end.
        self.src.get(self.pos..)?.chars().next()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }
    fn parse_call(&mut self) -> Result<Call, SyntaxError> {
        self.depth += 1;
        if self.depth > 10 {
            return Err(self.err("intrinsic functions nest at most 10 deep"));
        }
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '.') {
            self.pos += 1;
        }
        let name = &self.src[start..self.pos];
        let Some(&(_, function)) = FUNCTION_NAMES.iter().find(|(n, _)| *n == name) else {
            return Err(SyntaxError {
                message: format!("unknown intrinsic function '{name}'"),
                offset: start,
            });
        };
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.err("expected '('"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                args.push(self.parse_arg()?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err("expected ',' or ')'")),
                }
            }
        }
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            return Err(SyntaxError {
                message: format!(
                    "{} takes {} but was given {}",
                    name,
                    arity_text(min, max),
                    args.len()
                ),
                offset: start,
            });
        }
        self.depth -= 1;
        Ok(Call { function, args })
    }

    fn parse_arg(&mut self) -> Result<Arg, SyntaxError> {
        match self.peek() {
            Some('\'') => Ok(Arg::Literal(Value::from(self.parse_string()?))),
            Some('$') => {
                let start = self.pos;
                // A path runs to the next top-level ',' or ')' (brackets and quotes may hold them).
                let mut depth = 0i32;
                let mut quote: Option<char> = None;
                while let Some(c) = self.peek() {
                    match (quote, c) {
                        (Some(q), c) if c == q => quote = None,
                        // Skip the escaped character whole (it may be multi-byte).
                        (Some(_), '\\') => {
                            self.pos += 1;
                            if let Some(n) = self.peek() {
                                self.pos += n.len_utf8();
                            }
                            continue;
                        }
                        (Some(_), _) => {}
                        (None, '\'' | '"') => quote = Some(c),
                        (None, '[' | '(') => depth += 1,
                        (None, ']') => depth -= 1,
                        (None, ')') if depth == 0 => break,
                        (None, ')') => depth -= 1,
                        (None, ',') if depth == 0 => break,
                        _ => {}
                    }
                    self.pos += c.len_utf8();
                }
                let text = self.src[start..self.pos.min(self.src.len())].trim_end();
                JsonPath::parse(text)
                    .map(Arg::Path)
                    .map_err(|e| SyntaxError {
                        message: format!("invalid path '{text}': {}", e.message),
                        offset: start + e.offset,
                    })
            }
            Some('S') => Ok(Arg::Call(Box::new(self.parse_call()?))),
            _ => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
                {
                    self.pos += 1;
                }
                let word = &self.src[start..self.pos];
                match word {
                    "true" => Ok(Arg::Literal(Value::Bool(true))),
                    "false" => Ok(Arg::Literal(Value::Bool(false))),
                    "null" => Ok(Arg::Literal(Value::Null)),
                    _ => match json::parse(word) {
                        Ok(v @ Value::Number(_)) => Ok(Arg::Literal(v)),
                        _ => Err(SyntaxError {
                            message: format!("invalid argument '{word}'"),
                            offset: start,
                        }),
                    },
                }
            }
        }
    }

    /// A single-quoted literal: `\'` is a quote, `\\` a backslash; `\{` and `\}` are kept for
    /// `States.Format` to read.
    fn parse_string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated string literal"));
            };
            self.pos += c.len_utf8();
            match c {
                '\'' => return Ok(out),
                '\\' => {
                    let Some(n) = self.peek() else {
                        return Err(self.err("unterminated string literal"));
                    };
                    self.pos += n.len_utf8();
                    match n {
                        '\'' => out.push('\''),
                        '\\' => out.push('\\'),
                        '{' | '}' => {
                            out.push('\\');
                            out.push(n);
                        }
                        // AWS-recorded: CreateStateMachine rejects `\"` in an intrinsic's string.
                        '"' => {
                            return Err(self.err("illegal escape sequence \\\" in a string literal"))
                        }
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }
}

fn arity_text(min: usize, max: usize) -> String {
    match (min, max) {
        (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
        (a, usize::MAX) => format!("at least {a} argument{}", if a == 1 { "" } else { "s" }),
        (a, b) => format!("{a} to {b} arguments"),
    }
}

fn fail(call: &Call, msg: impl std::fmt::Display) -> Failure {
    Failure::new(
        errors::INTRINSIC_FAILURE,
        format!("Invalid arguments in {}: {msg}", call.function.name()),
    )
}

/// Evaluates an argument; a path that finds nothing is a `States.Runtime` error as AWS raises it.
fn eval_arg(arg: &Arg, env: &Env) -> Result<Value, Failure> {
    match arg {
        Arg::Literal(v) => Ok(v.clone()),
        Arg::Call(c) => eval(c, env),
        Arg::Path(p) => env.eval_path(p).map_err(|e| {
            Failure::runtime(format!(
                "Invalid path '{}' : {}",
                p.source,
                e.jayway_message()
            ))
        }),
    }
}

fn int_arg(call: &Call, v: &Value, what: &str) -> Result<i64, Failure> {
    match v {
        Value::Number(n) => n.as_i64().ok_or_else(|| {
            fail(
                call,
                format!("{what} must be an integer, got {}", v.to_json()),
            )
        }),
        _ => Err(fail(
            call,
            format!("{what} must be an integer, got {}", v.to_json()),
        )),
    }
}

/// A number rounded as Java's `Math.round` does (`floor(x + 0.5)`): AWS-recorded,
/// `States.MathAdd(1.49, 1.5)` is 3 and `States.MathAdd(-2.5, 0)` is -2.
fn rounded_int_arg(call: &Call, v: &Value, what: &str) -> Result<i64, Failure> {
    match v {
        Value::Number(Number::Int(i)) => Ok(*i),
        Value::Number(Number::Float(f)) if f.is_finite() && f.abs() < 9.0e15 => {
            Ok((f + 0.5).floor() as i64)
        }
        _ => Err(fail(
            call,
            format!("{what} must be a number, got {}", v.to_json()),
        )),
    }
}

fn str_arg<'v>(call: &Call, v: &'v Value, what: &str) -> Result<&'v str, Failure> {
    v.as_str().ok_or_else(|| {
        fail(
            call,
            format!("{what} must be a string, got {}", v.to_json()),
        )
    })
}

fn array_arg<'v>(call: &Call, v: &'v Value, what: &str) -> Result<&'v Vec<Value>, Failure> {
    v.as_array().ok_or_else(|| {
        fail(
            call,
            format!("{what} must be an array, got {}", v.to_json()),
        )
    })
}

const MAX_STRING_ARG: usize = 10_000;
const MAX_RANGE_ITEMS: i64 = 1000;

pub(crate) fn eval(call: &Call, env: &Env) -> Result<Value, Failure> {
    use Function::*;
    let args = call
        .args
        .iter()
        .map(|a| eval_arg(a, env))
        .collect::<Result<Vec<_>, _>>()?;
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    match call.function {
        Format => format(call, str_arg(call, arg(0), "the template")?, &args[1..]),
        StringToJson => {
            let s = str_arg(call, arg(0), "the argument")?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            json::parse(s)
                .map_err(|e| fail(call, format!("the string is not valid JSON: {}", e.message)))
        }
        JsonToString => Ok(Value::from(arg(0).to_json())),
        Array => Ok(Value::from(args)),
        ArrayPartition => {
            let a = array_arg(call, arg(0), "the first argument")?;
            let size = int_arg(call, arg(1), "the chunk size")?;
            if size <= 0 {
                return Err(fail(call, "the chunk size must be greater than 0"));
            }
            Ok(Value::from(
                a.chunks(size as usize)
                    .map(|c| Value::from(c.to_vec()))
                    .collect::<Vec<_>>(),
            ))
        }
        ArrayContains => {
            let a = array_arg(call, arg(0), "the first argument")?;
            Ok(Value::Bool(a.contains(arg(1))))
        }
        ArrayRange => array_range(call, &args),
        ArrayGetItem => {
            let a = array_arg(call, arg(0), "the first argument")?;
            let i = int_arg(call, arg(1), "the index")?;
            usize::try_from(i)
                .ok()
                .and_then(|i| a.get(i))
                .cloned()
                .ok_or_else(|| {
                    fail(
                        call,
                        format!("index {i} is out of bounds for an array of {}", a.len()),
                    )
                })
        }
        ArrayLength => Ok(Value::from(
            array_arg(call, arg(0), "the argument")?.len() as i64
        )),
        ArrayUnique => {
            let a = array_arg(call, arg(0), "the argument")?;
            // Buckets by a hash that agrees with `Value`'s equality (1 equals 1.0, key order
            // does not matter), so the first of each value is kept in linear time (comparing
            // with every kept value was quadratic: 3 s for 40,000 items).
            let mut seen: rustc_hash::FxHashMap<u64, Vec<usize>> = Default::default();
            let mut out: Vec<Value> = Vec::new();
            for v in a.iter() {
                let bucket = seen.entry(structural_hash(v)).or_default();
                if !bucket.iter().any(|&i| out[i] == *v) {
                    bucket.push(out.len());
                    out.push(v.clone());
                }
            }
            Ok(Value::from(out))
        }
        Base64Encode => {
            let s = str_arg(call, arg(0), "the argument")?;
            if s.len() > MAX_STRING_ARG {
                return Err(fail(
                    call,
                    format!("the input is longer than {MAX_STRING_ARG} characters"),
                ));
            }
            Ok(Value::from(
                base64::engine::general_purpose::STANDARD.encode(s),
            ))
        }
        Base64Decode => base64_decode(call, &args),
        Hash => hash_of(call, &args),
        JsonMerge => json_merge(call, &args),
        MathRandom => math_random(call, &args, env),
        MathAdd => {
            let a = rounded_int_arg(call, arg(0), "the first number")?;
            let b = rounded_int_arg(call, arg(1), "the second number")?;
            let in_range = |x: i64| (-2_147_483_648..=2_147_483_647).contains(&x);
            if !in_range(a) || !in_range(b) {
                return Err(fail(call, "the numbers must be 32-bit integers"));
            }
            Ok(Value::from(a + b))
        }
        StringSplit => {
            let s = str_arg(call, arg(0), "the string")?;
            let delims = str_arg(call, arg(1), "the delimiter")?;
            // Each delimiter character once in a set: linear in the string, whatever the
            // number of delimiters.
            let delims: rustc_hash::FxHashSet<char> = delims.chars().collect();
            let parts = s
                .split(|c: char| delims.contains(&c))
                .filter(|p| !p.is_empty())
                .map(Value::from)
                .collect::<Vec<_>>();
            Ok(Value::from(parts))
        }
        Uuid => Ok(Value::from(env.rng.uuid())),
    }
}

fn array_range(call: &Call, args: &[Value]) -> Result<Value, Failure> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let start = int_arg(call, arg(0), "the start")?;
    let end = int_arg(call, arg(1), "the end")?;
    let step = int_arg(call, arg(2), "the step")?;
    if step == 0 {
        return Err(fail(call, "the step must not be 0"));
    }
    // i128: user-given bounds may be anywhere in i64.
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let count = if (end - start).signum() * step.signum() < 0 {
        0
    } else {
        (end - start) / step + 1
    };
    if count > i128::from(MAX_RANGE_ITEMS) {
        return Err(fail(
            call,
            format!("the range has more than {MAX_RANGE_ITEMS} items"),
        ));
    }
    Ok(Value::from(
        (0..count.max(0))
            .map(|i| Value::from((start + i * step) as i64))
            .collect::<Vec<_>>(),
    ))
}

fn base64_decode(call: &Call, args: &[Value]) -> Result<Value, Failure> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let s = str_arg(call, arg(0), "the argument")?;
    if s.len() > MAX_STRING_ARG {
        return Err(fail(
            call,
            format!("the input is longer than {MAX_STRING_ARG} characters"),
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| fail(call, format!("the input is not valid base64: {e}")))?;
    String::from_utf8(bytes)
        .map(Value::from)
        .map_err(|_| fail(call, "the decoded bytes are not UTF-8"))
}

fn hash_of(call: &Call, args: &[Value]) -> Result<Value, Failure> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let data = match arg(0) {
        Value::String(s) => s.to_string(),
        Value::Null => return Err(fail(call, "the data must not be null")),
        other => other.to_json(),
    };
    if data.len() > MAX_STRING_ARG {
        return Err(fail(
            call,
            format!("the input is longer than {MAX_STRING_ARG} characters"),
        ));
    }
    let algorithm = str_arg(call, arg(1), "the algorithm")?;
    hash(data.as_bytes(), algorithm).map(Value::from).ok_or_else(|| {
        fail(call, format!("unsupported algorithm '{algorithm}' (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)"))
    })
}

fn json_merge(call: &Call, args: &[Value]) -> Result<Value, Failure> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let (Value::Object(a), Value::Object(b)) = (arg(0), arg(1)) else {
        return Err(fail(call, "both values to merge must be objects"));
    };
    if arg(2) != &Value::Bool(false) {
        return Err(fail(
            call,
            "only a shallow merge is supported: the third argument must be false",
        ));
    }
    let mut merged = (**a).clone();
    for (k, v) in b.iter() {
        merged.insert(k.clone(), v.clone());
    }
    Ok(Value::from(merged))
}

fn math_random(call: &Call, args: &[Value], env: &Env) -> Result<Value, Failure> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let start = rounded_int_arg(call, arg(0), "the start")?;
    let end = rounded_int_arg(call, arg(1), "the end")?;
    if end <= start {
        return Err(fail(call, "the end must be greater than the start"));
    }
    let r = match args.get(2) {
        Some(seed) => {
            let seed = int_arg(call, seed, "the seed")?;
            crate::query::env::Rng::new(seed as u64).next_f64()
        }
        None => env.rng.next_f64(),
    };
    let span = (i128::from(end) - i128::from(start)) as f64;
    let pick = i128::from(start) + (span * r) as i128;
    Ok(Value::from(
        pick.clamp(i128::from(start), i128::from(end) - 1) as i64,
    ))
}

fn format(call: &Call, template: &str, args: &[Value]) -> Result<Value, Failure> {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('{' | '}' | '\\' | '\'')) => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let Some(v) = args.get(next) else {
                    return Err(fail(
                        call,
                        "the template has more placeholders than there are arguments",
                    ));
                };
                next += 1;
                java_to_string(&mut out, v);
            }
            c => out.push(c),
        }
    }
    if next != args.len() {
        return Err(fail(
            call,
            "the template has fewer placeholders than there are arguments",
        ));
    }
    Ok(Value::String(Rc::from(out)))
}

/// How AWS (Java) renders a value inside `States.Format`: strings bare, objects as
/// `{k=v, k2=v2}`, arrays as `[a, b]` (AWS-recorded: `{Arg1=1, Arg2=[]}`).
fn java_to_string(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Number(Number::Float(f)) => out.push_str(&f.to_string()),
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_to_string(out, item);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_to_string(out, item);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_json()),
    }
}

pub fn hash(data: &[u8], algorithm: &str) -> Option<String> {
    use sha2::Digest;
    let bytes: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    };
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzzer: a backslash before a multi-byte character inside a quoted part of
    /// a path argument used to split the character.
    #[test]
    fn escapes_before_multibyte_characters_do_not_panic() {
        for src in [
            "States.Format('x {}', $a('\\\u{FFFD}\u{FFFD}{\\} and {}', 'x'))",
            "States.Array($['\\é'])",
            "States.Format('\\é')",
        ] {
            let _ = parse(src);
        }
    }
}
