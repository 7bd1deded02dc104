//! Exact sums of non-negative integer observations (vehicles per day): mean and sd from
//! integer sums, so that merging in any order gives the same bits.

use serde::{Deserialize, Serialize};

/// Count, sum and sum of squares of integer observations, kept exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountSum {
    /// Observations.
    pub n: u64,
    /// Σx.
    pub sum: u64,
    /// Σx² (as a decimal string in JSON: it may exceed 2⁶⁴).
    #[serde(with = "u128_string")]
    pub sumsq: u128,
}

mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer};
    pub(super) fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl CountSum {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: u32) {
        self.n += 1;
        self.sum += x as u64;
        self.sumsq += (x as u128) * (x as u128);
    }

    /// Adds another accumulator (exact, order-independent).
    pub fn merge(&mut self, o: &CountSum) {
        self.n += o.n;
        self.sum += o.sum;
        self.sumsq += o.sumsq;
    }

    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum as f64 / self.n as f64
        }
    }

    /// Sample standard deviation (`None` below two observations), from the exact
    /// n·Σx² − (Σx)².
    pub fn sd(&self) -> Option<f64> {
        (self.n > 1).then(|| {
            let n = self.n as u128;
            let num = n * self.sumsq - (self.sum as u128) * (self.sum as u128);
            (num as f64 / (n * (n - 1)) as f64).sqrt()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_order_independent() {
        let xs = [3u32, 7, 7, 1, 0, 12];
        let mut a = CountSum::default();
        xs.iter().for_each(|&x| a.add(x));
        let (mut b, mut c) = (CountSum::default(), CountSum::default());
        xs[..2].iter().for_each(|&x| b.add(x));
        xs[2..].iter().for_each(|&x| c.add(x));
        c.merge(&b);
        assert_eq!(a, c);
        assert!((a.mean() - 5.0).abs() < 1e-12);
        let var = xs.iter().map(|&x| (x as f64 - 5.0).powi(2)).sum::<f64>() / 5.0;
        assert!((a.sd().unwrap() - var.sqrt()).abs() < 1e-12);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<CountSum>(&json).unwrap(), a);
    }
}
