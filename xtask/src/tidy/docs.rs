//! Every link in the project's Markdown, and every pointer into the docs from code, names a file
//! that exists and, with an anchor or a quoted heading, a heading it has.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

/// Files under `dir` whose name ends with one of `extensions`, skipping build output, stored runs
/// and hidden folders.
pub(super) fn files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "results") {
                files(&path, extensions, out);
            }
        } else if extensions.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

/// The anchors of a Markdown text's headings, as GitHub makes them (duplicates numbered).
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut slugger = github_slugger::Slugger::default();
    let mut out = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                out.insert(slugger.slug(&heading.take().unwrap_or_default()));
            }
            _ => {}
        }
    }
    out
}

/// Checks that `target` (relative to `base`, `#anchor` optional) exists, and names its anchor if
/// it has one; the problem, if any.
fn check_target(root: &Path, base: &Path, target: &str) -> Option<String> {
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        base.to_path_buf()
    } else {
        base.parent().unwrap().join(path)
    };
    if !file.exists() {
        return Some(format!(
            "{target}: no such file {}",
            file.strip_prefix(root).unwrap_or(&file).display()
        ));
    }
    let anchor = anchor.filter(|a| !a.is_empty())?;
    if file.extension().is_some_and(|e| e == "md") {
        let known = anchors(&fs::read_to_string(&file).unwrap());
        if !known.contains(anchor) {
            return Some(format!("{target}: no heading with anchor #{anchor}"));
        }
    }
    None
}

/// The broken links of the Markdown files among `markdown` (paths under `root`).
fn broken_links(root: &Path, markdown: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for file in markdown {
        let text = fs::read_to_string(file).unwrap();
        for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
            let (Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })) = event
            else {
                continue;
            };
            if dest_url.contains("://") || dest_url.starts_with("mailto:") {
                continue;
            }
            if let Some(problem) = check_target(root, file, &dest_url) {
                problems.push(format!(
                    "{}: {problem}",
                    file.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    problems
}

/// The broken pointers into the docs from `code` (paths under `root`): `docs/x.md`,
/// `README.md` or `ARCHITECTURE.md`, with `#anchor` or `, "Heading"` after it or not, always
/// read from the root.
fn broken_pointers(root: &Path, code: &[PathBuf]) -> Vec<String> {
    let pointer = Regex::new(
        r#"\b((?:docs/[\w./-]+\.md)|README\.md|ARCHITECTURE\.md)(?:#([\w-]+)|, \\?"([^"\\]+)\\?")?"#,
    )
    .unwrap();
    let mut problems = Vec::new();
    for file in code {
        let text = fs::read_to_string(file).unwrap();
        for c in pointer.captures_iter(&text) {
            let path = &c[1];
            let anchor = match (c.get(2), c.get(3)) {
                (Some(a), _) => a.as_str().to_owned(),
                (None, Some(heading)) => github_slugger::slug(heading.as_str()),
                (None, None) => String::new(),
            };
            let target = format!("{path}#{anchor}");
            // Read from the root: as if from a file there.
            if let Some(problem) = check_target(root, &root.join("code"), &target) {
                problems.push(format!(
                    "{}: {problem}",
                    file.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    problems
}

#[test]
fn every_link_in_the_docs_and_every_pointer_from_code_resolves() {
    let root = super::root();
    let mut markdown = Vec::new();
    files(&root, &[".md"], &mut markdown);
    assert!(
        markdown.iter().any(|f| f.ends_with("docs/guide.md")),
        "the docs: {markdown:?}"
    );
    let mut code = Vec::new();
    files(&root, &[".rs"], &mut code);
    // This file's fixtures point nowhere on purpose.
    code.retain(|f| !f.ends_with("xtask/src/tidy/docs.rs"));
    code.push(root.join(".ci/run"));
    let mut problems = broken_links(&root, &markdown);
    problems.extend(broken_pointers(&root, &code));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_missing_file_anchor_or_heading_is_reported() {
    let root = std::env::temp_dir().join(format!("chanbench-tidy-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::write(
        root.join("docs/guide.md"),
        "# Guide\n\n## Paired A/B and versions\n\n## Paired A/B and versions\n\n\
         [ok](#paired-ab-and-versions) [second](#paired-ab-and-versions-1) [up](../README.md)\n\
         [gone](missing.md) [no anchor](#nowhere) [web](https://example.com/x.md#y)\n",
    )
    .unwrap();
    fs::write(
        root.join("README.md"),
        "# R\n\n[guide](docs/guide.md#guide)\n",
    )
    .unwrap();
    let code = root.join("lib.rs");
    fs::write(
        &code,
        "// docs/guide.md, \"Paired A/B and versions\"; docs/guide.md#guide; README.md\n\
         // docs/guide.md, \"No such heading\"; docs/other.md; ARCHITECTURE.md\n",
    )
    .unwrap();
    let markdown = vec![root.join("docs/guide.md"), root.join("README.md")];
    let links = broken_links(&root, &markdown);
    assert_eq!(
        links,
        [
            "docs/guide.md: missing.md: no such file docs/missing.md",
            "docs/guide.md: #nowhere: no heading with anchor #nowhere",
        ],
        "{links:?}"
    );
    let pointers = broken_pointers(&root, &[code]);
    assert_eq!(
        pointers,
        [
            "lib.rs: docs/guide.md#no-such-heading: no heading with anchor #no-such-heading",
            "lib.rs: docs/other.md#: no such file docs/other.md",
            "lib.rs: ARCHITECTURE.md#: no such file ARCHITECTURE.md",
        ],
        "{pointers:?}"
    );
    let _ = fs::remove_dir_all(&root);
}
