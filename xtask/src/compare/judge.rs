//! Judging one cell: the change between two sets of values, its interval and significance,
//! against a threshold and the noise floor measured between processes of one run.

use serde::Serialize;

use crate::stats;

/// The judgement of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Not significant, or within the threshold or the noise floor.
    Unchanged,
    /// Slower: significant, above the threshold and above the noise floor.
    Regressed,
    /// Faster by the same rules.
    Improved,
    /// Looks changed, but one side has a single process: no noise floor, no claim.
    Unverified,
}

impl Verdict {
    /// The chart class: unchanged, regressed, improved, unverified.
    pub fn class(self) -> usize {
        match self {
            Verdict::Unchanged => 0,
            Verdict::Regressed => 1,
            Verdict::Improved => 2,
            Verdict::Unverified => 3,
        }
    }

    /// As the table prints it.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Unchanged => "unchanged",
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
            Verdict::Unverified => "unverified",
        }
    }
}

/// How two cells' values are judged.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Percent.
    pub threshold: f64,
    /// Significance level.
    pub alpha: f64,
}

/// Judges one cell from its two sides' values: per process when `by_process` (each side has two
/// or more), else criterion's samples within one process.
///
/// By process: the change is the Hodges-Lehmann estimate (median of all new/base ratios), its
/// significance the Mann-Whitney U test, and the noise floor the larger of the two sides' typical
/// difference between two of their processes; all three are rank- or median-based, so one process
/// disturbed by the machine neither hides nor fakes a change. The interval is Welch's 95% interval
/// on the log means (parametric: it widens with an outlier). By samples there is no noise floor: a
/// change can only be "unverified".
pub fn judge(base: &[f64], new: &[f64], by_process: bool, rules: Rules) -> Option<Judged> {
    let welch = stats::welch_log(base, new)?;
    let (ratio, p, noise) = if by_process {
        let noise = stats::typical_spread(base)?.max(stats::typical_spread(new)?);
        (
            stats::hodges_lehmann_ratio(base, new)?,
            stats::mann_whitney(base, new)?,
            Some(noise * 100.0),
        )
    } else {
        (welch.ratio, welch.p, None)
    };
    let change = (ratio - 1.0) * 100.0;
    let big = change.abs() > rules.threshold && p < rules.alpha;
    let verdict = match noise {
        Some(noise) if big && change.abs() > noise => {
            if change > 0.0 {
                Verdict::Regressed
            } else {
                Verdict::Improved
            }
        }
        Some(_) => Verdict::Unchanged,
        None if big => Verdict::Unverified,
        None => Verdict::Unchanged,
    };
    Some(Judged {
        change,
        lower: (welch.lower - 1.0) * 100.0,
        upper: (welch.upper - 1.0) * 100.0,
        p,
        noise,
        verdict,
    })
}

/// The outcome of [`judge`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    /// Percent.
    pub change: f64,
    /// Percent.
    pub lower: f64,
    /// Percent.
    pub upper: f64,
    /// p-value.
    pub p: f64,
    /// Percent.
    pub noise: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rules = Rules {
        threshold: 5.0,
        alpha: 0.05,
    };

    #[test]
    fn a_clear_slowdown_beyond_the_noise_regresses() {
        // Five processes a side, one new process disturbed by the machine.
        let base = [100.0, 101.0, 99.5, 100.2, 100.5];
        let new = [110.0, 111.0, 109.0, 110.5, 180.0];
        let j = judge(&base, &new, true, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Regressed, "{j:?}");
        assert!((j.change - 10.0).abs() < 1.0, "{j:?}");
        assert!(j.noise.unwrap() < 2.0, "{j:?}");
        let j = judge(&new, &base, true, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Improved, "{j:?}");
    }

    #[test]
    fn noise_threshold_and_significance_each_hold_a_change_back() {
        // Significant and above the threshold, but inside this cell's noise floor: its base
        // processes land in two modes 40% apart.
        let base = [100.0, 101.0, 70.0, 72.0, 102.0];
        let new = [110.0, 111.0, 109.0, 110.5, 109.5];
        let noisy = judge(&base, &new, true, RULES).unwrap();
        assert!(noisy.p < 0.05 && noisy.change > 5.0, "{noisy:?}");
        assert!(noisy.noise.unwrap() > noisy.change, "{noisy:?}");
        assert_eq!(noisy.verdict, Verdict::Unchanged, "{noisy:?}");
        // Significant and beyond the noise, but under the threshold.
        let base = [100.0, 100.1, 99.9, 100.05, 99.95];
        let small: Vec<f64> = base.iter().map(|x| x * 1.03).collect();
        let small = judge(&base, &small, true, RULES).unwrap();
        assert!(small.p < 0.05, "{small:?}");
        assert_eq!(small.verdict, Verdict::Unchanged, "{small:?}");
        // Large but not significant: the processes overlap.
        let unsure = judge(
            &[100.0, 160.0, 120.0, 140.0],
            &[120.0, 200.0, 110.0, 150.0],
            true,
            RULES,
        );
        let unsure = unsure.unwrap();
        assert!(unsure.p > 0.05, "{unsure:?}");
        assert_eq!(unsure.verdict, Verdict::Unchanged, "{unsure:?}");
        // Three processes a side can never be significant at 0.05 with a rank test (the
        // smallest two-sided p is 0.1 exact, 0.081 approximated): the verdict needs four or more.
        let three = judge(&[100.0, 101.0, 99.0], &[150.0, 151.0, 149.0], true, RULES).unwrap();
        assert!(three.p > 0.05, "{three:?}");
        assert_eq!(three.verdict, Verdict::Unchanged);
    }

    #[test]
    fn without_processes_a_change_is_only_unverified() {
        let base: Vec<f64> = (0..20).map(|i| 100.0 + f64::from(i % 3)).collect();
        let new: Vec<f64> = base.iter().map(|x| x * 1.2).collect();
        let j = judge(&base, &new, false, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Unverified, "{j:?}");
        assert_eq!(j.noise, None);
    }
}
