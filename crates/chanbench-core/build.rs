//! Records the version of the compiler building us, which is the version of `std::sync::mpsc`.

use std::{env, process::Command};

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = Command::new(&rustc)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("could not run `{rustc} --version`: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    // "rustc 1.95.0 (59807616e 2026-04-14)": the second word is the version.
    let version = text.split_whitespace().nth(1).unwrap_or_else(|| {
        panic!("expected `rustc X.Y.Z ...` from `{rustc} --version`, found {text:?}")
    });
    println!("cargo::rustc-env=CHANBENCH_RUSTC_VERSION={version}");
    println!("cargo::rerun-if-env-changed=RUSTC");
}
