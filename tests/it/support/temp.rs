//! Fresh folders under the system's temp folder for the tests' files: a folder removed when
//! dropped ([`TempDir`]), a copy of a folder in one ([`copy_of`]), and a database file for one
//! bot run ([`temp_database`]).

use std::path::Path;

/// A fresh folder under the temp folder, removed on drop.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("debate-bot-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy of the folder `from` (e.g. the shipped responses/, to break on purpose) in a fresh
/// [`TempDir`].
pub fn copy_of(from: &Path, tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    copy_dir(from, dir.path());
    dir
}

/// Copies the folder `from` into `to`, subfolders and all.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh SQLite database file for one bot run, under the system's temp folder. The folders
/// of test processes that have ended are removed the first time a process asks for one.
pub fn temp_database() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    static TIDY: std::sync::Once = std::sync::Once::new();
    TIDY.call_once(remove_databases_of_ended_processes);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("debate-bot-e2e-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    format!("sqlite://{}", dir.join("bot.db").display())
}

/// Removes `debate-bot-e2e-PID-N` folders whose process is gone (no `/proc/PID`).
fn remove_databases_of_ended_processes() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("debate-bot-e2e-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
