//! Replications of several model points in parallel, each with its own uncertain parameters:
//! what the decision commands (sweep, sensitivity, optimise) run.
//!
//! A point is one model and one of its variants (a sweep point is a model with one number
//! changed; a package is a variant). Replication `r` of every point draws its day-to-day
//! randomness from the streams of `(seed, r)`, so points share random numbers wherever their
//! structure allows (common random numbers), and a job's result depends on its inputs only:
//! never on the thread count or the order in which jobs finish.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::model::{Model, Plan, RepRecord, parameter_draw, simulate_with};

/// One model and one of its variants, ready to simulate.
#[derive(Debug)]
pub struct Point<'a> {
    /// The model.
    pub model: &'a Model,
    /// The plan of one of its variants.
    pub plan: Plan,
}

impl<'a> Point<'a> {
    /// Variant `variant` of `model`.
    pub fn new(model: &'a Model, variant: usize) -> Self {
        Point {
            model,
            plan: Plan::new(model, variant),
        }
    }
}

/// Where a job's uncertain parameters come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Parameters {
    /// Parameter draw `k` of the master seed (as `run` draws them).
    Draw(u64),
    /// These values, in scenario order (a design point).
    Fixed(Vec<f64>),
}

/// One replication of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Index into the points.
    pub point: usize,
    /// Replication index: its day-to-day random streams.
    pub replication: u64,
    /// Its uncertain parameters.
    pub parameters: Parameters,
}

/// Simulates every job with master seed `seed` on `pool` and maps each record through `f`;
/// results come back in job order. Jobs are handed out longest first (by the point's expected
/// vehicles, greedy list scheduling); the order of work never changes a result.
pub fn run_jobs<T: Send>(
    points: &[Point],
    jobs: &[Job],
    seed: u64,
    pool: &rayon::ThreadPool,
    f: impl Fn(&Job, RepRecord) -> T + Sync,
) -> Vec<T> {
    let cost: Vec<f64> = points.iter().map(|p| p.plan.expected_vehicles()).collect();
    let job_cost: Vec<f64> = jobs.iter().map(|j| cost[j.point]).collect();
    longest_first(pool, &job_cost, |j| {
        let job = &jobs[j];
        let point = &points[job.point];
        let parameters = match &job.parameters {
            Parameters::Draw(d) => parameter_draw(point.model, seed, *d),
            Parameters::Fixed(v) => v.clone(),
        };
        let rec = simulate_with(point.model, &point.plan, seed, job.replication, parameters);
        f(job, rec)
    })
}

/// Runs `work(j)` for every job `j` on `pool` and returns the results in job order. Jobs are
/// handed out longest first (by `cost[j]`) from a shared counter (greedy list scheduling), so
/// the last jobs to finish are short ones and no thread idles long at the end; the order of
/// work never changes a result.
pub(crate) fn longest_first<T: Send>(
    pool: &rayon::ThreadPool,
    cost: &[f64],
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let mut order: Vec<usize> = (0..cost.len()).collect();
    order.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]).then(a.cmp(&b)));
    let next = AtomicUsize::new(0);
    let threads = pool.current_num_threads();
    let done: Vec<Vec<(usize, T)>> = pool.install(|| {
        (0..threads)
            .into_par_iter()
            .with_max_len(1)
            .map(|_| {
                let mut mine = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&j) = order.get(k) else { break };
                    mine.push((j, work(j)));
                }
                mine
            })
            .collect()
    });
    let mut slots: Vec<Option<T>> = (0..cost.len()).map(|_| None).collect();
    for (j, t) in done.into_iter().flatten() {
        slots[j] = Some(t);
    }
    slots
        .into_iter()
        .map(|t| t.expect("every job ran"))
        .collect()
}

/// What the decision commands keep of one replication: the target year's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// Replication index.
    pub replication: u64,
    /// Turnover of the target year that the target counts (its basis and gates; basis A at
    /// every gate without a target), **million USD**: `[total, export, import]`.
    pub turnover_musd: [f64; 3],
    /// Target reached: `[total, export, import]`.
    pub reached: [bool; 3],
    /// Turnover of the target year per gate in the target's basis (A without a target),
    /// **million USD**, in gate order.
    pub by_gate_musd: Vec<f64>,
    /// Trucks lost in the target year: left the province or spoiled while waiting.
    pub lost: u64,
    /// Vehicles still in the gates (queued or in service) when the horizon ends: demand the
    /// capacity did not clear, which `lost` does not count.
    #[serde(default)]
    pub unfinished: u64,
    /// 95th percentile of time in system of vehicles departing in the target year, **hours**
    /// (`NaN` if none departed).
    pub p95_time_in_system_h: f64,
    /// The uncertain parameters it ran with, in scenario order.
    pub parameters: Vec<f64>,
}

impl Outcome {
    /// The target-year outcome of a replication (`year`: index of the target year; a model
    /// without a target reaches nothing).
    pub fn of(model: &Model, year: usize, rec: &RepRecord) -> Outcome {
        let a = match &model.target {
            Some(t) => rec.target_turnover_musd(t, year),
            None => rec.turnover_a_musd(year),
        };
        let reached = model
            .target
            .as_ref()
            .map(|t| rec.reached(t, year))
            .map_or([false; 3], |r| [r.total, r.export, r.import]);
        let yr = &rec.years[year];
        Outcome {
            replication: rec.replication,
            turnover_musd: [a.total, a.export, a.import],
            reached,
            by_gate_musd: match &model.target {
                // the target's own basis, so that the gates add up to its turnover
                Some(t) if t.basis_b => (yr.turnover_by_gate_usd.iter())
                    .map(|x| (x[1][0] + x[1][1]) / 1e6)
                    .collect(),
                _ => yr.turnover_a_by_gate_usd.iter().map(|x| x / 1e6).collect(),
            },
            lost: yr.left_province + yr.spoiled,
            unfinished: rec.in_system_at_end,
            p95_time_in_system_h: yr.time_in_system_p95_min.map_or(f64::NAN, |m| m / 60.0),
            parameters: rec.parameters.clone(),
        }
    }
}
