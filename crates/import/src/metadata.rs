//! The article's metadata where its text states it: the title (the first paragraph), and
//! lines such as "发表时间: 2024-07-12 22:52", "记者 张勇毅", "编辑 高宇雷", "来源:电厂",
//! "By Jane Doe". Such lines are the article's furniture, not its body: nothing is drafted
//! from them.

use crate::{Given, Refusal, Source};

const DATE_LABELS: &[&str] = &[
    "发表时间",
    "发布时间",
    "发表于",
    "发布于",
    "日期",
    "时间",
    "Published",
    "Date",
];
const REPORTER_LABELS: &[&str] = &["记者", "作者", "文|", "文 |", "撰文", "By", "by"];
const EDITOR_LABELS: &[&str] = &["责任编辑", "编辑", "Editor", "Edited by"];
const OUTLET_LABELS: &[&str] = &["来源", "出处", "Source"];

/// The value after `label` on a short line ("记者 张勇毅", "来源:电厂"), if the line is one.
fn labelled<'a>(twin: &str, original: &'a str, labels: &[&str]) -> Option<&'a str> {
    if original.chars().count() > 60 {
        return None;
    }
    for label in labels {
        if let Some(rest) = twin.strip_prefix(label) {
            let at = twin.len() - rest.len();
            let value = original[at..]
                .trim_start_matches([':', '\u{FF1A}', ' ', '\u{3000}', '|', '\u{FF5C}'])
                .trim();
            // A label glued to a sentence ("记者获悉…") is not a label.
            let separated = rest.starts_with([':', '\u{FF1A}', ' ', '\u{3000}', '|', '\u{FF5C}'])
                || label.ends_with('|');
            if separated && !value.is_empty() {
                return Some(value);
            }
        }
    }
    None
}

/// A date such as 2024-07-12, 2024/7/12 or 2024年7月12日 anywhere in a short line.
fn date_in(line: &str) -> Option<&str> {
    if line.chars().count() > 40 {
        return None;
    }
    let bytes = line.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let year_start = i == 0 || !bytes[i - 1].is_ascii_digit();
        (digits == 4 && year_start && matches!(bytes.get(i + 4), Some(b'-' | b'/' | 0xE5)))
            .then(|| line[i..].trim())
    })
}

/// The metadata, and which paragraphs (0-based) are its lines.
pub fn read(
    paragraphs: &[String],
    twins: &[String],
    given: &Given,
    language: &str,
) -> Result<(Source, Vec<usize>), Refusal> {
    let mut lines = Vec::new();
    let (mut published, mut reporter, mut editor, mut outlet) = (None, None, None, None);
    // Metadata stands near the top: among the first paragraphs, until the body begins.
    for (i, (original, twin)) in paragraphs.iter().zip(twins).enumerate().skip(1).take(8) {
        let found = if let Some(v) = labelled(twin, original, EDITOR_LABELS) {
            editor.get_or_insert(v.to_owned());
            true
        } else if let Some(v) = labelled(twin, original, REPORTER_LABELS) {
            reporter.get_or_insert(v.to_owned());
            true
        } else if let Some(v) = labelled(twin, original, OUTLET_LABELS) {
            outlet.get_or_insert(v.to_owned());
            true
        } else if let Some(v) = labelled(twin, original, DATE_LABELS).or_else(|| date_in(original))
        {
            published.get_or_insert(v.to_owned());
            true
        } else {
            false
        };
        if found {
            lines.push(i);
        }
    }
    let title = given.title.clone().unwrap_or_else(|| paragraphs[0].clone());
    let source = Source {
        title,
        outlet: given
            .outlet
            .clone()
            .or(outlet)
            .ok_or(Refusal::Missing("outlet", "--outlet"))?,
        published: given
            .date
            .clone()
            .or(published)
            .ok_or(Refusal::Missing("date", "--date"))?,
        reporter: given
            .reporter
            .clone()
            .or(reporter)
            .ok_or(Refusal::Missing("reporter", "--reporter"))?,
        editor: given.editor.clone().or(editor).unwrap_or_default(),
        language: language.to_owned(),
    };
    Ok((source, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lines_that_state_the_metadata() {
        let paragraphs: Vec<String> = [
            "开源与闭源之争:大厂如何抉择?",
            "发表时间: 2024-07-12 22:52",
            "记者 张勇毅",
            "编辑 高宇雷",
            "记者获悉,此事另有隐情。",
        ]
        .map(String::from)
        .to_vec();
        let given = Given {
            outlet: Some("电厂".into()),
            ..Given::default()
        };
        let (source, lines) = read(&paragraphs, &paragraphs, &given, "zh").unwrap();
        assert_eq!(source.title, "开源与闭源之争:大厂如何抉择?");
        assert_eq!(source.published, "2024-07-12 22:52");
        assert_eq!(source.reporter, "张勇毅");
        assert_eq!(source.editor, "高宇雷");
        assert_eq!(source.outlet, "电厂");
        assert_eq!(lines, [1, 2, 3]);
        assert_eq!(
            read(&paragraphs, &paragraphs, &Given::default(), "zh"),
            Err(Refusal::Missing("outlet", "--outlet"))
        );
    }
}
