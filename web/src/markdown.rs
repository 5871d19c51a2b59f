//! Markdown for exercise instructions, rendered to Yew nodes from pulldown-cmark's events:
//! text stays text (Yew escapes it), raw HTML in the Markdown is shown as text, and links keep
//! only http(s) targets. An exercise from a share link cannot inject markup or script.

use pulldown_cmark::{Event, Parser, Tag};
use yew::prelude::*;
use yew::virtual_dom::{VList, VTag};

fn element(tag: &Tag) -> VTag {
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
    let mut el = VTag::new(name);
    if let Tag::Link { dest_url, .. } = tag {
        if dest_url.starts_with("https://") || dest_url.starts_with("http://") {
            el.add_attribute("href", dest_url.to_string());
            el.add_attribute("target", "_blank");
            el.add_attribute("rel", "noopener noreferrer");
        }
    }
    el
}

/// Renders Markdown text.
pub fn render(text: &str) -> Html {
    let mut stack: Vec<VTag> = vec![VTag::new("div")];
    let push_child = |stack: &mut Vec<VTag>, node: Html| {
        if let Some(top) = stack.last_mut() {
            top.add_child(node);
        }
    };
    for event in Parser::new(text) {
        match event {
            Event::Start(tag) => stack.push(element(&tag)),
            Event::End(_) if stack.len() > 1 => {
                if let Some(done) = stack.pop() {
                    push_child(&mut stack, done.into());
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push_child(&mut stack, html! { { t.to_string() } })
            }
            Event::Code(t) => push_child(&mut stack, html! { <code>{ t.to_string() }</code> }),
            Event::SoftBreak => push_child(&mut stack, html! { { " " } }),
            Event::HardBreak => push_child(&mut stack, html! { <br /> }),
            Event::Rule => push_child(&mut stack, html! { <hr /> }),
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            push_child(&mut stack, done.into());
        }
    }
    let mut list = VList::new();
    if let Some(root) = stack.pop() {
        list.add_child(root.into());
    }
    list.into()
}
