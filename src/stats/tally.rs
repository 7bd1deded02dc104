//! Running count, mean, variance (Welford), min and max.

/// Observations summarised in O(1) memory; two tallies merge exactly (Chan et al.).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Tally {
    fn default() -> Self {
        Self::new()
    }
}

impl Tally {
    /// No observations.
    pub const fn new() -> Self {
        Self {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Adds another tally's observations.
    pub fn merge(&mut self, o: &Tally) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n as f64;
        self.m2 += o.m2 + d * d * (self.n as f64 * o.n as f64) / n as f64;
        self.n = n;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }
    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sample variance (n − 1 denominator); `None` below two observations.
    pub fn variance(&self) -> Option<f64> {
        (self.n > 1).then(|| self.m2 / (self.n - 1) as f64)
    }
    /// Sample standard deviation; `None` below two observations.
    pub fn sd(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }
    /// Smallest observation (`None` when empty).
    pub fn min(&self) -> Option<f64> {
        (self.n > 0).then_some(self.min)
    }
    /// Largest observation (`None` when empty).
    pub fn max(&self) -> Option<f64> {
        (self.n > 0).then_some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_two_pass_and_merges() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 37) % 101) as f64 * 0.5 + 1e6)
            .collect();
        let mut t = Tally::new();
        xs.iter().for_each(|&x| t.add(x));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((t.mean() - mean).abs() < 1e-9);
        assert!((t.variance().unwrap() - var).abs() < 1e-6);
        let (mut a, mut b) = (Tally::new(), Tally::new());
        xs[..300].iter().for_each(|&x| a.add(x));
        xs[300..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a.count(), 1000);
        assert!((a.mean() - mean).abs() < 1e-9);
        assert!((a.variance().unwrap() - var).abs() < 1e-6);
        assert_eq!(a.min(), t.min());
        assert_eq!(a.max(), t.max());
    }

    #[test]
    fn empty_and_single_have_no_variance() {
        let mut t = Tally::new();
        assert_eq!(t.sd(), None);
        assert_eq!(t.min(), None);
        t.add(3.0);
        assert_eq!(t.sd(), None);
        assert_eq!(t.mean(), 3.0);
    }
}

/// Count and sum: the mean of many observations at the cost of one addition each (no
/// division per observation, unlike [`Tally`]). Used where only the mean is reported.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeanSum {
    n: u64,
    sum: f64,
}

impl MeanSum {
    /// No observations.
    pub const fn new() -> Self {
        Self { n: 0, sum: 0.0 }
    }

    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
    }

    /// Observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sum of the observations.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Mean (0 without observations).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }
}
