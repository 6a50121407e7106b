//! Variants of a registered implementation: the same adapter source compiled against another
//! source of its library. `crossbeam` (the registered build), `crossbeam@0.5.6` or
//! `crossbeam-channel@0.5.6` (another published version), `kanal=path:../kanal` (a local
//! checkout, a vendored git revision), `crossbeam=git:../crossbeam@REV` (a revision of a local
//! git repository, packaged as cargo would publish it). Everything here fails before anything is
//! built: an unknown implementation, a library that is not a crate (std), a version crates.io
//! does not have, a path or revision that does not hold the library's crate.

pub mod build;
mod templates;
pub mod workspace;

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};
use chanbench_registry::ImplInfo;
use serde::Deserialize;

/// Where a variant's library comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The registered build: the adapter crate of this workspace, its library as pinned.
    Registered,
    /// A published version, extracted from the package cargo downloads.
    Version(String),
    /// A directory holding the library's crate.
    Path(PathBuf),
    /// A revision of a local git repository holding the library's crate (anywhere in it).
    Revision {
        /// The repository.
        repo: PathBuf,
        /// The revision, as given (a commit, tag or branch).
        rev: String,
    },
}

/// One side of a comparison.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The registered implementation it builds.
    pub info: ImplInfo,
    /// Where its library comes from.
    pub source: Source,
}

impl Variant {
    /// Parses `crossbeam`, `crossbeam@0.5.6`, `crossbeam-channel@0.5.6`, `kanal=path:../kanal`,
    /// `crossbeam=git:../crossbeam@REV` (paths relative to `root`).
    pub fn parse(spec: &str, root: &Path) -> Result<Variant> {
        let (name, source) = if let Some((name, repo_rev)) = spec.split_once("=git:") {
            let Some((repo, rev)) = repo_rev.rsplit_once('@').filter(|(r, v)| {
                !r.is_empty()
                    && !v.is_empty()
                    && !v.starts_with('-')
                    && !v.contains(char::is_whitespace)
            }) else {
                bail!(
                    "{spec:?}: expected a repository and a revision, such as crossbeam=git:../crossbeam@a1b2c3d"
                );
            };
            (
                name,
                Source::Revision {
                    repo: root.join(repo),
                    rev: rev.to_owned(),
                },
            )
        } else if let Some((name, path)) = spec.split_once("=path:") {
            (name, Source::Path(root.join(path)))
        } else if let Some((name, version)) = spec.split_once('@') {
            if version.is_empty()
                || !version
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
            {
                bail!("{spec:?}: expected a version after `@`, such as crossbeam@0.5.6");
            }
            (name, Source::Version(version.to_owned()))
        } else {
            (spec, Source::Registered)
        };
        let implementations = chanbench_registry::implementations();
        let info = implementations
            .iter()
            .find(|i| i.id == name || i.library.name == name)
            .cloned()
            .with_context(|| {
                let known: Vec<String> = implementations
                    .iter()
                    .map(|i| format!("{} ({})", i.id, i.library.name))
                    .collect();
                format!(
                    "{spec:?}: unknown implementation {name:?}; the registered ones are {}",
                    known.join(", ")
                )
            })?;
        if source != Source::Registered && info.library.name == "std" {
            bail!(
                "{spec:?}: {} is the standard library's; a variant needs a library crate of its own",
                info.id
            );
        }
        Ok(Variant { info, source })
    }

    /// A registered build of `info`'s library at its pinned version from another source: the
    /// second compiled copy of A that the A/A comparison measures.
    pub fn copy_of(info: &ImplInfo) -> Variant {
        Variant {
            info: *info,
            source: Source::Version(info.library.version.to_owned()),
        }
    }

    /// Its name in the comparison: `crossbeam`, `crossbeam@0.5.6`, `kanal@path`.
    pub fn name(&self) -> String {
        match &self.source {
            Source::Registered => self.info.id.to_owned(),
            Source::Version(v) => format!("{}@{v}", self.info.id),
            Source::Path(p) => format!(
                "{}@{}",
                self.info.id,
                p.file_name()
                    .map_or("path".into(), |n| n.to_string_lossy().into_owned())
            ),
            Source::Revision { rev, .. } => format!("{}@{}", self.info.id, short(rev)),
        }
    }

    /// The library's version this variant builds (a path's is read from its manifest).
    pub fn library_version(&self, dir: Option<&Path>) -> String {
        match (&self.source, dir) {
            (Source::Registered, _) => self.info.library.version.to_owned(),
            (Source::Version(v), _) => v.clone(),
            (Source::Path(_), Some(d)) => package_of(d).map_or("?".into(), |(_, v)| v),
            // Revisions between two releases share a version: the revision tells them apart.
            (Source::Revision { rev, .. }, Some(d)) => {
                let version = package_of(d).map_or("?".into(), |(_, v)| v);
                format!("{version} ({})", short(rev))
            }
            (Source::Path(_) | Source::Revision { .. }, None) => "?".into(),
        }
    }
}

/// The `[package]` name and version of the crate in `dir`.
fn package_of(dir: &Path) -> Result<(String, String)> {
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .with_context(|| format!("{} holds no Cargo.toml", dir.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not a valid manifest", manifest.display()))?;
    let package = table
        .get("package")
        .and_then(|p| p.as_table())
        .with_context(|| format!("{} has no [package]", manifest.display()))?;
    let field = |k: &str| package.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    Ok((
        field("name").unwrap_or_default(),
        field("version").unwrap_or_else(|| "?".into()),
    ))
}

/// The library's source directory for `variant`, checked: a path must hold the library's crate,
/// a version is downloaded (yanked versions included, as `cargo update --precise` allows) into
/// cargo's cache and its extracted source used. `None` for the registered build.
pub fn resolve(variant: &Variant, scratch: &Path) -> Result<Option<PathBuf>> {
    let library = variant.info.library.name;
    match &variant.source {
        Source::Registered => Ok(None),
        Source::Path(dir) => {
            let (name, _) = package_of(dir).with_context(|| {
                format!(
                    "{}: a variant's path must hold {library}'s crate",
                    variant.name()
                )
            })?;
            if name != library {
                bail!(
                    "{}: {} holds the crate {name:?}, not {library:?}",
                    variant.name(),
                    dir.display()
                );
            }
            Ok(Some(dir.canonicalize()?))
        }
        Source::Version(version) => fetch(library, version, scratch).map(Some),
        Source::Revision { repo, rev } => checkout(library, repo, rev, scratch).map(Some),
    }
}

/// A revision as names show it: a full commit hash shortened to 12 digits, anything else as is.
fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()) {
        &rev[..12]
    } else {
        rev
    }
}

/// `library`'s crate at revision `rev` of the git repository `repo`, as cargo would publish it:
/// the revision extracted (`git archive`) and the crate packaged (`cargo package`), so what it
/// inherits from its workspace is written into its own manifest, then unpacked. Cached per
/// commit under `scratch`.
fn checkout(library: &str, repo: &Path, rev: &str, scratch: &Path) -> Result<PathBuf> {
    let git = |args: &[&str]| -> Result<Vec<u8>> {
        let out = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .context("running git")?;
        if !out.status.success() {
            bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(out.stdout)
    };
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])
    .ok()
    .map(|o| String::from_utf8_lossy(&o).trim().to_owned())
    .filter(|c| !c.is_empty())
    .with_context(|| format!("{} has no revision {rev:?}", repo.display()))?;
    let dir = scratch.join(format!("git-{library}-{}", short(&commit)));
    let done = dir.join("unpacked");
    if !dir.join("complete").exists() {
        let _ = fs::remove_dir_all(&dir);
        let tree = dir.join("tree");
        fs::create_dir_all(&tree).with_context(|| format!("creating {}", tree.display()))?;
        let archive = git(&["archive", "--format=tar", &commit])
            .with_context(|| format!("extracting {rev} of {}", repo.display()))?;
        let tar = dir.join("tree.tar");
        fs::write(&tar, archive)?;
        run_ok(
            Command::new("tar")
                .arg("-xf")
                .arg(&tar)
                .arg("-C")
                .arg(&tree),
            "tar",
        )?;
        let out = Command::new(crate::cargo::cargo())
            .args([
                "package",
                "--no-verify",
                "--allow-dirty",
                "--quiet",
                "-p",
                library,
            ])
            .arg("--target-dir")
            .arg(dir.join("target"))
            .current_dir(&tree)
            .output()
            .context("running cargo package")?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            bail!(
                "revision {rev} of {} holds no crate {library} cargo can package: {}",
                repo.display(),
                stderr
                    .lines()
                    .find(|l| l.starts_with("error"))
                    .unwrap_or(stderr.trim())
            );
        }
        let packaged = fs::read_dir(dir.join("target/package"))
            .context("cargo package wrote no package")?
            .filter_map(|e| Some(e.ok()?.path()))
            .find(|p| p.extension().is_some_and(|e| e == "crate"))
            .context("cargo package wrote no .crate file")?;
        fs::create_dir_all(&done)?;
        run_ok(
            Command::new("tar")
                .arg("-xzf")
                .arg(&packaged)
                .arg("-C")
                .arg(&done),
            "tar",
        )?;
        fs::write(dir.join("complete"), &commit)?;
    }
    let unpacked = fs::read_dir(&done)
        .with_context(|| format!("reading {}", done.display()))?
        .filter_map(|e| Some(e.ok()?.path()))
        .find(|p| p.join("Cargo.toml").exists())
        .with_context(|| format!("{} holds no crate", done.display()))?;
    Ok(unpacked)
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// The extracted source of `library` `version` from crates.io.
fn fetch(library: &str, version: &str, scratch: &Path) -> Result<PathBuf> {
    let dir = scratch.join(format!("fetch-{library}-{version}"));
    fs::create_dir_all(dir.join("src")).with_context(|| format!("creating {}", dir.display()))?;
    // Any version first (yanked ones cannot be asked for directly), then exactly this one.
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [workspace]\n\n[dependencies]\n{library} = \"*\"\n"
        ),
    )?;
    fs::write(dir.join("src/lib.rs"), "")?;
    let cargo = crate::cargo::cargo();
    let run = |args: &[&str]| -> Result<()> {
        let out = Command::new(&cargo)
            .args(args)
            .current_dir(&dir)
            .output()
            .with_context(|| format!("running cargo {}", args.join(" ")))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let reason = stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("cargo failed")
                .trim_start_matches("error: ");
            bail!("{library} {version}: {reason}");
        }
        Ok(())
    };
    run(&["generate-lockfile", "--quiet"])?;
    run(&["update", "--quiet", "-p", library, "--precise", version])
        .with_context(|| format!("crates.io has no {library} {version}"))?;
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(&dir)
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "{library} {version}: cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    #[derive(Deserialize)]
    struct Metadata {
        packages: Vec<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
        version: String,
        manifest_path: PathBuf,
    }
    let metadata: Metadata =
        serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
    let package = metadata
        .packages
        .into_iter()
        .find(|p| p.name == library && p.version == version)
        .with_context(|| format!("cargo did not download {library} {version}"))?;
    Ok(package
        .manifest_path
        .parent()
        .context("a manifest has a folder")?
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_name_a_registered_implementation_and_a_source() {
        let root = Path::new("/r");
        let v = Variant::parse("crossbeam", root).unwrap();
        assert_eq!(
            (v.info.id, v.source.clone()),
            ("crossbeam", Source::Registered)
        );
        let v = Variant::parse("crossbeam-channel@0.5.6", root).unwrap();
        assert_eq!(v.name(), "crossbeam@0.5.6");
        let v = Variant::parse("kanal=path:../kanal", root).unwrap();
        assert_eq!(v.source, Source::Path(PathBuf::from("/r/../kanal")));
        let err = format!("{:#}", Variant::parse("tokio@1.0", root).unwrap_err());
        assert!(
            err.contains("unknown implementation \"tokio\"") && err.contains("flume"),
            "{err}"
        );
        let v = Variant::parse("crossbeam=git:../crossbeam@v0.5.6-12-g1a2b", root).unwrap();
        assert_eq!(
            v.source,
            Source::Revision {
                repo: PathBuf::from("/r/../crossbeam"),
                rev: "v0.5.6-12-g1a2b".into()
            }
        );
        assert_eq!(v.name(), "crossbeam@v0.5.6-12-g1a2b");
        let hash = "0123456789abcdef0123456789abcdef01234567";
        let v = Variant::parse(&format!("crossbeam=git:../c@{hash}"), root).unwrap();
        assert_eq!(v.name(), "crossbeam@0123456789ab");
        assert!(Variant::parse("crossbeam=git:../crossbeam", root).is_err());
        assert!(Variant::parse("crossbeam=git:../crossbeam@", root).is_err());
        let err = format!("{:#}", Variant::parse("std-mpsc@1.80", root).unwrap_err());
        assert!(err.contains("standard library"), "{err}");
        assert!(Variant::parse("crossbeam@", root).is_err());
    }

    #[test]
    fn a_revision_is_packaged_with_what_it_inherits_and_a_wrong_one_refused() {
        let dir = std::env::temp_dir().join(format!("chanbench-git-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let repo = dir.join("repo");
        fs::create_dir_all(repo.join("flume/src")).unwrap();
        fs::write(
            repo.join("Cargo.toml"),
            "[workspace]\nmembers = [\"flume\"]\n\n[workspace.package]\nedition = \"2021\"\n",
        )
        .unwrap();
        fs::write(
            repo.join("flume/Cargo.toml"),
            "[package]\nname = \"flume\"\nversion = \"9.9.9\"\nedition.workspace = true\n\
             description = \"a test\"\nlicense = \"MIT\"\n",
        )
        .unwrap();
        fs::write(repo.join("flume/src/lib.rs"), "").unwrap();
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .arg("-C")
                .arg(&repo)
                .args(["-c", "user.name=t", "-c", "user.email=t@t"])
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-qm", "one"]);
        git(&["tag", "v9"]);
        let scratch = dir.join("scratch");
        let v =
            Variant::parse(&format!("flume=git:{}@v9", repo.display()), Path::new("/")).unwrap();
        let crate_dir = resolve(&v, &scratch).unwrap().unwrap();
        let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("edition = \"2021\"") && !manifest.contains("workspace = true"),
            "the packaged manifest carries what it inherited: {manifest}"
        );
        assert_eq!(v.library_version(Some(&crate_dir)), "9.9.9 (v9)");

        let v = Variant::parse(
            &format!("flume=git:{}@nope", repo.display()),
            Path::new("/"),
        )
        .unwrap();
        let err = format!("{:#}", resolve(&v, &scratch).unwrap_err());
        assert!(err.contains("has no revision \"nope\""), "{err}");
        let v =
            Variant::parse(&format!("kanal=git:{}@v9", repo.display()), Path::new("/")).unwrap();
        let err = format!("{:#}", resolve(&v, &scratch).unwrap_err());
        assert!(err.contains("holds no crate kanal"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_path_without_the_library_crate_is_refused_before_anything_is_built() {
        let dir = std::env::temp_dir().join(format!("chanbench-variant-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let v = Variant::parse(&format!("kanal=path:{}", dir.display()), Path::new("/")).unwrap();
        let err = format!("{:#}", resolve(&v, &dir).unwrap_err());
        assert!(err.contains("holds no Cargo.toml"), "{err}");
        fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"not-kanal\"\nversion = \"1.0.0\"\n",
        )
        .unwrap();
        let err = format!("{:#}", resolve(&v, &dir).unwrap_err());
        assert!(err.contains("\"not-kanal\", not \"kanal\""), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}
