//! What an article file must be before it is read: UTF-8 text, not binary, not empty, more
//! than one paragraph, and no larger than an article. Each refusal is one sentence the command
//! prints after the file's name.

use std::fmt;

/// The largest article file taken: a long report is 50 KB; 2 MB leaves room for anything
/// written by hand and keeps the import's time bounded.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputProblem {
    Empty,
    TooLarge(usize),
    Binary,
    NotUtf8 { line: usize },
    SingleLine,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputProblem::Empty => write!(f, "the file is empty (no text to import)"),
            InputProblem::TooLarge(bytes) => write!(
                f,
                "the file has {:.1} MB; an article is at most {} MB of text",
                *bytes as f64 / 1_048_576.0,
                MAX_BYTES / 1_048_576
            ),
            InputProblem::Binary => write!(
                f,
                "the file is binary, not text; save the article as plain UTF-8 text"
            ),
            InputProblem::NotUtf8 { line } => write!(
                f,
                "the file is not UTF-8 (first bad byte on line {line}); save it as UTF-8 text"
            ),
            InputProblem::SingleLine => write!(
                f,
                "the file has a single line; an article needs its title on the first line and \
                 its paragraphs on the lines after"
            ),
        }
    }
}

/// The file's text, if it is an article's.
pub fn text(bytes: &[u8]) -> Result<&str, InputProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(InputProblem::TooLarge(bytes.len()));
    }
    // NUL bytes and other control bytes mark a binary file (a PDF, a Word file, an image).
    let controls = bytes
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)))
        .count();
    if controls > 0 && (bytes.contains(&0) || controls * 100 > bytes.len().max(1)) {
        return Err(InputProblem::Binary);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(InputProblem::NotUtf8 { line });
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    match lines {
        0 => Err(InputProblem::Empty),
        1 => Err(InputProblem::SingleLine),
        _ => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_an_article() {
        assert_eq!(text(b""), Err(InputProblem::Empty));
        assert_eq!(text(b"  \n\n \t\n"), Err(InputProblem::Empty));
        assert_eq!(text("只有一行".as_bytes()), Err(InputProblem::SingleLine));
        assert_eq!(
            text(b"title\nbody \xff\xfe here\n"),
            Err(InputProblem::NotUtf8 { line: 2 })
        );
        assert_eq!(
            text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(InputProblem::Binary)
        );
        let big = "段落。\n".repeat(MAX_BYTES / 6);
        assert!(matches!(
            text(big.as_bytes()),
            Err(InputProblem::TooLarge(_))
        ));
        assert_eq!(text("标题\n正文。\n".as_bytes()), Ok("标题\n正文。\n"));
        assert_eq!(text("\u{FEFF}标题\n正文。".as_bytes()), Ok("标题\n正文。"));
    }
}
