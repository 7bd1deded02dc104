//! Decisions for planners, on top of [`montecarlo::jobs`](crate::montecarlo::jobs):
//! what the answer hangs on ([`sensitivity`]), how much of a capacity is enough ([`sweep`]),
//! and the cheapest package of improvements that reaches the target ([`optimise`]).
//!
//! Every design here runs replication `r` of each point with the day-to-day random streams
//! of `(seed, r)` (common random numbers), so the differences between points are paired and
//! the results do not depend on the thread count.

pub mod optimise;
pub mod sensitivity;
pub mod sweep;

use crate::model::Model;
use crate::stats::{Stat, wilson_interval};

/// Index of the year the decision commands judge: the target's year, else the horizon's last.
pub fn decision_year(model: &Model) -> usize {
    model
        .target_year_index()
        .unwrap_or_else(|| model.years().len() - 1)
}

/// A mean with its 95 % Student-t interval (`lo = hi = mean` below two values).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Estimate {
    /// Mean.
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub lo: f64,
    /// Upper end of the 95 % interval.
    pub hi: f64,
}

impl Estimate {
    /// The mean of `values` with its Student-t interval.
    pub fn mean_of(values: &[f64]) -> Estimate {
        let s = Stat::of(values);
        let [lo, hi] = s.ci95.unwrap_or([s.mean, s.mean]);
        Estimate {
            mean: s.mean,
            lo,
            hi,
        }
    }

    /// The mean of `values`, which cannot be negative (counts, times, turnover), with its
    /// Student-t interval cut at 0: the mean lies in `[0, ∞)`, so the cut interval covers it
    /// whenever the uncut one does (a t-interval of few replications can reach below 0).
    pub fn mean_of_nonnegative(values: &[f64]) -> Estimate {
        let e = Estimate::mean_of(values);
        Estimate {
            lo: e.lo.max(0.0),
            ..e
        }
    }

    /// A proportion with its Wilson 95 % interval.
    pub fn proportion(hits: usize, n: usize) -> Estimate {
        let [lo, hi] = wilson_interval(hits as u64, n as u64);
        Estimate {
            mean: if n == 0 { 0.0 } else { hits as f64 / n as f64 },
            lo,
            hi,
        }
    }

    /// The mean of paired differences `a[i] − b[i]` with its Student-t interval.
    pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        Estimate::mean_of(&d)
    }

    /// Half-width of the interval.
    pub fn half_width(&self) -> f64 {
        0.5 * (self.hi - self.lo)
    }
}

#[cfg(test)]
mod tests {
    use super::Estimate;

    /// A t-interval of two replications reaches below 0; cut at 0 it keeps its mean and
    /// upper end.
    #[test]
    fn a_nonnegative_mean_has_its_interval_cut_at_zero() {
        let (plain, cut) = (
            Estimate::mean_of(&[0.0, 100.0]),
            Estimate::mean_of_nonnegative(&[0.0, 100.0]),
        );
        assert!(plain.lo < 0.0);
        assert_eq!((cut.mean, cut.lo, cut.hi), (plain.mean, 0.0, plain.hi));
        let far = Estimate::mean_of_nonnegative(&[100.0, 101.0]);
        assert_eq!(far, Estimate::mean_of(&[100.0, 101.0]));
    }
}
