//! `cargo xtask new-impl NAME`: scaffolds an adapter crate and wires it in everywhere adding an
//! implementation requires: the workspace dependency, the registry's dependency and list, and the
//! README's table.
//!
//! The scaffold is a working adapter around `std::sync::mpsc::channel`, marked as a placeholder,
//! so it compiles, passes the conformance suite and appears in the next `cargo xtask bench` from
//! the start; replacing its calls with those of the library to compare is the user's part.

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};

/// `cargo xtask new-impl` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The implementation's id: lowercase letters, digits and '-', e.g. `my-chan`. The crate is
    /// `crates/chanbench-<NAME>`.
    name: String,
}

/// Runs `cargo xtask new-impl`.
pub fn run(root: &Path, args: Args) -> Result<()> {
    let name = args.name;
    let valid = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if !valid {
        bail!(
            "implementation name {name:?}: expected lowercase letters, digits and '-', starting with a letter"
        );
    }
    if chanbench_registry::find(&name).is_some() {
        bail!("an implementation with id {name:?} is registered already");
    }
    let package = format!("chanbench-{name}");
    let krate = package.replace('-', "_");
    let ty: String = name
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    let dir = root.join("crates").join(&package);
    if dir.exists() {
        bail!("{} exists already", dir.display());
    }

    // Check every file we edit before writing anything, so a failure leaves the tree unchanged.
    let workspace_toml = root.join("Cargo.toml");
    let registry_toml = root.join("crates/chanbench-registry/Cargo.toml");
    let registry_rs = root.join("crates/chanbench-registry/src/lib.rs");
    let readme = root.join("README.md");
    let edits = [
        (
            &workspace_toml,
            insert_after_first_run(
                &read(&workspace_toml)?,
                |l| l.starts_with("chanbench-") && l.contains("path = \"crates/"),
                &format!("{package} = {{ path = \"crates/{package}\" }}"),
            )?,
        ),
        (
            &registry_toml,
            insert_after_first_run(
                &read(&registry_toml)?,
                |l| {
                    l.starts_with("chanbench-")
                        && l.ends_with(".workspace = true")
                        && !l.starts_with("chanbench-core")
                },
                &format!("{package}.workspace = true"),
            )?,
        ),
        (
            &registry_rs,
            insert_after_first_run(
                &read(&registry_rs)?,
                |l| l.trim_start().starts_with("chanbench_") && l.trim_end().ends_with(','),
                &format!("    {krate}::{ty},"),
            )?,
        ),
        (
            &readme,
            insert_after_first_run(
                &read(&readme)?,
                |l| l.starts_with("| `") && (l.ends_with("| yes |") || l.ends_with("| no |")),
                &format!(
                    "| `{name}` | std (`mpsc::channel`, placeholder) | no | yes | no | no | yes |"
                ),
            )?,
        ),
    ];

    fs::create_dir_all(dir.join("src")).with_context(|| format!("creating {}", dir.display()))?;
    fs::create_dir_all(dir.join("tests")).with_context(|| format!("creating {}", dir.display()))?;
    let write = |path: &Path, text: String| {
        fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    };
    write(&dir.join("Cargo.toml"), cargo_toml(&package, &name))?;
    write(&dir.join("src/lib.rs"), lib_rs(&name, &ty))?;
    write(
        &dir.join("tests/it.rs"),
        format!(
            "//! The conformance suite, run against {name}. List exactly the capabilities it has.\n\
             chanbench_core::conformance_tests!({krate}::{ty}, flavors: [unbounded], extras: [returns_unsent]);\n"
        ),
    )?;
    for (path, text) in edits {
        write(path, text)?;
    }
    println!(
        "created {} ({ty}, id `{name}`) and registered it.\n\
         Next: replace the std::sync::mpsc calls in crates/{package}/src/lib.rs with your library's\n\
         (see README, \"Adding an implementation\"), then `cargo test -p {package}` and `cargo xtask bench`.",
        dir.display()
    );
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `text` with `line` inserted after the last line matching `anchor`.
/// Inserts `line` after the first run of consecutive lines matching `anchor`: the sync list,
/// table or dependencies, which come before their async counterparts.
fn insert_after_first_run(text: &str, anchor: impl Fn(&str) -> bool, line: &str) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| anchor(l))
        .context("the place to add the new implementation was not found")?;
    let at = first + lines[first..].iter().take_while(|l| anchor(l)).count() - 1;
    let mut out: Vec<&str> = lines[..=at].to_vec();
    out.push(line);
    out.extend_from_slice(&lines[at + 1..]);
    Ok(out.join("\n") + "\n")
}

fn cargo_toml(package: &str, name: &str) -> String {
    format!(
        r#"[package]
name = "{package}"
description = "{name} behind the chanbench Channel trait"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
chanbench-core.workspace = true
# Your library, pinned exactly in the root Cargo.toml's [workspace.dependencies]:
# my-channel-lib.workspace = true

[dev-dependencies]
chanbench-core = {{ workspace = true, features = ["conformance"] }}

[lints]
workspace = true
"#
    )
}

fn lib_rs(name: &str, ty: &str) -> String {
    format!(
        r#"//! {name} behind the chanbench [`Channel`] trait. Forwarding only.
//!
//! Scaffolded by `cargo xtask new-impl`: every method below forwards to `std::sync::mpsc` as a
//! placeholder. Replace each call with your library's, set `LIBRARY` to its crate and exact
//! version, and implement exactly the capability traits it has (`Bounded`, `Unbounded`,
//! `MultiConsumer`, `Select`, `ReturnsUnsent`); then list the same ones in `tests/it.rs`.

use std::{{sync::mpsc, time::Duration}};

use chanbench_core::{{
    Channel, Library, RecvError, RecvTimeoutError, ReturnsUnsent, SendError, TryRecvError,
    TrySendError, Unbounded,
}};

/// {name}.
#[derive(Debug, Clone, Copy, Default)]
pub struct {ty};

impl Channel for {ty} {{
    const ID: &'static str = "{name}";
    const NAME: &'static str = "{name}";
    const LIBRARY: Library = Library {{ name: "std", version: chanbench_core::RUSTC_VERSION }};

    type RawSender<T: Send> = mpsc::Sender<T>;
    type RawReceiver<T: Send> = mpsc::Receiver<T>;

    #[inline]
    fn send<T: Send>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {{
        tx.send(msg).map_err(Into::into)
    }}

    #[inline]
    fn try_send<T: Send>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {{
        tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
    }}

    #[inline]
    fn recv<T: Send>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {{
        rx.recv().map_err(Into::into)
    }}

    #[inline]
    fn try_recv<T: Send>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {{
        rx.try_recv().map_err(Into::into)
    }}

    #[inline]
    fn recv_timeout<T: Send>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {{
        rx.recv_timeout(timeout).map_err(Into::into)
    }}
}}

impl Unbounded for {ty} {{
    #[inline]
    fn raw_unbounded<T: Send>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {{
        mpsc::channel()
    }}
}}

impl ReturnsUnsent for {ty} {{}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_after_the_first_run_of_matching_lines() {
        // The second run (the async list) is left alone.
        let text = "a = 1\nchanbench-x = 1\nchanbench-y = 2\nz = 3\nchanbench-async = 4\n";
        let out =
            insert_after_first_run(text, |l| l.starts_with("chanbench-"), "chanbench-new = 3")
                .unwrap();
        assert_eq!(
            out,
            "a = 1\nchanbench-x = 1\nchanbench-y = 2\nchanbench-new = 3\nz = 3\nchanbench-async = 4\n"
        );
        assert!(insert_after_first_run(text, |l| l.starts_with("nothing"), "x").is_err());
    }
}
