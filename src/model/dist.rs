//! Distributions of service times, values and shelf lives: immutable data, sampled with a
//! generator passed in. An enum, so sampling is a `match`, not a virtual call.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, StandardNormal};

/// A validated distribution over non-negative reals.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always `value`.
    Constant(f64),
    /// Exponential with the given mean; `scale` is the mean as rand_distr's `Exp::new(1 /
    /// mean)` holds it (`1 / (1 / mean)`), so draws equal that sampler's bit for bit.
    Exponential {
        /// Mean.
        mean: f64,
        /// The mean as the sampler holds it.
        scale: f64,
    },
    /// Uniform on `[min, max)`.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end (excluded).
        max: f64,
    },
    /// Triangular on `[min, max]` with mode `mode`.
    Triangular {
        /// Lower end.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// Log-normal given by its own mean and sd.
    LogNormal {
        /// Mean of the variable.
        mean: f64,
        /// Standard deviation of the variable.
        sd: f64,
        /// The sampler (parameters of the underlying normal).
        ln: LogNormal<f64>,
    },
    /// Gamma given by shape and scale (mean = shape·scale).
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale θ.
        scale: f64,
        /// The sampler.
        gamma: Gamma<f64>,
    },
    /// Empirical: `values[i]` with probability `cum[i] − cum[i−1]`.
    Empirical {
        /// The possible values.
        values: Vec<f64>,
        /// Cumulative probabilities, the last 1.
        cum: Vec<f64>,
    },
}

/// Why a distribution's parameters are impossible; the message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

/// The error for impossible parameters, with its message.
fn bad(message: impl Into<String>) -> Result<Dist, DistError> {
    Err(DistError(message.into()))
}

impl Dist {
    /// The distribution for people: `triangular 0.8–1.25, mode 1`.
    pub fn describe(&self) -> String {
        let n = |x: f64| {
            let s = format!("{x:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        match self {
            Dist::Constant(v) => format!("constant {}", n(*v)),
            Dist::Exponential { mean, .. } => format!("exponential, mean {}", n(*mean)),
            Dist::Uniform { min, max } => format!("uniform {}–{}", n(*min), n(*max)),
            Dist::Triangular { min, mode, max } => {
                format!("triangular {}–{}, mode {}", n(*min), n(*max), n(*mode))
            }
            Dist::LogNormal { mean, sd, .. } => {
                format!("log-normal, mean {}, sd {}", n(*mean), n(*sd))
            }
            Dist::Gamma { shape, scale, .. } => {
                format!("gamma, shape {}, scale {}", n(*shape), n(*scale))
            }
            Dist::Empirical { values, .. } => {
                let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                format!("empirical, {} values {}–{}", values.len(), n(lo), n(hi))
            }
        }
    }

    /// Constant.
    pub fn constant(v: f64) -> Result<Dist, DistError> {
        if v.is_finite() && v >= 0.0 {
            Ok(Dist::Constant(v))
        } else {
            bad(format!("value must be ≥ 0 and finite, got {v}"))
        }
    }
    /// Exponential by mean (> 0).
    pub fn exponential(mean: f64) -> Result<Dist, DistError> {
        if !(mean > 0.0 && mean.is_finite()) {
            return bad(format!("mean must be > 0, got {mean}"));
        }
        Ok(Dist::Exponential {
            mean,
            scale: 1.0 / (1.0 / mean),
        })
    }
    /// Uniform on `[min, max]`.
    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        if !(min >= 0.0 && max >= min && max.is_finite()) {
            return bad(format!("need 0 ≤ min ≤ max, got min = {min}, max = {max}"));
        }
        Ok(Dist::Uniform { min, max })
    }
    /// Triangular(min, mode, max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        if !(min >= 0.0 && min <= mode && mode <= max && max.is_finite() && max > min) {
            return bad(format!(
                "need 0 ≤ min ≤ mode ≤ max and min < max, got {min} / {mode} / {max}"
            ));
        }
        Ok(Dist::Triangular { min, mode, max })
    }
    /// Log-normal with the given mean and standard deviation of the variable itself.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Dist, DistError> {
        if !(mean > 0.0 && sd >= 0.0 && mean.is_finite() && sd.is_finite()) {
            return bad(format!(
                "need mean > 0 and sd ≥ 0, got mean = {mean}, sd = {sd}"
            ));
        }
        let s2 = (1.0 + (sd / mean).powi(2)).ln();
        let ln = LogNormal::new(mean.ln() - 0.5 * s2, s2.sqrt())
            .map_err(|e| DistError(e.to_string()))?;
        Ok(Dist::LogNormal { mean, sd, ln })
    }
    /// Gamma by shape and scale.
    pub fn gamma(shape: f64, scale: f64) -> Result<Dist, DistError> {
        if !(shape > 0.0 && scale > 0.0 && shape.is_finite() && scale.is_finite()) {
            return bad(format!(
                "need shape > 0 and scale > 0, got shape = {shape}, scale = {scale}"
            ));
        }
        Ok(Dist::Gamma {
            shape,
            scale,
            gamma: Gamma::new(shape, scale).map_err(|e| DistError(e.to_string()))?,
        })
    }
    /// Empirical from values and (unnormalised, non-negative) weights.
    pub fn empirical(values: Vec<f64>, weights: Vec<f64>) -> Result<Dist, DistError> {
        if values.is_empty() || values.len() != weights.len() {
            return bad(format!(
                "need as many weights as values (and at least one): {} values, {} weights",
                values.len(),
                weights.len()
            ));
        }
        if values.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
            return bad("values must be finite and ≥ 0");
        }
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return bad("weights must be finite and ≥ 0");
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return bad("weights must not all be zero");
        }
        let mut acc = 0.0;
        let cum = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Ok(Dist::Empirical { values, cum })
    }

    /// Expected value.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { mean, .. } => *mean,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Triangular { min, mode, max, .. } => (min + mode + max) / 3.0,
            Dist::LogNormal { mean, .. } => *mean,
            Dist::Gamma { shape, scale, .. } => shape * scale,
            Dist::Empirical { values, cum } => weighted(values, cum).map(|(v, p)| v * p).sum(),
        }
    }

    /// The largest draw [`sample`](Dist::sample) can return (an upper bound, not a quantile):
    /// exact for the bounded distributions; for the others it follows from the samplers'
    /// ziggurat tails, whose uniforms are at least 2⁻⁵³: a standard exponential draw is at
    /// most 7.7 + 36.8 < 45 and a standard normal one at most 3.7 + 10.1 < 15, so a gamma
    /// draw (Marsaglia–Tsang) is at most 310·(shape + 1)·scale.
    pub fn upper_bound(&self) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { scale, .. } => 45.0 * scale,
            Dist::Uniform { max, .. } | Dist::Triangular { max, .. } => *max,
            Dist::LogNormal { mean, sd, .. } => {
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                (mean.ln() - 0.5 * s2 + 15.0 * s2.sqrt()).exp()
            }
            Dist::Gamma { shape, scale, .. } => 310.0 * (shape + 1.0) * scale,
            Dist::Empirical { values, .. } => values.iter().copied().fold(0.0, f64::max),
        }
    }

    /// The quantile of probability `u` (0 < u < 1): the value below which a share `u` of
    /// draws falls. Exact for the bounded and the exponential distributions, from statrs'
    /// inverse distribution functions for the log-normal and the gamma.
    pub fn quantile(&self, u: f64) -> f64 {
        use statrs::distribution::{ContinuousCDF, Gamma as StatrsGamma, LogNormal as Ln};
        let u = u.clamp(0.0, 1.0);
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { mean, .. } => -mean * (1.0 - u).ln(),
            Dist::Uniform { min, max } => min + (max - min) * u,
            &Dist::Triangular { min, mode, max } => triangular(min, mode, max, u),
            Dist::LogNormal { mean, sd, .. } => {
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                Ln::new(mean.ln() - 0.5 * s2, s2.sqrt()).map_or(f64::NAN, |d| d.inverse_cdf(u))
            }
            Dist::Gamma { shape, scale, .. } => {
                StatrsGamma::new(*shape, 1.0 / scale).map_or(f64::NAN, |d| d.inverse_cdf(u))
            }
            Dist::Empirical { values, cum } => {
                // the values in increasing order, with their probabilities
                let mut pairs: Vec<(f64, f64)> = weighted(values, cum).collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut acc = 0.0;
                for &(v, p) in &pairs {
                    acc += p;
                    if acc >= u {
                        return v;
                    }
                }
                pairs.last().map_or(f64::NAN, |p| p.0)
            }
        }
    }

    /// The range a sensitivity analysis explores, `(low, central, high)`: the ends of a
    /// bounded distribution (uniform, triangular, empirical), the 5th and 95th percentiles
    /// of an unbounded one; central is the median.
    pub fn sensitivity_range(&self) -> (f64, f64, f64) {
        let median = self.quantile(0.5);
        match self {
            Dist::Constant(v) => (*v, *v, *v),
            Dist::Uniform { min, max } | Dist::Triangular { min, max, .. } => (*min, median, *max),
            Dist::Empirical { values, .. } => (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                median,
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
            _ => (self.quantile(0.05), median, self.quantile(0.95)),
        }
    }

    /// True if the ends of the range are the distribution's own ends (bounded), false if
    /// they are its 5th and 95th percentiles.
    pub fn is_bounded(&self) -> bool {
        matches!(
            self,
            Dist::Constant(_)
                | Dist::Uniform { .. }
                | Dist::Triangular { .. }
                | Dist::Empirical { .. }
        )
    }

    /// Variance.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Constant(_) => 0.0,
            Dist::Exponential { mean, .. } => mean * mean,
            Dist::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Dist::Triangular {
                min: a,
                mode: c,
                max: b,
                ..
            } => (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            Dist::LogNormal { sd, .. } => sd * sd,
            Dist::Gamma { shape, scale, .. } => shape * scale * scale,
            Dist::Empirical { values, cum } => {
                let m = self.mean();
                weighted(values, cum)
                    .map(|(v, p)| p * (v - m).powi(2))
                    .sum()
            }
        }
    }

    /// One draw. The exponential and log-normal call rand_distr's standard samplers
    /// directly (as its `Exp` and `LogNormal` do), so that their ziggurat is compiled into
    /// the caller instead of behind a function call.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { scale, .. } => {
                <Exp1 as Distribution<f64>>::sample(&Exp1, rng) * scale
            }
            Dist::Uniform { min, max } => min + (max - min) * unit(rng),
            &Dist::Triangular { min, mode, max } => triangular(min, mode, max, unit(rng)),
            Dist::LogNormal { ln, .. } => ln.from_zscore(
                <StandardNormal as Distribution<f64>>::sample(&StandardNormal, rng),
            ),
            Dist::Gamma { gamma, .. } => gamma.sample(rng),
            Dist::Empirical { values, cum } => {
                let u = unit(rng);
                let i = cum.partition_point(|&c| c <= u).min(values.len() - 1);
                values[i]
            }
        }
    }
}

/// The triangular draw for the uniform draw `u`, by inverting the distribution function as
/// rand_distr's `Triangular` does (same operations, same bits), but without a branch: which
/// side of the mode a draw falls on is a coin flip the processor cannot predict, so both
/// sides are computed and blended with weights 1 and 0 (exact: every term is finite and
/// ≥ 0, so `x·1 + y·0 = x` bit for bit).
#[inline(always)]
fn triangular(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let (left_width, range, right_width) = (mode - min, max - min, max - mode);
    let u_range = u * range;
    let left = (u_range < left_width) as u8 as f64;
    let right = 1.0 - left;
    let root = (left * (u_range * left_width) + right * ((range - u_range) * right_width)).sqrt();
    left * (min + root) + right * (max - root)
}

/// The (value, probability) pairs of an empirical distribution given cumulative shares.
fn weighted<'a>(values: &'a [f64], cum: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
    values
        .iter()
        .zip(cum)
        .enumerate()
        .map(move |(i, (&v, &c))| (v, c - if i == 0 { 0.0 } else { cum[i - 1] }))
}

/// A uniform draw in `[0, 1)` with 53 random bits.
#[inline]
pub fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_draw_exceeds_the_upper_bound() {
        use rand::SeedableRng;
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        for d in [
            super::Dist::exponential(5.0).unwrap(),
            super::Dist::lognormal(5.0, 50.0).unwrap(),
            super::Dist::gamma(0.2, 3.0).unwrap(),
            super::Dist::gamma(40.0, 3.0).unwrap(),
            super::Dist::triangular(1.0, 2.0, 3.0).unwrap(),
        ] {
            let top = d.upper_bound();
            assert!(top.is_finite());
            for _ in 0..100_000 {
                assert!(d.sample(&mut rng) <= top, "{d:?}");
            }
        }
    }

    use super::*;
    use crate::engine::rng::stream;

    #[test]
    fn sample_means_match_declared_means() {
        let dists = [
            Dist::constant(3.0).unwrap(),
            Dist::exponential(4.0).unwrap(),
            Dist::uniform(2.0, 6.0).unwrap(),
            Dist::triangular(10.0, 20.0, 45.0).unwrap(),
            Dist::lognormal(6.0, 3.0).unwrap(),
            Dist::gamma(2.0, 3.0).unwrap(),
            Dist::empirical(vec![1.0, 5.0], vec![3.0, 1.0]).unwrap(),
        ];
        for d in &dists {
            let mut rng = stream(9, 0, 0, 0);
            let n = 200_000;
            let mean = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
            // 5 standard errors: fails with probability < 1e-6 for a correct sampler
            let tol = 5.0 * (d.variance() / n as f64).sqrt() + 1e-12;
            assert!(
                (mean - d.mean()).abs() <= tol,
                "{d:?}: {mean} vs {}",
                d.mean()
            );
        }
    }

    /// The exponential and log-normal sample rand_distr's standard distributions directly;
    /// their draws must stay those of rand_distr's own `Exp` and `LogNormal`, bit for bit.
    #[test]
    fn exponential_and_lognormal_draw_exactly_like_rand_distr() {
        use rand_distr::Exp;
        for mean in [0.3, 4.0, 7.0, 1e5] {
            let ours = Dist::exponential(mean).unwrap();
            let theirs = Exp::new(1.0 / mean).unwrap();
            let (mut a, mut b) = (stream(3, 1, 2, 0), stream(3, 1, 2, 0));
            for _ in 0..10_000 {
                assert_eq!(
                    ours.sample(&mut a).to_bits(),
                    theirs.sample(&mut b).to_bits()
                );
            }
        }
        let ours = Dist::lognormal(6.0, 3.0).unwrap();
        let Dist::LogNormal { ln, .. } = &ours else {
            unreachable!()
        };
        let (mut a, mut b) = (stream(4, 0, 0, 1), stream(4, 0, 0, 1));
        for _ in 0..10_000 {
            assert_eq!(ours.sample(&mut a).to_bits(), ln.sample(&mut b).to_bits());
        }
    }

    #[test]
    fn triangular_draws_exactly_like_rand_distr() {
        use rand_distr::Triangular;
        for (min, mode, max) in [
            (10.0, 20.0, 45.0),
            (0.0, 0.0, 1.0),
            (2.0, 7.0, 7.0),
            (1.0, 1.5, 1e6),
        ] {
            let ours = Dist::triangular(min, mode, max).unwrap();
            let theirs = Triangular::new(min, max, mode).unwrap();
            let (mut a, mut b) = (stream(5, 2, 1, 0), stream(5, 2, 1, 0));
            for _ in 0..100_000 {
                assert_eq!(
                    ours.sample(&mut a).to_bits(),
                    theirs.sample(&mut b).to_bits()
                );
            }
        }
    }

    #[test]
    fn impossible_parameters_are_errors() {
        assert!(Dist::lognormal(5.0, -1.0).is_err());
        assert!(Dist::uniform(5.0, 1.0).is_err());
        assert!(Dist::triangular(5.0, 1.0, 10.0).is_err());
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::exponential(f64::NAN).is_err());
        assert!(Dist::gamma(0.0, 1.0).is_err());
        assert!(Dist::empirical(vec![1.0], vec![0.0]).is_err());
    }
}
