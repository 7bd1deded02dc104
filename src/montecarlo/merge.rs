//! Joining the shards of one run (`run --shard K/N` on several machines) into the result of
//! a single run: the same records in the same order, so the same `summary.json` bytes.

use crate::model::Model;
use crate::model::record::RepRecord;
use crate::stats::CountSum;

use super::{RunResult, VariantResult, stopping_rule};

/// One shard's share of one variant: its replications and the exact daily sums over them.
#[derive(Debug, Clone, Copy)]
pub struct ShardVariant<'a> {
    /// Variant name.
    pub name: &'a str,
    /// This shard's replications.
    pub reps: &'a [RepRecord],
    /// Exact daily sums of vehicles cleared, per day × gate.
    pub daily_cleared: &'a [CountSum],
    /// Exact daily sums of vehicles waiting, per day × gate.
    pub daily_queue: &'a [CountSum],
}

/// What the shards share: the options of the run they split.
#[derive(Debug, Clone)]
pub struct ShardedRun<'a> {
    /// Variant names, in the run's order.
    pub variants: &'a [String],
    /// Replications per variant of the whole run.
    pub replications: usize,
    /// Master seed.
    pub seed: u64,
    /// Replications per parameter draw.
    pub inner: usize,
    /// Common random numbers across variants.
    pub common_random_numbers: bool,
    /// Worker threads of all shards together.
    pub threads: usize,
}

/// Why shards cannot be joined. `part` is the index of a shard among those given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// A variant of the run is not in the scenario.
    UnknownVariant {
        /// Its name.
        name: String,
    },
    /// A shard lacks a variant of the run (or has it in another place).
    MissingVariant {
        /// The shard.
        part: usize,
        /// The variant.
        name: String,
    },
    /// A shard's daily series do not cover the horizon × gates.
    WrongLength {
        /// The shard.
        part: usize,
    },
    /// The shards together do not hold replications 0..N of a variant exactly once.
    Replications {
        /// The variant.
        name: String,
        /// Replications found.
        found: usize,
        /// Replications of the run.
        expected: usize,
    },
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeError::UnknownVariant { name } => {
                write!(f, "variant `{name}` is not in the parts' scenario")
            }
            MergeError::MissingVariant { part, name } => {
                write!(f, "part {part} lacks variant `{name}`")
            }
            MergeError::WrongLength { part } => {
                write!(f, "part {part}: daily series of the wrong length")
            }
            MergeError::Replications {
                name,
                found,
                expected,
            } => write!(
                f,
                "the parts hold {found} replications of `{name}`, not replications 0..{expected} exactly once"
            ),
        }
    }
}

impl std::error::Error for MergeError {}

/// Joins `shards` (`shards[k][i]`: shard k's share of variant i) into the result of one run
/// of `run`'s options: replications sorted by index (each 0..N exactly once), daily sums
/// added exactly, events summed, and the stopping rule a fixed run's.
pub fn merge(
    model: &Model,
    run: &ShardedRun,
    shards: &[Vec<ShardVariant>],
) -> Result<RunResult, MergeError> {
    let cells = model.days * model.gates.len();
    let mut variants = Vec::with_capacity(run.variants.len());
    for (i, name) in run.variants.iter().enumerate() {
        let index = model
            .variant_index(name)
            .ok_or_else(|| MergeError::UnknownVariant { name: name.clone() })?;
        let mut vr = VariantResult {
            variant: index,
            reps: Vec::with_capacity(run.replications),
            daily_cleared: vec![CountSum::default(); cells],
            daily_queue: vec![CountSum::default(); cells],
        };
        for (part, shard) in shards.iter().enumerate() {
            let sv = shard.get(i).filter(|sv| sv.name == name).ok_or_else(|| {
                MergeError::MissingVariant {
                    part,
                    name: name.clone(),
                }
            })?;
            if sv.daily_cleared.len() != cells || sv.daily_queue.len() != cells {
                return Err(MergeError::WrongLength { part });
            }
            vr.reps.extend(sv.reps.iter().cloned());
            for (a, b) in vr.daily_cleared.iter_mut().zip(sv.daily_cleared) {
                a.merge(b);
            }
            for (a, b) in vr.daily_queue.iter_mut().zip(sv.daily_queue) {
                a.merge(b);
            }
        }
        vr.reps.sort_by_key(|r| r.replication);
        let complete = vr.reps.len() == run.replications
            && vr
                .reps
                .iter()
                .enumerate()
                .all(|(i, r)| r.replication == i as u64);
        if !complete {
            return Err(MergeError::Replications {
                name: name.clone(),
                found: vr.reps.len(),
                expected: run.replications,
            });
        }
        variants.push(vr);
    }
    let events = variants
        .iter()
        .flat_map(|v| &v.reps)
        .map(|r| r.events)
        .sum();
    Ok(RunResult {
        seed: run.seed,
        replications: run.replications,
        threads: run.threads,
        stopping: stopping_rule(model, &variants, None, false, false, false),
        variants,
        events,
        inner: run.inner,
        common_random_numbers: run.common_random_numbers,
        interrupted: false,
        fork: Default::default(),
    })
}
