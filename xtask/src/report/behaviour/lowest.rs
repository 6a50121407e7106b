//! The one claim the behaviour sections make about a figure where less is better (a latency, a
//! slowdown, bytes, unfairness): which implementation is lowest, and whether that holds process
//! by process. The same test as a channel ranking's "reproducible" ([`Replication::sure`]): the
//! k-th process of a run observed both, and the interval of the per-process ratios must lie
//! above 5%. Within one process nothing is claimed.

use chanbench_schema::{Capacity, Runtime};

use crate::{
    ranking::{MIN_MARGIN, Replication},
    stats,
};

/// A cell's setting in words, its runtime flavour where it has one: `capacity 1024` or
/// `capacity 1024, tasks on multi-thread`.
pub(super) fn setting(capacity: Capacity, runtime: Option<Runtime>) -> String {
    match runtime {
        Some(r) => format!("capacity {capacity}, tasks on {r}"),
        None => format!("capacity {capacity}"),
    }
}

/// An implementation's figure, one value per process in the order the processes ran.
pub(super) struct Candidate {
    pub(super) name: String,
    pub(super) per_process: Vec<f64>,
}

impl Candidate {
    /// Its median over processes; `None` without values.
    pub(super) fn median(&self) -> Option<f64> {
        (!self.per_process.is_empty()).then(|| stats::median(&self.per_process))
    }
}

/// The lowest candidate and its lead over the next, in words, `than` saying how it compares
/// (`below`, `less unfair than`): `flume 3.2 µs, 1.40× below kanal (4.5 µs), reproducible (95%
/// interval over 5 processes 1.21–1.62×)`. Values must be positive; `None` without a candidate.
pub(super) fn lowest(
    candidates: &[Candidate],
    show: &dyn Fn(f64) -> String,
    than: &str,
) -> Option<String> {
    let mut ranked: Vec<(&Candidate, f64)> = candidates
        .iter()
        .filter_map(|c| Some((c, c.median()?)))
        .filter(|(_, m)| *m > 0.0)
        .collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (leader, value) = *ranked.first()?;
    let head = format!("{} {}", leader.name, show(value));
    let Some(&(next, next_value)) = ranked.get(1) else {
        return Some(format!("{head} (the only one measured)"));
    };
    // Equal in every process (a deterministic figure, bytes of heap): a tie, not a lead.
    let same = |c: &Candidate| c.per_process == leader.per_process;
    if same(next) {
        let tied: Vec<&str> = ranked
            .iter()
            .filter(|(c, _)| same(c))
            .map(|(c, _)| c.name.as_str())
            .collect();
        return Some(format!(
            "{} alike, {} in every process",
            tied.join(", "),
            show(value)
        ));
    }
    // Per process, the other's figure over the leader's, tested over processes.
    let lead = |other: &Candidate| {
        let margins: Vec<f64> = if leader.per_process.len() == other.per_process.len() {
            other
                .per_process
                .iter()
                .zip(&leader.per_process)
                .filter(|(_, l)| **l > 0.0)
                .map(|(o, l)| o / l)
                .collect()
        } else {
            Vec::new()
        };
        Replication::of_margins(&margins)
    };
    let interval = |r: Replication| match r {
        Replication::NotReplicated => "fewer than two processes observed both".to_owned(),
        Replication::Tested {
            processes,
            lower,
            upper,
            ..
        } => format!("95% interval over {processes} processes {lower:.2}–{upper:.2}×"),
    };
    let other = |c: &Candidate, v: f64| format!("{} ({})", c.name, show(v));
    let r = lead(next);
    let ratio = next_value / value;
    if r.sure() {
        return Some(format!(
            "{head}, {ratio:.2}× {than} {}, reproducible ({})",
            other(next, next_value),
            interval(r)
        ));
    }
    let mut said = format!(
        "{head}, but not surely {than} {} ({ratio:.2}×, {}; a lead must be surely above \
         {MIN_MARGIN}×)",
        other(next, next_value),
        interval(r)
    );
    // The nearest one it is surely ahead of, where that is not the next.
    if let Some((c, v, r)) = ranked[2..]
        .iter()
        .map(|&(c, v)| (c, v, lead(c)))
        .find(|(_, _, r)| r.sure())
    {
        said.push_str(&format!(
            ", though surely {than} {} ({:.2}×, {})",
            other(c, v),
            v / value,
            interval(r)
        ));
    }
    Some(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str, values: &[f64]) -> Candidate {
        Candidate {
            name: name.to_owned(),
            per_process: values.to_vec(),
        }
    }

    #[test]
    fn a_lowest_is_claimed_only_when_every_process_agrees_by_more_than_five_percent() {
        let show = |v: f64| format!("{v:.0} ns");
        let sure = lowest(
            &[c("b", &[20.0, 21.0, 19.0]), c("a", &[10.0, 10.5, 9.8])],
            &show,
            "below",
        );
        let sure = sure.unwrap();
        assert!(
            sure.starts_with("a 10 ns, 2.00× below b (20 ns), reproducible"),
            "{sure}"
        );
        let unsure = lowest(
            &[c("a", &[10.0, 30.0, 10.0]), c("b", &[30.0, 10.0, 11.0])],
            &show,
            "below",
        );
        assert!(unsure.unwrap().contains("not surely below"));
        let one = lowest(&[c("a", &[10.0]), c("b", &[20.0])], &show, "below").unwrap();
        assert!(one.contains("fewer than two processes"), "{one}");
        let third = lowest(
            &[
                c("a", &[10.0, 30.0, 10.0]),
                c("b", &[30.0, 10.0, 11.0]),
                c("c", &[99.0, 98.0, 97.0]),
            ],
            &show,
            "below",
        );
        let third = third.unwrap();
        assert!(
            third.contains("not surely below b") && third.contains("though surely below c (98 ns)"),
            "{third}"
        );
        assert_eq!(lowest(&[], &show, "below"), None);
        assert!(
            lowest(&[c("a", &[1.0])], &show, "below")
                .unwrap()
                .contains("only one")
        );
        let tie = lowest(
            &[
                c("a", &[8.0, 8.0]),
                c("b", &[8.0, 8.0]),
                c("c", &[9.0, 9.0]),
            ],
            &show,
            "below",
        );
        assert_eq!(tie.unwrap(), "a, b alike, 8 ns in every process");
        let tie = lowest(
            &[
                c("a", &[8.0, 8.0]),
                c("b", &[8.0, 8.0]),
                c("c", &[9.0, 9.0]),
            ],
            &show,
            "below",
        );
        assert_eq!(tie.unwrap(), "a, b alike, 8 ns in every process");
    }
}
