//! Exercise Markdown on the page: the extras module turns the text into a tree of plain data
//! (web/extras/src/markdown.rs), and this turns the tree into Yew nodes. Only the tags in
//! `ALLOWED` are made, text stays text (Yew escapes it), and a link keeps only an http(s)
//! target: whatever the tree says, no markup or script gets through.

use engine::syntax::json::Value;
use yew::prelude::*;
use yew::virtual_dom::VTag;

const ALLOWED: &[&str] = &[
    "div",
    "p",
    "h4",
    "h5",
    "blockquote",
    "pre",
    "ol",
    "ul",
    "li",
    "em",
    "strong",
    "s",
    "a",
    "span",
    "code",
    "br",
    "hr",
];

/// One tree (a string is text; an element is `{"tag", "href"?, "children"}`).
pub fn render(tree: &Value) -> Html {
    render_at(tree, 0)
}

fn render_at(tree: &Value, depth: usize) -> Html {
    if depth > 64 {
        return Html::default();
    }
    match tree {
        Value::String(s) => html! { { s.to_string() } },
        Value::Object(m) => {
            let tag = m.get("tag").and_then(Value::as_str).unwrap_or("span");
            let tag = ALLOWED
                .iter()
                .find(|t| **t == tag)
                .copied()
                .unwrap_or("span");
            let mut el = VTag::new(tag);
            if let Some(href) = m.get("href").and_then(Value::as_str) {
                if tag == "a" && (href.starts_with("https://") || href.starts_with("http://")) {
                    el.add_attribute("href", href.to_string());
                    el.add_attribute("target", "_blank");
                    el.add_attribute("rel", "noopener noreferrer");
                }
            }
            for child in m
                .get("children")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                el.add_child(render_at(child, depth + 1));
            }
            el.into()
        }
        _ => Html::default(),
    }
}
