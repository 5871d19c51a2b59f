//! Share links: the whole workspace in the URL fragment, `#v1.` then deflate then base64url,
//! fields at their empty default left out. Pure (tested natively); the app reads and writes
//! `location.hash`. Decoding is bounded, and a link is only ever data: it becomes a
//! `Workspace` through the same reader as localStorage, never markup.

use crate::state::Workspace;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use engine::syntax::json::{self, Map, Value};
use std::rc::Rc;

/// The format this build writes and reads.
pub const VERSION: u32 = 1;
/// The most a link may inflate to: a crafted link cannot exhaust memory.
pub const MAX_DECODED_BYTES: usize = 1024 * 1024;
/// Chat apps may cut longer links.
pub const CHAT_SAFE_LENGTH: usize = 2000;
/// Beyond this, browsers and servers may refuse the URL: offer a file instead.
pub const URL_SAFE_LENGTH: usize = 8000;

#[derive(Debug, Clone, PartialEq)]
pub enum ShareError {
    NotALink,
    NewerVersion(u32),
    Corrupt(String),
    TooLarge,
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::NotALink => write!(f, "the address holds no shared workspace"),
            ShareError::NewerVersion(v) => write!(f, "this link was made by a newer version of the playground (format v{v}; this page reads v{VERSION}). Reload the page to get the latest version"),
            ShareError::Corrupt(why) => write!(f, "the link is damaged or cut short ({why})"),
            ShareError::TooLarge => write!(f, "the link unpacks to more than 1 MB, more than a workspace can be"),
        }
    }
}

/// Fields whose empty value is the default, left out of links.
const EMPTY_DEFAULTS: &[&str] = &["mocks", "testCase", "machineName", "s3"];

/// The fragment (without `#`) for a workspace.
pub fn encode(ws: &Workspace) -> String {
    encode_within(ws, usize::MAX).unwrap_or_default()
}

/// `encode`, or `None` when the workspace unpacks to more than `max` bytes (a link `decode`
/// would refuse at `MAX_DECODED_BYTES`): one serialisation serves both.
pub fn encode_within(ws: &Workspace, max: usize) -> Option<String> {
    let mut v = ws.to_value();
    if let Value::Object(m) = &mut v {
        let m = Rc::make_mut(m);
        for k in EMPTY_DEFAULTS {
            if m.get(*k).and_then(Value::as_str).is_some_and(str::is_empty) {
                m.shift_remove(*k);
            }
        }
        if m.get("atLeastOnce").and_then(Value::as_bool) == Some(false) {
            m.shift_remove("atLeastOnce");
        }
        if m.get("open")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            == Some(0)
        {
            m.shift_remove("open");
        }
    }
    let text = v.to_json();
    if text.len() > max {
        return None;
    }
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    Some(format!("v{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed)))
}

/// Reads a fragment (with or without `#`).
pub fn decode(fragment: &str) -> Result<Workspace, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(rest) = fragment.strip_prefix('v') else {
        return Err(ShareError::NotALink);
    };
    let Some((version, payload)) = rest.split_once('.') else {
        return Err(ShareError::NotALink);
    };
    let version: u32 = match version.parse() {
        Ok(v) => v,
        // All digits but too large for a version: a link from no version of this page.
        Err(_) if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(ShareError::Corrupt(format!("unknown format v{version}")))
        }
        Err(_) => return Err(ShareError::NotALink),
    };
    if version > VERSION {
        return Err(ShareError::NewerVersion(version));
    }
    if version != VERSION {
        return Err(ShareError::Corrupt(format!("unknown format v{version}")));
    }
    // base64 of 1 MB deflated is far below this; anything longer is not ours.
    if payload.len() > 4 * MAX_DECODED_BYTES {
        return Err(ShareError::TooLarge);
    }
    let packed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| ShareError::Corrupt(format!("not base64url: {e}")))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DECODED_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::Corrupt("the compressed data does not unpack".into()),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| ShareError::Corrupt("not text".into()))?;
    let v =
        json::parse(&text).map_err(|e| ShareError::Corrupt(format!("not JSON: {}", e.message)))?;
    let Value::Object(m) = v else {
        return Err(ShareError::Corrupt("not a workspace".into()));
    };
    // A machine is an object with a name and a definition; anything else is not ours (the page
    // opened the first example under "You opened a shared workspace" for `[1, "x", null]`).
    let is_machine = |v: &Value| {
        v.get("name").and_then(Value::as_str).is_some()
            && v.get("definition").and_then(Value::as_str).is_some()
    };
    if !m
        .get("machines")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty() && a.iter().all(is_machine))
    {
        return Err(ShareError::Corrupt("it holds no state machine".into()));
    }
    // Left-out fields are empty, not the first example's.
    let mut full: Map = m.as_ref().clone();
    for k in EMPTY_DEFAULTS {
        full.entry(Rc::from(*k)).or_insert_with(|| Value::from(""));
    }
    Ok(Workspace::from_value(&Value::from(full)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MachineDoc;
    use engine::model::WorkflowType;
    use engine::query::env::Rng;

    /// Text with the characters links must survive: quotes, escapes, non-ASCII, emoji.
    fn text(rng: &Rng, max: usize) -> String {
        const ALPHABET: &[&str] = &[
            "a", "Z", "0", " ", "\"", "\\", "\n", "{", "}", "$", "é", "漢", "🙂", "<", "&", "#",
            "%", "=", "+", "/",
        ];
        let n = (rng.next_u64() as usize) % (max + 1);
        (0..n)
            .map(|_| ALPHABET[(rng.next_u64() as usize) % ALPHABET.len()])
            .collect()
    }

    fn workspace(rng: &Rng) -> Workspace {
        let machines = 1 + (rng.next_u64() % 4) as usize;
        let tabs: Vec<MachineDoc> = (0..machines)
            .map(|i| MachineDoc {
                name: Rc::from(format!("M{i}{}", text(rng, 3).replace(['/', ':'], "")).as_str()),
                definition: Rc::from(text(rng, 300).as_str()),
                workflow_type: if rng.next_u64().is_multiple_of(2) {
                    WorkflowType::Standard
                } else {
                    WorkflowType::Express
                },
                substitutions: Rc::new({
                    // Values for placeholders travel in links too: strings, numbers, none.
                    let mut m = engine::api::Substitutions::default();
                    for k in 0..(rng.next_u64() % 3) {
                        let v = if k == 1 {
                            Value::from(rng.next_u64() as i64 % 1000)
                        } else {
                            Value::from(text(rng, 20))
                        };
                        m.insert(Rc::from(format!("P{k}{}", text(rng, 3)).as_str()), v);
                    }
                    m
                }),
            })
            .collect();
        let open = (rng.next_u64() as usize) % machines;
        let mut ws = Workspace::from_example(0);
        ws.input = Rc::from(text(rng, 50).as_str());
        ws.mocks = Rc::from(text(rng, 50).as_str());
        ws.test_case = Rc::from(text(rng, 5).as_str());
        ws.machine_name = Rc::from(text(rng, 5).as_str());
        ws.s3 = Rc::from(text(rng, 40).as_str());
        ws.at_least_once = rng.next_u64().is_multiple_of(2);
        ws.with_tabs(tabs, open)
    }

    #[test]
    fn any_workspace_survives_a_link() {
        let rng = Rng::new(20261121);
        for case in 0..500 {
            let ws = workspace(&rng);
            let link = encode(&ws);
            assert!(
                link.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                "case {case}: {link}"
            );
            let back = decode(&format!("#{link}")).unwrap_or_else(|e| panic!("case {case}: {e}"));
            assert!(
                back == ws,
                "case {case}: the workspace changed on the way:\n{ws:?}\n{back:?}"
            );
        }
    }

    #[test]
    fn bad_links_are_refused_with_a_reason() {
        let link = encode(&Workspace::from_example(0));
        // Cut short, one character changed, not base64, not a link at all.
        assert!(matches!(
            decode(&link[..link.len() / 2]),
            Err(ShareError::Corrupt(_))
        ));
        let mut changed = link.clone().into_bytes();
        let i = changed.len() - 5;
        changed[i] = if changed[i] == b'A' { b'B' } else { b'A' };
        assert!(decode(&String::from_utf8(changed).unwrap()).is_err());
        assert!(matches!(decode("v1.!!!"), Err(ShareError::Corrupt(_))));
        assert_eq!(decode("#section-2"), Err(ShareError::NotALink));
        assert_eq!(decode("v9.abc"), Err(ShareError::NewerVersion(9)));
        // A zip bomb: 8 MB of zeros deflate to a few KB; decoding stops at 1 MB.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 8 * 1024 * 1024], 9);
        let link = format!("v1.{}", URL_SAFE_NO_PAD.encode(bomb));
        assert!(link.len() < 40_000);
        assert_eq!(decode(&link), Err(ShareError::TooLarge));
        // JSON that is not a workspace.
        let packed = miniz_oxide::deflate::compress_to_vec(b"[1,2,3]", 9);
        assert!(matches!(
            decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(packed))),
            Err(ShareError::Corrupt(_))
        ));
    }

    #[test]
    fn odd_links_are_refused_with_a_reason() {
        // Red-team L11.
        assert!(matches!(
            decode("#v99999999999999999999.abc"),
            Err(ShareError::Corrupt(_))
        ));
        let odd = |json: &str| {
            let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
            decode(&format!("v{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed)))
        };
        assert!(matches!(
            odd(r#"{"machines":[1,"x",null,{"name":5}]}"#),
            Err(ShareError::Corrupt(_))
        ));
        assert!(odd(r#"{"machines":[{"name":"Main","definition":"{}"}]}"#).is_ok());
    }
}
