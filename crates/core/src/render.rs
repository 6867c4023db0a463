//! Rich text as data, and its two renderings: Telegram HTML and plain terminal text.
//!
//! The core builds a [`Doc`] out of lines and quotes whose spans are plain strings; escaping
//! happens here and nowhere else, so no text from the corpus or from a user can become markup.
//! [`Doc::fit`] enforces Telegram's length rule (4096 characters after entity parsing, counted
//! here in UTF-16 code units to be safe) before either rendering.

use std::fmt::Write as _;

pub use crate::bot_api::MESSAGE_LIMIT;

/// How text that came from a user is cut before it is echoed back.
pub const ECHO_LIMIT: usize = 64;

/// One styled run of text. The string is always raw text, never markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Bold(String),
    Italic(String),
    Code(String),
}

impl Span {
    fn text(&self) -> &str {
        match self {
            Span::Plain(t) | Span::Bold(t) | Span::Italic(t) | Span::Code(t) => t,
        }
    }

    fn with_text(&self, text: String) -> Span {
        match self {
            Span::Plain(_) => Span::Plain(text),
            Span::Bold(_) => Span::Bold(text),
            Span::Italic(_) => Span::Italic(text),
            Span::Code(_) => Span::Code(text),
        }
    }
}

/// `text` in at most `limit` characters as Telegram counts them (UTF-16 code units, never
/// fewer than characters): whole when it fits, else its start and "…".
pub fn cut(text: &str, limit: usize) -> String {
    if utf16_len(text) <= limit {
        return text.to_string();
    }
    let room = limit.saturating_sub(1);
    let mut used = 0;
    let mut cut: String = text
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect();
    cut.push('…');
    cut
}

/// Text a user typed, made safe to echo: control characters dropped, cut to `ECHO_LIMIT`
/// characters with an ellipsis. (Escaping still happens at rendering, like for all text.)
pub fn user_text(raw: &str) -> String {
    let clean: String = raw.chars().filter(|c| !c.is_control()).collect();
    cut(&clean, ECHO_LIMIT)
}

/// A block of a message: a line of spans, or a quotation (shown as a blockquote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Line(Vec<Span>),
    Quote(Vec<Span>),
}

impl Block {
    fn spans(&self) -> &[Span] {
        match self {
            Block::Line(s) | Block::Quote(s) => s,
        }
    }
}

/// A message as data: blocks, one per line, rendered with `to_html` or `to_plain`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    blocks: Vec<Block>,
}

/// Length in UTF-16 code units, the unit Telegram counts message length in.
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

impl Doc {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a line made of the given spans.
    pub fn line(&mut self, spans: Vec<Span>) -> &mut Self {
        self.blocks.push(Block::Line(spans));
        self
    }

    /// Appends a line of plain text.
    pub fn text(&mut self, text: impl Into<String>) -> &mut Self {
        self.line(vec![Span::Plain(text.into())])
    }

    /// Appends a quotation.
    pub fn quote(&mut self, spans: Vec<Span>) -> &mut Self {
        self.blocks.push(Block::Quote(spans));
        self
    }

    /// Appends an empty line.
    pub fn blank(&mut self) -> &mut Self {
        self.line(Vec::new())
    }

    /// Appends every block of `other`.
    pub fn append(&mut self, other: Doc) -> &mut Self {
        self.blocks.extend(other.blocks);
        self
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The text a reader sees, as Telegram counts it after parsing entities.
    pub fn visible_text(&self) -> String {
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for span in block.spans() {
                out.push_str(span.text());
            }
        }
        out
    }

    /// Cuts the document so its visible text is at most `limit` UTF-16 code units, ending with
    /// "…" where something was cut. Whole blocks are kept while they fit; the first block that
    /// does not is cut at a character boundary.
    pub fn fit(&self, limit: usize) -> Doc {
        if utf16_len(&self.visible_text()) <= limit {
            return self.clone();
        }
        let ellipsis = "…";
        let budget = limit.saturating_sub(utf16_len(ellipsis));
        let mut used = 0;
        let mut blocks = Vec::new();
        for block in &self.blocks {
            let separator = usize::from(!blocks.is_empty());
            let len: usize = block.spans().iter().map(|s| utf16_len(s.text())).sum();
            // Strictly less: a block that would fill the budget exactly goes to the cut below,
            // which ends it with "…" on the same line; a later "\n…" would overshoot by one.
            if used + separator + len < budget {
                used += separator + len;
                blocks.push(block.clone());
                continue;
            }
            // Cut this block to what is left, then stop.
            let mut room = budget.saturating_sub(used + separator);
            let mut spans = Vec::new();
            for span in block.spans() {
                let mut kept = String::new();
                for c in span.text().chars() {
                    if c.len_utf16() > room {
                        room = 0;
                        break;
                    }
                    room -= c.len_utf16();
                    kept.push(c);
                }
                let full = kept.len() == span.text().len();
                if !kept.is_empty() {
                    spans.push(span.with_text(kept));
                }
                if !full {
                    break;
                }
            }
            spans.push(Span::Plain(ellipsis.to_string()));
            blocks.push(match block {
                Block::Line(_) => Block::Line(spans),
                Block::Quote(_) => Block::Quote(spans),
            });
            break;
        }
        Doc { blocks }
    }

    /// Telegram HTML (parse_mode HTML), cut to Telegram's message limit.
    pub fn to_html(&self) -> String {
        let doc = self.fit(MESSAGE_LIMIT);
        let mut out = String::new();
        for (i, block) in doc.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match block {
                Block::Line(spans) => write_spans_html(&mut out, spans),
                Block::Quote(spans) => {
                    out.push_str("<blockquote>");
                    write_spans_html(&mut out, spans);
                    out.push_str("</blockquote>");
                }
            }
        }
        out
    }

    /// The text Telegram shows for [`Doc::to_html`] once it has parsed the markup (what a
    /// message's `text` holds): the same fitting, no tags, no bars.
    pub fn to_visible(&self) -> String {
        let doc = self.fit(MESSAGE_LIMIT);
        let mut out = String::new();
        for (i, block) in doc.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.extend(block.spans().iter().map(Span::text));
        }
        out
    }

    /// Plain text for a terminal: quotes set off with a bar, no markup, no limit.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let text: String = block.spans().iter().map(Span::text).collect();
            match block {
                Block::Line(_) => out.push_str(&text),
                Block::Quote(_) => {
                    for (j, line) in text.lines().enumerate() {
                        if j > 0 {
                            out.push('\n');
                        }
                        let _ = write!(out, "  │ {line}");
                    }
                }
            }
        }
        out
    }
}

fn write_spans_html(out: &mut String, spans: &[Span]) {
    for span in spans {
        let (open, close) = match span {
            Span::Plain(_) => ("", ""),
            Span::Bold(_) => ("<b>", "</b>"),
            Span::Italic(_) => ("<i>", "</i>"),
            Span::Code(_) => ("<code>", "</code>"),
        };
        out.push_str(open);
        escape_into(out, span.text());
        out.push_str(close);
    }
}

/// Escapes text for Telegram HTML: `<`, `>`, `&` and `"` become the named entities Telegram
/// accepts. Everything else passes through unchanged.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_markup_are_escaped() {
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(r#"<b>Bob & "Co"</b>"#.into())]);
        assert_eq!(
            doc.to_html(),
            "<b>&lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;</b>"
        );
        assert_eq!(doc.to_plain(), r#"<b>Bob & "Co"</b>"#);
    }

    #[test]
    fn quotes_become_blockquotes_and_bars() {
        let mut doc = Doc::new();
        doc.text("a").quote(vec![Span::Plain("开源\n闭源".into())]);
        assert_eq!(doc.to_html(), "a\n<blockquote>开源\n闭源</blockquote>");
        assert_eq!(doc.to_plain(), "a\n  │ 开源\n  │ 闭源");
    }

    #[test]
    fn short_documents_are_untouched() {
        let mut doc = Doc::new();
        doc.text("x".repeat(MESSAGE_LIMIT));
        assert_eq!(doc.fit(MESSAGE_LIMIT), doc);
    }

    #[test]
    fn long_documents_are_cut_to_the_limit_with_an_ellipsis() {
        let mut doc = Doc::new();
        for _ in 0..400 {
            doc.quote(vec![Span::Plain("开源并不是商业化的反义词".into())]);
        }
        let fitted = doc.fit(MESSAGE_LIMIT);
        let visible = fitted.visible_text();
        assert!(utf16_len(&visible) <= MESSAGE_LIMIT);
        assert!(utf16_len(&visible) > MESSAGE_LIMIT - 20, "cut too early");
        assert!(visible.ends_with('…'));
    }

    #[test]
    fn cutting_counts_utf16_units_and_never_splits_a_character() {
        // Each emoji is two UTF-16 units; 3000 of them are 6000 units.
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold("😀".repeat(3000))]);
        let fitted = doc.fit(MESSAGE_LIMIT);
        let visible = fitted.visible_text();
        assert!(utf16_len(&visible) <= MESSAGE_LIMIT);
        assert_eq!(visible.chars().filter(|c| *c == '😀').count(), 2047);
        // The cut keeps the span's style and closes its tag.
        let html = fitted.to_html();
        assert!(html.starts_with("<b>😀") && html.ends_with("</b>…"));
    }

    #[test]
    fn user_text_is_cleaned_and_cut() {
        assert_eq!(user_text("a\u{0}b\nc"), "abc");
        let long = "字".repeat(200);
        let cut = user_text(&long);
        assert_eq!(cut.chars().count(), ECHO_LIMIT);
        assert!(cut.ends_with('…'));
    }
}
