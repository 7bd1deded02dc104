//! MSER-5 (White 1997; Franklin & White 2008): the truncation point of an output series that
//! minimises the marginal standard error of the mean of what remains, computed on batch means
//! of 5 observations. Used as a check of the warm-up period.

/// Batch size of MSER-5.
pub const BATCH: usize = 5;

/// Suggested number of initial observations to drop from `series` (a multiple of 5), searching
/// truncation points in the first half only, as usual. `None` for series shorter than 10 batches.
pub fn mser5(series: &[f64]) -> Option<usize> {
    let batches: Vec<f64> = series
        .chunks_exact(BATCH)
        .map(|c| c.iter().sum::<f64>() / BATCH as f64)
        .collect();
    let n = batches.len();
    if n < 10 {
        return None;
    }
    let mut best = (f64::INFINITY, 0usize);
    // suffix sums for O(n) evaluation
    let (mut sum, mut sumsq) = (0.0, 0.0);
    let mut stats = vec![(0.0, 0.0); n + 1];
    for i in (0..n).rev() {
        sum += batches[i];
        sumsq += batches[i] * batches[i];
        stats[i] = (sum, sumsq);
    }
    for (d, &(s, ss)) in stats.iter().enumerate().take(n / 2 + 1) {
        let m = (n - d) as f64;
        let sse = (ss - s * s / m).max(0.0);
        let value = sse / (m * m);
        if value < best.0 {
            best = (value, d);
        }
    }
    Some(best.1 * BATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_initial_transient() {
        // 50 observations ramping down from 100, then 450 flat ones with a small wiggle
        let s: Vec<f64> = (0..500)
            .map(|i| {
                if i < 50 {
                    100.0 - 2.0 * i as f64
                } else {
                    1.0 + ((i % 7) as f64 - 3.0) * 0.1
                }
            })
            .collect();
        let d = mser5(&s).unwrap();
        assert!((45..=60).contains(&d), "truncation {d}");
        let flat: Vec<f64> = (0..500).map(|i| ((i * 13) % 11) as f64).collect();
        assert!(mser5(&flat).unwrap() < 100);
        assert_eq!(mser5(&[1.0; 20]), None);
    }
}
