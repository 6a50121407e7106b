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

use super::Variant;

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
    let path = |p: &Path| p.display().to_string().replace('\\', "/");
    let core = path(&root.join("crates/chanbench-core"));
    let mut members = vec!["\"runner\"".to_owned()];
    let mut runner_deps = vec![
        format!("chanbench-core = {{ path = \"{core}\", features = [\"conformance\"] }}"),
        format!(
            "chanbench-workloads = {{ path = \"{}\" }}",
            path(&root.join("crates/chanbench-workloads"))
        ),
    ];
    let mut arm_exprs = Vec::new();
    let mut variant_items = Vec::new();
    let mut variant_cells = Vec::new();
    let mut variant_checks = Vec::new();
    let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
        .context("reading Cargo.toml")?
        .parse()
        .context("parsing Cargo.toml")?;
    for (k, arm) in arms.iter().enumerate() {
        let info = &arm.variant.info;
        let adapter_dir = root.join("crates").join(format!("chanbench-{}", info.id));
        let adapter_crate = format!("chanbench_{}", info.id.replace('-', "_"));
        let type_suffix = info
            .type_name
            .split_once("::")
            .map(|(_, t)| t.to_owned())
            .with_context(|| format!("{}: type path {}", info.id, info.type_name))?;
        let (crate_name, ty) = match &arm.source {
            _ if arm.knob => {
                let base = arm_type(&arms[0], 0, &type_suffix, &adapter_crate);
                (None, format!("chanbench_workloads::knob::Heavier<{base}>"))
            }
            None => (
                Some((
                    format!("chanbench-{}", info.id),
                    format!("{{ path = \"{}\" }}", path(&adapter_dir)),
                )),
                format!("{adapter_crate}::{type_suffix}"),
            ),
            Some(source) => {
                let library = info.library.name;
                // A copy of a std adapter is the adapter compiled again, over the same std.
                let dependency = if library == "std" {
                    String::new()
                } else {
                    let copy = sources.join(format!("arm{k}-{library}"));
                    copy_crate(source, &copy, &format!("arm{k}"))?;
                    format!(
                        "{library} = {}\n",
                        dependency_spec(&manifest, library, &copy)?
                    )
                };
                let dir = ws.join(format!("arm-{k}"));
                fs::create_dir_all(&dir)?;
                fs::write(
                    dir.join("Cargo.toml"),
                    format!(
                        "[package]\nname = \"chanbench-arm-{k}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                         # The registered adapter's source, unchanged.\n[lib]\npath = \"{}\"\n\n\
                         [dependencies]\nchanbench-core = {{ path = \"{core}\" }}\n{dependency}",
                        path(&adapter_dir.join("src/lib.rs"))
                    ),
                )?;
                members.push(format!("\"arm-{k}\""));
                (
                    Some((
                        format!("chanbench-arm-{k}"),
                        format!("{{ path = \"../arm-{k}\" }}"),
                    )),
                    arm_type(arm, k, &type_suffix, &adapter_crate),
                )
            }
        };
        if let Some((name, spec)) = crate_name {
            let line = format!("{name} = {spec}");
            if !runner_deps.contains(&line) {
                runner_deps.push(line);
            }
        }
        // In the benchmark every arm is a variant, under its own id.
        let ty = match runner {
            Runner::Paired => ty,
            Runner::Bench => {
                let library = info.library.name;
                let version = arm.variant.library_version(arm.source.as_deref());
                variant_items.push(format!(
                    "/// {name}\nstruct Variant{k};\n\nimpl VariantName for Variant{k} {{\n    const ID: &'static str = {name:?};\n    const NAME: &'static str = {full:?};\n    const LIBRARY: chanbench_core::Library = chanbench_core::Library {{ name: {library:?}, version: {version:?} }};\n}}\n",
                    name = arm.name,
                    full = if info.name == library {
                        format!("{library} {version}")
                    } else {
                        format!("{} ({library} {version})", info.name)
                    },
                ));
                format!("Renamed<{ty}, Variant{k}>")
            }
        };
        // The registered build is checked by `cargo test`; every other arm here, first.
        let checks = if arm.source.is_some() || arm.knob {
            let caps = info.capabilities;
            let flavors: Vec<&str> = [("bounded", caps.bounded), ("unbounded", caps.unbounded)]
                .into_iter()
                .filter(|(_, has)| *has)
                .map(|(n, _)| n)
                .collect();
            // The knob's wrapper and a variant's have no native select.
            let extras: Vec<&str> = [
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
        } else {
            None
        };
        if runner == Runner::Bench {
            variant_cells.push(format!("        register_impl!(&mut *matrix, {ty});"));
            variant_checks.push(format!(
                "            ({:?}.to_owned(), {}),",
                arm.name,
                checks.context("a variant has a source of its own, so it is checked")?
            ));
            continue;
        }
        let checks = match checks {
            Some(c) => format!("Some({c})"),
            None => "None".to_owned(),
        };
        arm_exprs.push(format!(
            "        Arm {{\n            name: {:?}.to_owned(),\n            knob: {},\n            checks: {checks},\n            matrix: {{\n                let mut m = Matrix::new(shape, false);\n                register_impl!(&mut m, {ty});\n                m\n            }},\n        }},",
            arm.name, arm.knob
        ));
    }
    fs::write(
        ws.join("Cargo.toml"),
        format!(
            "# Generated by `cargo xtask ab`; rewritten on every run.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\nexclude = [\"sources\"]\n\n\
             [profile.release]\ndebug = 1\n",
            members.join(", ")
        ),
    )?;
    let runner_dir = ws.join("runner");
    fs::create_dir_all(runner_dir.join("src"))?;
    if runner == Runner::Bench {
        runner_deps.push(format!(
            "benches = {{ path = \"{}\" }}",
            path(&root.join("benches"))
        ));
        fs::write(
            runner_dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"chanbench-bench-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n",
                runner_deps.join("\n")
            ),
        )?;
        fs::write(
            runner_dir.join("src/main.rs"),
            format!(
                "//! Generated by `cargo xtask bench --variant`: the benchmark matrix and every variant's cells.\n\n\
                 #[allow(unused_imports)]\nuse chanbench_workloads::{{matrix::Matrix, register_impl, variant::{{Renamed, VariantName}}}};\n\n\
                 #[global_allocator]\nstatic ALLOC: chanbench_workloads::alloc::CountingAlloc = chanbench_workloads::alloc::CountingAlloc;\n\n\
                 {}\n\
                 fn main() {{\n    if std::env::args().any(|a| a == \"--conformance\") {{\n        \
                 chanbench_workloads::paired::conformance_main(vec![\n{}\n        ]);\n        return;\n    }}\n    \
                 benches::runner::main(|matrix: &mut Matrix| {{\n{}\n    }});\n}}\n",
                variant_items.join("\n"),
                variant_checks.join("\n"),
                variant_cells.join("\n")
            ),
        )?;
        return Ok("chanbench-bench-runner");
    }
    fs::write(
        runner_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"chanbench-ab-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}\n",
            runner_deps.join("\n")
        ),
    )?;
    fs::write(
        runner_dir.join("src/main.rs"),
        format!(
            "//! Generated by `cargo xtask ab`: the arms of one comparison, in order.\n\n\
             #[allow(unused_imports)]\nuse chanbench_workloads::{{matrix::Matrix, paired::{{self, Arm}}, register_impl}};\n\n\
             #[global_allocator]\nstatic ALLOC: chanbench_workloads::alloc::CountingAlloc = chanbench_workloads::alloc::CountingAlloc;\n\n\
             fn main() {{\n    paired::main(|shape| vec![\n{}\n    ]);\n}}\n",
            arm_exprs.join("\n")
        ),
    )?;
    Ok("chanbench-ab-runner")
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
