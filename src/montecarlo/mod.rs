//! Replications in parallel (rayon) with results that do not depend on the thread count.
//!
//! Replication `i` of every variant draws from streams derived from (seed, i, purpose, index)
//! only, so variants share random numbers where their structure allows (common random
//! numbers) and the thread count changes nothing. Replications run in fixed-size chunks; each
//! chunk's records are reduced in index order, so memory grows by one summary row per
//! replication, never with the vehicles simulated.

pub mod fit;
pub mod jobs;
mod merge;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use serde::Serialize;

pub use merge::{MergeError, ShardVariant, ShardedRun, merge};

use crate::engine::rng;
use crate::model::record::{DayRecord, RepRecord};
use crate::model::{ForkStats, Model, Plan, simulate_draw, simulate_variants};
use crate::stats::{CountSum, wilson_interval};

/// Replications between two looks of the precision rule, counted from replication 0 (fixed,
/// so where a run stops never depends on the threads). Replications are simulated in batches
/// of whole chunks, at least one replication per thread.
pub const CHUNK: usize = 4;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Replications per variant (the maximum when `precision` is set).
    pub replications: usize,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None` = all cores).
    pub threads: Option<usize>,
    /// Indices of the variants to run, in output order.
    pub variants: Vec<usize>,
    /// Stop each variant once the 95 % Wilson half-width of its P(total target) is at most
    /// this (looked at every [`CHUNK`] replications); the run ends when every variant has.
    pub precision: Option<f64>,
    /// Stop after the first batch that ends past this many seconds of simulation (the
    /// replications done are kept; how many depends on the machine's speed).
    pub time_budget_s: Option<f64>,
    /// Replication `i` of every variant uses the same streams (true), or each variant gets
    /// its own master seed (false: independent sampling, to measure what CRN gains).
    pub common_random_numbers: bool,
    /// Replications per parameter draw (≥ 1): groups of `inner` replications share the
    /// uncertain parameters, which separates parameter uncertainty from day-to-day noise.
    pub inner: usize,
    /// Run only shard `k` of `n`: the replications `i` with `i mod n = k` (Slurm array task
    /// ids count from 0, like `k`).
    pub shard: Option<(usize, usize)>,
    /// Simulate the history that variants share once per replication and continue each
    /// variant from it ([`crate::model::simulate_variants`]): the same records, less work.
    /// Used with common random numbers when a chunk has at least one replication per thread.
    pub fork: bool,
    /// Set (by a signal handler) to stop: replications not yet started are skipped and the
    /// run returns the complete ones, marked `interrupted`.
    pub stop: Option<Arc<AtomicBool>>,
    /// Counts variant-replications as they finish, between the looks at whole chunks (a
    /// chunk of a large study can take minutes): for progress lines only. It may count a
    /// replication that a variant decided mid-batch then discards.
    pub simulated: Option<Arc<AtomicUsize>>,
}

impl RunOptions {
    /// Fixed replications of the given variants, with common random numbers, one replication
    /// per parameter draw.
    pub fn fixed(replications: usize, seed: u64, variants: Vec<usize>) -> Self {
        RunOptions {
            replications,
            seed,
            threads: None,
            variants,
            precision: None,
            time_budget_s: None,
            common_random_numbers: true,
            inner: 1,
            shard: None,
            fork: true,
            stop: None,
            simulated: None,
        }
    }
}

/// The rule that ended a run (written in `summary.json` as `"fixed"`, `"precision"`,
/// `"max_replications"`, `"time_budget"` or `"interrupted"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopRule {
    /// The replications asked for were done.
    Fixed,
    /// Every variant reached the precision asked for.
    Precision,
    /// The ceiling on replications came before the precision.
    MaxReplications,
    /// The time budget was spent before every variant reached the precision.
    TimeBudget,
    /// A signal stopped the run; the complete replications are kept.
    Interrupted,
}

impl std::fmt::Display for StopRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopRule::Fixed => "fixed",
            StopRule::Precision => "precision",
            StopRule::MaxReplications => "max_replications",
            StopRule::TimeBudget => "time_budget",
            StopRule::Interrupted => "interrupted",
        })
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stopping {
    /// The rule that ended the run.
    pub rule: StopRule,
    /// The precision asked for, if any.
    pub precision: Option<f64>,
    /// The widest 95 % half-width of P(total target) over variants at the stop, if there is a target.
    pub worst_half_width: Option<f64>,
}

/// Everything kept of one variant's replications.
#[derive(Debug, Clone)]
pub struct VariantResult {
    /// Index of the variant in the model.
    pub variant: usize,
    /// One record per replication, in replication order, without the daily series.
    pub reps: Vec<RepRecord>,
    /// Per day, per gate: vehicles cleared that day, over replications.
    pub daily_cleared: Vec<CountSum>,
    /// Per day, per gate: vehicles waiting at midnight, over replications.
    pub daily_queue: Vec<CountSum>,
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
    /// Why it stopped.
    pub stopping: Stopping,
    /// Replications per parameter draw.
    pub inner: usize,
    /// Common random numbers across variants?
    pub common_random_numbers: bool,
    /// Stopped by `RunOptions::stop` before the replications asked for were done:
    /// `replications` counts the complete ones.
    pub interrupted: bool,
    /// How the variants shared their history (`RunOptions::fork`; zeros when not used).
    pub fork: ForkStats,
}

/// Why a run with these results stopped (`precision`: the rule asked for, if any).
fn stopping_rule(
    model: &Model,
    results: &[VariantResult],
    precision: Option<f64>,
    reached: bool,
    interrupted: bool,
    budget_spent: bool,
) -> Stopping {
    Stopping {
        rule: match (precision, reached) {
            _ if interrupted => StopRule::Interrupted,
            (Some(_), true) => StopRule::Precision,
            _ if budget_spent => StopRule::TimeBudget,
            (None, _) => StopRule::Fixed,
            (Some(_), false) => StopRule::MaxReplications,
        },
        precision,
        worst_half_width: worst_half_width(model, results),
    }
}

/// Widest Wilson 95 % half-width of P(total target) over the variants (None without a target).
fn worst_half_width(model: &Model, results: &[VariantResult]) -> Option<f64> {
    results
        .iter()
        .filter_map(|vr| half_width(model, vr))
        .reduce(f64::max)
}

/// The master seed variant `variant` (index in the model) runs with: the run's seed with
/// common random numbers, else a seed of its own.
pub fn variant_seed(opts: &RunOptions, variant: usize) -> u64 {
    if opts.common_random_numbers {
        opts.seed
    } else {
        rng::stream_seed(opts.seed, 0, u64::MAX, variant as u64)
    }
}

/// Wilson 95 % half-width of a variant's P(total target) (None without a target).
pub fn half_width(model: &Model, vr: &VariantResult) -> Option<f64> {
    let target = model.target.as_ref()?;
    let y = model.target_year_index()?;
    let hits = vr
        .reps
        .iter()
        .filter(|r| r.reached(target, y).total)
        .count() as u64;
    let [lo, hi] = wilson_interval(hits, vr.reps.len() as u64);
    Some(0.5 * (hi - lo))
}

/// The precision rule on one variant's replications (see [`precise_enough`]).
pub fn decided(model: &Model, vr: &VariantResult, precision: Option<f64>) -> bool {
    let (Some(p), Some(t), Some(y)) = (precision, &model.target, model.target_year_index()) else {
        return false;
    };
    let hits = vr.reps.iter().filter(|r| r.reached(t, y).total).count() as u64;
    precise_enough(hits, vr.reps.len() as u64, p)
}

/// The precision rule: `hits` of `n` replications (n ≥ 2) give a Wilson 95 % interval of
/// P(target) whose half-width is at most `precision`. A run looks at it after every
/// [`CHUNK`] replications and stops a variant the first time it holds
/// (tests/integration/montecarlo.rs measures the coverage of the interval it stops with).
pub fn precise_enough(hits: u64, n: u64, precision: f64) -> bool {
    let [lo, hi] = wilson_interval(hits, n);
    n >= 2 && 0.5 * (hi - lo) <= precision
}

/// Replications already done by an interrupted run, to continue from.
#[derive(Debug, Clone)]
pub struct Resume {
    /// Per variant (in `RunOptions::variants` order): the complete replications 0..k and the
    /// exact daily sums over them.
    pub variants: Vec<VariantResult>,
}

/// Where a run stands after a complete chunk: for progress lines and checkpoints.
#[derive(Debug)]
pub struct Progress<'a> {
    /// Variant-replications done.
    pub done: usize,
    /// Variant-replications asked for (the ceiling with `precision`).
    pub total: usize,
    /// Complete replications per variant (0..replications in every variant).
    pub replications: usize,
    /// Per variant, in `RunOptions::variants` order: the complete replications so far and
    /// the exact daily sums over them (what `--resume` continues from).
    pub variants: &'a [VariantResult],
    /// Counted events so far.
    pub events: u64,
}

/// Runs every requested variant `replications` times; `progress(done, total)` is called after
/// each chunk.
pub fn run(
    model: &Model,
    opts: &RunOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<RunResult, rayon::ThreadPoolBuildError> {
    run_from(model, opts, None, |p| progress(p.done, p.total))
}

/// [`run`], continuing from the replications of an interrupted run; `progress` is called after
/// each complete chunk with the results so far (a caller may save them as a checkpoint).
/// Chunks keep their absolute boundaries (multiples of [`CHUNK`]), so the precision rule
/// looks at the same replication counts and the results are those of an uninterrupted run.
pub fn run_from(
    model: &Model,
    opts: &RunOptions,
    resume: Option<Resume>,
    mut progress: impl FnMut(&Progress),
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
    // expected vehicles per replication of each plan: the scheduling cost of its jobs
    let cost: Vec<f64> = plans.iter().map(Plan::expected_vehicles).collect();
    let cells = model.days * model.gates.len();
    let mut results: Vec<VariantResult> = opts
        .variants
        .iter()
        .map(|&variant| VariantResult {
            variant,
            reps: Vec::with_capacity(opts.replications),
            daily_cleared: vec![CountSum::default(); cells],
            daily_queue: vec![CountSum::default(); cells],
        })
        .collect();
    let inner = opts.inner.max(1) as u64;
    let seed_of = |p: usize| variant_seed(opts, opts.variants[p]);
    let indices: Vec<usize> = match opts.shard {
        Some((k, n)) => (0..opts.replications).filter(|r| r % n == k).collect(),
        None => (0..opts.replications).collect(),
    };
    let mut events = 0;
    let mut start = 0;
    if let Some(r) = resume {
        start = (r.variants.iter().map(|v| v.reps.len()).max())
            .unwrap_or(0)
            .min(indices.len());
        events = r
            .variants
            .iter()
            .flat_map(|v| &v.reps)
            .map(|x| x.events)
            .sum();
        results = r.variants;
    }
    let stopped = || {
        opts.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    };
    // a variant still runs if it has every replication so far and is not decided (a run
    // resumed from a checkpoint finds the variants the rule had stopped)
    let mut active: Vec<bool> = (results.iter())
        .map(|v| v.reps.len() == start && !decided(model, v, opts.precision))
        .collect();
    let count = |n: usize| {
        if let Some(c) = &opts.simulated {
            c.fetch_add(n, Ordering::Relaxed);
        }
    };
    let plan_refs: Vec<&Plan> = plans.iter().collect();
    let mut fork_stats = ForkStats::default();
    let mut interrupted = false;
    let mut budget_spent = false;
    let began = std::time::Instant::now();
    // whole chunks, at least one replication per thread
    let per_batch = CHUNK * threads.div_ceil(CHUNK).max(1);
    while start < indices.len() && active.contains(&true) {
        let end = ((start / CHUNK) * CHUNK + per_batch).min(indices.len());
        let live: Vec<usize> = (0..plans.len()).filter(|&p| active[p]).collect();
        let reps = &indices[start..end];
        let jobs: Vec<(usize, usize)> = reps
            .iter()
            .flat_map(|&r| live.iter().map(move |&p| (p, r)))
            .collect();
        let records: Vec<Option<RepRecord>> =
            if opts.fork && opts.common_random_numbers && live.len() > 1 && reps.len() >= threads {
                // one job per replication: its variants as a tree sharing their history
                let mine: Vec<&Plan> = live.iter().map(|&p| plan_refs[p]).collect();
                let per_rep = jobs::longest_first(&pool, &vec![1.0; reps.len()], |j| {
                    let r = reps[j] as u64;
                    (!stopped()).then(|| {
                        let done = simulate_variants(model, &mine, opts.seed, r, r / inner);
                        count(mine.len());
                        done
                    })
                });
                (per_rep.into_iter())
                    .flat_map(|x| match x {
                        Some((recs, stats)) => {
                            fork_stats += stats;
                            recs.into_iter().map(Some).collect::<Vec<_>>()
                        }
                        None => vec![None; live.len()],
                    })
                    .collect()
            } else {
                // longest first (by expected vehicles), results back in job order
                let job_cost: Vec<f64> = jobs.iter().map(|&(p, _)| cost[p]).collect();
                jobs::longest_first(&pool, &job_cost, |j| {
                    let (p, r) = jobs[j];
                    (!stopped()).then(|| {
                        let done =
                            simulate_draw(model, &plans[p], seed_of(p), r as u64, r as u64 / inner);
                        count(1);
                        done
                    })
                })
            };
        // keep the replications complete in every live variant (a prefix of the batch), one
        // at a time, and look at the precision rule at every chunk boundary
        let complete = records
            .iter()
            .position(Option::is_none)
            .map_or(reps.len(), |i| i / live.len());
        let mut records = records.into_iter();
        let first = start;
        for pos in first..first + complete {
            for &p in &live {
                let mut rec = records
                    .next()
                    .flatten()
                    .expect("complete replications have records");
                if !active[p] {
                    continue; // decided at an earlier chunk boundary of this batch
                }
                let vr = &mut results[p];
                fold_daily(&mut vr.daily_cleared, &mut vr.daily_queue, &rec.daily);
                rec.daily = Vec::new();
                events += rec.events;
                vr.reps.push(rec);
            }
            let done = pos + 1;
            start = done;
            if done % CHUNK == 0 || done == indices.len() {
                for &p in &live {
                    if active[p] && decided(model, &results[p], opts.precision) {
                        active[p] = false;
                    }
                }
                progress(&Progress {
                    done: results.iter().map(|v| v.reps.len()).sum(),
                    total: indices.len() * plans.len(),
                    replications: done,
                    variants: &results,
                    events,
                });
                if !active.contains(&true) {
                    break;
                }
            }
        }
        if complete < reps.len() && active.contains(&true) {
            interrupted = true;
            break;
        }
        if stopped() && start < indices.len() && active.contains(&true) {
            interrupted = true;
            break;
        }
        if opts
            .time_budget_s
            .is_some_and(|b| began.elapsed().as_secs_f64() >= b)
            && start < indices.len()
            && active.contains(&true)
        {
            budget_spent = true;
            break;
        }
    }
    let stopped_by_precision = opts.precision.is_some() && !active.contains(&true);
    let stopping = stopping_rule(
        model,
        &results,
        opts.precision,
        stopped_by_precision,
        interrupted,
        budget_spent,
    );
    Ok(RunResult {
        seed: opts.seed,
        replications: if opts.shard.is_some() && !interrupted {
            opts.replications
        } else {
            start
        },
        threads,
        variants: results,
        events,
        stopping,
        inner: inner as usize,
        common_random_numbers: opts.common_random_numbers,
        interrupted,
        fork: fork_stats,
    })
}

fn fold_daily(cleared: &mut [CountSum], queue: &mut [CountSum], days: &[DayRecord]) {
    for ((c, q), d) in cleared.iter_mut().zip(queue.iter_mut()).zip(days) {
        c.add(d.cleared);
        q.add(d.queue);
    }
}

/// Runs `replications` replications of variant `variant` in parallel and maps each full record
/// (daily series included) through `f`, returning the results in replication order.
pub fn map_replications<T: Send>(
    model: &Model,
    variant: usize,
    replications: usize,
    seed: u64,
    threads: Option<usize>,
    f: impl Fn(&RepRecord) -> T + Sync,
) -> Result<Vec<T>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let plan = Plan::new(model, variant);
    Ok(pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|r| f(&simulate_draw(model, &plan, seed, r as u64, r as u64)))
            .collect()
    }))
}
