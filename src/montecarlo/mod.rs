//! Replications in parallel (rayon) with results that do not depend on the thread count.
//!
//! Replication `i` of every variant draws from streams derived from (seed, i, purpose, index)
//! only, so variants share random numbers where their structure allows (common random
//! numbers) and the thread count changes nothing. Replications run in fixed-size chunks; each
//! chunk's records are reduced in index order, so memory grows by one summary row per
//! replication, never with the vehicles simulated.

use rayon::prelude::*;

use crate::model::record::{DayRecord, RepRecord};
use crate::model::{Model, Plan, simulate};
use crate::stats::Tally;

/// Replications simulated per parallel chunk (fixed, so results never depend on threads).
pub const CHUNK: usize = 16;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Replications per variant.
    pub replications: usize,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None` = all cores).
    pub threads: Option<usize>,
    /// Indices of the variants to run, in output order.
    pub variants: Vec<usize>,
}

/// Everything kept of one variant's replications.
#[derive(Debug, Clone)]
pub struct VariantResult {
    /// Index of the variant in the model.
    pub variant: usize,
    /// One record per replication, in replication order, without the daily series.
    pub reps: Vec<RepRecord>,
    /// Per day, per gate: vehicles cleared that day, over replications.
    pub daily_cleared: Vec<Tally>,
    /// Per day, per gate: vehicles waiting at midnight, over replications.
    pub daily_queue: Vec<Tally>,
}

/// All variants of a run.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Seed used.
    pub seed: u64,
    /// Replications per variant.
    pub replications: usize,
    /// Threads used.
    pub threads: usize,
    /// Per variant, in the order asked.
    pub variants: Vec<VariantResult>,
    /// Counted events over all replications (arrivals + service starts + ends).
    pub events: u64,
}

/// Runs every requested variant `replications` times; `progress(done, total)` is called after
/// each chunk.
pub fn run(
    model: &Model,
    opts: &RunOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()?;
    let threads = pool.current_num_threads();
    let plans: Vec<Plan> = pool.install(|| {
        opts.variants
            .par_iter()
            .map(|&v| Plan::new(model, v))
            .collect()
    });
    let cells = model.days * model.gates.len();
    let mut results: Vec<VariantResult> = opts
        .variants
        .iter()
        .map(|&variant| VariantResult {
            variant,
            reps: Vec::with_capacity(opts.replications),
            daily_cleared: vec![Tally::new(); cells],
            daily_queue: vec![Tally::new(); cells],
        })
        .collect();
    let total = opts.replications * plans.len();
    let mut events = 0;
    let mut start = 0;
    while start < opts.replications {
        let end = (start + CHUNK).min(opts.replications);
        let jobs: Vec<(usize, usize)> = (start..end)
            .flat_map(|r| (0..plans.len()).map(move |p| (p, r)))
            .collect();
        let records: Vec<RepRecord> = pool.install(|| {
            jobs.par_iter()
                .map(|&(p, r)| simulate(model, &plans[p], opts.seed, r as u64))
                .collect()
        });
        for ((p, _), mut rec) in jobs.into_iter().zip(records) {
            let vr = &mut results[p];
            fold_daily(&mut vr.daily_cleared, &mut vr.daily_queue, &rec.daily);
            rec.daily = Vec::new();
            events += rec.events;
            vr.reps.push(rec);
        }
        start = end;
        progress(start * plans.len(), total);
    }
    Ok(RunResult {
        seed: opts.seed,
        replications: opts.replications,
        threads,
        variants: results,
        events,
    })
}

fn fold_daily(cleared: &mut [Tally], queue: &mut [Tally], days: &[DayRecord]) {
    for ((c, q), d) in cleared.iter_mut().zip(queue.iter_mut()).zip(days) {
        c.add(d.cleared as f64);
        q.add(d.queue as f64);
    }
}
