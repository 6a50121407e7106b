//! The verdict per cell: the matrix against the standalone program (and the in-process plain
//! twin beside it), within a tolerance, with two-regime cells judged within their regime.

use chanbench_schema::CalibrationRecord;
use serde::{Deserialize, Serialize};

use crate::stats;

/// The distance from 1 a sync cell's ratio may have by default.
pub const SYNC_TOLERANCE: f64 = 0.10;
/// The same for an async cell: a runtime's scheduling adds spread of its own.
pub const ASYNC_TOLERANCE: f64 = 0.15;

/// One cell's calibration: the `validate` benchmark's record (ns per message; ping-pong per
/// round trip), pooled over processes, with xtask's judgement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calibration {
    /// The record; once pooled, `rounds` and the runs are every process's.
    #[serde(flatten)]
    pub record: CalibrationRecord,
    /// The verdict: matrix against the standalone program (for records without standalone runs,
    /// against the in-process plain loop), added by xtask.
    #[serde(default)]
    pub judgement: Option<Judgement>,
    /// Matrix against the in-process plain loop, beside the verdict (when the standalone program
    /// ran): which part of a gap is the routine's and which the process's.
    #[serde(default)]
    pub in_process: Option<Judgement>,
    /// The median standalone run, ns per message (round trip).
    #[serde(default)]
    pub standalone_ns_per_msg: Option<f64>,
}

impl std::ops::Deref for Calibration {
    type Target = CalibrationRecord;

    fn deref(&self) -> &CalibrationRecord {
        &self.record
    }
}

impl Calibration {
    /// Recomputes the medians and quartiles from the pooled runs of every process.
    pub(super) fn pool(&mut self) {
        let r = &mut self.record;
        let ratios: Vec<f64> = r
            .matrix_runs_ns
            .iter()
            .zip(&r.plain_runs_ns)
            .map(|(m, p)| m / p)
            .collect();
        if ratios.is_empty() {
            return;
        }
        r.matrix_ns_per_msg = stats::median(&r.matrix_runs_ns);
        r.plain_ns_per_msg = stats::median(&r.plain_runs_ns);
        r.ratio_median = stats::median(&ratios);
        r.ratio_p25 = stats::percentile(&ratios, 25);
        r.ratio_p75 = stats::percentile(&ratios, 75);
        self.standalone_ns_per_msg =
            (!r.standalone_runs_ns.is_empty()).then(|| stats::median(&r.standalone_runs_ns));
    }

    /// The tolerance for this cell: `--tolerance`, or the sync or async default.
    pub(super) fn tolerance(&self, chosen: Option<f64>) -> f64 {
        chosen.unwrap_or(if self.key.workload().is_async() {
            ASYNC_TOLERANCE
        } else {
            SYNC_TOLERANCE
        })
    }

    /// Judges the cell: against the standalone program when it ran (and against the plain loop
    /// beside it), else against the plain loop.
    pub(super) fn judge(&mut self, tolerance: f64) {
        let r = &self.record;
        let in_process = judge(&r.matrix_runs_ns, &r.plain_runs_ns, tolerance);
        if r.standalone_runs_ns.is_empty() {
            self.judgement = Some(in_process);
            self.in_process = None;
        } else {
            self.judgement = Some(judge(&r.matrix_runs_ns, &r.standalone_runs_ns, tolerance));
            self.in_process = Some(in_process);
        }
    }
}

/// How a cell's calibration was judged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Judgement {
    /// matrix / plain: the median per-round ratio, or for a bimodal cell the ratio of the two
    /// sides' medians within the regime most runs fell into. NaN (stored as `null`) where there
    /// is none: one side has no run in that regime.
    #[serde(with = "nan_as_null")]
    pub ratio: f64,
    /// For a cell whose runs fall into two regimes: the regimes and how often each side hit them.
    pub bimodal: Option<Bimodal>,
    /// The 95% confidence interval of the ratio (geometric mean of the per-round ratios, from
    /// their spread); for a bimodal cell, of the ratio within the regime. NaN (`null`) where too
    /// few runs give none.
    #[serde(with = "nan_as_null")]
    pub lower: f64,
    /// Upper bound.
    #[serde(with = "nan_as_null")]
    pub upper: f64,
    /// The verdict.
    pub verdict: Verdict,
}

/// A number that may be NaN ("none"), which JSON cannot hold: stored as `null` (serde_json's
/// own rendering of a NaN) and read back from it, so a record written can always be read.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_none()
        } else {
            s.serialize_f64(*v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// What a calibration shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The ratio is within the tolerance (and, when bimodal, the slow share is not significantly
    /// different).
    Ok,
    /// The harness measures this cell differently from the plain loop: the ratio is outside the
    /// tolerance and its interval excludes 1, or the slow share differs significantly.
    Biased,
    /// The ratio is outside the tolerance but its interval includes 1: the cell's runs vary too
    /// much on this machine to tell a bias from noise (more `--rounds` or `--processes` narrow it).
    Inconclusive,
}

/// Where a cell's gap to the standalone program lies, read from the in-process plain loop beside
/// it: the loop shares the bench process with the matrix's routine but not the routine itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The in-process loop agrees with the matrix: the gap comes with the bench process (its
    /// build, threads, heap, the code its loops were compiled into), not the routine.
    Process,
    /// The in-process loop disagrees with the matrix too: the routine measures differently.
    Routine,
    /// The in-process comparison is itself too noisy to tell.
    Unclear,
}

impl Gap {
    /// The gap of a cell judged `verdict` against the standalone program and `in_process` against
    /// the plain loop in the bench process; `None` when the verdict is `ok`.
    pub fn of(verdict: &Judgement, in_process: &Judgement) -> Option<Gap> {
        if verdict.verdict == Verdict::Ok {
            return None;
        }
        Some(match in_process.verdict {
            Verdict::Ok => Gap::Process,
            Verdict::Biased => Gap::Routine,
            Verdict::Inconclusive => Gap::Unclear,
        })
    }

    /// How the table says it.
    pub(super) fn says(self) -> &'static str {
        match self {
            Gap::Process => "the process's: the in-process loop agrees with the matrix",
            Gap::Routine => "the routine's: the in-process loop disagrees too",
            Gap::Unclear => "unclear: the in-process comparison is too noisy",
        }
    }
}

/// Runs that fall into a fast and a slow regime: a blocking channel's cross-core ping-pong is
/// metastable (while both sides spin, a round trip is sub-microsecond; once one has parked, every
/// round trip pays a kernel wake-up), and which regime a run lands in is the machine's roll, not
/// a steady speed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bimodal {
    /// Runs above this (the middle of the widest gap between runs) are slow, ns.
    pub threshold_ns: f64,
    /// Slow matrix runs.
    pub matrix_slow: usize,
    /// Slow runs of the reference (the standalone program, or the plain loop).
    #[serde(alias = "plain_slow")]
    pub reference_slow: usize,
    /// Runs per side.
    pub runs: usize,
    /// Fisher's exact test: is the harness more (or less) often slow than the reference?
    pub p: f64,
}

/// Runs fall into two regimes when, sorted, two neighbours differ by this factor or more: a gap,
/// not just a wide spread.
const BIMODAL_GAP: f64 = 2.0;
/// A difference in the slow share is the harness's doing below this p.
const BIMODAL_ALPHA: f64 = 0.01;

/// Judges the matrix's runs against a reference's (one per round, in round order) with
/// `tolerance`.
pub fn judge(matrix: &[f64], reference: &[f64], tolerance: f64) -> Judgement {
    let within = |r: f64| (r - 1.0).abs() <= tolerance;
    // Without a ratio (one side has no run in the regime most runs fell into) or an interval
    // (too few runs), only a significant difference in the slow share is a claim.
    let verdict = |ratio: f64, lower: f64, upper: f64, regimes_agree: bool| {
        let excludes_one = lower.is_finite() && !(lower..=upper).contains(&1.0);
        if !regimes_agree || (!within(ratio) && !ratio.is_nan() && excludes_one) {
            Verdict::Biased
        } else if within(ratio) {
            Verdict::Ok
        } else {
            Verdict::Inconclusive
        }
    };
    let paired = |m: &[f64], p: &[f64]| -> (f64, f64) {
        let ratios: Vec<f64> = m.iter().zip(p).map(|(a, b)| a / b).collect();
        stats::paired_log(&ratios).map_or((f64::NAN, f64::NAN), |d| (d.lower, d.upper))
    };
    let mut all: Vec<f64> = matrix.iter().chain(reference).copied().collect();
    all.sort_by(f64::total_cmp);
    // The widest gap between neighbours; its geometric midpoint splits the regimes.
    let gap = all
        .windows(2)
        .map(|w| (w[1] / w[0], (w[0] * w[1]).sqrt()))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((_, threshold)) = gap.filter(|(factor, _)| *factor >= BIMODAL_GAP) else {
        let (lower, upper) = paired(matrix, reference);
        let ratios: Vec<f64> = matrix.iter().zip(reference).map(|(m, p)| m / p).collect();
        let ratio = stats::median(&ratios);
        return Judgement {
            ratio,
            bimodal: None,
            lower,
            upper,
            verdict: verdict(ratio, lower, upper, true),
        };
    };
    let slow = |runs: &[f64]| runs.iter().filter(|&&r| r > threshold).count();
    let (matrix_slow, reference_slow) = (slow(matrix), slow(reference));
    let runs = matrix.len().min(reference.len());
    let p = stats::fisher_exact(
        matrix_slow as u64,
        matrix.len() as u64,
        reference_slow as u64,
        reference.len() as u64,
    );
    // Compare within the regime most runs fell into, so both sides have runs there.
    let slow_regime = matrix_slow + reference_slow > runs;
    let regime = |runs: &[f64]| -> Vec<f64> {
        runs.iter()
            .copied()
            .filter(|&r| (r > threshold) == slow_regime)
            .collect()
    };
    let (m, pl) = (regime(matrix), regime(reference));
    let (ratio, lower, upper) = match (m.is_empty(), pl.is_empty()) {
        (false, false) => {
            let ratio = stats::median(&m) / stats::median(&pl);
            // Unpaired within the regime: Welch's interval on the logs.
            stats::welch_log(&pl, &m)
                .map_or((ratio, f64::NAN, f64::NAN), |d| (ratio, d.lower, d.upper))
        }
        _ => (f64::NAN, f64::NAN, f64::NAN),
    };
    Judgement {
        ratio,
        bimodal: Some(Bimodal {
            threshold_ns: threshold,
            matrix_slow,
            reference_slow,
            runs,
            p,
        }),
        lower,
        upper,
        verdict: verdict(ratio, lower, upper, p >= BIMODAL_ALPHA),
    }
}
