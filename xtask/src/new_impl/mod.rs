//! `cargo xtask new-impl NAME`: scaffolds an adapter crate and wires it in everywhere adding an
//! implementation requires: the workspace dependency, the registry's dependency and list, and the
//! README's table.
//!
//! The scaffold is a working adapter around `std::sync::mpsc::channel`, marked as a placeholder,
//! so it compiles, passes the conformance suite and appears in the next `cargo xtask bench` from
//! the start; replacing its calls with those of the library to compare is the user's part.
//! `--async` scaffolds an `AsyncChannel` adapter around tokio's unbounded channel instead,
//! registered in the async list and table and checked by the async conformance suite.
//!
//! A library with both halves keeps one id, as flume and kanal do: the second half scaffolded
//! goes to `crates/chanbench-<NAME>-async` (type `<Name>Async`) when the sync crate exists, or
//! to `crates/chanbench-<NAME>-sync` when the async one came first.

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};

use crate::template;

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
    let half = Half::of(root, &name, args.asynchronous);
    let package = format!("chanbench-{name}{}", half.suffix);
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
        .chain(std::iter::once(half.ty_suffix.to_owned()))
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
            insert_in_default_set(
                &read(&registry_rs)?,
                if args.asynchronous {
                    "for_each_async_impl"
                } else {
                    "for_each_impl"
                },
                &format!("    {krate}::{ty},"),
            )?,
        ),
        (
            &readme,
            insert_after_run(
                run,
                &read(&readme)?,
                default_row,
                &if args.asynchronous {
                    format!(
                        "| `{name}` | tokio {TOKIO} (`mpsc::unbounded_channel`, placeholder) | no | no | yes | no | yes | yes | yes |"
                    )
                } else {
                    format!(
                        "| `{name}` | std (`mpsc::channel`, placeholder) | no | no | yes | no | no | yes | yes |"
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
        write(&dir.join("Cargo.toml"), cargo_toml_async(&package, &name)?)?;
        write(&dir.join("src/lib.rs"), lib_rs_async(&name, &ty)?)?;
        write(
            &dir.join("tests/it.rs"),
            format!(
                "//! The async conformance suite, run against {name}. List exactly the capabilities it has.\n\
                 chanbench_core::async_conformance_tests!({krate}::{ty}, flavors: [unbounded], extras: [bridge]);\n"
            ),
        )?;
    } else {
        write(&dir.join("Cargo.toml"), cargo_toml(&package, &name)?)?;
        write(&dir.join("src/lib.rs"), lib_rs(&name, &ty)?)?;
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
         Next: replace the placeholder's calls in crates/{package}/src/lib.rs with your library's\n\
         (see docs/contributing.md, \"Adding an implementation\"), then `cargo test -p {package}` and `cargo xtask bench`.",
        dir.display()
    );
    Ok(())
}

/// Where the half being scaffolded goes: beside the other half of the same library, when that
/// one's crate exists, under a suffixed name (the id stays the library's).
struct Half {
    /// Appended to the crate's name: `-async`, `-sync` or nothing.
    suffix: &'static str,
    /// Appended to the type's name: `Async`, `Sync` or nothing.
    ty_suffix: &'static str,
}

impl Half {
    fn of(root: &Path, name: &str, asynchronous: bool) -> Self {
        let plain = root.join("crates").join(format!("chanbench-{name}"));
        let marker = if asynchronous {
            "impl Channel for"
        } else {
            "impl AsyncChannel for"
        };
        let other_half = fs::read_to_string(plain.join("src/lib.rs"))
            .is_ok_and(|source| source.contains(marker));
        match (other_half, asynchronous) {
            (false, _) => Half {
                suffix: "",
                ty_suffix: "",
            },
            (true, true) => Half {
                suffix: "-async",
                ty_suffix: "Async",
            },
            (true, false) => Half {
                suffix: "-sync",
                ty_suffix: "Sync",
            },
        }
    }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A row of the README's implementation tables that the default run measures (its last
/// column `yes`): a new implementation's row goes after the last of them, before the rows on
/// request, as its registry line goes before the list's `; on request:`.
fn default_row(line: &str) -> bool {
    line.starts_with("| `") && line.ends_with(" | yes |")
}

/// `text` (the registry's lib.rs) with `line` added at the end of the default set of the list
/// that defines `for_each`: before that list's `; on request:` line.
fn insert_in_default_set(text: &str, for_each: &str, line: &str) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let header = format!("registry! {{ $ {for_each},");
    let start = lines
        .iter()
        .position(|l| l.starts_with(&header))
        .with_context(|| format!("the registry's `{for_each}` list was not found"))?;
    let at = start
        + lines[start..]
            .iter()
            .position(|l| l.trim() == "; on request:")
            .with_context(|| format!("the registry's `{for_each}` list has no `; on request:`"))?;
    let mut out: Vec<&str> = lines[..at].to_vec();
    out.push(line);
    out.extend_from_slice(&lines[at..]);
    Ok(out.join("\n") + "\n")
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

/// The sync adapter's manifest: `@package@`, `@name@`.
const ADAPTER_TOML: &str = include_str!("templates/adapter.toml");
/// The sync adapter, forwarding to `std::sync::mpsc` as a placeholder: `MyChan`, `my-chan`.
const ADAPTER_RS: &str = include_str!("templates/adapter.rs.in");
/// The async adapter's manifest: `@package@`, `@name@`.
const ASYNC_ADAPTER_TOML: &str = include_str!("templates/async_adapter.toml");
/// The async adapter, forwarding to tokio's unbounded channel: `MyChan`, `my-chan`,
/// `TOKIO_VERSION`.
const ASYNC_ADAPTER_RS: &str = include_str!("templates/async_adapter.rs.in");

/// The tokio version the async scaffold's placeholder reports (the workspace pins it).
const TOKIO: &str = "1.54.1";

fn cargo_toml(package: &str, name: &str) -> Result<String> {
    template::fill(ADAPTER_TOML, &[("@package@", package), ("@name@", name)])
}

fn lib_rs(name: &str, ty: &str) -> Result<String> {
    template::fill(ADAPTER_RS, &[("MyChan", ty), ("my-chan", name)])
}

fn cargo_toml_async(package: &str, name: &str) -> Result<String> {
    template::fill(
        ASYNC_ADAPTER_TOML,
        &[("@package@", package), ("@name@", name)],
    )
}

fn lib_rs_async(name: &str, ty: &str) -> Result<String> {
    template::fill(
        ASYNC_ADAPTER_RS,
        &[("MyChan", ty), ("my-chan", name), ("TOKIO_VERSION", TOKIO)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_are_formatted_rust_and_toml_and_fill_completely() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/new_impl/templates");
        template::assert_formatted(dir, &["adapter.rs.in", "async_adapter.rs.in"]);
        for (text, ty) in [
            (lib_rs("ring-chan", "RingChan").unwrap(), "RingChan"),
            (lib_rs_async("ring-chan", "RingChan").unwrap(), "RingChan"),
        ] {
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert!(file.items.len() > 3);
            assert!(text.contains(&format!("pub struct {ty};")) && text.contains("\"ring-chan\""));
            assert!(
                !text.contains("MyChan")
                    && !text.contains("my-chan")
                    && !text.contains("TOKIO_VERSION")
            );
        }
        for text in [
            cargo_toml("chanbench-ring-chan", "ring-chan").unwrap(),
            cargo_toml_async("chanbench-ring-chan", "ring-chan").unwrap(),
        ] {
            let table: toml::Table = text.parse().unwrap();
            assert_eq!(
                table["package"]["name"].as_str(),
                Some("chanbench-ring-chan")
            );
            assert!(!text.contains('@'), "{text}");
        }
    }

    #[test]
    fn the_second_half_of_a_library_goes_beside_the_first() {
        let root = std::env::temp_dir().join(format!("chanbench-half-{}", std::process::id()));
        let lib = root.join("crates/chanbench-both/src");
        fs::create_dir_all(&lib).unwrap();
        fs::write(lib.join("lib.rs"), "impl Channel for Both {}").unwrap();
        let half = Half::of(&root, "both", true);
        assert_eq!((half.suffix, half.ty_suffix), ("-async", "Async"));
        // The same half again is not a second half: the crate exists, which `run` refuses.
        assert_eq!(Half::of(&root, "both", false).suffix, "");
        assert_eq!(Half::of(&root, "other", true).suffix, "");
        fs::write(lib.join("lib.rs"), "impl AsyncChannel for Both {}").unwrap();
        assert_eq!(Half::of(&root, "both", false).suffix, "-sync");
        fs::remove_dir_all(&root).unwrap();
    }

    /// On the registry as it is: a new implementation joins its family's default set, in the
    /// list, the manifest and the README's table, never the part on request.
    #[test]
    fn a_new_implementation_joins_the_default_set_of_its_family() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/chanbench-registry");
        let lib = fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
        let manifest = fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
        for (asynchronous, for_each, last_default) in [
            (false, "for_each_impl", "chanbench_kanal::Kanal,"),
            (
                true,
                "for_each_async_impl",
                "chanbench_futures::FuturesUnbounded,",
            ),
        ] {
            let out = insert_in_default_set(&lib, for_each, "    chanbench_new::New,").unwrap();
            let expected =
                format!("    {last_default}\n    chanbench_new::New,\n    ; on request:");
            assert!(out.contains(&expected), "{for_each}: {expected} not found");
            let out = insert_after_run(
                usize::from(asynchronous),
                &manifest,
                |l| {
                    l.starts_with("chanbench-")
                        && l.ends_with(".workspace = true")
                        && !l.starts_with("chanbench-core")
                },
                "chanbench-new.workspace = true",
            )
            .unwrap();
            let before = if asynchronous {
                "chanbench-futures.workspace = true"
            } else {
                "chanbench-kanal.workspace = true"
            };
            assert!(
                out.contains(&format!("{before}\nchanbench-new.workspace = true\n")),
                "{out}"
            );
        }
        assert!(insert_in_default_set(&lib, "for_each_nothing", "x").is_err());
        let readme = fs::read_to_string(format!("{root}/../../README.md")).unwrap();
        for (run, last_default) in [(0, "| `kanal` |"), (1, "| `futures-unbounded` |")] {
            let out = insert_after_run(run, &readme, default_row, "| `new` | x | yes |").unwrap();
            let lines: Vec<&str> = out.lines().collect();
            let at = lines
                .iter()
                .position(|l| *l == "| `new` | x | yes |")
                .unwrap();
            assert!(lines[at - 1].starts_with(last_default), "{}", lines[at - 1]);
        }
    }

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
