//! How the report names and orders things: distinct values in the order first seen, and a
//! strategy cell's label.

use crate::results::CellResult;

/// Distinct values in first-seen order.
pub(super) fn ordered<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    items.into_iter().fold(Vec::new(), |mut v, x| {
        if !v.contains(&x) {
            v.push(x);
        }
        v
    })
}

/// The strategy a cell runs (its parameters' `strategy`), or its implementation's name.
pub(super) fn strategy(c: &CellResult) -> String {
    c.params()
        .strategy
        .map_or_else(|| c.implementation().to_owned(), |s| s.to_string())
}

/// The strategy with the channel it runs over, if any: `pool-per-item (crossbeam)`, `rayon`.
pub(super) fn label(c: &CellResult) -> String {
    match strategy(c) {
        s if s == c.implementation() => s,
        s => format!("{s} ({})", c.implementation()),
    }
}
