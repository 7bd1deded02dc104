//! The engine alone (no border model): an M/M/1 queue built from `EventQueue`, `ServerPool`
//! and `Tally`, checked against the theoretical mean wait Wq = ρ / (μ − λ).
//!
//! Run with `cargo run --release --example mm1`.

use borderflow::engine::rng::stream;
use borderflow::engine::{Discipline, EventQueue, ServerPool};
use borderflow::stats::{Stat, Tally};
use rand_distr::{Distribution, Exp};

#[derive(Clone, Copy)]
enum Ev {
    Arrival,
    Departure,
}

/// Mean wait in queue of one replication of `customers` customers (minutes).
fn replication(lambda: f64, mu: f64, customers: u64, seed: u64, rep: u64) -> f64 {
    let mut arrivals = stream(seed, rep, 1, 0);
    let mut services = stream(seed, rep, 2, 0);
    let (iat, svc) = (Exp::new(lambda).unwrap(), Exp::new(mu).unwrap());
    let mut q = EventQueue::new();
    let mut pool = ServerPool::new(1, Discipline::Fifo);
    let mut arrived_at: std::collections::VecDeque<f64> = Default::default();
    let mut wait = Tally::new();
    let mut n = 0u64;
    q.schedule(iat.sample(&mut arrivals), Ev::Arrival).unwrap();
    while let Some((t, ev)) = q.pop() {
        match ev {
            Ev::Arrival => {
                n += 1;
                if n < customers {
                    q.schedule_in(iat.sample(&mut arrivals), Ev::Arrival)
                        .unwrap();
                }
                if pool.can_start() {
                    pool.start();
                    wait.add(0.0);
                    q.schedule_in(svc.sample(&mut services), Ev::Departure)
                        .unwrap();
                } else {
                    arrived_at.push_back(t);
                }
            }
            Ev::Departure => {
                pool.finish();
                if let Some(ta) = arrived_at.pop_front() {
                    pool.start();
                    wait.add(t - ta);
                    q.schedule_in(svc.sample(&mut services), Ev::Departure)
                        .unwrap();
                }
            }
        }
    }
    wait.mean()
}

fn main() {
    let (lambda, mu) = (0.8, 1.0);
    let rho = lambda / mu;
    let theory = rho / (mu - lambda);
    let means: Vec<f64> = (0..30)
        .map(|r| replication(lambda, mu, 200_000, 42, r))
        .collect();
    let s = Stat::of(&means);
    let [lo, hi] = s.ci95.unwrap();
    println!(
        "M/M/1, rho = {rho}: mean wait {:.4} min, 95% CI [{lo:.4}, {hi:.4}], theory {theory:.4}",
        s.mean
    );
    assert!(
        lo <= theory && theory <= hi,
        "theory {theory} outside the interval [{lo}, {hi}]"
    );
}
