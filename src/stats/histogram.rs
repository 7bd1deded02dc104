//! Quantiles in bounded memory: a log-linear histogram over positive values.
//!
//! A value's bin comes from its IEEE-754 bits (exponent and top 7 mantissa bits), so binning
//! costs no logarithm: 128 bins per octave, relative bin width ≤ 1/128 (≈ 0.8 %). Values below
//! 2⁻¹⁰ (including 0, "no wait") share bin 0; values are capped at 2³⁰ minutes. Histograms
//! with the same layout merge by adding counts.

const SUB_BITS: u32 = 7;
const MIN_EXP: i64 = -10;
const MAX_EXP: i64 = 30;
const BINS: usize = ((MAX_EXP - MIN_EXP) as usize) << SUB_BITS;

/// Counts of values in log-linear bins (≈ 41 KB, fixed).
#[derive(Clone, PartialEq)]
pub struct Histogram {
    zero: u64,
    /// A fixed-size array, so that a clamped bin index needs no bounds check.
    counts: Box<[u64; BINS]>,
    total: u64,
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Histogram {{ total: {} }}", self.total)
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl Histogram {
    /// Empty.
    pub fn new() -> Self {
        Self {
            zero: 0,
            counts: Box::new([0; BINS]),
            total: 0,
        }
    }

    #[inline]
    fn bin(x: f64) -> Option<usize> {
        let min = f64::from_bits(((MIN_EXP + 1023) as u64) << 52);
        // NaN, negative and small values go to the zero bin: one comparison (false for NaN)
        let in_range = x >= min;
        if !in_range {
            return None;
        }
        // for x > 0 the bits above the low mantissa bits are the biased exponent and the top
        // SUB_BITS mantissa bits: one integer that counts bins from x = 1 × 2^MIN_EXP on;
        // values from 2^MAX_EXP (and infinity) go to the last bin
        let shift = 52 - SUB_BITS;
        let i = (x.to_bits() >> shift) - (min.to_bits() >> shift);
        Some((i as usize).min(BINS - 1))
    }

    #[inline]
    fn bin_mid(i: usize) -> f64 {
        let exp = (i >> SUB_BITS) as i64 + MIN_EXP;
        let sub = (i & ((1 << SUB_BITS) - 1)) as f64;
        let lo = 2f64.powi(exp as i32) * (1.0 + sub / (1u64 << SUB_BITS) as f64);
        let hi = 2f64.powi(exp as i32) * (1.0 + (sub + 1.0) / (1u64 << SUB_BITS) as f64);
        0.5 * (lo + hi)
    }

    /// Records one value (negative and NaN values count as zero).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.total += 1;
        match Self::bin(x) {
            Some(i) => self.counts[i] += 1,
            None => self.zero += 1,
        }
    }

    /// Forgets every value recorded (keeps the memory).
    pub fn clear(&mut self) {
        self.zero = 0;
        self.total = 0;
        self.counts.fill(0);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, o: &Histogram) {
        self.zero += o.zero;
        self.total += o.total;
        for (a, b) in self.counts.iter_mut().zip(o.counts.iter()) {
            *a += b;
        }
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Nearest-rank quantile `q` in `[0, 1]`, as the middle of its bin; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        if rank <= self.zero {
            return Some(0.0);
        }
        let mut seen = self.zero;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Self::bin_mid(i));
            }
        }
        Some(Self::bin_mid(BINS - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_bin_precision() {
        let mut h = Histogram::new();
        for i in 1..=10_000 {
            h.add(i as f64 * 0.1);
        }
        for q in [0.05, 0.5, 0.95, 0.99] {
            let exact = (q * 10_000.0_f64).ceil() * 0.1;
            let got = h.quantile(q).unwrap();
            assert!(
                (got - exact).abs() / exact < 0.008,
                "q{q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn cleared_histogram_forgets_earlier_values() {
        let mut h = Histogram::new();
        (0..1000).for_each(|_| h.add(500.0));
        h.add(0.0);
        h.clear();
        assert_eq!(h.count(), 0);
        assert_eq!(h.quantile(0.5), None);
        h.add(2.0);
        let p50 = h.quantile(0.5).expect("one value");
        assert!((p50 - 2.0).abs() < 2.0 / 128.0, "{p50}");
    }

    #[test]
    fn zeros_and_merge() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        for _ in 0..60 {
            a.add(0.0);
        }
        for _ in 0..40 {
            b.add(100.0);
        }
        a.merge(&b);
        assert_eq!(a.count(), 100);
        assert_eq!(a.quantile(0.5), Some(0.0));
        let p95 = a.quantile(0.95).unwrap();
        assert!((p95 - 100.0).abs() < 0.8);
        assert_eq!(Histogram::new().quantile(0.5), None);
    }
}
