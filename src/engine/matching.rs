//! Matching two queues one to one ("double-ended queue"): an item of side A is paired with
//! an item of side B as soon as both are present.
//!
//! Each side is a FIFO queue with an optional capacity (an arrival that finds its side full
//! is refused) and items may carry a deadline (minutes): an item still unmatched at its
//! deadline has left (reneged). Deadlines are enforced lazily: expired items are dropped when
//! they reach the head of their queue, by [`Matcher::purge`] or before a match. Lengths are
//! exact when a side's deadlines come in arrival order (a constant patience); otherwise an
//! expired item behind an unexpired one is counted until it reaches the head.
//!
//! The matcher only keeps order: the model decides what the items are, when they arrive and
//! what happens to a matched pair.

use std::collections::VecDeque;

/// What happened to an arrival; `T` is the other side's item type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival<T> {
    /// Paired at once with this item of the other side (which leaves its queue).
    Matched(T),
    /// Waits in its side's queue.
    Queued,
    /// Its side was full: it was not admitted.
    Refused,
}

/// Two FIFO queues whose items (`A` on one side, `B` on the other) are matched one to one.
#[derive(Debug, Clone)]
pub struct Matcher<A, B> {
    /// `(item, deadline in minutes)`, oldest first.
    a: VecDeque<(A, f64)>,
    b: VecDeque<(B, f64)>,
    /// Most items waiting on each side (`usize::MAX`: unlimited).
    capacity: [usize; 2],
    /// Items that left at their deadline, per side.
    reneged: [u64; 2],
}

/// Drops the items of `q` whose deadline has passed at `now` from its head; returns how many.
fn drop_expired<T>(q: &mut VecDeque<(T, f64)>, now: f64) -> u64 {
    let mut n = 0;
    while q.front().is_some_and(|&(_, deadline)| deadline <= now) {
        q.pop_front();
        n += 1;
    }
    n
}

impl<A: Copy, B: Copy> Matcher<A, B> {
    /// An empty matcher; the capacities are the most items waiting on side A and on side B
    /// (`None`: unlimited).
    pub fn new(capacity_a: Option<u32>, capacity_b: Option<u32>) -> Self {
        let cap = |c: Option<u32>| c.map_or(usize::MAX, |c| c as usize);
        Self {
            a: VecDeque::new(),
            b: VecDeque::new(),
            capacity: [cap(capacity_a), cap(capacity_b)],
            reneged: [0, 0],
        }
    }

    /// An item of side A arrives at `now` (minutes) and would wait until `deadline`
    /// (`f64::INFINITY`: forever): it is matched with the oldest unexpired B, or waits, or
    /// is refused when side A is full.
    pub fn arrive_a(&mut self, item: A, now: f64, deadline: f64) -> Arrival<B> {
        self.reneged[1] += drop_expired(&mut self.b, now);
        if let Some((other, _)) = self.b.pop_front() {
            return Arrival::Matched(other);
        }
        self.reneged[0] += drop_expired(&mut self.a, now);
        if self.a.len() >= self.capacity[0] {
            return Arrival::Refused;
        }
        self.a.push_back((item, deadline));
        Arrival::Queued
    }

    /// An item of side B arrives: the mirror of [`arrive_a`](Self::arrive_a).
    pub fn arrive_b(&mut self, item: B, now: f64, deadline: f64) -> Arrival<A> {
        self.reneged[0] += drop_expired(&mut self.a, now);
        if let Some((other, _)) = self.a.pop_front() {
            return Arrival::Matched(other);
        }
        self.reneged[1] += drop_expired(&mut self.b, now);
        if self.b.len() >= self.capacity[1] {
            return Arrival::Refused;
        }
        self.b.push_back((item, deadline));
        Arrival::Queued
    }

    /// Drops the items whose deadline has passed at `now` from the heads of both queues.
    pub fn purge(&mut self, now: f64) {
        self.reneged[0] += drop_expired(&mut self.a, now);
        self.reneged[1] += drop_expired(&mut self.b, now);
    }

    /// Items waiting on side A and on side B (see the module doc on expired items).
    pub fn len(&self) -> (usize, usize) {
        (self.a.len(), self.b.len())
    }

    /// True when nothing waits on either side.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty() && self.b.is_empty()
    }

    /// Items that left unmatched at their deadline so far, on side A and on side B.
    pub fn reneged(&self) -> (u64, u64) {
        (self.reneged[0], self.reneged[1])
    }

    /// The items waiting on side B with their deadlines, oldest first.
    pub fn waiting_b(&self) -> impl Iterator<Item = &(B, f64)> {
        self.b.iter()
    }

    /// The items waiting on side A with their deadlines, oldest first.
    pub fn waiting_a(&self) -> impl Iterator<Item = &(A, f64)> {
        self.a.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;
    use rand::RngExt;

    #[test]
    fn fifo_capacity_and_deadlines() {
        let mut m: Matcher<u32, u32> = Matcher::new(None, Some(2));
        assert_eq!(m.arrive_b(1, 0.0, 10.0), Arrival::Queued);
        assert_eq!(m.arrive_b(2, 1.0, f64::INFINITY), Arrival::Queued);
        assert_eq!(m.arrive_b(3, 2.0, f64::INFINITY), Arrival::Refused);
        // the oldest first
        assert_eq!(m.arrive_a(7, 3.0, f64::INFINITY), Arrival::Matched(1));
        assert_eq!(m.arrive_b(4, 4.0, 5.0), Arrival::Queued);
        // item 2 is next; item 4 expires at 5 before anyone comes for it
        assert_eq!(m.arrive_a(8, 4.5, f64::INFINITY), Arrival::Matched(2));
        assert_eq!(m.arrive_a(9, 6.0, f64::INFINITY), Arrival::Queued);
        assert_eq!(m.reneged(), (0, 1));
        assert_eq!(m.len(), (1, 0));
        assert_eq!(m.arrive_b(5, 7.0, 8.0), Arrival::Matched(9));
        assert!(m.is_empty());
    }

    /// Two Poisson streams matched one to one: side A at rate `la`, side B at the faster
    /// rate `lb`, with at most `k` B waiting (further B are turned
    /// away). With n = B waiting − A waiting, n is a birth–death chain on (−∞, k] with up
    /// rate `lb` and down rate `la`, so j = k − n is geometric: P(j) = (1 − ρ) ρʲ, ρ = la / lb.
    /// By PASTA, an A arriving at j ≥ k waits for j − k + 1 B arrivals (mean (j−k+1)/lb), and
    /// an admitted B (j ≥ 1) arriving at j ≤ k waits for k − j + 1 A arrivals.
    fn closed_form(la: f64, lb: f64, k: u32) -> (f64, f64, f64, f64) {
        let rho = la / lb;
        let k = f64::from(k);
        let p = |j: f64| (1.0 - rho) * rho.powf(j);
        // queue of the slower side: E[max(0, j − k)] = ρ^(k+1) / (1 − ρ)
        let queue_a = rho.powf(k + 1.0) / (1.0 - rho);
        // queue of the faster side: E[max(0, k − j)]
        let queue_b: f64 = (0..=k as usize).map(|j| (k - j as f64) * p(j as f64)).sum();
        // wait of an A: E[(j − k + 1)⁺ for j ≥ k] / lb = ρᵏ (1/(1−ρ)) / lb
        let wait_a = rho.powf(k) / (1.0 - rho) / lb;
        // wait of an admitted B (admitted with probability ρ: j ≥ 1)
        let wait_b: f64 = (1..=k as usize)
            .map(|j| p(j as f64) * (k - j as f64 + 1.0) / la)
            .sum::<f64>()
            / rho;
        (queue_a, queue_b, wait_a, wait_b)
    }

    /// Simulates the two streams over `minutes` and returns time-average queues and mean
    /// waits, per batch (for batch-means confidence intervals).
    fn simulate(la: f64, lb: f64, k: u32, batches: usize, batch_len: f64) -> Vec<[f64; 4]> {
        let mut rng = stream(7, 0, 0, 0);
        let mut exp = |rate: f64| -(1.0_f64 - rng.random::<f64>()).ln() / rate;
        let mut m: Matcher<u32, u32> = Matcher::new(None, Some(k));
        let mut arrived: Vec<f64> = Vec::new();
        let (mut next_a, mut next_b) = (exp(la), exp(lb));
        let mut now = 0.0;
        let mut out = Vec::new();
        // warm-up of one batch, then `batches` batches
        for b in 0..=batches {
            let end = (b + 1) as f64 * batch_len;
            let (mut area_a, mut area_b) = (0.0, 0.0);
            let (mut wait_a, mut n_a, mut wait_b, mut n_b) = (0.0, 0u64, 0.0, 0u64);
            loop {
                let t = next_a.min(next_b);
                let until = t.min(end);
                let (len_a, len_b) = m.len();
                area_a += len_a as f64 * (until - now);
                area_b += len_b as f64 * (until - now);
                now = until;
                if t > end {
                    break;
                }
                let id = arrived.len() as u32;
                arrived.push(now);
                if next_a <= next_b {
                    next_a = now + exp(la);
                    match m.arrive_a(id, now, f64::INFINITY) {
                        Arrival::Matched(other) => {
                            wait_b += now - arrived[other as usize];
                            n_b += 1;
                            n_a += 1;
                        }
                        Arrival::Queued => {}
                        Arrival::Refused => unreachable!("side A is unlimited"),
                    }
                } else {
                    next_b = now + exp(lb);
                    match m.arrive_b(id, now, f64::INFINITY) {
                        Arrival::Matched(other) => {
                            wait_a += now - arrived[other as usize];
                            n_a += 1;
                            n_b += 1;
                        }
                        Arrival::Queued | Arrival::Refused => {}
                    }
                }
            }
            if b > 0 {
                out.push([
                    area_a / batch_len,
                    area_b / batch_len,
                    wait_a / n_a as f64,
                    wait_b / n_b as f64,
                ]);
            }
        }
        out
    }

    #[test]
    fn two_poisson_streams_match_the_closed_form() {
        // la = 0.8, lb = 1.0 per minute, up to 5 B waiting: ρ = 0.8
        let (la, lb, k) = (0.8, 1.0, 5);
        let expected = closed_form(la, lb, k);
        // Little's law ties the closed forms together: queue = throughput × wait (both
        // sides' throughput is la)
        assert!((expected.0 - la * expected.2).abs() < 1e-12);
        assert!((expected.1 - la * expected.3).abs() < 1e-12);
        let batches = simulate(la, lb, k, 40, 100_000.0);
        let names = ["queue A", "queue B", "wait A", "wait B"];
        for (i, want) in [expected.0, expected.1, expected.2, expected.3]
            .into_iter()
            .enumerate()
        {
            let xs: Vec<f64> = batches.iter().map(|b| b[i]).collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            // 99.9 % batch-means interval (t with 39 df ≈ 3.56)
            let half = 3.56 * sd / n.sqrt();
            assert!(
                (mean - want).abs() <= half,
                "{}: simulated {mean:.4} ± {half:.4}, closed form {want:.4}",
                names[i]
            );
            // and the interval is narrow enough for the check to mean something
            assert!(
                half < 0.1 * want,
                "{}: interval ±{half:.4} too wide",
                names[i]
            );
        }
    }
}
