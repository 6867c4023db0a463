//! CSV files that open safely in a spreadsheet: UTF-8 with a byte-order mark (so that Excel on
//! a Chinese Windows reads them as UTF-8), and no cell that Excel or LibreOffice would run as a
//! formula (OWASP's "CSV injection"). Every CSV the bot sends is written here, row by row, as
//! [`Cell`]s: a text cell always goes through [`as_text`], the one guard; a number is written
//! as Rust formats it.
//!
//! Numbers are not guarded: they come from Rust integers and floats, never from a user, so
//! they hold nothing but digits, a point, a sign or `%`, and no formula can be made of that;
//! guarding a negative number (`'-3`) would turn it into text a spreadsheet cannot add up.
//! Text is always guarded, even text that looks like a number: a user called `-5` is a name.

/// The byte-order mark that makes Excel read a CSV file as UTF-8 (without it, Excel on a
/// Chinese Windows reads the file in the local code page and shows mojibake).
pub const UTF8_BOM: char = '\u{FEFF}';

/// What makes a spreadsheet read a cell as a formula when it comes first: OWASP's list (`=`,
/// `+`, `-`, `@`, tab, carriage return), the line feed and NUL that OWASP's ASVS adds, and the
/// full-width forms of the four signs, which a CJK spreadsheet may take for them.
const FORMULA_START: [char; 12] = [
    '=', '+', '-', '@', '\t', '\r', '\n', '\0', '＝', '＋', '－', '＠',
];

/// Where a spreadsheet that splits lines on something other than the comma would start a new
/// cell inside this one: Excel where the list separator is `;` (much of Europe), LibreOffice
/// with `;` or tab ticked in its import dialog (it remembers the last choice). Commas are
/// safe: every field holding one is quoted, and both honour the quotes.
const OTHER_SEPARATORS: [char; 2] = [';', '\t'];

/// `text` as a spreadsheet must show it, as text: a `'` before it when it starts (after
/// spaces or a double quote) like a formula, and likewise before each part that follows a
/// `;` or a tab, which a spreadsheet splitting there would take for a cell of its own. Text
/// that starts no formula is kept as it is.
pub fn as_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut cell_starts = true;
    for (at, c) in text.char_indices() {
        if cell_starts && starts_formula(&text[at..]) {
            out.push('\'');
        }
        out.push(c);
        cell_starts = OTHER_SEPARATORS.contains(&c);
    }
    out
}

/// Whether a cell beginning with `rest` would be read as a formula.
fn starts_formula(rest: &str) -> bool {
    rest.trim_start_matches([' ', '"'])
        .starts_with(FORMULA_START)
}

/// One cell of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Text from anywhere (a user's name, a question, the bot's words), written through
    /// [`as_text`].
    Text(&'a str),
    /// A whole number.
    Int(i64),
    /// A number with one decimal place: `2.5`.
    Tenths(f64),
    /// A share (0 to 1) as a percentage with one decimal place: `66.7%`, which Excel and
    /// LibreOffice read as a number.
    Percent(f64),
}

impl Cell<'_> {
    fn written(&self) -> String {
        match self {
            Cell::Text(text) => as_text(text),
            Cell::Int(n) => n.to_string(),
            Cell::Tenths(x) => format!("{x:.1}"),
            Cell::Percent(share) => format!("{:.1}%", share * 100.0),
        }
    }
}

/// A CSV file being written: a header, then rows of [`Cell`]s.
pub struct Sheet {
    writer: csv::Writer<Vec<u8>>,
}

impl Sheet {
    /// A file with this header (its names are text too).
    pub fn new(header: &[&str]) -> Result<Sheet, csv::Error> {
        let mut sheet = Sheet {
            writer: csv::Writer::from_writer(Vec::new()),
        };
        let cells: Vec<Cell> = header.iter().map(|name| Cell::Text(name)).collect();
        sheet.row(&cells)?;
        Ok(sheet)
    }

    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), csv::Error> {
        self.writer.write_record(cells.iter().map(Cell::written))
    }

    /// The file: the byte-order mark, then the rows. An error when it cannot be written,
    /// never a file with rows missing.
    pub fn finish(self) -> Result<String, csv::Error> {
        let bytes = self.writer.into_inner().map_err(|e| e.into_error())?;
        // Every field was a `String`, so the file is UTF-8; should it not be, that is an error.
        let body = String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(format!("{UTF8_BOM}{body}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_starts_a_formula_is_written_as_text() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\nx",
            "\0x",
            "＝1+1",
            "  =1+1",
            "\"=1+1",
            "-5",
        ] {
            assert_eq!(as_text(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["学生07", "a=b", "1-2", "", "'=x", "李彦宏 (百度)", "3,5"] {
            assert_eq!(as_text(safe), safe, "{safe:?}");
        }
    }

    /// A spreadsheet splitting on `;` or a tab would start a cell there: each such part is
    /// guarded too.
    #[test]
    fn a_part_after_a_semicolon_or_a_tab_is_guarded_too() {
        assert_eq!(as_text("a;=1+1"), "a;'=1+1");
        assert_eq!(as_text("a; \"-2"), "a;' \"-2");
        assert_eq!(as_text("a\t@x"), "a\t'@x");
        assert_eq!(as_text("=a;+b"), "'=a;'+b");
        assert_eq!(as_text("a;b;"), "a;b;");
    }

    #[test]
    fn numbers_are_written_as_numbers_unguarded() {
        let mut sheet = Sheet::new(&["n", "s", "p", "t"]).unwrap();
        sheet
            .row(&[
                Cell::Int(-3),
                Cell::Tenths(2.46),
                Cell::Percent(2.0 / 3.0),
                Cell::Text("-3"),
            ])
            .unwrap();
        let text = sheet.finish().unwrap();
        assert_eq!(text, "\u{FEFF}n,s,p,t\n-3,2.5,66.7%,'-3\n");
    }
}
