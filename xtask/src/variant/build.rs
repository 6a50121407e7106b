//! Building a generated workspace's runner, and checking its variant builds with the
//! conformance suite before anything is measured.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::Record;

use super::{
    Source, Variant,
    workspace::{self, ArmBuild, Runner},
};
use crate::environment::LibraryVersion;

/// Builds the runner in release (the project's bench profile: optimized, line tables); returns
/// the executable and cargo's profile of it.
pub fn build_runner(
    ws: &Path,
    target: &Path,
    package: &str,
) -> Result<(PathBuf, serde_json::Value)> {
    eprintln!(
        "building the variants (cargo build --release in {}) ...",
        ws.display()
    );
    crate::cargo::executable(
        Command::new(crate::cargo::cargo())
            .args(["build", "--release", "-p", package])
            .env("CARGO_TARGET_DIR", target),
        ws,
        package,
    )
    .with_context(|| {
        format!(
            "building the variants; the generated workspace is {}",
            ws.display()
        )
    })
}

/// Runs the conformance suite on every arm but the registered build; refuses the comparison,
/// naming the failing checks, if one fails.
pub fn conformance(exe: &Path) -> Result<()> {
    eprintln!("conformance suite on the variant builds ...");
    let out = Command::new(exe)
        .arg("--conformance")
        .stderr(Stdio::inherit())
        .output()
        .context("running the conformance checks")?;
    if !out.status.success() {
        bail!("the conformance run failed ({})", out.status);
    }
    let mut refused = Vec::new();
    for (n, line) in String::from_utf8_lossy(&out.stdout).lines().enumerate() {
        let what = format!("the conformance run's line {}", n + 1);
        let Record::Conformance(c) = Record::parse(line, &what)? else {
            bail!("{what}: not a conformance record");
        };
        if c.failures.is_empty() {
            eprintln!("  {}: {} checks passed", c.arm, c.checks);
        } else {
            let names: Vec<String> = c
                .failures
                .iter()
                .map(|(check, message)| format!("{check} ({message})"))
                .collect();
            refused.push(format!(
                "{} fails {} of {} conformance checks: {}",
                c.arm,
                c.failures.len(),
                c.checks,
                names.join("; ")
            ));
        }
    }
    if !refused.is_empty() {
        bail!("refused: {}", refused.join(". "));
    }
    Ok(())
}

/// `cargo xtask bench --variant`'s variants from their specs, checked before anything is built:
/// each names another source of a registered implementation's library (the registered build is
/// in the matrix already), and no two the same.
pub fn bench_variants(specs: &[String], root: &Path) -> Result<Vec<Variant>> {
    let mut variants: Vec<Variant> = Vec::new();
    for spec in specs {
        let v = Variant::parse(spec, root)?;
        if v.source == Source::Registered {
            bail!(
                "--variant {spec}: {} is the registered build, in the matrix already; a variant \
                 names another source, such as {}@VERSION or {}=path:DIR",
                v.info.id,
                v.info.id,
                v.info.id
            );
        }
        if variants.iter().any(|w| w.name() == v.name()) {
            bail!("--variant {spec}: {} is listed twice", v.name());
        }
        variants.push(v);
    }
    Ok(variants)
}

/// The benchmark with `variants` added to its matrix, each under its own id
/// (`crossbeam@0.5.6`): their sources fetched, the workspace generated and built under
/// `target/chanbench/bench-variants/`, every variant checked with the conformance suite.
/// Returns the executable, the profile cargo built it with, and each variant's library row for
/// the environment.
pub fn bench_with_variants(
    root: &Path,
    variants: &[Variant],
) -> Result<(PathBuf, serde_json::Value, Vec<LibraryVersion>)> {
    let scratch = root.join("target/chanbench/bench-variants");
    fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let arms = variants
        .iter()
        .map(|v| {
            Ok(ArmBuild {
                name: v.name(),
                variant: v.clone(),
                source: super::resolve(v, &scratch)?,
                knob: false,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ws = scratch.join("ws");
    let package = workspace::generate(root, &ws, &arms, Runner::Bench)?;
    let (exe, profile) = build_runner(&ws, &scratch.join("target"), package)?;
    conformance(&exe)?;
    let libraries = arms
        .iter()
        .map(|a| LibraryVersion {
            implementation: a.name.clone(),
            library: a.variant.info.library.name.to_owned(),
            version: a.variant.library_version(a.source.as_deref()),
        })
        .collect();
    Ok((exe, profile, libraries))
}
