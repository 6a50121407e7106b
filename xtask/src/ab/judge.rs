//! Judging a paired comparison: per configuration and placement, each process gives one B/A
//! ratio (the median over its rounds of B's time over A's in the same round) and one A'/A
//! ratio (a second compiled copy of A against A). The verdict is a test on the processes, never
//! on the rounds within one: the change is the geometric mean of the processes' B/A with its
//! 95% interval (one-sample t-test on the logs), and it counts only when it is significant,
//! beyond the threshold, and outside the interval of A'/A, what a second build of the very same
//! code differs by in the same run.

use chanbench_schema::PairedRecord;
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

/// A ratio over processes: geometric mean, 95% interval, p-value against 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// Geometric mean over processes.
    pub ratio: f64,
    /// Lower bound of the 95% interval.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Two-sided p-value against 1.
    pub p: f64,
}

impl Ratio {
    fn of(per_process: &[f64]) -> Option<Ratio> {
        let d = stats::paired_log(per_process)?;
        Some(Ratio {
            ratio: d.ratio,
            lower: d.lower,
            upper: d.upper,
            p: d.p,
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
    /// B/A over processes.
    pub b: Ratio,
    /// A'/A over processes: the control.
    pub aa: Ratio,
    /// Processes.
    pub processes: usize,
    /// The verdict on B.
    pub verdict: Verdict,
}

/// The per-process medians of arm `k` over arm 0, from each process's record of one cell.
pub fn per_process(records: &[&PairedRecord], k: usize) -> Vec<f64> {
    records
        .iter()
        .map(|r| {
            let ratios: Vec<f64> = r.times_ns[k]
                .iter()
                .zip(&r.times_ns[0])
                .map(|(x, a)| x / a)
                .collect();
            stats::median(&ratios)
        })
        .collect()
}

/// Judges arm `k` (B; `versions`: each later version) of one configuration against A (arm 0)
/// from its processes' records, with arm 1 (A') as the control. `None` with fewer than two
/// processes.
pub fn judge(records: &[&PairedRecord], k: usize, rules: Rules) -> Option<Judged> {
    let b = Ratio::of(&per_process(records, k))?;
    let aa = Ratio::of(&per_process(records, 1))?;
    let beyond_control = b.lower > aa.upper || b.upper < aa.lower;
    let verdict = if b.flagged(rules) && beyond_control {
        if b.ratio > 1.0 {
            Verdict::Regressed
        } else {
            Verdict::Improved
        }
    } else {
        Verdict::Unchanged
    };
    Some(Judged {
        b,
        aa,
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
        assert!(j.b.flagged(RULES) && j.aa.flagged(RULES), "{j:?}");
        assert_eq!(j.verdict, Verdict::Unchanged, "{j:?}");
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
