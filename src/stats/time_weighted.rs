//! Time-weighted average of a piecewise-constant quantity (queue length, servers busy).

/// Integrates `value(t)` over time; tracks the maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWeighted {
    value: f64,
    since: f64,
    start: f64,
    integral: f64,
    max: f64,
}

impl TimeWeighted {
    /// Starts at time `t` with `value`.
    pub fn new(t: f64, value: f64) -> Self {
        Self {
            value,
            since: t,
            start: t,
            integral: 0.0,
            max: value,
        }
    }

    /// The quantity changes to `value` at time `t` (≥ the previous change).
    #[inline]
    pub fn set(&mut self, t: f64, value: f64) {
        self.integral += self.value * (t - self.since);
        self.since = t;
        self.value = value;
        if value > self.max {
            self.max = value;
        }
    }

    /// Adds `delta` to the quantity at time `t`.
    #[inline]
    pub fn add(&mut self, t: f64, delta: f64) {
        self.set(t, self.value + delta);
    }

    /// Current value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Forgets the history before `t` (end of warm-up); keeps the current value.
    pub fn reset(&mut self, t: f64) {
        *self = Self::new(t, self.value);
    }

    /// ∫ value dt from the start to `t`.
    pub fn integral(&self, t: f64) -> f64 {
        self.integral + self.value * (t - self.since)
    }

    /// Time average over `[start, t]` (0 for an empty interval).
    pub fn mean(&self, t: f64) -> f64 {
        let span = t - self.start;
        if span > 0.0 {
            self.integral(t) / span
        } else {
            self.value
        }
    }

    /// Largest value seen since the start.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The accumulated history up to `t`, as a mergeable summary.
    pub fn summary(&self, t: f64) -> TimeAverage {
        TimeAverage {
            integral: self.integral(t),
            span: (t - self.start).max(0.0),
            max: self.max,
        }
    }
}

/// A count that moves in whole steps (vehicles in a line, servers busy): its time integral,
/// kept with one addition per change instead of a product, and with `PEAK` its maximum (kept
/// only where it is reported: a comparison and a store less per change elsewhere).
///
/// With `c(t)` the count, `c₀` its value at the start `S`, and changes `δₖ` at times `tₖ`,
/// `∫_S^T c dt = c(T)·T − (c₀·S + Σ δₖ·tₖ)`; the bracket is kept up to date as `offset`.
/// Its rounding error is that of a sum of times (relative 10⁻¹⁵ per change), far below the
/// model's own noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Occupancy<const PEAK: bool> {
    count: u32,
    /// Largest count since the start (with `PEAK`; else 0).
    max: u32,
    /// Start of the observed span, **minutes**.
    start: f64,
    /// `c₀·S + Σ δₖ·tₖ`, **count × minutes**.
    offset: f64,
}

impl<const PEAK: bool> Occupancy<PEAK> {
    /// Zero from time `t` (**minutes**).
    pub fn new(t: f64) -> Self {
        Self {
            count: 0,
            max: 0,
            start: t,
            offset: 0.0,
        }
    }

    /// One more at time `t` (≥ the previous change).
    #[inline(always)]
    pub fn inc(&mut self, t: f64) {
        self.count += 1;
        self.offset += t;
        if PEAK {
            self.max = self.max.max(self.count);
        }
    }

    /// One fewer at time `t` (≥ the previous change); the count must be positive.
    #[inline(always)]
    pub fn dec(&mut self, t: f64) {
        debug_assert!(self.count > 0);
        self.count -= 1;
        self.offset -= t;
    }

    /// The count becomes `n` at time `t` (≥ the previous change).
    pub fn set(&mut self, t: f64, n: u32) {
        self.offset += (n as f64 - self.count as f64) * t;
        self.count = n;
        if PEAK {
            self.max = self.max.max(n);
        }
    }

    /// Current count.
    #[inline(always)]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Forgets the history before `t` (end of warm-up); keeps the current count.
    pub fn reset(&mut self, t: f64) {
        self.start = t;
        if PEAK {
            self.max = self.count;
        }
        self.offset = self.count as f64 * t;
    }

    /// ∫ count dt from the start to `t`, **count × minutes**.
    pub fn integral(&self, t: f64) -> f64 {
        self.count as f64 * t - self.offset
    }

    /// Time average over `[start, t]` (the current count for an empty interval).
    pub fn mean(&self, t: f64) -> f64 {
        let span = t - self.start;
        if span > 0.0 {
            self.integral(t) / span
        } else {
            self.count as f64
        }
    }
}

impl Occupancy<true> {
    /// Largest count since the start.
    pub fn max(&self) -> u32 {
        self.max
    }
}

/// A finished time-weighted record: ∫ value dt over a span, and the maximum. Records of
/// several replications (or several periods) merge into one time average.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TimeAverage {
    /// ∫ value dt.
    pub integral: f64,
    /// Length of the observed time, minutes.
    pub span: f64,
    /// Largest value.
    pub max: f64,
}

impl TimeAverage {
    /// Time average (0 over an empty span).
    pub fn mean(&self) -> f64 {
        if self.span > 0.0 {
            self.integral / self.span
        } else {
            0.0
        }
    }

    /// Adds another record's time.
    pub fn merge(&mut self, o: &TimeAverage) {
        self.integral += o.integral;
        self.span += o.span;
        self.max = self.max.max(o.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_of_a_step_function() {
        let mut q = TimeWeighted::new(0.0, 0.0);
        q.set(10.0, 2.0);
        q.set(20.0, 1.0);
        // 0 for 10, 2 for 10, 1 for 20 → 40 / 40 = 1
        assert!((q.mean(40.0) - 1.0).abs() < 1e-12);
        assert_eq!(q.max(), 2.0);
        q.reset(40.0);
        assert!((q.mean(50.0) - 1.0).abs() < 1e-12);
    }

    /// The occupancy's sum of times agrees with the product form on a long random history.
    #[test]
    fn occupancy_agrees_with_the_time_weighted_product_form() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let (mut occ, mut tw) = (Occupancy::<true>::new(0.0), TimeWeighted::new(0.0, 0.0));
        let mut t = 0.0;
        for i in 0..1_000_000u32 {
            t += rng.random::<f64>() * 5.0;
            if occ.count() > 0 && rng.random::<f64>() < 0.5 {
                occ.dec(t);
            } else {
                occ.inc(t);
            }
            tw.set(t, occ.count() as f64);
            if i == 200_000 {
                occ.reset(t);
                tw.reset(t);
            }
        }
        let end = t + 10.0;
        let rel = (occ.integral(end) - tw.integral(end)).abs() / tw.integral(end);
        assert!(rel < 1e-9, "relative difference {rel}");
        assert!((occ.mean(end) - tw.mean(end)).abs() / tw.mean(end) < 1e-9);
        assert_eq!(occ.max() as f64, tw.max());
        let mut s = Occupancy::<true>::new(0.0);
        s.set(10.0, 3); // 0 for 10, 3 for 10, 1 for 20 → 50 / 40
        s.set(20.0, 1);
        assert!((s.mean(40.0) - 1.25).abs() < 1e-12);
        assert_eq!(s.max(), 3);
    }

    #[test]
    fn summaries_merge_into_the_pooled_time_average() {
        let mut a = TimeWeighted::new(0.0, 0.0);
        a.set(10.0, 4.0); // 0 for 10, 4 for 10
        let mut b = TimeWeighted::new(0.0, 1.0); // 1 for 30
        let mut s = a.summary(20.0);
        s.merge(&b.summary(30.0));
        b.set(30.0, 0.0);
        assert!((s.mean() - (40.0 + 30.0) / 50.0).abs() < 1e-12);
        assert_eq!(s.max, 4.0);
    }
}
