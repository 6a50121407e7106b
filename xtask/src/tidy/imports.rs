//! No import circles: every `crate::`, `super::` and `self::` path in code (and every path
//! through a child module's name) is resolved to the file that defines what it names, through
//! any `use` that re-exports it, and the files of one crate must form no cycle. A parent
//! declaring `mod child;` is not an import; a child taking a shared item from the parent that
//! declares it is (it belongs in a sibling leaf). Glob imports resolve to the module globbed.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use petgraph::{algo::tarjan_scc, graph::DiGraph};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Item, UseTree};

/// A module path inside one crate (`[]` is the crate's root).
type ModPath = Vec<String>;

/// One crate's module files: module path to file, and what each module's `use` items name
/// (`None`: something outside the crate).
struct Crate {
    files: BTreeMap<ModPath, PathBuf>,
    uses: BTreeMap<ModPath, BTreeMap<String, Option<ModPath>>>,
}

impl Crate {
    /// The crate rooted at `root_file` (`src/lib.rs`, `src/main.rs`): every module file reached
    /// through `mod name;` declarations.
    fn read(root_file: &Path) -> Crate {
        let mut files = BTreeMap::new();
        let mut todo = vec![(ModPath::new(), root_file.to_path_buf())];
        while let Some((path, file)) = todo.pop() {
            let ast = parse(&file);
            let dir = if path.is_empty() || file.ends_with("mod.rs") {
                file.parent().unwrap().to_path_buf()
            } else {
                file.with_extension("")
            };
            collect_children(&ast.items, &path, &dir, &mut todo);
            files.insert(path, file);
        }
        let mut uses = BTreeMap::new();
        for (path, file) in &files {
            collect_uses(&parse(file).items, path, &mut uses);
        }
        Crate { files, uses }
    }

    /// The file defining what `path` names: the module file owning it (its longest prefix that
    /// is a module file), or, where that module only imports the name, the file the import
    /// leads to. `None` for a name imported from outside the crate.
    fn owner(&self, path: &[String]) -> Option<&PathBuf> {
        let mut path = path.to_vec();
        for _ in 0..32 {
            let n = (0..=path.len())
                .rev()
                .find(|n| self.files.contains_key(&path[..*n]))?;
            let imported = path
                .get(n)
                .and_then(|name| self.uses.get(&path[..n])?.get(name));
            match imported {
                Some(Some(to)) if *to != path[..=n] => {
                    let mut next = to.clone();
                    next.extend_from_slice(&path[n + 1..]);
                    path = next;
                }
                Some(None) => return None,
                _ => return self.files.get(&path[..n]),
            }
        }
        None
    }
}

/// What the `use` items of `items` (in module `at`, inline modules included) bring in, by the
/// name they bind.
fn collect_uses(
    items: &[Item],
    at: &ModPath,
    out: &mut BTreeMap<ModPath, BTreeMap<String, Option<ModPath>>>,
) {
    let children = declared_children(items);
    for item in items {
        match item {
            Item::Use(u) => {
                let mut named = Vec::new();
                use_tree(&u.tree, &mut Vec::new(), &mut named);
                for (name, path) in named
                    .into_iter()
                    .filter_map(|(name, path)| Some((name?, path)))
                {
                    out.entry(at.clone())
                        .or_default()
                        .insert(name, absolute(at, &children, &path));
                }
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut inner_at = at.clone();
                    inner_at.push(m.ident.to_string());
                    collect_uses(inner, &inner_at, out);
                }
            }
            _ => {}
        }
    }
}

/// Every path of a `use` tree, with the name it binds (`None`: a glob, which binds no one name).
fn use_tree(
    tree: &UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_tree(&p.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(n) if n.ident == "self" => {
            out.push((prefix.last().cloned(), prefix.clone()));
        }
        UseTree::Name(n) => {
            let mut p = prefix.clone();
            p.push(n.ident.to_string());
            out.push((Some(n.ident.to_string()), p));
        }
        UseTree::Rename(r) => {
            let mut p = prefix.clone();
            p.push(r.ident.to_string());
            out.push((Some(r.rename.to_string()), p));
        }
        UseTree::Glob(_) => out.push((None, prefix.clone())),
        UseTree::Group(g) => {
            for t in &g.items {
                use_tree(t, prefix, out);
            }
        }
    }
}

/// The names of the modules `items` declare.
fn declared_children(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The out-of-line modules `items` declare, inline modules searched too (their files live in
/// the folder of the inline module's path).
fn collect_children(
    items: &[Item],
    path: &ModPath,
    dir: &Path,
    todo: &mut Vec<(ModPath, PathBuf)>,
) {
    for item in items {
        let Item::Mod(m) = item else { continue };
        let name = m.ident.to_string();
        let mut child = path.clone();
        child.push(name.clone());
        match &m.content {
            Some((_, inner)) => collect_children(inner, &child, &dir.join(&name), todo),
            None => {
                let flat = dir.join(format!("{name}.rs"));
                let nested = dir.join(&name).join("mod.rs");
                let file = if flat.exists() { flat } else { nested };
                assert!(file.exists(), "mod {name}; in {}: no file", dir.display());
                todo.push((child, file));
            }
        }
    }
}

fn parse(file: &Path) -> syn::File {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Resolves a path written in module `at` (whose declared children are `children`) to an
/// absolute module path, or `None` for a path outside the crate (`std::`, another crate).
fn absolute(at: &[String], children: &BTreeSet<String>, segments: &[String]) -> Option<ModPath> {
    let (first, rest) = segments.split_first()?;
    let mut out: ModPath = match first.as_str() {
        "crate" => ModPath::new(),
        "self" => at.to_vec(),
        "super" => at[..at.len().checked_sub(1)?].to_vec(),
        name if children.contains(name) => {
            let mut p = at.to_vec();
            p.push(name.to_owned());
            p
        }
        _ => return None,
    };
    for s in rest {
        if s == "super" {
            out.pop()?;
        } else {
            out.push(s.clone());
        }
    }
    Some(out)
}

/// Paths in a token stream that start with `crate`, `super`, `self` or a name in `children`,
/// followed by `::` (macros' bodies included: they are tokens to syn).
fn token_paths(tokens: TokenStream, children: &BTreeSet<String>, out: &mut Vec<Vec<String>>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => token_paths(g.stream(), children, out),
            TokenTree::Ident(id) => {
                let name = id.to_string();
                let preceded_by_colons =
                    i >= 1 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
                if !preceded_by_colons
                    && (matches!(name.as_str(), "crate" | "super" | "self")
                        || children.contains(&name))
                {
                    let mut path = vec![name];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (tokens.get(j), tokens.get(j + 1), tokens.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        path.push(next.to_string());
                        j += 3;
                    }
                    if path.len() > 1 {
                        out.push(path);
                    }
                    i = j;
                    continue;
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
        i += 1;
    }
}

/// The modules `items` (in module `at`) import from, as absolute paths.
fn imports(items: &[Item], at: &ModPath, out: &mut Vec<ModPath>) {
    let children = declared_children(items);
    for item in items {
        let mut paths = Vec::new();
        match item {
            Item::Use(u) => {
                let mut all = Vec::new();
                use_tree(&u.tree, &mut Vec::new(), &mut all);
                paths.extend(all.into_iter().map(|(_, path)| path));
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut inner_at = at.clone();
                    inner_at.push(m.ident.to_string());
                    imports(inner, &inner_at, out);
                }
                continue;
            }
            other => token_paths(other.to_token_stream(), &children, &mut paths),
        }
        out.extend(paths.iter().filter_map(|p| absolute(at, &children, p)));
    }
}

/// The cycles between one crate's files: each the sorted files of a strongly connected
/// component, then every import between them (`from -> to: path`).
fn cycles(root_file: &Path, base: &Path) -> Vec<Vec<String>> {
    let krate = Crate::read(root_file);
    let rel = |f: &PathBuf| f.strip_prefix(base).unwrap_or(f).display().to_string();
    let mut graph = DiGraph::<&PathBuf, ()>::new();
    let nodes: BTreeMap<&PathBuf, _> = krate
        .files
        .values()
        .map(|f| (f, graph.add_node(f)))
        .collect();
    let mut why: BTreeMap<(&PathBuf, &PathBuf), String> = BTreeMap::new();
    for (at, file) in &krate.files {
        let mut targets = Vec::new();
        imports(&parse(file).items, at, &mut targets);
        for target in targets {
            if let Some(to) = krate.owner(&target).filter(|to| *to != file) {
                graph.update_edge(nodes[file], nodes[to], ());
                why.entry((file, to))
                    .or_insert_with(|| format!("crate::{}", target.join("::")));
            }
        }
    }
    tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let members: BTreeSet<&PathBuf> = scc.iter().map(|n| graph[*n]).collect();
            let mut out: Vec<String> = members.iter().map(|f| rel(f)).collect();
            out.extend(
                why.iter()
                    .filter(|((a, b), _)| members.contains(a) && members.contains(b))
                    .map(|((a, b), path)| format!("  {} -> {}: {path}", rel(a), rel(b))),
            );
            out
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The crate roots of the workspace and xtask: every `src/lib.rs` and `src/main.rs`.
fn crate_roots(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.join("xtask"), root.join("benches")];
    for entry in fs::read_dir(root.join("crates")).unwrap() {
        dirs.push(entry.unwrap().path());
    }
    for dir in dirs {
        for file in ["src/lib.rs", "src/main.rs"] {
            if dir.join(file).exists() {
                out.push(dir.join(file));
            }
        }
    }
    out
}

#[test]
fn no_crate_has_an_import_circle_between_its_files() {
    let root = super::root();
    let roots = crate_roots(&root);
    assert!(roots.len() >= 10, "the crates: {roots:?}");
    let found: Vec<String> = roots
        .iter()
        .flat_map(|r| cycles(r, &root))
        .map(|c| c.join("\n"))
        .collect();
    assert!(
        found.is_empty(),
        "import circles (move what both sides share into a leaf module they both import):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_child_taking_from_its_parent_and_a_sibling_pair_are_circles() {
    let dir = std::env::temp_dir().join(format!("chanbench-imports-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src/family")).unwrap();
    let write = |path: &str, text: &str| fs::write(dir.join(path), text).unwrap();
    write(
        "src/lib.rs",
        "mod a; mod b; mod family; mod leaf;\n#[cfg(test)] mod tests { use super::*; }\n",
    );
    write("src/a.rs", "use crate::b::thing;\npub fn f() {}\n");
    write("src/b.rs", "pub fn thing() { crate::a::f() }\n");
    write("src/leaf.rs", "pub struct Shared;\n");
    write(
        "src/family/mod.rs",
        "mod one;\npub struct Shared;\npub fn all() { one::run() }\n",
    );
    write(
        "src/family/one.rs",
        "use super::Shared;\nuse crate::leaf::Shared as Fine;\npub fn run() {}\n",
    );
    let files = |found: Vec<Vec<String>>| -> Vec<Vec<String>> {
        found
            .into_iter()
            .map(|c| c.into_iter().filter(|l| !l.starts_with(' ')).collect())
            .collect()
    };
    let found = cycles(&dir.join("src/lib.rs"), &dir);
    assert_eq!(
        files(found.clone()),
        [
            vec!["src/a.rs".to_owned(), "src/b.rs".to_owned()],
            vec![
                "src/family/mod.rs".to_owned(),
                "src/family/one.rs".to_owned()
            ],
        ],
        "{found:?}"
    );
    // Each circle names the imports that close it.
    assert!(
        found[1].contains(
            &"  src/family/one.rs -> src/family/mod.rs: crate::family::Shared".to_owned()
        ),
        "{found:?}"
    );
    // With the shared item in a leaf, the family is no circle.
    write(
        "src/family/one.rs",
        "use crate::leaf::Shared;\npub fn run() {}\n",
    );
    let found = cycles(&dir.join("src/lib.rs"), &dir);
    assert_eq!(
        files(found),
        [vec!["src/a.rs".to_owned(), "src/b.rs".to_owned()]]
    );
    let _ = fs::remove_dir_all(&dir);
}
