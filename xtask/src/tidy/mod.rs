//! Tidy tests of the project itself (rust-analyzer's `tidy` is the model): the docs' links, and
//! no import circle between the files of a crate.

use std::path::{Path, PathBuf};

mod docs;
mod imports;

/// The project's root (xtask's parent).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the project's root")
        .to_path_buf()
}
