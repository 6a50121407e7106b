//! Whether the fastest strategy of a comparison is surely ahead: the families' readings name a
//! fastest strategy only with its lead over the next, tested over whole processes with the test
//! behind a channel ranking's "reproducible" ([`Replication::sure`]); samples within one process are
//! never used.

use super::reading::{median, ratio};
use crate::{
    ranking::{MIN_MARGIN, Replication},
    results::CellResult,
    stats,
};

/// Each process's time for a set of cells measured by the same processes (a strategy's cells,
/// one per channel it runs over): the median over the cells of that process's fastest
/// sample. `None` when the cells disagree on how many processes measured them.
pub(super) fn per_process(cells: &[&CellResult]) -> Option<Vec<f64>> {
    let n = cells.first()?.process_times().len();
    if cells.iter().any(|c| c.process_times().len() != n) {
        return None;
    }
    Some(
        (0..n)
            .map(|k| {
                let at_k: Vec<f64> = cells.iter().map(|c| c.process_times()[k]).collect();
                stats::median(&at_k)
            })
            .collect(),
    )
}

/// How surely a leader is ahead of another strategy: the other's time over the leader's, per
/// process (the k-th process of a run measured both), tested over processes as a channel
/// ranking's winner is ([`Replication::sure`]). A lead seen in fewer than two processes is not
/// replicated and never sure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Lead {
    /// The other's time over the leader's: the geometric mean of the per-process margins, or
    /// with fewer than two processes (or processes that cannot be paired) the ratio of the
    /// cells' times.
    pub(super) ratio: f64,
    pub(super) replication: Replication,
}

impl Lead {
    pub(super) fn of(leader: &[&CellResult], other: &[&CellResult]) -> Option<Self> {
        let times = |cells: &[&CellResult]| median(cells.iter().map(|c| c.time_ns()));
        let margins: Vec<f64> = per_process(leader)
            .zip(per_process(other))
            .filter(|(l, o)| l.len() == o.len())
            .map(|(l, o)| o.iter().zip(&l).map(|(o, l)| o / l).collect())
            .unwrap_or_default();
        let replication = Replication::of_margins(&margins);
        let ratio = match replication {
            Replication::Tested { .. } => stats::geometric_mean(&margins),
            Replication::NotReplicated => times(other)? / times(leader)?,
        };
        Some(Self { ratio, replication })
    }

    /// Surely ahead: the margin's interval over processes lies above 5%.
    pub(super) fn sure(&self) -> bool {
        self.replication.sure()
    }

    /// The lead over `other` in words.
    pub(super) fn said(&self, other: &str) -> String {
        let ratio = ratio(self.ratio);
        match self.replication {
            Replication::NotReplicated => format!(
                "{ratio} ahead of {other}, not replicated (fewer than two processes measured both)"
            ),
            Replication::Tested {
                processes,
                lower,
                upper,
                ..
            } => {
                let interval =
                    format!("95% interval over {processes} processes {lower:.2}–{upper:.2}×");
                if self.sure() {
                    format!("{ratio} ahead of {other}, reproducible ({interval})")
                } else {
                    format!(
                        "not surely ahead of {other} (per process, {other}'s time over the \
                         leader's: {ratio}, {interval}; a lead must be surely above {MIN_MARGIN}×)"
                    )
                }
            }
        }
    }
}

/// The fastest strategy of a comparison: its name, its median time, and its lead over the next
/// as a clause to append (", 1.20× ahead of polling, reproducible (…)"; empty when it is alone).
pub(super) struct Fastest {
    pub(super) name: String,
    pub(super) time: f64,
    pub(super) lead: String,
}

/// The fastest of `strategies` by median time, with its lead over the next. `cells_of` gives a
/// strategy's cells.
pub(super) fn fastest<'c, S: AsRef<str>>(
    strategies: &[S],
    cells_of: &dyn Fn(&str) -> Vec<&'c CellResult>,
) -> Option<Fastest> {
    let mut timed: Vec<(&str, f64)> = strategies
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|s| Some((s, median(cells_of(s).iter().map(|c| c.time_ns()))?)))
        .collect();
    timed.sort_by(|a, b| a.1.total_cmp(&b.1));
    let &(name, time) = timed.first()?;
    let lead = timed
        .get(1)
        .and_then(|&(next, _)| Lead::of(&cells_of(name), &cells_of(next)).map(|l| (next, l)))
        .map_or(String::new(), |(next, l)| format!(", {}", l.said(next)));
    Some(Fastest {
        name: name.to_owned(),
        time,
        lead,
    })
}

#[cfg(test)]
mod tests {
    use chanbench_schema::{Capacity, CellKey, Params, Payload, Receiver, Status, Workload};

    use super::*;

    /// A transport cell of `implementation` measured by processes whose fastest samples are
    /// `times`.
    fn measured(implementation: &str, times: &[f64]) -> CellResult {
        let params = Params::new(Capacity::None, Payload::sized("frame-1KiB", 1024), 2)
            .strategy(Receiver::ThreadPerStream);
        CellResult {
            repeats_fastest: times.to_vec(),
            ..CellResult::new(
                CellKey::new(Workload::Transport, implementation, params),
                Status::Ok,
            )
        }
    }

    #[test]
    fn a_lead_is_sure_only_when_every_process_sees_it_above_five_percent() {
        let a = measured("a", &[100.0, 102.0, 98.0, 101.0]);
        // 10% behind in every process.
        let steady = measured("b", &[110.0, 112.2, 107.8, 111.1]);
        let lead = Lead::of(&[&a], &[&steady]).unwrap();
        assert!(lead.sure(), "{lead:?}");
        assert!(lead.said("b").starts_with("1.10× ahead of b, reproducible"));
        // 10% behind in the median, but one process has it ahead: within the spread.
        let scattered = measured("c", &[125.0, 112.2, 85.0, 108.0]);
        let lead = Lead::of(&[&a], &[&scattered]).unwrap();
        assert!(!lead.sure(), "{lead:?}");
        assert!(lead.said("c").starts_with("not surely ahead of c"));
        // 3% behind in every process: sure, but not by 5%.
        let close = measured("d", &[103.0, 105.06, 100.94, 104.03]);
        assert!(!Lead::of(&[&a], &[&close]).unwrap().sure());
    }

    #[test]
    fn a_lead_seen_by_one_process_is_not_replicated_and_never_sure() {
        let a = measured("a", &[100.0]);
        let b = measured("b", &[300.0]);
        let lead = Lead::of(&[&a], &[&b]).unwrap();
        assert_eq!(
            lead,
            Lead {
                ratio: 3.0,
                replication: Replication::NotReplicated
            }
        );
        assert!(!lead.sure());
        assert!(lead.said("b").contains("not replicated"));
        // Processes that cannot be paired are not either.
        let three = measured("c", &[300.0, 310.0, 290.0]);
        assert_eq!(
            Lead::of(&[&a], &[&three]).unwrap().replication,
            Replication::NotReplicated
        );
    }

    #[test]
    fn a_strategy_over_several_channels_is_timed_per_process_by_the_median_over_them() {
        let x = measured("chan-x", &[100.0, 200.0, 300.0]);
        let y = measured("chan-y", &[120.0, 180.0, 330.0]);
        let z = measured("chan-z", &[110.0, 190.0, 310.0]);
        assert_eq!(per_process(&[&x, &y, &z]), Some(vec![110.0, 190.0, 310.0]));
        let short = measured("chan-w", &[1000.0]);
        assert_eq!(per_process(&[&x, &short]), None);
        let f = fastest(&["s", "t"], &|s| match s {
            "s" => vec![&x, &y, &z],
            _ => vec![&short],
        })
        .unwrap();
        assert_eq!((f.name.as_str(), f.time), ("s", 190.0));
        assert!(f.lead.contains("not replicated"));
    }
}
