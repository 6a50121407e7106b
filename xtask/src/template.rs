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
