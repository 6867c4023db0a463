//! The core crate's layers, and the test that holds them: a module imports only modules of a
//! lower layer (never one above it, never one beside it), and inside a folder module no two
//! files import each other, even through a third. Read from the source as text, as
//! rust-analyzer's "tidy" tests do: every `crate::x` and `super::x` outside comments and
//! test code counts. Above this crate, the compiler holds the rest: the Telegram adapter
//! (`debate-telegram`) and the binary (`debate-bot`) depend on it, and it on neither.
//!
//! From the bottom: the vocabulary; the pure pieces (the clock, limits, commands, rendering,
//! reading the data); the sentences; the corpus and the settings' values; search, the
//! store and the buttons' data; the app; the effects; pictures as effects; the engines;
//! homework, over the quiz engine; the core.

/// The layers, lowest first.
const LAYERS: &[&[&str]] = &[
    &["vocab", "bot_api"],
    &["clock", "limits", "command", "render", "sheet", "data"],
    &["i18n"],
    &["corpus", "settings"],
    &["search", "store", "callback_data"],
    &["app"],
    &["effect"],
    &["picture"],
    &["quiz", "debate"],
    &["homework"],
    &["core"],
];

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            found.extend(files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The code of a file as the build sees it outside tests: comments and the `#[cfg(test)]`
/// module at its end left out; a file that is a test module itself (`tests.rs`) is empty.
fn code(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("a source file");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names that follow `prefix` (`crate::`, `super::`) in `code`.
fn named_after<'a>(code: &'a str, prefix: &str) -> BTreeSet<&'a str> {
    code.match_indices(prefix)
        .filter(|(at, _)| {
            // `crate::` itself, not the end of another path (`$crate::`, `my_crate::`).
            code[..*at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$'))
        })
        .map(|(at, _)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// A cycle in `graph`, if there is one: its modules in order.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            return Some(path[at..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every module of the crate is in a layer, and imports only modules of lower layers.
#[test]
fn modules_import_only_lower_layers() {
    let src = src();
    let mut wrong = Vec::new();
    for path in files(&src) {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a file");
        let module = first
            .as_os_str()
            .to_str()
            .expect("UTF-8")
            .trim_end_matches(".rs");
        if ["lib", "main", "layers"].contains(&module) {
            continue;
        }
        let Some(layer) = layer_of(module) else {
            wrong.push(format!("{module} is in no layer: add it to LAYERS"));
            continue;
        };
        for named in named_after(&code(&path), "crate::") {
            if named == module {
                continue;
            }
            match layer_of(named) {
                Some(other) if other < layer => {}
                Some(_) => wrong.push(format!(
                    "{} imports {named}, which is not below {module}",
                    relative.display()
                )),
                // Not a module: a macro or an item of the crate root.
                None => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Inside each folder module, the files import each other without a cycle.
#[test]
fn no_two_files_of_a_folder_import_each_other() {
    let src = src();
    let mut folders: BTreeMap<PathBuf, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for path in files(&src) {
        let (Some(folder), Some(stem)) = (path.parent(), path.file_stem()) else {
            continue;
        };
        let stem = stem.to_str().expect("UTF-8");
        if folder == src || stem == "mod" {
            continue;
        }
        let siblings: BTreeSet<String> = std::fs::read_dir(folder)
            .expect("a folder")
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                Some(name.strip_suffix(".rs")?.to_string())
            })
            .collect();
        let imports = named_after(&code(&path), "super::")
            .into_iter()
            .filter(|n| *n != stem && *n != "mod" && siblings.contains(*n))
            .map(String::from)
            .collect();
        folders
            .entry(folder.to_path_buf())
            .or_default()
            .insert(stem.to_string(), imports);
    }
    for (folder, graph) in &folders {
        let found = cycle(graph);
        assert!(
            found.is_none(),
            "{}: {:?} import each other",
            folder.display(),
            found
        );
    }
}

/// The check finds what it must: an upward import and a cycle.
#[test]
fn the_checks_see_upward_imports_and_cycles() {
    let code = "use crate::core::Core;\nlet x = my_crate::vocab::A; $crate::app::B;";
    assert_eq!(named_after(code, "crate::"), BTreeSet::from(["core"]));
    assert!(layer_of("core") > layer_of("store"));
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(cycle(&graph).map(|c| c.len()), Some(3));
    let mut acyclic = graph.clone();
    acyclic.insert("c".to_string(), BTreeSet::new());
    assert_eq!(cycle(&acyclic), None);
}
