//! Judging a paired comparison: per configuration and placement, each process gives one B/A
//! ratio and one A'/A ratio (a second compiled copy of A against A), and the verdict is a test on
//! the processes, never on the rounds within one.
//!
//! **Per process**, each arm's time is its *typical undisturbed run* ([`typical`], shared with
//! the knob's calibration): the median of its runs within [`DISTURBED`] times its fastest run in
//! that process. A run slower than that had a side
//! parked or the process preempted: across cores on the development VM a ping-pong round trip
//! takes 0.45-1 µs while both sides spin and 5-60 µs averaged over a run in which a side parked,
//! and which runs park is chance (an arm's share of such runs moved from 0% to 90% between
//! processes of identical code). A ratio of such runs measures the dice, not the code: the median
//! of per-round ratios flagged 1 of 12 cross-core cells of a +10% work knob. The share of
//! disturbed runs per arm is reported beside the ratio, so an arm that parks more often is seen,
//! and an arm that *always* parks is measured as it is (its fastest runs are parked ones).
//!
//! **Over processes**, the change is B/A against A'/A, what a second build of the very same code
//! differs by in the same run: the Mann-Whitney U test of the processes' B/A against their A'/A
//! (rank-based, so one process whose code landed badly can neither hide a consistent shift nor
//! fake one), the Hodges-Lehmann estimate of the shift, and the median B/A over processes with
//! its distribution-free 95% interval (order statistics). A change counts when the test is
//! significant and the shift is beyond the threshold.

use chanbench_schema::PairedRecord;
pub use chanbench_workloads::paired::{DISTURBED, typical_run as typical};
use serde::Serialize;

use crate::stats;

/// What a configuration's comparison shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Not significant, within the threshold, or within what A'/A differs by.
    Unchanged,
    /// B slower.
    Regressed,
    /// B faster.
    Improved,
}

impl Verdict {
    /// As tables print it.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Unchanged => "unchanged",
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
        }
    }

    /// The class `charts::changes` colours by.
    pub fn class(self) -> usize {
        match self {
            Verdict::Unchanged => 0,
            Verdict::Regressed => 1,
            Verdict::Improved => 2,
        }
    }
}

/// The rules of a verdict.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// The smallest change that counts, percent.
    pub threshold: f64,
    /// The significance level.
    pub alpha: f64,
}

/// A ratio over processes: median, its 95% interval, a two-sided p-value (see [`Judged`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// Median over processes.
    pub ratio: f64,
    /// Lower bound of the median's 95% interval.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Two-sided p-value.
    pub p: f64,
}

impl Ratio {
    /// The median of `per_process` with its distribution-free 95% interval, and `p`.
    fn of(per_process: &[f64], p: f64) -> Option<Ratio> {
        let (lower, upper) = stats::median_interval(per_process)?;
        Some(Ratio {
            ratio: stats::median(per_process),
            lower,
            upper,
            p,
        })
    }

    /// Whether this ratio alone (significant and beyond the threshold) would be called a change.
    pub fn flagged(&self, rules: Rules) -> bool {
        self.p < rules.alpha && (self.ratio - 1.0).abs() * 100.0 > rules.threshold
    }
}

/// One configuration on one placement, judged.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    /// B/A over processes; `p` is the test of B/A against A'/A.
    pub b: Ratio,
    /// A'/A over processes: the control; `p` is its one-sample t-test against 1, what it
    /// alone would have been flagged by.
    pub aa: Ratio,
    /// The Hodges-Lehmann estimate of B/A over A'/A: the change the verdict weighs.
    pub shift: f64,
    /// Share of A's runs that were disturbed, mean over processes.
    pub disturbed_a: f64,
    /// Share of B's runs that were disturbed, mean over processes.
    pub disturbed_b: f64,
    /// Processes.
    pub processes: usize,
    /// The verdict on B.
    pub verdict: Verdict,
}

/// Judges arm `k` (B; `versions`: each later version) of one configuration against A (arm 0)
/// from its processes' records, with arm 1 (A') as the control. `None` with fewer than two
/// processes or a time that is not a positive number.
pub fn judge(records: &[&PairedRecord], k: usize, rules: Rules) -> Option<Judged> {
    if records.len() < 2 {
        return None;
    }
    // Per process: A's, A''s and this arm's typical run and disturbed share, computed once.
    let typ: Vec<[(f64, f64); 3]> = records
        .iter()
        .map(|r| [0, 1, k].map(|arm| typical(&r.times_ns[arm])))
        .collect();
    let b_over_a: Vec<f64> = typ.iter().map(|t| t[2].0 / t[0].0).collect();
    let control: Vec<f64> = typ.iter().map(|t| t[1].0 / t[0].0).collect();
    if b_over_a
        .iter()
        .chain(&control)
        .any(|r| !(r.is_finite() && *r > 0.0))
    {
        return None;
    }
    let p = stats::mann_whitney(&control, &b_over_a)?;
    let shift = stats::hodges_lehmann_ratio(&control, &b_over_a)?;
    let b = Ratio::of(&b_over_a, p)?;
    let aa = Ratio::of(&control, stats::paired_log(&control)?.p)?;
    let verdict = if p < rules.alpha && (shift - 1.0).abs() * 100.0 > rules.threshold {
        if shift > 1.0 {
            Verdict::Regressed
        } else {
            Verdict::Improved
        }
    } else {
        Verdict::Unchanged
    };
    let share = |arm: usize| typ.iter().map(|t| t[arm].1).sum::<f64>() / typ.len() as f64;
    Some(Judged {
        b,
        aa,
        shift,
        disturbed_a: share(0),
        disturbed_b: share(2),
        processes: records.len(),
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use chanbench_schema::{Capacity, CellKey, Params, Payload, SCHEMA, Workload};

    use super::*;

    /// A process's record: A at 100 ns, A' and B at the given factors, with a small round-to-
    /// round wobble shared by all arms (the drift pairing cancels).
    fn record(aa: f64, b: f64, wobble: f64) -> PairedRecord {
        let rounds = 8;
        let a: Vec<f64> = (0..rounds)
            .map(|i| 100.0 * (1.0 + wobble * ((i * 7 % 5) as f64 - 2.0)))
            .collect();
        let scaled = |f: f64| a.iter().map(|x| x * f).collect::<Vec<_>>();
        let params = Params::new(Capacity::Bounded(1), Payload::sized("u64", 8), 2);
        PairedRecord {
            schema: SCHEMA,
            key: CellKey::new(Workload::Spsc, "a", params),
            arms: vec!["a".into(), "a'".into(), "b".into()],
            messages_per_run: 100,
            times_ns: vec![a.clone(), scaled(aa), scaled(b)],
            knob: None,
        }
    }

    const RULES: Rules = Rules {
        threshold: 2.0,
        alpha: 0.05,
    };

    #[test]
    fn a_consistent_slowdown_beyond_the_control_regresses() {
        let records: Vec<PairedRecord> = [1.10, 1.09, 1.11, 1.10, 1.105]
            .iter()
            .zip([1.0, 1.005, 0.995, 1.0, 1.002])
            .map(|(b, aa)| record(aa, *b, 0.05))
            .collect();
        let refs: Vec<&PairedRecord> = records.iter().collect();
        let j = judge(&refs, 2, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Regressed, "{j:?}");
        assert!((j.b.ratio - 1.10).abs() < 0.01, "{j:?}");
    }

    #[test]
    fn a_change_inside_what_a_second_copy_of_a_differs_by_is_unchanged() {
        // B is 3% slower in every process, but so is the second copy of A.
        let records: Vec<PairedRecord> = [1.03, 1.031, 1.029, 1.03, 1.03]
            .iter()
            .map(|b| record(*b, *b, 0.01))
            .collect();
        let refs: Vec<&PairedRecord> = records.iter().collect();
        let j = judge(&refs, 2, RULES).unwrap();
        assert!(j.aa.flagged(RULES), "the copy alone differs from A: {j:?}");
        assert!((j.b.ratio - 1.03).abs() < 0.002, "{j:?}");
        assert_eq!(j.verdict, Verdict::Unchanged, "{j:?}");
    }

    #[test]
    fn parked_runs_do_not_move_the_typical_run_and_are_counted() {
        // Every third run of B and every fifth of A parked (30x slower): the ratio of medians
        // of all runs would be noise; the typical undisturbed runs keep B's 10%.
        let records: Vec<PairedRecord> = (0..8)
            .map(|i| {
                let mut r = record(1.0, 1.10, 0.02);
                for (round, t) in r.times_ns[2].iter_mut().enumerate() {
                    if (round + i) % 3 == 0 {
                        *t *= 30.0;
                    }
                }
                for (round, t) in r.times_ns[0].iter_mut().enumerate() {
                    if (round + i) % 5 == 0 {
                        *t *= 30.0;
                    }
                }
                r
            })
            .collect();
        let refs: Vec<&PairedRecord> = records.iter().collect();
        let j = judge(&refs, 2, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Regressed, "{j:?}");
        assert!((j.shift - 1.10).abs() < 0.02, "{j:?}");
        assert!(j.disturbed_b > 0.3 && j.disturbed_b < 0.4, "{j:?}");
        assert!(j.disturbed_a > 0.1 && j.disturbed_a < 0.3, "{j:?}");
    }

    #[test]
    fn one_outlying_process_neither_hides_a_shift_nor_fakes_one() {
        let mut factors = vec![1.08, 1.09, 1.07, 1.08, 1.10, 1.09, 1.08, 1.07, 1.09];
        factors.push(0.4); // one process where B landed badly the other way
        let records: Vec<PairedRecord> = factors.iter().map(|b| record(1.0, *b, 0.01)).collect();
        let refs: Vec<&PairedRecord> = records.iter().collect();
        assert_eq!(judge(&refs, 2, RULES).unwrap().verdict, Verdict::Regressed);

        let mut same = vec![1.0, 1.001, 0.999, 1.0, 1.002, 0.998, 1.0, 1.001, 0.999];
        same.push(3.0); // and one where it landed badly with no change at all
        let records: Vec<PairedRecord> = same.iter().map(|b| record(1.0, *b, 0.01)).collect();
        let refs: Vec<&PairedRecord> = records.iter().collect();
        assert_eq!(judge(&refs, 2, RULES).unwrap().verdict, Verdict::Unchanged);
    }

    #[test]
    fn processes_that_disagree_are_not_a_change() {
        let records: Vec<PairedRecord> = [1.2, 0.85, 1.1, 0.9, 1.0]
            .iter()
            .map(|b| record(1.0, *b, 0.01))
            .collect();
        let refs: Vec<&PairedRecord> = records.iter().collect();
        assert_eq!(judge(&refs, 2, RULES).unwrap().verdict, Verdict::Unchanged);
        assert!(
            judge(&refs[..1], 2, RULES).is_none(),
            "one process is no test"
        );
    }
}
