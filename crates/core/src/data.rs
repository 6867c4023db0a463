//! Reading the data under `responses/`: a TOML file into the shape it must have, and the
//! [`Problem`]s found, each naming its file and entry, so that whoever edits the data is told
//! exactly what to fix. The corpus and the sentences (`i18n`) are both read so.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// One thing wrong with the data: where, which entry, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub entry: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(file: &Path, entry: Option<String>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_path_buf(),
            entry,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.display())?;
        if let Some(entry) = &self.entry {
            write!(f, "{entry}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Reads a TOML file into `T`, or says why it can't.
pub fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<T, Problem> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::new(path, None, format!("cannot read: {e}")))?;
    toml::from_str(&text).map_err(|e| Problem::new(path, None, e.to_string().trim_end()))
}
