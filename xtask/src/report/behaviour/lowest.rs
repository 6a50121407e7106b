//! The one claim the behaviour sections make about a figure where less is better (a latency, a
//! slowdown, bytes, unfairness): which implementation is lowest, and whether that holds process
//! by process. The same test as a channel ranking's "reproducible" ([`Replication::sure`]): the
//! k-th process of a run observed both, and the interval of the per-process ratios must lie
//! above 5%. Within one process nothing is claimed.

use crate::{
    ranking::{MIN_MARGIN, Replication},
    stats,
};

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

/// The lowest candidate and its lead over the next, in words: `flume 3.2 µs, 1.40× below
/// kanal (4.5 µs), reproducible (95% interval over 5 processes 1.21–1.62×)`. Values must be
/// positive; `None` without a candidate.
pub(super) fn lowest(candidates: &[Candidate], show: &dyn Fn(f64) -> String) -> Option<String> {
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
    let paired = leader.per_process.len() == next.per_process.len();
    let margins: Vec<f64> = if paired {
        next.per_process
            .iter()
            .zip(&leader.per_process)
            .filter(|(_, l)| **l > 0.0)
            .map(|(n, l)| n / l)
            .collect()
    } else {
        Vec::new()
    };
    let ratio = next_value / value;
    let other = format!("{} ({})", next.name, show(next_value));
    Some(match Replication::of_margins(&margins) {
        Replication::NotReplicated => format!(
            "{head}, {ratio:.2}× below {other}; not replicated (fewer than two processes observed both)"
        ),
        r @ Replication::Tested {
            processes,
            lower,
            upper,
            ..
        } => {
            let interval =
                format!("95% interval over {processes} processes {lower:.2}–{upper:.2}×");
            if r.sure() {
                format!("{head}, {ratio:.2}× below {other}, reproducible ({interval})")
            } else {
                format!(
                    "{head}, but not surely below {other} ({ratio:.2}×, {interval}; a lead must be \
                     surely above {MIN_MARGIN}×)"
                )
            }
        }
    })
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
        );
        let sure = sure.unwrap();
        assert!(
            sure.starts_with("a 10 ns, 2.00× below b (20 ns), reproducible"),
            "{sure}"
        );
        let unsure = lowest(
            &[c("a", &[10.0, 30.0, 10.0]), c("b", &[30.0, 10.0, 11.0])],
            &show,
        );
        assert!(unsure.unwrap().contains("not surely below"));
        let one = lowest(&[c("a", &[10.0]), c("b", &[20.0])], &show).unwrap();
        assert!(one.contains("not replicated"), "{one}");
        assert_eq!(lowest(&[], &show), None);
        assert!(
            lowest(&[c("a", &[1.0])], &show)
                .unwrap()
                .contains("only one")
        );
    }
}
