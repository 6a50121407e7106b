//! The machine-readable output: one [`Record`] per line (JSON Lines), written as each cell
//! finishes so an interrupted run keeps what it measured. The record types are
//! `chanbench-schema`'s, shared with the reader (xtask).

use std::{
    fs::{self, File},
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use chanbench_schema::Record;

/// Appends [`Record`]s to a JSON Lines file, flushing after each.
pub struct Recorder {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Recorder {
    /// Creates `path` (and its folder if needed), truncating it, or appending to it when
    /// `append` (a restarted or resumed run keeps the records it already has).
    pub fn create(path: &Path, append: bool) -> Result<Self> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        Ok(Self {
            path: path.to_owned(),
            out: BufWriter::new(file),
        })
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> Result<()> {
        let context = || format!("writing {}", self.path.display());
        serde_json::to_writer(&mut self.out, record).with_context(context)?;
        self.out.write_all(b"\n").with_context(context)?;
        self.out.flush().with_context(context)
    }

    /// Where records go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
