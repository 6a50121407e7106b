//! The machine-readable output: one JSON object per cell, one per line, written as each cell
//! finishes so an interrupted run keeps what it measured.

use std::{
    fs::{self, File},
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use chanbench_workloads::{cost::Cost, matrix::Shape};
use serde::Serialize;

/// Version of the record format; bump it when a field changes meaning.
pub const SCHEMA: u32 = 1;

/// What was measured about one cell, or why it was not.
#[derive(Debug, Serialize)]
pub struct CellRecord<'a> {
    /// Always `cell`, to tell these from other records in the same file.
    pub record: &'static str,
    /// [`SCHEMA`].
    pub schema: u32,
    /// The criterion group.
    pub workload: &'a str,
    /// The implementation id (or baseline name).
    pub implementation: &'a str,
    /// The criterion parameter string.
    pub params: &'a str,
    /// `group/implementation/params`, the criterion benchmark id.
    pub criterion_id: String,
    /// `ok` or `not supported`.
    pub status: &'a str,
    /// For `not supported`: the capabilities the implementation lacks.
    pub missing: Vec<&'a str>,
    /// Capacity (`0`, `1024`, `unbounded`, `none`).
    pub capacity: String,
    /// Payload label.
    pub payload: &'a str,
    /// Threads the cell runs on.
    pub threads: usize,
    /// Cores each of those threads was pinned to.
    pub thread_cores: Vec<usize>,
    /// Threads per allowed core (above 1: oversubscribed).
    pub threads_per_core: f64,
    /// The run's thread-count shape.
    pub shape: Shape,
    /// The profile.
    pub profile: &'a str,
    /// The cost run; `None` when not supported.
    pub cost: Option<Cost>,
}

/// Appends [`CellRecord`]s to a JSON Lines file, flushing after each.
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
    pub fn write(&mut self, record: &impl Serialize) -> Result<()> {
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
