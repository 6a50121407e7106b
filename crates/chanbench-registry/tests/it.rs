//! Tidy tests: the registry, the README table, Cargo.lock and the adapter sources agree.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use chanbench_core::Channel;
use chanbench_registry::{ImplInfo, implementations};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Adapter crates: folders under `crates/` whose `src/lib.rs` implements `Channel`. Returns the
/// crate's Rust name and its `src/lib.rs`.
fn adapter_crates() -> Vec<(String, String)> {
    let dir = root().join("crates");
    let mut adapters: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("reading crates/").path())
        .filter_map(|path| {
            let source = fs::read_to_string(path.join("src/lib.rs")).ok()?;
            let name = path.file_name()?.to_str()?.replace('-', "_");
            source
                .contains("impl Channel for")
                .then_some((name, source))
        })
        .collect();
    adapters.sort();
    adapters
}

fn crate_of(info: &ImplInfo) -> &str {
    info.type_name
        .split("::")
        .next()
        .expect("a type name has a crate")
}

#[test]
fn every_adapter_crate_is_registered() {
    let adapters: BTreeSet<String> = adapter_crates().into_iter().map(|(name, _)| name).collect();
    let registered: BTreeSet<String> = implementations()
        .iter()
        .map(|info| crate_of(info).to_owned())
        .collect();
    assert!(
        adapters.len() >= 5,
        "expected at least the five adapters, found {adapters:?}"
    );
    assert_eq!(
        adapters, registered,
        "adapter crates under crates/ and the registry! list in chanbench-registry differ"
    );
}

#[test]
fn for_each_impl_stamps_every_implementation() {
    macro_rules! ids {
        ([$($ty:path),*]) => {
            vec![$(<$ty as Channel>::ID),*]
        };
    }
    let stamped: Vec<&str> = chanbench_registry::for_each_impl!(ids);
    let listed: Vec<&str> = implementations().iter().map(|info| info.id).collect();
    assert_eq!(stamped, listed);
}

#[test]
fn ids_are_unique_and_kebab_case() {
    let infos = implementations();
    let ids: BTreeSet<&str> = infos.iter().map(|info| info.id).collect();
    assert_eq!(
        ids.len(),
        infos.len(),
        "duplicate implementation ids: {infos:#?}"
    );
    for id in ids {
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "implementation id {id:?} is not lowercase kebab-case"
        );
    }
    assert!(chanbench_registry::find("flume").is_some());
    assert!(chanbench_registry::find("no-such-channel").is_none());
}

#[test]
fn readme_table_matches_registry() {
    let readme = read("README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Implementations\n"))
        .expect("README.md has an `## Implementations` section");
    // Rows of the implementations table: `| `id` | library | bounded | unbounded | ... |`.
    let rows: Vec<Vec<&str>> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| line.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    let infos = implementations();
    assert_eq!(
        rows.iter()
            .map(|row| row[0].trim_matches('`'))
            .collect::<Vec<_>>(),
        infos.iter().map(|info| info.id).collect::<Vec<_>>(),
        "README's implementation table must list exactly the registered ids, in registry order"
    );
    for (row, info) in rows.iter().zip(&infos) {
        let library = row[1];
        assert!(
            library.contains(info.library.name),
            "README row {}: library {library:?}",
            info.id
        );
        if info.library.name != "std" {
            assert!(
                library.contains(info.library.version),
                "README row {}: says {library:?}, the adapter reports {}",
                info.id,
                info.library.version
            );
        }
        let caps: Vec<&str> = info
            .capabilities
            .iter()
            .map(|(_, present)| if present { "yes" } else { "no" })
            .collect();
        assert_eq!(
            &row[2..],
            caps.as_slice(),
            "README row {}: capability columns (bounded, unbounded, multi-consumer, select, \
             returns unsent) differ from the traits it implements",
            info.id
        );
    }
}

#[test]
fn library_versions_match_lockfile() {
    let lock: toml::Table = read("Cargo.lock")
        .parse()
        .expect("Cargo.lock is valid TOML");
    let packages = lock["package"]
        .as_array()
        .expect("Cargo.lock has [[package]] entries");
    for info in implementations() {
        if info.library.name == "std" {
            assert_eq!(info.library.version, chanbench_core::RUSTC_VERSION);
            assert!(
                info.library
                    .version
                    .split('.')
                    .all(|part| part.parse::<u32>().is_ok())
            );
            continue;
        }
        let locked: Vec<&str> = packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(info.library.name))
            .filter_map(|p| p["version"].as_str())
            .collect();
        assert_eq!(
            locked,
            [info.library.version],
            "{}: the adapter reports {} {}, Cargo.lock has {locked:?}",
            info.id,
            info.library.name,
            info.library.version
        );
    }
}

#[test]
fn adapters_are_forwarding_only() {
    for (name, source) in adapter_crates() {
        let code: Vec<&str> = source
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .collect();
        assert!(
            code.len() < 100,
            "{name}: {} lines of code, an adapter stays under 100",
            code.len()
        );
        for banned in [
            "loop {",
            "while ",
            "Mutex",
            "Atomic",
            "Cell<",
            "unsafe",
            "unimplemented!",
            "todo!",
            "panic!",
        ] {
            assert!(
                !source.contains(banned),
                "{name}: `{banned}` has no place in a forwarding adapter"
            );
        }
        let statics = code
            .iter()
            .filter(|l| l.starts_with("static ") || l.starts_with("pub static "));
        assert_eq!(
            statics.count(),
            0,
            "{name}: an adapter holds no state, so no statics"
        );
        let loops = code.iter().filter(|line| line.starts_with("for ")).count();
        assert_eq!(
            loops, 0,
            "{name}: an adapter forwards; loops belong in chanbench-core"
        );
        // Every method is `#[inline]`: look at the attributes above each `fn`.
        for (i, line) in code
            .iter()
            .enumerate()
            .filter(|(_, line)| line.starts_with("fn "))
        {
            let attributes = code[..i].iter().rev().take_while(|l| l.starts_with("#["));
            assert!(
                attributes.clone().any(|l| *l == "#[inline]"),
                "{name}: `{line}` is not #[inline]"
            );
        }
    }
}
