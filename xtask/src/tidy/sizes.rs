//! No module over [`MAX_FILE_LINES`] lines outside `tests/` folders, and no function over
//! [`MAX_FN_LINES`]: a file or a function that long holds more than one concept.

use std::{fs, path::Path};

use syn::{
    ImplItemFn, ItemFn, TraitItemFn,
    spanned::Spanned,
    visit::{self, Visit},
};

/// The most lines a source file outside `tests/` may have.
const MAX_FILE_LINES: usize = 700;
/// The most lines a function may span, its signature and body included.
const MAX_FN_LINES: usize = 150;

/// Functions longer than [`MAX_FN_LINES`], as `name (lines)`.
#[derive(Default)]
struct LongFunctions(Vec<String>);

impl LongFunctions {
    fn check(&mut self, name: String, span: proc_macro2::Span) {
        let lines = span.end().line - span.start().line + 1;
        if lines > MAX_FN_LINES {
            self.0.push(format!(
                "fn {name} ({lines} lines, from line {})",
                span.start().line
            ));
        }
    }
}

impl<'ast> Visit<'ast> for LongFunctions {
    fn visit_item_fn(&mut self, f: &'ast ItemFn) {
        self.check(f.sig.ident.to_string(), f.span());
        visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast ImplItemFn) {
        self.check(f.sig.ident.to_string(), f.span());
        visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast TraitItemFn) {
        self.check(f.sig.ident.to_string(), f.span());
        visit::visit_trait_item_fn(self, f);
    }
}

/// What is too long in one source file: the file itself, and its functions.
fn too_long(path: &Path, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines = text.lines().count();
    if lines > MAX_FILE_LINES {
        out.push(format!("{lines} lines (at most {MAX_FILE_LINES})"));
    }
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut long = LongFunctions::default();
    long.visit_file(&file);
    out.extend(long.0);
    out
}

#[test]
fn no_module_or_function_is_too_long() {
    let root = super::root();
    let mut files = Vec::new();
    for dir in ["crates", "benches", "xtask", "standalone"] {
        super::docs::files(&root.join(dir), &[".rs"], &mut files);
    }
    assert!(files.len() > 50, "the sources: {}", files.len());
    let problems: Vec<String> = files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "tests"))
        .flat_map(|f| {
            let text = fs::read_to_string(f).unwrap();
            let rel = f.strip_prefix(&root).unwrap().display().to_string();
            too_long(f, &text)
                .into_iter()
                .map(move |p| format!("{rel}: {p}"))
        })
        .collect();
    assert!(
        problems.is_empty(),
        "split these by concept:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_long_file_and_a_long_function_are_named() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let long_fn = format!("fn long() {{\n{body}}}\nfn short() {{}}\n");
    assert_eq!(
        too_long(Path::new("f.rs"), &long_fn),
        [format!("fn long ({} lines, from line 1)", MAX_FN_LINES + 2)]
    );
    let in_impl = format!("struct S;\nimpl S {{\n    fn method() {{\n{body}    }}\n}}\n");
    assert_eq!(too_long(Path::new("f.rs"), &in_impl).len(), 1);
    let long_file = "const A: u8 = 0;\n".repeat(MAX_FILE_LINES + 1);
    assert_eq!(
        too_long(Path::new("f.rs"), &long_file),
        [format!(
            "{} lines (at most {MAX_FILE_LINES})",
            MAX_FILE_LINES + 1
        )]
    );
    assert!(too_long(Path::new("f.rs"), "fn ok() {}\n").is_empty());
}
