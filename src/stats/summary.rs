//! Summaries over replications: the `STAT` object of the output contract, and Wilson intervals.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Summary of one per-replication figure over replications (the contract's `STAT`).
///
/// `sd` and `ci95` are `None` (JSON `null`) below two replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stat {
    /// Mean over replications.
    pub mean: f64,
    /// Sample standard deviation over replications.
    pub sd: Option<f64>,
    /// Student-t 95 % confidence interval of the mean.
    pub ci95: Option<[f64; 2]>,
    /// 5th percentile over replications.
    pub p5: f64,
    /// Median over replications.
    pub p50: f64,
    /// 95th percentile over replications.
    pub p95: f64,
}

/// Two-sided 95 % Student-t quantile t₀.₉₇₅ with `df` degrees of freedom.
pub fn t_975(df: u64) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// Percentile `q` (0..1) of sorted values, linear interpolation between order statistics
/// (Hyndman–Fan type 7, the default of R and NumPy).
pub fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

impl Stat {
    /// Summarises per-replication values (non-finite values are ignored; an empty input gives
    /// zeros with no interval).
    pub fn of(values: &[f64]) -> Stat {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return Stat {
                mean: 0.0,
                sd: None,
                ci95: None,
                p5: 0.0,
                p50: 0.0,
                p95: 0.0,
            };
        }
        let mut t = super::Tally::new();
        v.iter().for_each(|&x| t.add(x));
        let mean = t.mean();
        let sd = t.sd();
        let ci95 = sd.map(|s| {
            let h = t_975(n as u64 - 1) * s / (n as f64).sqrt();
            [mean - h, mean + h]
        });
        Stat {
            mean,
            sd,
            ci95,
            p5: percentile_sorted(&v, 0.05),
            p50: percentile_sorted(&v, 0.50),
            p95: percentile_sorted(&v, 0.95),
        }
    }

    /// Half-width of the 95 % interval (`None` below two replications).
    pub fn half_width(&self) -> Option<f64> {
        self.ci95.map(|[lo, hi]| 0.5 * (hi - lo))
    }
}

/// Wilson score 95 % interval for `successes` out of `n` (z = 1.959964). `[0, 1]` when n = 0.
pub fn wilson_interval(successes: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = successes as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// The fewest replications (from `step` on, in steps of `step`) whose Wilson 95 % interval at
/// an observed share `p` has a half-width of at most `h`: how many a variant at `p` would need.
pub fn wilson_replications(p: f64, h: f64, step: u64) -> u64 {
    let p = p.clamp(0.0, 1.0);
    let step = step.max(1);
    let mut n = step;
    while n < 10_000_000 {
        let [lo, hi] = wilson_interval((p * n as f64).round() as u64, n);
        if 0.5 * (hi - lo) <= h {
            return n;
        }
        n += step;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_replications_match_the_closed_forms() {
        // n/n: half-width z²/(2(n + z²)) ≤ 0.10 from n = 16, ≤ 0.02 from n = 93
        assert_eq!(wilson_replications(1.0, 0.10, 1), 16);
        assert_eq!(wilson_replications(1.0, 0.02, 1), 93);
        assert_eq!(wilson_replications(1.0, 0.02, 4), 96);
        // p = 1/2: about z²/(4h²) − z² ≈ 92 for ±0.10
        let n = wilson_replications(0.5, 0.10, 1);
        assert!((90..=96).contains(&n), "{n}");
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Standard t-table values for t_{0.975}.
        for (df, v) in [
            (1, 12.706),
            (4, 2.776),
            (9, 2.262),
            (19, 2.093),
            (29, 2.045),
            (199, 1.972),
        ] {
            assert!((t_975(df) - v).abs() < 1e-3, "df {df}: {}", t_975(df));
        }
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17, example: 81/263 → 0.2553–0.3662.
        let [lo, hi] = wilson_interval(81, 263);
        assert!(
            (lo - 0.2553).abs() < 5e-4 && (hi - 0.3662).abs() < 5e-4,
            "{lo} {hi}"
        );
        // 0/10 → 0 – 0.2775; 10/10 → 0.7225 – 1
        let [lo, hi] = wilson_interval(0, 10);
        assert!(lo.abs() < 1e-12 && (hi - 0.2775).abs() < 5e-4);
        let [lo, hi] = wilson_interval(10, 10);
        assert!((lo - 0.7225).abs() < 5e-4 && (hi - 1.0).abs() < 1e-12);
    }

    #[test]
    fn stat_of_known_sample() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.mean, 3.0);
        assert!((s.sd.unwrap() - 2.5f64.sqrt()).abs() < 1e-12);
        let h = 2.776445 * 2.5f64.sqrt() / 5f64.sqrt();
        let [lo, hi] = s.ci95.unwrap();
        assert!((lo - (3.0 - h)).abs() < 1e-4 && (hi - (3.0 + h)).abs() < 1e-4);
        assert_eq!(s.p50, 3.0);
        assert!((s.p5 - 1.2).abs() < 1e-12);
        assert!((s.p95 - 4.8).abs() < 1e-12);
        let one = Stat::of(&[7.0]);
        assert_eq!(one.sd, None);
        assert_eq!(one.ci95, None);
    }
}
