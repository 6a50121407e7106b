//! The generated workspace of a comparison (under `target/chanbench/ab/ws/`) or of a benchmark
//! run with variants (`target/chanbench/bench-variants/ws/`): one crate per arm that compiles
//! the registered adapter's source unchanged (`[lib] path` into `crates/`) against that arm's
//! copy of the library, and a runner. The paired runner's `main` registers every arm's cells
//! and calls `chanbench_workloads::paired::main`; the benchmark's calls `benches::runner::main`
//! with every variant's cells added to the matrix, each under its own id
//! (`chanbench_workloads::variant::Renamed`).
//!
//! Cargo keeps one package per (name, version, source), and two path packages of the same name
//! and version collide in the lockfile; every arm's library is therefore a copy under `sources/`
//! whose version carries the arm as build metadata (`0.5.17+arm1`), so a second compiled copy of
//! the very same library (the A/A control) is a package of its own.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};

use super::{Variant, templates};
use crate::template;

/// One arm as built.
pub struct ArmBuild {
    /// Its name in the comparison.
    pub name: String,
    /// The variant it builds.
    pub variant: Variant,
    /// Its library's source (`None`: the registered build).
    pub source: Option<PathBuf>,
    /// The knob's arm: the first arm's type wrapped in `Heavier`.
    pub knob: bool,
}

/// What the generated workspace's runner runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// The paired runner of `ab` and `versions`: the arms interleaved, A first.
    Paired,
    /// The benchmark matrix with every arm (each a variant) added under its own id.
    Bench,
}

/// What the runner is made of, gathered arm by arm.
#[derive(Default)]
struct Parts {
    /// The workspace's members, quoted.
    members: Vec<String>,
    /// The runner's dependency lines.
    dependencies: Vec<String>,
    /// The paired runner's arms (`ab_arm.rs.in`, filled).
    arms: Vec<String>,
    /// The benchmark's variant names (`bench_variant.rs.in`, filled).
    variants: Vec<String>,
    /// The benchmark's variant cells.
    cells: Vec<String>,
    /// The benchmark's conformance checks, one per variant.
    checks: Vec<String>,
}

/// A path as a manifest or a source file spells it.
fn spelled(p: &Path) -> String {
    p.display().to_string().replace('\\', "/")
}

/// Writes the workspace for `arms` (for [`Runner::Paired`] the first is A) into `ws` and
/// returns the runner's package.
pub fn generate(root: &Path, ws: &Path, arms: &[ArmBuild], runner: Runner) -> Result<&'static str> {
    let sources = ws.join("sources");
    let _ = fs::remove_dir_all(&sources);
    fs::create_dir_all(&sources).with_context(|| format!("creating {}", sources.display()))?;
    let lock = ws.join("Cargo.lock");
    if !lock.exists() {
        // Start from the project's lock: the same versions of everything shared.
        fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
        .context("reading Cargo.toml")?
        .parse()
        .context("parsing Cargo.toml")?;
    let mut parts = Parts {
        members: vec!["\"runner\"".to_owned()],
        dependencies: vec![
            format!(
                "chanbench-core = {{ path = \"{}\", features = [\"conformance\"] }}",
                spelled(&root.join("crates/chanbench-core"))
            ),
            format!(
                "chanbench-workloads = {{ path = \"{}\" }}",
                spelled(&root.join("crates/chanbench-workloads"))
            ),
        ],
        ..Parts::default()
    };
    for (k, arm) in arms.iter().enumerate() {
        let ty = arm_crate(root, ws, &manifest, arms, k, &mut parts)?;
        add_arm(arm, k, ty, runner, &mut parts)?;
    }
    fs::write(
        ws.join("Cargo.toml"),
        template::fill(
            templates::WORKSPACE,
            &[("\"MEMBERS\"", &parts.members.join(", "))],
        )?,
    )?;
    write_runner(root, &ws.join("runner"), runner, parts)
}

/// Gives arm `k` a crate of its own where it has a library source of its own (its manifest
/// written, its dependency added to the runner's), and returns its implementation's type.
fn arm_crate(
    root: &Path,
    ws: &Path,
    manifest: &toml::Table,
    arms: &[ArmBuild],
    k: usize,
    parts: &mut Parts,
) -> Result<String> {
    let arm = &arms[k];
    let info = &arm.variant.info;
    let adapter_dir = root.join("crates").join(format!("chanbench-{}", info.id));
    let adapter_crate = format!("chanbench_{}", info.id.replace('-', "_"));
    let type_suffix = info
        .type_name
        .split_once("::")
        .map(|(_, t)| t.to_owned())
        .with_context(|| format!("{}: type path {}", info.id, info.type_name))?;
    let (dependency, ty) = match &arm.source {
        _ if arm.knob => {
            let base = arm_type(&arms[0], 0, &type_suffix, &adapter_crate);
            (None, format!("chanbench_workloads::knob::Heavier<{base}>"))
        }
        None => (
            Some(format!(
                "chanbench-{} = {{ path = \"{}\" }}",
                info.id,
                spelled(&adapter_dir)
            )),
            format!("{adapter_crate}::{type_suffix}"),
        ),
        Some(source) => {
            let library = info.library.name;
            // A copy of a std adapter is the adapter compiled again, over the same std.
            let library_line = if library == "std" {
                String::new()
            } else {
                let copy = ws.join("sources").join(format!("arm{k}-{library}"));
                copy_crate(source, &copy, &format!("arm{k}"))?;
                format!("{library} = {}", dependency_spec(manifest, library, &copy)?)
            };
            let dir = ws.join(format!("arm-{k}"));
            fs::create_dir_all(&dir)?;
            let arm_manifest = template::fill(
                templates::ARM,
                &[
                    ("ARM", &k.to_string()),
                    ("ADAPTER_SOURCE", &spelled(&adapter_dir.join("src/lib.rs"))),
                    ("CORE", &spelled(&root.join("crates/chanbench-core"))),
                    ("# LIBRARY", &library_line),
                ],
            )?;
            fs::write(dir.join("Cargo.toml"), arm_manifest)?;
            parts.members.push(format!("\"arm-{k}\""));
            (
                Some(format!("chanbench-arm-{k} = {{ path = \"../arm-{k}\" }}")),
                arm_type(arm, k, &type_suffix, &adapter_crate),
            )
        }
    };
    if let Some(line) = dependency
        && !parts.dependencies.contains(&line)
    {
        parts.dependencies.push(line);
    }
    Ok(ty)
}

/// Adds arm `k` (of type `ty`) to the runner: an arm of the paired runner, or a variant of the
/// benchmark under its own id; every arm but the registered build with its conformance checks.
fn add_arm(arm: &ArmBuild, k: usize, ty: String, runner: Runner, parts: &mut Parts) -> Result<()> {
    let info = &arm.variant.info;
    // In the benchmark every arm is a variant, under its own id.
    let ty = match runner {
        Runner::Paired => ty,
        Runner::Bench => {
            let library = info.library.name;
            let version = arm.variant.library_version(arm.source.as_deref());
            let full = if info.name == library {
                format!("{library} {version}")
            } else {
                format!("{} ({library} {version})", info.name)
            };
            parts.variants.push(template::fill(
                templates::BENCH_VARIANT,
                &[
                    ("VARIANT_DOC", &arm.name),
                    ("VariantK", &format!("Variant{k}")),
                    ("VARIANT_ID", &format!("{:?}", arm.name)),
                    ("VARIANT_NAME", &format!("{full:?}")),
                    ("VARIANT_LIBRARY", &format!("{library:?}")),
                    ("VARIANT_VERSION", &format!("{version:?}")),
                ],
            )?);
            format!("Renamed<{ty}, Variant{k}>")
        }
    };
    let checks = conformance_checks(arm, &ty, runner);
    match runner {
        Runner::Bench => {
            parts
                .cells
                .push(format!("register_impl!(&mut *matrix, {ty});"));
            parts.checks.push(format!(
                "({:?}.to_owned(), {}),",
                arm.name,
                checks.context("a variant has a source of its own, so it is checked")?
            ));
        }
        Runner::Paired => {
            let checks = checks.map_or("None".to_owned(), |c| format!("Some({c})"));
            let expr = template::fill(
                templates::AB_ARM,
                &[
                    ("ARM_NAME", &format!("{:?}", arm.name)),
                    ("ARM_KNOB", &arm.knob.to_string()),
                    ("ARM_CHECKS", &checks),
                    ("ArmType", &ty),
                ],
            )?;
            parts.arms.push(format!("{},", expr.trim_end()));
        }
    }
    Ok(())
}

/// The conformance checks of an arm that is not the registered build (`cargo test` checks that
/// one), as an expression; `None` for the registered build.
fn conformance_checks(arm: &ArmBuild, ty: &str, runner: Runner) -> Option<String> {
    if arm.source.is_none() && !arm.knob {
        return None;
    }
    let caps = arm.variant.info.capabilities;
    let flavors: Vec<&str> = [("bounded", caps.bounded), ("unbounded", caps.unbounded)]
        .into_iter()
        .filter(|(_, has)| *has)
        .map(|(n, _)| n)
        .collect();
    // The knob's wrapper and a variant's have no native select.
    let extras: Vec<&str> = [
        ("rendezvous", caps.rendezvous),
        ("multi_consumer", caps.multi_consumer),
        (
            "select",
            caps.select && !arm.knob && runner == Runner::Paired,
        ),
        ("returns_unsent", caps.returns_unsent),
    ]
    .into_iter()
    .filter(|(_, has)| *has)
    .map(|(n, _)| n)
    .collect();
    Some(format!(
        "Box::new(|| chanbench_core::conformance_checks!({ty}, flavors: [{}], extras: [{}]))",
        flavors.join(", "),
        extras.join(", ")
    ))
}

/// Writes the runner's manifest and `main.rs` into `dir`; returns its package.
fn write_runner(root: &Path, dir: &Path, runner: Runner, mut parts: Parts) -> Result<&'static str> {
    fs::create_dir_all(dir.join("src"))?;
    let (package, main) = match runner {
        Runner::Bench => {
            parts.dependencies.push(format!(
                "benches = {{ path = \"{}\" }}",
                spelled(&root.join("benches"))
            ));
            // `benches::matrix!` stamps the registry's lists in the runner.
            parts.dependencies.push(format!(
                "chanbench-registry = {{ path = \"{}\", features = [\"catalog\"] }}",
                spelled(&root.join("crates/chanbench-registry"))
            ));
            let main = template::fill(
                templates::BENCH_MAIN,
                &[
                    ("// VARIANTS", &parts.variants.join("\n")),
                    ("// CHECKS", &parts.checks.join("\n")),
                    ("// CELLS", &parts.cells.join("\n")),
                ],
            )?;
            ("chanbench-bench-runner", main)
        }
        Runner::Paired => (
            "chanbench-ab-runner",
            template::fill(templates::AB_MAIN, &[("// ARMS", &parts.arms.join("\n"))])?,
        ),
    };
    let manifest = template::fill(
        templates::RUNNER,
        &[
            ("PACKAGE", package),
            ("# DEPENDENCIES", &parts.dependencies.join("\n")),
        ],
    )?;
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::write(dir.join("src/main.rs"), main)?;
    Ok(package)
}

/// The Rust type of arm `k`'s implementation.
fn arm_type(arm: &ArmBuild, k: usize, type_suffix: &str, adapter_crate: &str) -> String {
    match arm.source {
        None => format!("{adapter_crate}::{type_suffix}"),
        Some(_) => format!("chanbench_arm_{k}::{type_suffix}"),
    }
}

/// The library's dependency as the project declares it (features, default features), pointed
/// at `dir`.
fn dependency_spec(manifest: &toml::Table, library: &str, dir: &Path) -> Result<String> {
    let declared = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.get(library))
        .with_context(|| format!("Cargo.toml declares no workspace dependency {library}"))?;
    let mut spec = toml::Table::new();
    spec.insert("path".into(), dir.display().to_string().into());
    if let Some(table) = declared.as_table() {
        for key in ["default-features", "features"] {
            if let Some(v) = table.get(key) {
                spec.insert(key.into(), v.clone());
            }
        }
    }
    let fields: Vec<String> = spec.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    Ok(format!("{{ {} }}", fields.join(", ")))
}

/// Copies the crate in `from` to `to` (without `target/` or `.git/`) and marks its version with
/// build metadata `tag`, so it is a package of its own.
fn copy_crate(from: &Path, to: &Path, tag: &str) -> Result<()> {
    copy_tree(from, to)?;
    let manifest = to.join("Cargo.toml");
    let mut table: toml::Table = fs::read_to_string(&manifest)?
        .parse()
        .with_context(|| format!("parsing {}", manifest.display()))?;
    let package = table
        .get_mut("package")
        .and_then(|p| p.as_table_mut())
        .with_context(|| format!("{} has no [package]", manifest.display()))?;
    let Some(version) = package.get("version").and_then(|v| v.as_str()) else {
        bail!(
            "{}: its version is inherited from a workspace; point the variant at a crate with a \
             version of its own",
            from.display()
        );
    };
    let version = format!("{}+{tag}", version.split('+').next().unwrap_or(version));
    package.insert("version".into(), version.into());
    // A copy is no member of the workspace it came from.
    table.remove("workspace");
    fs::write(&manifest, toml::to_string(&table)?)?;
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst)
                .with_context(|| format!("copying {} to {}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}
