//! Engine benchmarks (criterion, throughput in elements/s):
//! - the event list alone: schedule + pop with 10² … 10⁶ pending events;
//! - the peer gate model (`scenarios/examples/peer-gate.toml`), one 30-day replication;
//! - one replication of `scenarios/lang-son.toml` (baseline);
//! - the engine on M/M/c (`scenarios/examples/mmc.toml`);
//! - the Monte Carlo runner at 1 and 2 threads (`tests/fixtures/crisis-2021.toml`, 16 replications
//!   of both variants), in replications per second.

use std::hint::black_box;

use borderflow::engine::EventQueue;
use borderflow::engine::rng::stream;
use borderflow::model::{Plan, simulate};
use borderflow::montecarlo::{self, RunOptions};
use borderflow::scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::Rng;

fn event_list(c: &mut Criterion) {
    let mut g = c.benchmark_group("event_list_hold");
    for pending in [100usize, 10_000, 1_000_000] {
        let mut q: EventQueue<u32> = EventQueue::with_capacity(pending + 1);
        let mut rng = stream(1, 0, 0, 0);
        for i in 0..pending {
            q.schedule((rng.next_u64() % 1_000_000) as f64, i as u32)
                .unwrap();
        }
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("pending_{pending}"), |b| {
            b.iter(|| {
                // the "hold" model: pop one, schedule one later
                let (t, e) = q.pop().unwrap();
                let dt = (rng.next_u64() % 1000) as f64;
                q.schedule(t + dt, black_box(e)).unwrap();
            })
        });
    }
    g.finish();
}

fn load(name: &str) -> borderflow::model::Model {
    scenario::load(format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR")).as_ref()).unwrap()
}

fn models(c: &mut Criterion) {
    let peer = load("examples/peer-gate.toml");
    let plan = Plan::new(&peer, 0);
    let events = simulate(&peer, &plan, 1, 0).events;
    let mut g = c.benchmark_group("model");
    g.sample_size(20);
    g.throughput(Throughput::Elements(events));
    g.bench_function("peer_gate_30d", |b| {
        b.iter(|| simulate(&peer, &plan, 1, black_box(0)))
    });
    let mmc = load("examples/mmc.toml");
    let mmc_plan = Plan::new(&mmc, 0);
    let events = simulate(&mmc, &mmc_plan, 1, 0).events;
    g.throughput(Throughput::Elements(events));
    g.bench_function("mmc_8d", |b| {
        b.iter(|| simulate(&mmc, &mmc_plan, 1, black_box(0)))
    });
    let ls = load("lang-son.toml");
    let plan = Plan::new(&ls, 0);
    let events = simulate(&ls, &plan, 1, 0).events;
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("lang_son_baseline_5y", |b| {
        b.iter(|| simulate(&ls, &plan, 1, black_box(0)))
    });
    g.finish();
}

fn monte_carlo(c: &mut Criterion) {
    let m = load("../tests/fixtures/crisis-2021.toml");
    let mut g = c.benchmark_group("monte_carlo_crisis_2021");
    g.sample_size(10);
    g.throughput(Throughput::Elements(32));
    for threads in [1usize, 2] {
        let mut opts = RunOptions::fixed(16, 1, vec![0, 1]);
        opts.threads = Some(threads);
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| montecarlo::run(&m, &opts, |_, _| {}).unwrap().events)
        });
    }
    g.finish();
}

criterion_group!(benches, event_list, models, monte_carlo);
criterion_main!(benches);
