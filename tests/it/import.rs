//! `debate-bot import`, `review` and `check FOLDER` as a user meets them: what a bad file gets
//! (one line naming the file and the problem), an id that exists, and an article imported,
//! reviewed by a script and checked.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::temp::TempDir;

/// The binary run in `dir`, whose config.toml points at `dir/responses`.
fn bin(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_debate-bot"));
    command
        .current_dir(dir)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("RUST_LOG");
    command
}

fn setup(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    std::fs::write(
        dir.path().join("config.toml"),
        "[corpus]\ndir = \"responses\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("responses")).unwrap();
    dir
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/import/tests/fixtures")
        .join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one line a refused file gets.
fn refused(dir: &Path, file: &str, bytes: &[u8]) -> String {
    std::fs::write(dir.join(file), bytes).unwrap();
    let output = bin(dir)
        .args(["import", file, "--outlet", "晚报"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("error: {file}: ")), "{stderr}");
    assert!(
        std::fs::read_dir(dir.join("responses"))
            .unwrap()
            .next()
            .is_none(),
        "a refused file wrote nothing"
    );
    stderr
}

#[test]
fn a_file_that_is_not_an_article_gets_one_line_naming_it() {
    let dir = setup("import-bad");
    let d = dir.path();
    assert!(
        refused(d, "latin1.txt", b"Titel\nS\xe4tze \xfcber \xc4rger\n")
            .contains("not UTF-8 (first bad byte on line 2)")
    );
    assert!(refused(d, "empty.txt", b"").contains("empty"));
    assert!(refused(d, "blank.txt", b"\n  \n\n").contains("empty"));
    assert!(refused(d, "one.txt", "只有一行,没有段落。".as_bytes()).contains("a single line"));
    assert!(refused(d, "picture.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01").contains("binary"));
    let big = "这是一段很长的文字。\n".repeat(5 * 1024 * 1024 / 31 + 1);
    assert!(refused(d, "big.txt", big.as_bytes()).contains("5.0 MB"));
    let missing = bin(d).args(["import", "nowhere.txt"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).starts_with("error: nowhere.txt: cannot read"));
    // The outlet is not in the text and not given.
    std::fs::copy(fixture("no-quotes.txt"), d.join("rain.txt")).unwrap();
    let output = bin(d).args(["import", "rain.txt"]).output().unwrap();
    assert_eq!(
        text(&output.stderr),
        "error: rain.txt: the article does not state its outlet; give it with --outlet\n"
    );
    // An id the bot could not choose the article by, or one that leaves responses/: refused,
    // and nothing written.
    for id in ["Bad Id", "../outside", "", &"a".repeat(49)] {
        let output = bin(d)
            .args(["import", "rain.txt", "--outlet", "晚报", "--id", id])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{id}");
        assert_eq!(
            text(&output.stderr),
            format!(
                "error: rain.txt: --id {id:?}: an article's id is 1-48 characters of a-z, 0-9 \
                 and '-' (it names its folder, and chats choose the article by it)\n"
            )
        );
    }
    assert!(!d.join("outside").exists() && !d.join("responses/Bad Id").exists());
}

#[test]
fn an_article_with_no_quotation_imports_and_says_so() {
    let dir = setup("import-plain");
    let d = dir.path();
    std::fs::copy(fixture("no-quotes.txt"), d.join("rain.txt")).unwrap();
    let output = bin(d)
        .args(["import", "rain.txt", "--outlet", "晚报", "--id", "rain"])
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("0 who-said questions"), "{stdout}");
    assert!(
        stdout.contains("note: no quotation and no reported statement found"),
        "{stdout}"
    );
    assert!(stdout.contains("no debate motion"), "{stdout}");
    // Nothing to review: it loads as it is.
    let check = bin(d).args(["check", "responses/rain"]).output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stdout));
}

#[test]
fn an_article_imported_reviewed_and_checked() {
    let dir = setup("import-review");
    let d = dir.path();
    std::fs::copy(fixture("classroom-ai.hant.txt"), d.join("classroom.txt")).unwrap();
    let import = |extra: &[&str]| -> Output {
        bin(d)
            .args([
                "import",
                "classroom.txt",
                "--outlet",
                "課堂週報",
                "--id",
                "classroom",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = import(&[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.starts_with("responses/classroom: drafted 12 excerpts"),
        "{stdout}"
    );
    assert!(
        stdout.contains("4 drafts need a look: debate-bot review responses/classroom"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(d.join("responses/classroom/article.txt")).unwrap(),
        std::fs::read(fixture("classroom-ai.hant.txt")).unwrap(),
        "article.txt is the file as given"
    );

    // The id exists: refused, unless --force.
    let again = import(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        text(&again.stderr),
        "error: responses/classroom: already exists; give --force to replace it, or --id for another name\n"
    );
    assert!(import(&["--force"]).status.success());

    // Before the review the folder does not load; the shared corpus leaves it out.
    let check = bin(d)
        .args(["check", "responses/classroom"])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("draft still to review"),
        "{}",
        text(&check.stdout)
    );

    let mut child = bin(d)
        .args(["review", "responses/classroom"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a\na\na\na\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("check: responses/classroom loads"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("ok"), "{stdout}");
    let check = bin(d)
        .args(["check", "responses/classroom"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check.stdout));
}

#[test]
fn the_shipped_article_is_never_replaced_by_an_import() {
    let dir = setup("import-shipped");
    let d = dir.path();
    crate::support::temp::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("responses"),
        &d.join("responses"),
    );
    std::fs::copy(fixture("classroom-ai.txt"), d.join("classroom.txt")).unwrap();
    let output = bin(d)
        .args([
            "import",
            "classroom.txt",
            "--outlet",
            "x",
            "--id",
            "dianchang-2024-07-12-open-vs-closed",
            "--force",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("is an article of the shared corpus"),
        "{}",
        text(&output.stderr)
    );
    // Nor is it reviewed: it has no drafts, and its people are the shared corpus's.
    let review = bin(d)
        .args(["review", "responses/dianchang-2024-07-12-open-vs-closed"])
        .output()
        .unwrap();
    assert_eq!(review.status.code(), Some(1));
    assert_eq!(
        text(&review.stderr),
        "error: responses/dianchang-2024-07-12-open-vs-closed: is an article of the shared \
         corpus, not an imported one; edit its files by hand and run `debate-bot check`\n"
    );
    // An imported folder beside the shared corpus, its drafts not yet reviewed, is not live:
    // `check` of the corpus passes, serving the shared article, and names the folder waiting.
    assert!(
        bin(d)
            .args(["import", "classroom.txt", "--outlet", "x"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let check = bin(d).arg("check").output().unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    let stdout = text(&check.stdout);
    assert!(
        stdout.contains("article dianchang-2024-07-12-open-vs-closed:"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("  article ").count(), 1, "{stdout}");
    assert!(
        stdout.contains("not live: ") && stdout.contains("still to review (debate-bot review "),
        "{stdout}"
    );
}

/// Imports `file` (a path from `d`) as `responses/<id>` of outlet 课堂周报 and accepts every
/// draft in review; what the review showed.
pub fn import_and_accept(d: &Path, file: &str, id: &str) -> String {
    let import = bin(d)
        .args(["import", file, "--outlet", "课堂周报", "--id", id])
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", text(&import.stderr));
    let mut review = bin(d)
        .args(["review", &format!("responses/{id}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    review
        .stdin
        .take()
        .unwrap()
        .write_all("a\n".repeat(30).as_bytes())
        .unwrap();
    let review = review.wait_with_output().unwrap();
    let shown = text(&review.stdout);
    assert!(review.status.success(), "{shown}");
    shown
}

#[test]
fn imports_take_no_id_another_article_uses_and_all_load_together() {
    let dir = setup("import-clash");
    let d = dir.path();
    crate::support::temp::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("responses"),
        &d.join("responses"),
    );
    // 李燕红 reads "li-yanhong" in pinyin, as 李彦宏 of the shipped article does.
    std::fs::write(
        d.join("li.txt"),
        "开源的课堂\n\n发表时间: 2025-10-01\n\n记者 王芳\n\n\
         李燕红表示:“开源教材让每个学校都用得起。”\n\n\
         赵明认为,闭源的系统更容易管理。\n",
    )
    .unwrap();
    std::fs::copy(fixture("classroom-ai.txt"), d.join("classroom.txt")).unwrap();
    // Two ids alike in their first 30 characters, from which the excerpt ids are made.
    let first = "classroom-ai-report-for-week-number-one";
    let second = "classroom-ai-report-for-week-number-two";
    import_and_accept(d, "li.txt", first);
    let shown = import_and_accept(d, "classroom.txt", second);
    // Review's check loads the folder beside every other article, as the bot does.
    assert!(shown.contains("ok"), "{shown}");

    let people = std::fs::read_to_string(d.join(format!("responses/{first}/people.toml"))).unwrap();
    assert!(
        people.contains("id = \"li-yanhong-2\"\nkind = \"person\"\nname = \"李燕红\""),
        "{people}"
    );
    let excerpts = |id: &str| {
        let text =
            std::fs::read_to_string(d.join(format!("responses/{id}/excerpts.toml"))).unwrap();
        text.lines()
            .filter_map(|l| l.strip_prefix("id = \""))
            .map(|l| l.trim_end_matches('"').to_owned())
            .collect::<Vec<_>>()
    };
    let (ones, twos) = (excerpts(first), excerpts(second));
    assert!(!ones.is_empty() && !twos.is_empty());
    assert!(
        ones.iter().all(|id| !twos.contains(id)),
        "{ones:?} {twos:?}"
    );
    // The whole of responses/ loads: three articles, 李彦宏 and 李燕红 two people.
    let check = bin(d).arg("check").output().unwrap();
    let stdout = text(&check.stdout);
    assert!(check.status.success(), "{stdout}{}", text(&check.stderr));
    assert_eq!(stdout.matches("  article ").count(), 3, "{stdout}");
}
