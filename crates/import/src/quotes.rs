//! Quotation marks: the outermost quotations of a paragraph, “…” 「…」 『…』 and "…". A mark
//! the paragraph never closes opens no quotation (a stray “ would swallow the rest).

use std::ops::Range;

/// One quotation: the marks included (`outer`) and the words inside (`inner`), byte ranges of
/// the paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub outer: Range<usize>,
    pub inner: Range<usize>,
}

fn closer(c: char) -> Option<char> {
    match c {
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        '"' => Some('"'),
        _ => None,
    }
}

/// The outermost quotations of `text`, in order.
pub fn find(text: &str) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let Some(close) = closer(c) else {
            i += 1;
            continue;
        };
        // The matching closer, nested quotations of other marks skipped over.
        let mut depth: Vec<char> = vec![close];
        let mut j = i + 1;
        let mut end = None;
        while j < chars.len() {
            let (_, d) = chars[j];
            if Some(&d) == depth.last() {
                depth.pop();
                if depth.is_empty() {
                    end = Some(j);
                    break;
                }
            } else if let Some(inner_close) = closer(d).filter(|&x| x != '"' || close != '"') {
                depth.push(inner_close);
            }
            j += 1;
        }
        match end {
            Some(j) => {
                let (close_at, close_c) = chars[j];
                quotes.push(Quote {
                    outer: at..close_at + close_c.len_utf8(),
                    inner: at + c.len_utf8()..close_at,
                });
                i = j + 1;
            }
            None => i += 1,
        }
    }
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inners(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|q| &text[q.inner]).collect()
    }

    #[test]
    fn finds_the_outermost_quotations_of_every_kind() {
        assert_eq!(inners("他说:“开源。闭源”然后"), ["开源。闭源"]);
        assert_eq!(inners("「甲『乙』丙」与『丁』"), ["甲『乙』丙", "丁"]);
        assert_eq!(
            inners("\"Open source wins,\" she said. \"Always.\""),
            ["Open source wins,", "Always."]
        );
        assert_eq!(
            inners("剩下的问题只是“如何通过开源的方式"),
            Vec::<&str>::new()
        );
        assert_eq!(inners("“甲”和“乙"), ["甲"]);
    }
}
