//! The standalone calibration program (`standalone/`): `cargo xtask validate`'s reference that
//! shares nothing with the harness. It is its own workspace with its own lock file, built the way
//! a user builds a program (`cargo build --release`, cargo's default release profile), and before
//! it is built its dependency graph is read (`cargo metadata`) and refused if it holds any
//! chanbench package, any other local crate, or a global allocator.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The program's manifest, from the project root.
pub const MANIFEST: &str = "standalone/Cargo.toml";
/// Its executable's name.
const PROGRAM: &str = "standalone-calibration";

/// Checks the program's graph, builds it in release and returns its executable with cargo's
/// profile for it.
pub fn build(root: &Path) -> Result<(PathBuf, serde_json::Value)> {
    let manifest = root.join(MANIFEST);
    check_graph(&manifest, true)?;
    eprintln!(
        "building the standalone calibration program (cargo build --release, its own lock file) ..."
    );
    crate::cargo::executable(
        Command::new(crate::cargo::cargo())
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(root.join("target/standalone")),
        root,
        PROGRAM,
    )
    .context("building the standalone calibration program")
}

/// The part of `cargo metadata`'s output read here (cargo's format, not ours).
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Package {
    id: String,
    name: String,
    version: String,
    /// `None` for a local (path) crate.
    source: Option<String>,
    targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    kind: Vec<String>,
    src_path: PathBuf,
}

/// What is wrong with a graph: each entry names a package and why.
fn faults(metadata: &Metadata) -> Result<Vec<String>> {
    let mut faults = Vec::new();
    for package in &metadata.packages {
        let root = metadata.workspace_members.contains(&package.id);
        if package.name.starts_with("chanbench") {
            faults.push(format!(
                "{} {} is a chanbench package",
                package.name, package.version
            ));
        } else if package.source.is_none() && !root {
            faults.push(format!(
                "{} {} is a local crate, not a published library",
                package.name, package.version
            ));
        }
        // Only the code that can be linked in: libraries and the program itself.
        for target in &package.targets {
            let linked = target
                .kind
                .iter()
                .any(|k| matches!(k.as_str(), "lib" | "rlib" | "bin"));
            if !linked {
                continue;
            }
            let dir = target.src_path.parent().unwrap_or(Path::new("."));
            if let Some(file) = declares_global_allocator(dir)? {
                faults.push(format!(
                    "{} {} declares a global allocator ({})",
                    package.name,
                    package.version,
                    file.display()
                ));
            }
        }
    }
    faults.sort();
    faults.dedup();
    Ok(faults)
}

/// The first Rust file under `dir` that declares `#[global_allocator]`.
fn declares_global_allocator(dir: &Path) -> Result<Option<PathBuf>> {
    let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            if let Some(found) = declares_global_allocator(&path)? {
                return Ok(Some(found));
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && fs::read_to_string(&path).is_ok_and(|text| {
                // An attribute on an item, not one in a doc comment's example.
                text.lines()
                    .any(|l| l.trim_start().starts_with("#[global_allocator]"))
            })
        {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Reads the dependency graph of `manifest` for this host (`--locked`: as its lock file has it)
/// and fails naming every chanbench package, local crate or global allocator in it.
pub fn check_graph(manifest: &Path, locked: bool) -> Result<()> {
    let host = host_triple(manifest.parent().unwrap_or(Path::new(".")))?;
    let mut cmd = Command::new(crate::cargo::cargo());
    cmd.args(["metadata", "--format-version", "1", "--filter-platform"])
        .arg(&host)
        .arg("--manifest-path")
        .arg(manifest);
    if locked {
        cmd.arg("--locked");
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed on {} ({})",
            manifest.display(),
            out.status
        );
    }
    let metadata: Metadata = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("reading cargo metadata of {}", manifest.display()))?;
    let faults = faults(&metadata)?;
    if !faults.is_empty() {
        bail!(
            "{} must share nothing with the harness it calibrates, but: {}",
            manifest.display(),
            faults.join("; ")
        );
    }
    Ok(())
}

/// This host's target triple, as rustc states it.
fn host_triple(dir: &Path) -> Result<String> {
    crate::environment::command("rustc", &["-vV"], dir)
        .context("running `rustc -vV`")?
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV named no host")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_owned()
    }

    /// A throwaway crate under the system's temporary folder.
    fn fixture(name: &str, manifest_extra: &str, main: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "chanbench-standalone-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
                 [workspace]\n\n[dependencies]\n{manifest_extra}"
            ),
        )
        .unwrap();
        fs::write(dir.join("src/main.rs"), main).unwrap();
        dir
    }

    #[test]
    fn the_standalone_program_shares_nothing_with_the_harness() {
        check_graph(&project_root().join(MANIFEST), true).unwrap();
    }

    #[test]
    fn a_graph_with_a_chanbench_package_or_a_global_allocator_is_refused() {
        let allocator = fixture(
            "with-allocator",
            "",
            "#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;\nfn main() {}\n",
        );
        let err = check_graph(&allocator.join("Cargo.toml"), false).unwrap_err();
        assert!(
            format!("{err:#}").contains("with-allocator 0.1.0 declares a global allocator"),
            "{err:#}"
        );

        // A chanbench crate (here a stand-in of that name) as a path dependency.
        let harness = fixture("chanbench-harness", "", "fn main() {}\n");
        fs::write(harness.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        let user = fixture(
            "uses-harness",
            &format!("chanbench-harness = {{ path = {:?} }}\n", harness),
            "fn main() { chanbench_harness::f() }\n",
        );
        let err = check_graph(&user.join("Cargo.toml"), false).unwrap_err();
        let err = format!("{err:#}");
        assert!(
            err.contains("chanbench-harness 0.1.0 is a chanbench package"),
            "{err}"
        );

        // The same graph without either passes: the check refuses what it names, not everything.
        let plain = fixture("plain-program", "", "fn main() {}\n");
        check_graph(&plain.join("Cargo.toml"), false).unwrap();
    }

    #[test]
    fn the_standalone_program_pins_the_versions_the_matrix_measures() {
        #[derive(Deserialize)]
        struct Lock {
            package: Vec<Locked>,
        }
        #[derive(Deserialize)]
        struct Locked {
            name: String,
            version: String,
        }
        let text = fs::read_to_string(project_root().join("standalone/Cargo.lock")).unwrap();
        let lock: Lock = toml::from_str(&text).unwrap();
        let libraries: Vec<_> = chanbench_registry::implementations()
            .into_iter()
            .map(|i| i.library)
            .chain(
                chanbench_registry::async_implementations()
                    .into_iter()
                    .map(|i| i.library),
            )
            .filter(|l| l.name != "std")
            .collect();
        let mut checked = 0;
        for library in libraries {
            let versions: Vec<&str> = lock
                .package
                .iter()
                .filter(|p| p.name == library.name)
                .map(|p| p.version.as_str())
                .collect();
            assert_eq!(
                versions,
                [library.version],
                "standalone/Cargo.lock: {}",
                library.name
            );
            checked += 1;
        }
        assert!(checked >= 6, "only {checked} libraries checked");
    }
}
