//! The generated workspace's files, as templates (`templates/`): Cargo manifests and the
//! runners' `main.rs`, each with named placeholders that [`fill`](crate::template::fill) replaces. The `.rs.in` files
//! are formatted Rust and the manifests valid TOML as they stand; a test checks both, and that a
//! filled template parses.

/// The generated workspace's manifest: `"MEMBERS"`.
pub const WORKSPACE: &str = include_str!("templates/workspace.toml");
/// An arm's crate: `ARM`, `ADAPTER_SOURCE`, `CORE`, `# LIBRARY`.
pub const ARM: &str = include_str!("templates/arm.toml");
/// The runner's manifest: `PACKAGE`, `# DEPENDENCIES`.
pub const RUNNER: &str = include_str!("templates/runner.toml");
/// The paired runner of `ab` and `versions`: `// ARMS`.
pub const AB_MAIN: &str = include_str!("templates/ab_main.rs.in");
/// One arm of the paired runner: `ARM_NAME`, `ARM_KNOB`, `ARM_CHECKS`, `ArmType`.
pub const AB_ARM: &str = include_str!("templates/ab_arm.rs.in");
/// The benchmark with variants: `// VARIANTS`, `// CHECKS`, `// CELLS`.
pub const BENCH_MAIN: &str = include_str!("templates/bench_main.rs.in");
/// One variant's name: `VARIANT_DOC`, `VariantK`, `VARIANT_ID`, `VARIANT_NAME`,
/// `VARIANT_LIBRARY`, `VARIANT_VERSION`.
pub const BENCH_VARIANT: &str = include_str!("templates/bench_variant.rs.in");

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::template::fill;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/variant/templates");

    #[test]
    fn the_rust_templates_are_formatted_rust_and_the_manifests_toml() {
        for file in ["ab_main.rs.in", "bench_main.rs.in", "bench_variant.rs.in"] {
            let text = std::fs::read_to_string(Path::new(DIR).join(file)).unwrap();
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
        syn::parse_str::<syn::Expr>(AB_ARM).expect("ab_arm.rs.in is an expression");
        crate::template::assert_formatted(
            DIR,
            &["ab_main.rs.in", "bench_main.rs.in", "bench_variant.rs.in"],
        );
        for (name, text) in [("workspace", WORKSPACE), ("arm", ARM), ("runner", RUNNER)] {
            text.parse::<toml::Table>()
                .unwrap_or_else(|e| panic!("{name}.toml: {e}"));
        }
    }

    #[test]
    fn a_filled_template_has_no_placeholder_left_and_a_missing_one_is_an_error() {
        let arm = fill(
            AB_ARM,
            &[
                ("ARM_NAME", "\"crossbeam\""),
                ("ARM_KNOB", "false"),
                ("ARM_CHECKS", "None"),
                ("ArmType", "chanbench_crossbeam::Crossbeam"),
            ],
        )
        .unwrap();
        let main = fill(AB_MAIN, &[("// ARMS", &format!("{arm},"))]).unwrap();
        let file = syn::parse_file(&main).unwrap();
        assert!(main.contains("register_impl!(&mut m, chanbench_crossbeam::Crossbeam)"));
        assert!(
            !main.contains("ARM_") && !main.contains("ArmType"),
            "{main}"
        );
        assert_eq!(file.items.len(), 3, "{main}");
        let manifest = fill(WORKSPACE, &[("\"MEMBERS\"", "\"runner\", \"arm-1\"")]).unwrap();
        let table: toml::Table = manifest.parse().unwrap();
        assert_eq!(table["workspace"]["members"].as_array().unwrap().len(), 2);
        assert!(fill(AB_MAIN, &[("// NOWHERE", "x")]).is_err());
    }
}
