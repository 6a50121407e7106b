//! Filling the project's template files: each placeholder named, each required to occur.

use anyhow::{Result, bail};

/// `template` with each placeholder replaced by its value; every placeholder must occur in it.
pub fn fill(template: &str, values: &[(&str, &str)]) -> Result<String> {
    let mut out = template.to_owned();
    for (placeholder, value) in values {
        if !out.contains(placeholder) {
            bail!("the template has no placeholder {placeholder:?}");
        }
        out = out.replace(placeholder, value);
    }
    Ok(out)
}

/// Fails unless rustfmt finds the Rust templates `files` in `dir` formatted.
#[cfg(test)]
pub fn assert_formatted(dir: &str, files: &[&str]) {
    let rustfmt = std::process::Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("rustfmt, which cargo fmt uses");
    assert!(
        rustfmt.status.success(),
        "templates not formatted: {}",
        String::from_utf8_lossy(&rustfmt.stdout)
    );
}
