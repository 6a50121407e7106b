//! Tidy tests of the project itself (rust-analyzer's `tidy` is the model): the docs' links, no
//! import circle between the files of a crate, no module or function too long.

use std::path::{Path, PathBuf};

mod docs;
mod imports;
mod sizes;

/// The project's root (xtask's parent).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the project's root")
        .to_path_buf()
}
