//! Tidy tests: the registry, the README table, Cargo.lock and the adapter sources agree.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use chanbench_core::Channel;
use chanbench_core::asynchronous::AsyncChannel;
use chanbench_registry::{ImplInfo, async_implementations, implementations};

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
    crates_implementing("impl Channel for")
}

/// SPSC ring adapter crates: those whose `src/lib.rs` implements `Ring`.
fn ring_adapter_crates() -> Vec<(String, String)> {
    crates_implementing("impl Ring for")
}

/// Async adapter crates: those whose `src/lib.rs` implements `AsyncChannel`.
fn async_adapter_crates() -> Vec<(String, String)> {
    crates_implementing("impl AsyncChannel for")
}

fn crates_implementing(marker: &str) -> Vec<(String, String)> {
    let dir = root().join("crates");
    let mut adapters: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("reading crates/").path())
        .filter_map(|path| {
            let source = fs::read_to_string(path.join("src/lib.rs")).ok()?;
            let name = path.file_name()?.to_str()?.replace('-', "_");
            source.contains(marker).then_some((name, source))
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

/// The rows of the table in README's section `heading` (up to its first subsection), cell by
/// cell: `| `id` | library | ... |`.
fn readme_rows(level: &str, heading: &str) -> Vec<Vec<String>> {
    let readme = read("README.md");
    let section = readme
        .split(level)
        .find(|s| s.starts_with(&format!("{heading}\n")))
        .unwrap_or_else(|| panic!("README.md has no `{heading}` section"))
        .split("\n### ")
        .next()
        .expect("the section's own part, before its subsections");
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn readme_table_matches_registry() {
    let rows = readme_rows("\n## ", "Implementations");
    let infos = implementations();
    assert_eq!(
        rows.iter()
            .map(|row| row[0].trim_matches('`'))
            .collect::<Vec<_>>(),
        infos.iter().map(|info| info.id).collect::<Vec<_>>(),
        "README's implementation table must list exactly the registered ids, in registry order"
    );
    for (row, info) in rows.iter().zip(&infos) {
        let library = row[1].as_str();
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
            &row[2..row.len() - 1],
            caps.as_slice(),
            "README row {}: capability columns (bounded, rendezvous, unbounded, multi-consumer, \
             select, returns unsent) differ from the traits it implements",
            info.id
        );
        assert_default_run(row, info.id, info.on_request);
    }
}

/// The last column of a README implementation row: whether the default run measures it.
fn assert_default_run(row: &[String], id: &str, on_request: bool) {
    let expected = if on_request { "on request" } else { "yes" };
    assert_eq!(
        row.last().map(String::as_str),
        Some(expected),
        "README row {id}: the default-run column differs from chanbench_registry::ON_REQUEST"
    );
}

#[test]
fn the_implementations_on_request_are_registered_and_give_a_reason() {
    let sync = implementations();
    let asynchronous = async_implementations();
    let shapes: Vec<_> = chanbench_registry::rings()
        .into_iter()
        .chain(chanbench_registry::oneshots())
        .chain(chanbench_registry::broadcasts())
        .collect();
    for (id, reason) in chanbench_registry::ON_REQUEST {
        assert!(
            sync.iter().any(|i| i.id == *id)
                || asynchronous.iter().any(|i| i.id == *id)
                || shapes.iter().any(|i| i.id == *id),
            "ON_REQUEST names {id}, which is not registered"
        );
        assert!(reason.len() > 10, "{id}: say why it is on request");
    }
    // The default run still measures the established set of each family.
    assert!(sync.iter().filter(|i| !i.on_request).count() >= 5);
    assert!(asynchronous.iter().filter(|i| !i.on_request).count() >= 5);
}

/// The registry's three marks of an implementation on request agree: its `ON_REQUEST` entry, its
/// place after its list's `; on request:` (compiled only with the `catalog` feature), and its
/// adapter crate optional in that feature, unless the crate holds a default implementation too.
#[test]
fn the_catalog_feature_holds_exactly_the_implementations_on_request() {
    fn type_names<C>(infos: Vec<ImplInfo<C>>, on_request: bool) -> Vec<&'static str> {
        infos
            .into_iter()
            .filter(|i| i.on_request == on_request)
            .map(|i| i.type_name)
            .collect()
    }
    let families = [
        (
            "sync",
            type_names(implementations(), true),
            chanbench_registry::on_request_impl_types(),
        ),
        (
            "async",
            type_names(async_implementations(), true),
            chanbench_registry::on_request_async_impl_types(),
        ),
        (
            "ring",
            type_names(chanbench_registry::rings(), true),
            chanbench_registry::on_request_ring_types(),
        ),
        (
            "oneshot",
            type_names(chanbench_registry::oneshots(), true),
            chanbench_registry::on_request_oneshot_types(),
        ),
        (
            "broadcast",
            type_names(chanbench_registry::broadcasts(), true),
            chanbench_registry::on_request_broadcast_types(),
        ),
    ];
    let mut defaults: Vec<&str> = type_names(implementations(), false);
    defaults.extend(type_names(async_implementations(), false));
    defaults.extend(type_names(chanbench_registry::rings(), false));
    defaults.extend(type_names(chanbench_registry::oneshots(), false));
    defaults.extend(type_names(chanbench_registry::broadcasts(), false));
    let krate = |type_name: &str| type_name.split("::").next().unwrap().replace('_', "-");

    let manifest: toml::Table = read("crates/chanbench-registry/Cargo.toml")
        .parse()
        .expect("the registry's Cargo.toml is valid TOML");
    let catalog: Vec<String> = manifest["features"]["catalog"]
        .as_array()
        .expect("the registry has a `catalog` feature")
        .iter()
        .map(|f| f.as_str().unwrap().trim_start_matches("dep:").to_owned())
        .collect();
    let optional: Vec<&String> = manifest["dependencies"]
        .as_table()
        .unwrap()
        .iter()
        .filter(|(_, spec)| spec.get("optional").and_then(toml::Value::as_bool) == Some(true))
        .map(|(name, _)| name)
        .collect();
    let mut wanted: Vec<String> = Vec::new();
    for (family, marked, listed) in families {
        assert_eq!(
            marked, listed,
            "{family}: the implementations ON_REQUEST names differ from those after the list's \
             `; on request:`"
        );
        for type_name in listed {
            let name = krate(type_name);
            if !defaults.iter().any(|d| krate(d) == name) && !wanted.contains(&name) {
                wanted.push(name);
            }
        }
    }
    wanted.sort();
    let mut catalog_sorted = catalog.clone();
    catalog_sorted.sort();
    assert_eq!(
        catalog_sorted, wanted,
        "the `catalog` feature names exactly the crates of implementations on request that hold \
         no default implementation"
    );
    for name in &optional {
        assert!(
            catalog.contains(name),
            "{name} is optional but not in the `catalog` feature"
        );
    }
    assert_eq!(
        optional.len(),
        catalog.len(),
        "every crate of `catalog` is optional"
    );
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

/// The methods every message passes through. They are `#[inline(always)]`, not `#[inline]`: a
/// forwarding call left out of line is a call per message that a user's own loop does not make
/// (kanal's `send` had 15 out-of-line copies in the matrix binary, and its one-core `spsc` read
/// 12.6 ns/msg against 7.2 with the calls inlined; see docs/findings/).
const MESSAGE_PATH: [&str; 9] = [
    "send",
    "try_send",
    "recv",
    "try_recv",
    "recv_timeout",
    "blocking_send",
    "blocking_recv",
    "push",
    "pop",
];

#[test]
fn adapters_are_forwarding_only() {
    let all = adapter_crates()
        .into_iter()
        .chain(async_adapter_crates())
        .chain(ring_adapter_crates())
        .chain(crates_implementing("impl Oneshot for"))
        .chain(crates_implementing("impl Broadcast for"));
    for (name, source) in all {
        let code: Vec<&str> = source
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .collect();
        // Per implementation type: tokio's and futures' crates hold two (bounded, unbounded).
        // Marker capabilities (`impl Rendezvous for X {}`) hold no code and are not counted.
        let types = source.matches("impl Channel for").count()
            + source.matches("impl AsyncChannel for").count()
            + source.matches("impl Ring for").count()
            + source.matches("impl Oneshot for").count()
            + source.matches("impl Broadcast for").count();
        let counted = code
            .iter()
            .filter(|line| !(line.starts_with("impl ") && line.ends_with("{}")))
            .count();
        assert!(
            counted < 100 * types,
            "{name}: {counted} lines of code for {types} implementations, an adapter stays under 100"
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
        // Every method is `#[inline]`, and the message path `#[inline(always)]`: look at the
        // attributes above each `fn`.
        for (i, line) in code
            .iter()
            .enumerate()
            .filter(|(_, line)| line.starts_with("fn ") || line.starts_with("async fn "))
        {
            let attributes: Vec<&str> = code[..i]
                .iter()
                .rev()
                .take_while(|l| l.starts_with("#["))
                .copied()
                .collect();
            let method = line
                .trim_start_matches("async ")
                .trim_start_matches("fn ")
                .split(['<', '('])
                .next()
                .unwrap_or_default();
            let required = if MESSAGE_PATH.contains(&method) {
                "#[inline(always)]"
            } else {
                "#[inline]"
            };
            assert!(
                attributes.contains(&required),
                "{name}: `{line}` is not {required}"
            );
        }
    }
}

#[test]
fn every_async_adapter_crate_is_registered_with_its_locked_version() {
    let adapters: BTreeSet<String> = async_adapter_crates()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let infos = async_implementations();
    let registered: BTreeSet<String> = infos
        .iter()
        .map(|info| info.type_name.split("::").next().unwrap().to_owned())
        .collect();
    assert!(
        adapters.len() >= 5,
        "expected the five async adapters, found {adapters:?}"
    );
    assert_eq!(
        adapters, registered,
        "async adapter crates under crates/ and the async_registry! list differ"
    );
    macro_rules! ids {
        ([$($ty:path),*]) => {
            vec![$(<$ty as AsyncChannel>::ID),*]
        };
    }
    let stamped: Vec<&str> = chanbench_registry::for_each_async_impl!(ids);
    assert_eq!(stamped, infos.iter().map(|i| i.id).collect::<Vec<_>>());
    let ids: BTreeSet<&str> = infos.iter().map(|i| i.id).collect();
    assert_eq!(ids.len(), infos.len(), "duplicate async ids: {infos:#?}");
    let lock: toml::Table = read("Cargo.lock")
        .parse()
        .expect("Cargo.lock is valid TOML");
    let packages = lock["package"].as_array().expect("[[package]] entries");
    for info in &infos {
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
    // A library with both halves shares its id, so sync and async meet on the same job.
    for shared in ["flume", "kanal"] {
        assert!(ids.contains(shared) && chanbench_registry::find(shared).is_some());
    }
}

#[test]
fn readme_async_table_matches_registry() {
    let rows = readme_rows("\n### ", "Async implementations");
    let infos = async_implementations();
    assert_eq!(
        rows.iter()
            .map(|row| row[0].trim_matches('`'))
            .collect::<Vec<_>>(),
        infos.iter().map(|info| info.id).collect::<Vec<_>>(),
        "README's async table must list exactly the registered async ids, in registry order"
    );
    for (row, info) in rows.iter().zip(&infos) {
        assert!(
            row[1].contains(info.library.name) && row[1].contains(info.library.version),
            "README async row {}: {:?}",
            info.id,
            row[1]
        );
        let c = info.capabilities;
        let caps: Vec<&str> = [
            c.bounded,
            c.zero_capacity,
            c.unbounded,
            c.multi_consumer,
            c.bridge,
        ]
        .iter()
        .map(|present| if *present { "yes" } else { "no" })
        .collect();
        assert_eq!(
            &row[2..7],
            caps.as_slice(),
            "README async row {}: capability columns (bounded, zero capacity, unbounded, \
             multi-consumer, bridge) differ from the traits it implements",
            info.id
        );
        assert_default_run(row, info.id, info.on_request);
    }
}

/// A shape's crates (those whose `src/lib.rs` has `marker`) are exactly its registered list's,
/// each reports the version Cargo.lock has, and README's table under `heading` lists them in
/// order with their library and whether the default run measures them.
fn shape_is_registered_locked_and_in_the_readme(
    marker: &str,
    infos: &[chanbench_registry::ShapeInfo],
    heading: &str,
) {
    let crates: BTreeSet<String> = crates_implementing(marker)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let registered: BTreeSet<String> = infos
        .iter()
        .map(|info| info.type_name.split("::").next().unwrap().to_owned())
        .collect();
    assert!(
        crates.len() >= 2,
        "expected two {heading} or more, found {crates:?}"
    );
    assert_eq!(
        crates, registered,
        "the crates with `{marker}` and the registry's list differ"
    );
    let lock: toml::Table = read("Cargo.lock")
        .parse()
        .expect("Cargo.lock is valid TOML");
    let packages = lock["package"].as_array().expect("[[package]] entries");
    for info in infos {
        let locked: Vec<&str> = packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(info.library.name))
            .filter_map(|p| p["version"].as_str())
            .collect();
        assert_eq!(locked, [info.library.version], "{}", info.id);
    }
    let rows = readme_rows("\n### ", heading);
    assert_eq!(
        rows.iter()
            .map(|row| row[0].trim_matches('`'))
            .collect::<Vec<_>>(),
        infos.iter().map(|info| info.id).collect::<Vec<_>>(),
        "README's {heading} table must list exactly the registered ones, in registry order"
    );
    for (row, info) in rows.iter().zip(infos) {
        assert!(
            row[1].contains(info.library.name) && row[1].contains(info.library.version),
            "README {heading} row {}: {:?}",
            info.id,
            row[1]
        );
        assert_default_run(row, info.id, info.on_request);
    }
}

#[test]
fn every_ring_crate_is_registered_with_its_locked_version_and_in_the_readme() {
    shape_is_registered_locked_and_in_the_readme(
        "impl Ring for",
        &chanbench_registry::rings(),
        "SPSC rings",
    );
}

#[test]
fn every_broadcast_is_registered_with_its_locked_version_and_in_the_readme() {
    shape_is_registered_locked_and_in_the_readme(
        "impl Broadcast for",
        &chanbench_registry::broadcasts(),
        "Broadcast",
    );
}

#[test]
fn every_oneshot_is_registered_with_its_locked_version_and_in_the_readme() {
    shape_is_registered_locked_and_in_the_readme(
        "impl Oneshot for",
        &chanbench_registry::oneshots(),
        "Oneshots",
    );
}
