//! Exercise Markdown (instructions, hints) as a tree of plain data the page turns into Yew
//! nodes (web/src/markdown.rs): `{"tag", "href"?, "children"}` elements and text strings.
//! Raw HTML in the Markdown becomes text, and links keep only http(s) targets, so an exercise
//! from a share link cannot inject markup or script. pulldown-cmark lives here, in the
//! on-demand module, because only an open exercise needs it.

use engine::syntax::json::{Map, Value};
use pulldown_cmark::{Event, Parser, Tag};
use std::rc::Rc;

struct Element {
    tag: &'static str,
    href: Option<String>,
    children: Vec<Value>,
}

fn element(tag: &Tag) -> Element {
    let name = match tag {
        Tag::Paragraph => "p",
        Tag::Heading { level, .. } => match *level as usize {
            1 | 2 => "h4",
            _ => "h5",
        },
        Tag::BlockQuote(_) => "blockquote",
        Tag::CodeBlock(_) => "pre",
        Tag::List(Some(_)) => "ol",
        Tag::List(None) => "ul",
        Tag::Item => "li",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "s",
        Tag::Link { .. } => "a",
        _ => "span",
    };
    let href = match tag {
        Tag::Link { dest_url, .. }
            if dest_url.starts_with("https://") || dest_url.starts_with("http://") =>
        {
            Some(dest_url.to_string())
        }
        _ => None,
    };
    Element {
        tag: name,
        href,
        children: Vec::new(),
    }
}

fn finish(e: Element) -> Value {
    let mut m = Map::default();
    m.insert(Rc::from("tag"), Value::from(e.tag));
    if let Some(h) = e.href {
        m.insert(Rc::from("href"), Value::from(h));
    }
    m.insert(Rc::from("children"), Value::from(e.children));
    Value::from(m)
}

fn leaf(tag: &'static str, children: Vec<Value>) -> Value {
    finish(Element {
        tag,
        href: None,
        children,
    })
}

/// Elements nest at most this deep; deeper ones are flattened into the innermost one kept, with
/// their text (`"> " × 5000` made a tree the page's stack could not hold). The page renders
/// up to the same depth.
const MAX_NESTING: usize = 64;

/// One Markdown text as a tree whose root is a `div`.
pub fn tree(text: &str) -> Value {
    let mut stack = vec![Element {
        tag: "div",
        href: None,
        children: Vec::new(),
    }];
    // Starts not pushed (past MAX_NESTING), so their ends pop nothing.
    let mut flattened = 0usize;
    let push = |stack: &mut Vec<Element>, v: Value| {
        if let Some(top) = stack.last_mut() {
            top.children.push(v);
        }
    };
    for event in Parser::new(text) {
        match event {
            Event::Start(_) if stack.len() >= MAX_NESTING => flattened += 1,
            Event::Start(tag) => stack.push(element(&tag)),
            Event::End(_) if flattened > 0 => flattened -= 1,
            Event::End(_) if stack.len() > 1 => {
                if let Some(done) = stack.pop() {
                    let v = finish(done);
                    push(&mut stack, v);
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push(&mut stack, Value::from(t.as_ref()))
            }
            Event::Code(t) => push(&mut stack, leaf("code", vec![Value::from(t.as_ref())])),
            Event::SoftBreak => push(&mut stack, Value::from(" ")),
            Event::HardBreak => push(&mut stack, leaf("br", Vec::new())),
            Event::Rule => push(&mut stack, leaf("hr", Vec::new())),
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            let v = finish(done);
            push(&mut stack, v);
        }
    }
    stack.pop().map(finish).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(v: &Value) -> usize {
        v.get("children")
            .and_then(Value::as_array)
            .map_or(0, |c| 1 + c.iter().map(depth).max().unwrap_or(0))
    }

    fn text(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => out.push_str(s),
            _ => v
                .get("children")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .for_each(|c| text(c, out)),
        }
    }

    #[test]
    fn deep_nesting_is_flattened_and_keeps_its_text() {
        for levels in [10, 1000, 5000] {
            let t = tree(&format!("{}deep text", "> ".repeat(levels)));
            assert!(
                depth(&t) <= MAX_NESTING + 1,
                "{levels} levels: depth {}",
                depth(&t)
            );
            let mut all = String::new();
            text(&t, &mut all);
            assert!(all.contains("deep text"), "{levels} levels: {all:?}");
        }
    }
}
