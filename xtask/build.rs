//! `CHANBENCH_E2E` (set, and not `0`) turns on the end-to-end tests of `tests/it.rs`, which build
//! the benchmark in release and run `cargo xtask` for real; without it `cargo test` lists them as
//! ignored, with the reason. CI sets it.

fn main() {
    println!("cargo::rerun-if-env-changed=CHANBENCH_E2E");
    println!("cargo::rustc-check-cfg=cfg(chanbench_e2e)");
    if std::env::var_os("CHANBENCH_E2E").is_some_and(|v| v != "0") {
        println!("cargo::rustc-cfg=chanbench_e2e");
    }
}
