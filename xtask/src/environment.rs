//! The machine and build a run was made on, stored beside its results.

use std::{collections::BTreeSet, fs, path::Path, process::Command};

use anyhow::{Context, Result};
use chanbench_schema::{Job, ProfileName, Workload};
use serde::{Deserialize, Serialize};

use crate::topology::Topology;

/// What a run was measured on. Times are RFC 3339, UTC.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Environment {
    /// Version of this record.
    pub schema: u32,
    /// The run id.
    pub run: String,
    /// The profile.
    pub profile: ProfileName,
    /// `model name` from `/proc/cpuinfo`.
    pub cpu_model: String,
    /// Logical CPUs the machine has.
    pub logical_cores: usize,
    /// Distinct (package, core) pairs: physical cores.
    pub physical_cores: usize,
    /// The cores this run was allowed to use.
    pub allowed_cores: Vec<usize>,
    /// Whether the CPU reports running under a hypervisor.
    pub hypervisor: bool,
    /// `/proc/sys/kernel/osrelease`.
    pub kernel: String,
    /// `PRETTY_NAME` from `/etc/os-release`.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// Every registered implementation with the exact library version it wraps.
    pub libraries: Vec<LibraryVersion>,
    /// `git rev-parse HEAD`, if this is a git checkout.
    pub git_revision: Option<String>,
    /// Whether the work tree had uncommitted changes outside `results/`.
    pub git_dirty: Option<bool>,
    /// The 1, 5 and 15 minute load averages before the run.
    pub load_average_before: Vec<f64>,
    /// When the run started.
    pub started: String,
    /// When it ended; `None` while it runs or if it was interrupted.
    pub ended: Option<String>,
    /// Whether the run was interrupted (Ctrl-C); `cargo xtask bench --resume <run>` finishes it.
    pub interrupted: bool,
    /// What was asked for, so `--resume` runs the same matrix.
    pub request: Request,
    /// Test-only knobs that were set (`CHANBENCH_SLOWDOWN=crossbeam:10`): such a run is slowed on
    /// purpose, and comparisons say so.
    #[serde(default)]
    pub test_knobs: Vec<String>,
    /// The host, precisely; `None` in runs stored before it was recorded.
    #[serde(default)]
    pub host: Option<Host>,
    /// How the benchmark was built; `None` before the build (or in older runs).
    #[serde(default)]
    pub build: Option<Build>,
}

/// The host, precisely enough to tell apart two machines that report the same model name: a
/// cloud VM's "AMD EPYC" or "Intel Xeon Processor" covers several generations, microcode levels
/// and hypervisors, and they measure differently.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Host {
    /// `vendor_id` (`GenuineIntel`, `AuthenticAMD`).
    pub vendor: String,
    /// `cpu family`.
    pub family: String,
    /// `model` (the number).
    pub model: String,
    /// `stepping`.
    pub stepping: String,
    /// `microcode`.
    pub microcode: String,
    /// `cpu MHz` as the kernel reports it for the first CPU (its calibrated or current frequency).
    pub mhz: String,
    /// The first CPU's caches, `L1 Data 48K` and so on, from sysfs.
    pub caches: Vec<String>,
    /// The CPU feature flags the kernel reports (`flags`): a VM's CPU model masks some.
    pub flags: Vec<String>,
    /// `/proc/sys/kernel/version`: the kernel's build (number, options, date).
    pub kernel_build: String,
    /// The hypervisor's CPUID signature (`KVMKVMKVM`, `Microsoft Hv`, ...), empty on bare metal.
    pub hypervisor_vendor: String,
    /// The machine's topology from sysfs (absent from runs before it was recorded: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<Topology>,
}

/// How the benchmark binary was built: flags that change the code measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Build {
    /// `RUSTFLAGS` (or `CARGO_ENCODED_RUSTFLAGS`, unit separators shown as spaces) at build time.
    pub rustflags: String,
    /// The `target-cpu` the flags ask for, or `default` (the target's baseline).
    pub target_cpu: String,
    /// The target features enabled (`rustc --print cfg` with those flags).
    pub target_features: Vec<String>,
    /// Cargo's profile for the benchmark (opt level, debug info, assertions, overflow checks), as
    /// cargo reported it when building, plus `lto` and `codegen-units` from the manifest.
    pub profile: serde_json::Value,
    /// glibc malloc's thresholds as the bench process fixes them at its start; `None` where the
    /// C library is not glibc, and in runs stored before they were fixed (whose thresholds
    /// followed what each process had run before).
    #[serde(default)]
    pub malloc_thresholds: Option<chanbench_schema::MallocThresholds>,
}

/// The selection a run was started with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Request {
    /// Implementation ids (empty: all).
    pub impls: Vec<String>,
    /// Variants measured beside the registered implementations (`--variant`), as given.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Workloads (empty: all).
    pub workloads: Vec<Workload>,
    /// The placements, by name, in order.
    pub placements: Vec<String>,
    /// Processes per cell and placement (`--repeat`), run in interleaved rounds.
    #[serde(default = "one")]
    pub repeat: u32,
    /// The base of every process's `CHANBENCH_SEED` (cell order, heap shifts): process `round`
    /// of placement `i` uses `seed + (round << 8) + i`, so a resumed pass replays its order.
    #[serde(default)]
    pub seed: u64,
    /// What became of the placements not run: aliases (the same CPUs as one run), skips (what
    /// the machine lacks) and those that run on request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placement_notes: Vec<String>,
    /// The one described job measured instead of the matrix (`cargo xtask choose`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<Job>,
}

fn one() -> u32 {
    1
}

/// The test-only knobs the bench reads, by variable name.
pub const TEST_KNOBS: [&str; 1] = ["CHANBENCH_SLOWDOWN"];

/// An implementation and the library version it wraps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LibraryVersion {
    /// The implementation id.
    pub implementation: String,
    /// The library's crate name (`std` for the standard library).
    pub library: String,
    /// Its exact version.
    pub version: String,
}

fn read(path: &str) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

pub(crate) fn command(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn cpuinfo_field(line: &str, name: &str) -> Option<String> {
    line.split_once(':')
        .filter(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// The hypervisor's CPUID vendor signature (leaf 0x4000_0000), when the CPU says it runs under one.
#[cfg(target_arch = "x86_64")]
fn hypervisor_vendor(under_hypervisor: bool) -> String {
    if !under_hypervisor {
        return String::new();
    }
    let leaf = std::arch::x86_64::__cpuid(0x4000_0000);
    let bytes: Vec<u8> = [leaf.ebx, leaf.ecx, leaf.edx]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    String::from_utf8_lossy(&bytes)
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .to_owned()
}

#[cfg(not(target_arch = "x86_64"))]
fn hypervisor_vendor(under_hypervisor: bool) -> String {
    if under_hypervisor {
        "unknown".to_owned()
    } else {
        String::new()
    }
}

/// Reads the host's fingerprint now.
pub fn host() -> Host {
    let cpuinfo = read("/proc/cpuinfo");
    // The first CPU's block: fields repeat per logical CPU.
    let first = cpuinfo.split("\n\n").next().unwrap_or_default();
    let get = |name: &str| {
        first
            .lines()
            .find_map(|l| cpuinfo_field(l, name))
            .unwrap_or_default()
    };
    let flags: Vec<String> = get("flags").split_whitespace().map(str::to_owned).collect();
    let mut caches = Vec::new();
    for index in 0.. {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{index}");
        if !Path::new(&dir).exists() {
            break;
        }
        let part = |f: &str| read(&format!("{dir}/{f}")).trim().to_owned();
        caches.push(format!(
            "L{} {} {}",
            part("level"),
            part("type"),
            part("size")
        ));
    }
    let under_hypervisor = flags.iter().any(|f| f == "hypervisor");
    Host {
        vendor: get("vendor_id"),
        family: get("cpu family"),
        model: get("model"),
        stepping: get("stepping"),
        microcode: get("microcode"),
        mhz: get("cpu MHz"),
        caches,
        flags,
        kernel_build: read("/proc/sys/kernel/version").trim().to_owned(),
        hypervisor_vendor: hypervisor_vendor(under_hypervisor),
        topology: Topology::system(),
    }
}

/// The build's flags: `profile` is what cargo reported for the benchmark artifact.
pub fn build(root: &Path, profile: serde_json::Value) -> Result<Build> {
    let rustflags = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(encoded) if !encoded.is_empty() => encoded.replace('\x1f', " "),
        _ => std::env::var("RUSTFLAGS").unwrap_or_default(),
    };
    let flags: Vec<&str> = rustflags.split_whitespace().collect();
    let target_cpu = flags
        .iter()
        .zip(flags.iter().skip(1).chain(std::iter::once(&"")))
        .find_map(|(flag, next)| {
            let value = flag.strip_prefix("-Ctarget-cpu=").or_else(|| {
                (*flag == "-C")
                    .then(|| next.strip_prefix("target-cpu="))
                    .flatten()
            });
            value.map(str::to_owned)
        })
        .unwrap_or_else(|| "default".to_owned());
    let mut args = vec!["--print", "cfg"];
    args.extend(flags.iter().copied());
    let cfg = command("rustc", &args, root).context("running `rustc --print cfg`")?;
    let target_features = cfg
        .lines()
        .filter_map(|l| l.strip_prefix("target_feature=\""))
        .map(|f| f.trim_end_matches('"').to_owned())
        .collect();
    let mut profile = profile;
    let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
        .context("reading Cargo.toml")?
        .parse()
        .context("parsing Cargo.toml")?;
    for name in ["bench", "release"] {
        let Some(section) = manifest
            .get("profile")
            .and_then(|p| p.get(name))
            .and_then(|p| p.as_table())
        else {
            continue;
        };
        for key in ["lto", "codegen-units", "panic", "opt-level"] {
            if let Some(value) = section.get(key) {
                profile[format!("manifest.{name}.{key}")] = value.to_string().into();
            }
        }
    }
    Ok(Build {
        rustflags,
        target_cpu,
        target_features,
        profile,
        malloc_thresholds: chanbench_workloads::alloc::MALLOC_THRESHOLDS,
    })
}

/// What differs between two hosts and builds, one line per difference; a side without a
/// fingerprint (a run stored before it was recorded) is a difference in itself.
pub fn host_differences(
    a: (Option<&Host>, Option<&Build>),
    b: (Option<&Host>, Option<&Build>),
) -> Vec<String> {
    let mut out = Vec::new();
    match (a.0, b.0) {
        (Some(x), Some(y)) => {
            let mut check = |what: &str, p: &str, q: &str| {
                if p != q {
                    out.push(format!("host {what}: {p} → {q}"));
                }
            };
            check("CPU vendor", &x.vendor, &y.vendor);
            check("CPU family", &x.family, &y.family);
            check("CPU model number", &x.model, &y.model);
            check("CPU stepping", &x.stepping, &y.stepping);
            check("microcode", &x.microcode, &y.microcode);
            check("caches", &x.caches.join(", "), &y.caches.join(", "));
            check("kernel build", &x.kernel_build, &y.kernel_build);
            check("hypervisor", &x.hypervisor_vendor, &y.hypervisor_vendor);
            // A run stored without a topology is unknown there, not another host.
            if let (Some(p), Some(q)) = (&x.topology, &y.topology) {
                check("topology", &p.summary(), &q.summary());
            }
            if x.flags != y.flags {
                let gone: Vec<&str> = x
                    .flags
                    .iter()
                    .filter(|f| !y.flags.contains(f))
                    .map(String::as_str)
                    .collect();
                let new: Vec<&str> = y
                    .flags
                    .iter()
                    .filter(|f| !x.flags.contains(f))
                    .map(String::as_str)
                    .collect();
                out.push(format!(
                    "host CPU flags: without [{}], with [{}]",
                    gone.join(" "),
                    new.join(" ")
                ));
            }
        }
        (None, None) => out.push(
            "neither run has a host fingerprint (stored before it was recorded): the hosts \
             cannot be told apart"
                .to_owned(),
        ),
        _ => out.push(
            "one run has no host fingerprint (stored before it was recorded): the hosts cannot \
             be told apart"
                .to_owned(),
        ),
    }
    match (a.1, b.1) {
        (Some(x), Some(y)) => {
            let mut check = |what: &str, p: String, q: String| {
                if p != q {
                    out.push(format!("build {what}: {p} → {q}"));
                }
            };
            check(
                "RUSTFLAGS",
                format!("{:?}", x.rustflags),
                format!("{:?}", y.rustflags),
            );
            check("target CPU", x.target_cpu.clone(), y.target_cpu.clone());
            check(
                "target features",
                x.target_features.join(","),
                y.target_features.join(","),
            );
            check("profile", x.profile.to_string(), y.profile.to_string());
            check(
                "malloc thresholds",
                thresholds(x.malloc_thresholds),
                thresholds(y.malloc_thresholds),
            );
        }
        (None, None) => {}
        _ => out.push("one run has no build flags recorded".to_owned()),
    }
    out
}

/// How a build's malloc thresholds read in a difference.
fn thresholds(t: Option<chanbench_schema::MallocThresholds>) -> String {
    t.map_or_else(
        || "not fixed (the C library's own, which glibc adjusts as the process runs)".to_owned(),
        |t| format!("fixed (mmap {} B, trim {} B)", t.mmap_bytes, t.trim_bytes),
    )
}

/// `git rev-parse HEAD` in `root`, if it is a git checkout.
pub fn git_revision(root: &Path) -> Option<String> {
    command("git", &["rev-parse", "HEAD"], root)
}

/// Reads the environment now.
pub fn capture(
    root: &Path,
    run: &str,
    profile: ProfileName,
    allowed_cores: &[usize],
    request: Request,
) -> Result<Environment> {
    let cpuinfo = read("/proc/cpuinfo");
    let field = cpuinfo_field;
    let host = host();
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| field(l, "model name"))
        .unwrap_or_default();
    let logical_cores = cpuinfo
        .lines()
        .filter(|l| field(l, "processor").is_some())
        .count();
    let mut physical = BTreeSet::new();
    let mut package = String::new();
    for line in cpuinfo.lines() {
        if let Some(id) = field(line, "physical id") {
            package = id;
        } else if let Some(core) = field(line, "core id") {
            physical.insert((package.clone(), core));
        }
    }
    let hypervisor = host.flags.iter().any(|f| f == "hypervisor");
    let os = read("/etc/os-release")
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_owned())
        .unwrap_or_default();
    let load_average_before = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .filter_map(|v| v.parse().ok())
        .collect();
    let rustc = command("rustc", &["--version"], root).context("running `rustc --version`")?;
    let git_revision = git_revision(root);
    // Stored results are not code: a tree whose only changes are under results/ measured its
    // revision exactly.
    let git_dirty = command(
        "git",
        &["status", "--porcelain", "--", ".", ":(exclude)results"],
        root,
    )
    .map(|s| !s.is_empty());
    // Sync and async adapters; a library with both halves (flume, kanal) is listed once.
    let mut libraries: Vec<LibraryVersion> = Vec::new();
    let sync = chanbench_registry::implementations()
        .into_iter()
        .map(|i| (i.id, i.library));
    let asynchronous = chanbench_registry::async_implementations()
        .into_iter()
        .map(|i| (i.id, i.library));
    for (id, library) in sync.chain(asynchronous) {
        if !libraries.iter().any(|l| l.implementation == id) {
            libraries.push(LibraryVersion {
                implementation: id.to_owned(),
                library: library.name.to_owned(),
                version: library.version.to_owned(),
            });
        }
    }
    Ok(Environment {
        schema: chanbench_schema::SCHEMA,
        run: run.to_owned(),
        profile,
        cpu_model,
        logical_cores,
        physical_cores: physical.len().max(usize::from(logical_cores > 0)),
        allowed_cores: allowed_cores.to_vec(),
        hypervisor,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        os,
        rustc,
        libraries,
        git_revision,
        git_dirty,
        load_average_before,
        started: now(),
        ended: None,
        interrupted: false,
        request,
        test_knobs: TEST_KNOBS
            .iter()
            .filter_map(|k| {
                let v = std::env::var(k).ok().filter(|v| !v.trim().is_empty())?;
                Some(format!("{k}={v}"))
            })
            .collect(),
        host: Some(host),
        build: None,
    })
}

/// The time now, RFC 3339 in UTC, to the second.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::fake;

    #[test]
    fn a_run_without_a_topology_is_unknown_there_and_two_topologies_are_compared() {
        let dir = std::env::temp_dir().join(format!("chanbench-sysfs-env-{}", std::process::id()));
        let vm = Host {
            topology: Some(fake::vm_2vcpu().topology(&dir)),
            ..Host::default()
        };
        let old = Host::default();
        let zen = Host {
            topology: Some(fake::zen_2ccd().topology(&dir)),
            ..Host::default()
        };
        let build = Build::default();
        let differ =
            |a: &Host, b: &Host| host_differences((Some(a), Some(&build)), (Some(b), Some(&build)));
        assert_eq!(differ(&old, &vm), Vec::<String>::new());
        let said = differ(&vm, &zen);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("host topology: 2 CPUs"), "{said:?}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
