//! `cargo xtask new-impl NAME`: scaffolds an adapter crate and wires it in everywhere adding an
//! implementation requires: the workspace dependency, the registry's dependency and list, and the
//! README's table.
//!
//! The scaffold is a working adapter around `std::sync::mpsc::channel`, marked as a placeholder,
//! so it compiles, passes the conformance suite and appears in the next `cargo xtask bench` from
//! the start; replacing its calls with those of the library to compare is the user's part.
//! `--async` scaffolds an `AsyncChannel` adapter around tokio's unbounded channel instead,
//! registered in the async list and table and checked by the async conformance suite.

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};

/// `cargo xtask new-impl` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The implementation's id: lowercase letters, digits and '-', e.g. `my-chan`. The crate is
    /// `crates/chanbench-<NAME>`.
    name: String,
    /// Scaffold an async adapter (`AsyncChannel`), registered in the async list.
    #[arg(long = "async")]
    asynchronous: bool,
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
    let taken = if args.asynchronous {
        chanbench_registry::async_implementations()
            .iter()
            .any(|i| i.id == name)
    } else {
        chanbench_registry::find(&name).is_some()
    };
    if taken {
        bail!("an implementation with id {name:?} is registered already");
    }
    // The sync list, table and dependencies come first in each file, the async ones second.
    let run = usize::from(args.asynchronous);
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
            insert_after_run(
                0,
                &read(&workspace_toml)?,
                |l| l.starts_with("chanbench-") && l.contains("path = \"crates/"),
                &format!("{package} = {{ path = \"crates/{package}\" }}"),
            )?,
        ),
        (
            &registry_toml,
            insert_after_run(
                run,
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
            insert_after_run(
                run,
                &read(&registry_rs)?,
                |l| l.trim_start().starts_with("chanbench_") && l.trim_end().ends_with(','),
                &format!("    {krate}::{ty},"),
            )?,
        ),
        (
            &readme,
            insert_after_run(
                run,
                &read(&readme)?,
                |l| l.starts_with("| `") && l.ends_with(" |"),
                &if args.asynchronous {
                    format!(
                        "| `{name}` | tokio {TOKIO} (`mpsc::unbounded_channel`, placeholder) | no | no | yes | no | yes | yes |"
                    )
                } else {
                    format!(
                        "| `{name}` | std (`mpsc::channel`, placeholder) | no | yes | no | no | yes |"
                    )
                },
            )?,
        ),
    ];

    fs::create_dir_all(dir.join("src")).with_context(|| format!("creating {}", dir.display()))?;
    fs::create_dir_all(dir.join("tests")).with_context(|| format!("creating {}", dir.display()))?;
    let write = |path: &Path, text: String| {
        fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    };
    if args.asynchronous {
        write(&dir.join("Cargo.toml"), cargo_toml_async(&package, &name))?;
        write(&dir.join("src/lib.rs"), lib_rs_async(&name, &ty))?;
        write(
            &dir.join("tests/it.rs"),
            format!(
                "//! The async conformance suite, run against {name}. List exactly the capabilities it has.\n\
                 chanbench_core::async_conformance_tests!({krate}::{ty}, flavors: [unbounded], extras: [bridge]);\n"
            ),
        )?;
    } else {
        write(&dir.join("Cargo.toml"), cargo_toml(&package, &name))?;
        write(&dir.join("src/lib.rs"), lib_rs(&name, &ty))?;
        write(
            &dir.join("tests/it.rs"),
            format!(
                "//! The conformance suite, run against {name}. List exactly the capabilities it has.\n\
                 chanbench_core::conformance_tests!({krate}::{ty}, flavors: [unbounded], extras: [returns_unsent]);\n"
            ),
        )?;
    }
    for (path, text) in edits {
        write(path, text)?;
    }
    println!(
        "created {} ({ty}, id `{name}`) and registered it.\n\
         Next: replace the std::sync::mpsc calls in crates/{package}/src/lib.rs with your library's\n\
         (see docs/contributing.md, \"Adding an implementation\"), then `cargo test -p {package}` and `cargo xtask bench`.",
        dir.display()
    );
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `text` with `line` inserted after run number `run` (from 0) of consecutive lines matching
/// `anchor`: run 0 is the sync list, table or dependencies, run 1 their async counterparts.
fn insert_after_run(
    run: usize,
    text: &str,
    anchor: impl Fn(&str) -> bool,
    line: &str,
) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    // Where each run of matching lines ends (its last line).
    let ends: Vec<usize> = (0..lines.len())
        .filter(|&i| anchor(lines[i]) && lines.get(i + 1).is_none_or(|next| !anchor(next)))
        .collect();
    let at = *ends
        .get(run)
        .context("the place to add the new implementation was not found")?;
    let mut out: Vec<&str> = lines[..=at].to_vec();
    out.push(line);
    out.extend_from_slice(&lines[at + 1..]);
    Ok(out.join("\n") + "\n")
}

/// The scaffold's manifest up to its first dependency, shared by both kinds.
fn manifest_head(package: &str, name: &str, trait_name: &str) -> String {
    format!(
        r#"[package]
name = "{package}"
description = "{name} behind the chanbench {trait_name} trait"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
chanbench-core.workspace = true
"#
    )
}

fn cargo_toml(package: &str, name: &str) -> String {
    let head = manifest_head(package, name, "Channel");
    format!(
        r#"{head}# Your library, pinned exactly in the root Cargo.toml's [workspace.dependencies]:
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

    #[inline(always)]
    fn send<T: Send>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {{
        tx.send(msg).map_err(Into::into)
    }}

    #[inline(always)]
    fn try_send<T: Send>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {{
        tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
    }}

    #[inline(always)]
    fn recv<T: Send>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {{
        rx.recv().map_err(Into::into)
    }}

    #[inline(always)]
    fn try_recv<T: Send>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {{
        rx.try_recv().map_err(Into::into)
    }}

    #[inline(always)]
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

/// The tokio version the async scaffold's placeholder reports (the workspace pins it).
const TOKIO: &str = "1.54.1";

fn cargo_toml_async(package: &str, name: &str) -> String {
    let head = manifest_head(package, name, "AsyncChannel");
    format!(
        r#"{head}# The placeholder's library; replace it with yours, pinned exactly in the root Cargo.toml's
# [workspace.dependencies]: my-channel-lib.workspace = true
tokio.workspace = true

[dev-dependencies]
chanbench-core = {{ workspace = true, features = ["async-conformance"] }}

[lints]
workspace = true
"#
    )
}

fn lib_rs_async(name: &str, ty: &str) -> String {
    format!(
        r#"//! {name} behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! Scaffolded by `cargo xtask new-impl --async`: every method below forwards to tokio's
//! unbounded channel as a placeholder. Replace each call with your library's, set `LIBRARY` to
//! its crate and exact version, and implement exactly the capability traits it has
//! (`AsyncBounded`, `ZeroCapacity`, `AsyncUnbounded`, `AsyncMultiConsumer`, `Bridge`); then list
//! the same ones in `tests/it.rs`.

use chanbench_core::{{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{{AsyncChannel, AsyncUnbounded, Bridge}},
}};
use tokio::sync::mpsc;

/// {name}.
#[derive(Debug, Clone, Copy, Default)]
pub struct {ty};

impl AsyncChannel for {ty} {{
    const ID: &'static str = "{name}";
    const NAME: &'static str = "{name}";
    const LIBRARY: Library = Library {{ name: "tokio", version: "{TOKIO}" }};

    type RawSender<T: Send> = mpsc::UnboundedSender<T>;
    type RawReceiver<T: Send> = mpsc::UnboundedReceiver<T>;

    #[inline(always)]
    async fn send<T: Send>(tx: &mut Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {{
        tx.send(msg).map_err(|e| SendError::returned(e.0))
    }}

    #[inline(always)]
    fn try_send<T: Send>(tx: &mut Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {{
        tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
    }}

    #[inline(always)]
    async fn recv<T: Send>(rx: &mut Self::RawReceiver<T>) -> Result<T, RecvError> {{
        rx.recv().await.ok_or(RecvError)
    }}

    #[inline(always)]
    fn try_recv<T: Send>(rx: &mut Self::RawReceiver<T>) -> Result<T, TryRecvError> {{
        rx.try_recv().map_err(|e| match e {{
            mpsc::error::TryRecvError::Empty => TryRecvError::Empty,
            mpsc::error::TryRecvError::Disconnected => TryRecvError::Disconnected,
        }})
    }}
}}

impl AsyncUnbounded for {ty} {{
    #[inline]
    fn raw_unbounded<T: Send>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {{
        mpsc::unbounded_channel()
    }}
}}

impl Bridge for {ty} {{
    #[inline(always)]
    fn blocking_send<T: Send>(tx: &mut Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {{
        tx.send(msg).map_err(|e| SendError::returned(e.0))
    }}

    #[inline(always)]
    fn blocking_recv<T: Send>(rx: &mut Self::RawReceiver<T>) -> Result<T, RecvError> {{
        rx.blocking_recv().ok_or(RecvError)
    }}
}}
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
        let out = insert_after_run(
            0,
            text,
            |l| l.starts_with("chanbench-"),
            "chanbench-new = 3",
        )
        .unwrap();
        assert_eq!(
            out,
            "a = 1\nchanbench-x = 1\nchanbench-y = 2\nchanbench-new = 3\nz = 3\nchanbench-async = 4\n"
        );
        assert!(insert_after_run(0, text, |l| l.starts_with("nothing"), "x").is_err());
        let out =
            insert_after_run(1, text, |l| l.starts_with("chanbench-"), "chanbench-b = 5").unwrap();
        assert!(
            out.ends_with("chanbench-async = 4\nchanbench-b = 5\n"),
            "{out}"
        );
        assert!(insert_after_run(2, text, |l| l.starts_with("chanbench-"), "x").is_err());
    }
}
