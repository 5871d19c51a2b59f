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

/// One Markdown text as a tree whose root is a `div`.
pub fn tree(text: &str) -> Value {
    let mut stack = vec![Element {
        tag: "div",
        href: None,
        children: Vec::new(),
    }];
    let push = |stack: &mut Vec<Element>, v: Value| {
        if let Some(top) = stack.last_mut() {
            top.children.push(v);
        }
    };
    for event in Parser::new(text) {
        match event {
            Event::Start(tag) => stack.push(element(&tag)),
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
