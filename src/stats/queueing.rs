//! Queueing-theory formulas used to validate the engine (steady state, FIFO).
//!
//! Rates are per minute, times in minutes. Every function returns `None` for an unstable or
//! meaningless input (ρ ≥ 1 where a steady state is needed, zero servers).

/// M/M/c (Erlang C): probability of waiting, mean wait in queue Wq, mean number waiting Lq.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mmc {
    /// P(wait > 0).
    pub p_wait: f64,
    /// Mean wait in queue, minutes.
    pub wq: f64,
    /// Mean number in queue.
    pub lq: f64,
}

/// Erlang C for arrival rate `lambda`, service rate `mu` per server and `c` servers.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> Option<Mmc> {
    let a = lambda / mu;
    let rho = a / c as f64;
    if c == 0 || rho.is_nan() || rho >= 1.0 || lambda.is_nan() || lambda <= 0.0 {
        return None;
    }
    let (mut term, mut sum) = (1.0, 1.0);
    for k in 1..c {
        term *= a / k as f64;
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho);
    let p_wait = last / (sum + last);
    let wq = p_wait / (c as f64 * mu - lambda);
    Some(Mmc {
        p_wait,
        wq,
        lq: lambda * wq,
    })
}

/// Erlang B: blocking probability of M/M/c/c with offered load `a` = λ/μ (stable recursion).
pub fn erlang_b(a: f64, c: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Blocking probability of M/M/c/K (at most `k` ≥ c in the system): P(n = K).
pub fn mmck_blocking(lambda: f64, mu: f64, c: u32, k: u32) -> Option<f64> {
    if c == 0 || k < c {
        return None;
    }
    let a = lambda / mu;
    let mut p = vec![1.0f64; k as usize + 1];
    for n in 1..=k as usize {
        let servers = (n as u32).min(c) as f64;
        p[n] = p[n - 1] * a / servers;
    }
    let total: f64 = p.iter().sum();
    Some(p[k as usize] / total)
}

/// Pollaczek–Khinchine mean wait in queue of M/G/1 with service mean `mean_s` and variance
/// `var_s`: Wq = `λ·E[S²] / (2(1 − ρ))`.
pub fn pollaczek_khinchine(lambda: f64, mean_s: f64, var_s: f64) -> Option<f64> {
    let rho = lambda * mean_s;
    if rho.is_nan() || rho >= 1.0 || lambda.is_nan() || lambda <= 0.0 {
        return None;
    }
    Some(lambda * (var_s + mean_s * mean_s) / (2.0 * (1.0 - rho)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_published_values() {
        // M/M/5, λ = 4.5, μ = 1: P(wait) = 0.7625, Wq = 1.5250 (shared/peers/README.md)
        let m = erlang_c(4.5, 1.0, 5).unwrap();
        assert!((m.p_wait - 0.7625).abs() < 5e-5 && (m.wq - 1.5250).abs() < 5e-5);
        // M/M/1 is the c = 1 case: P = ρ, Wq = ρ/(μ−λ)
        let m = erlang_c(0.8, 1.0, 1).unwrap();
        assert!(
            (m.p_wait - 0.8).abs() < 1e-12
                && (m.wq - 4.0).abs() < 1e-12
                && (m.lq - 3.2).abs() < 1e-12
        );
        assert!(erlang_c(5.0, 1.0, 5).is_none(), "ρ = 1 has no steady state");
    }

    #[test]
    fn erlang_b_published_values() {
        // classic Erlang B table: B(c=2, a=2) = 0.4; B(10, 10) = 0.2146; B(5, 3) = 0.1101
        assert!((erlang_b(2.0, 2) - 0.4).abs() < 1e-12);
        assert!((erlang_b(10.0, 10) - 0.2146).abs() < 5e-5);
        assert!((erlang_b(3.0, 5) - 0.1101).abs() < 5e-5);
        // M/M/c/K with K = c is Erlang B
        assert!((mmck_blocking(3.0, 1.0, 5, 5).unwrap() - erlang_b(3.0, 5)).abs() < 1e-12);
        // M/M/1/K: (1−ρ)ρ^K / (1−ρ^{K+1}); ρ = 0.5, K = 3 → 0.0667
        assert!(
            (mmck_blocking(0.5, 1.0, 1, 3).unwrap() - 0.5f64.powi(4) / (1.0 - 0.5f64.powi(4)))
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn pollaczek_khinchine_special_cases() {
        // M/M/1: exponential service, var = mean² → Wq = ρ/(μ−λ)
        assert!((pollaczek_khinchine(0.8, 1.0, 1.0).unwrap() - 4.0).abs() < 1e-12);
        // M/D/1: Wq = ρ / (2μ(1−ρ)); ρ = 0.5 → 0.5
        assert!((pollaczek_khinchine(0.5, 1.0, 0.0).unwrap() - 0.5).abs() < 1e-12);
        assert!(pollaczek_khinchine(1.0, 1.0, 0.0).is_none());
    }
}
