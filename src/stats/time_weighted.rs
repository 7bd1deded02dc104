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
