//! The replications of a run as saved for later: a shard's `part.json` and an interrupted
//! run's `checkpoint.json` (the same records, read back as [`PartVariant`]s).

use std::path::Path;

use serde::Serialize;

use super::io::write_atomic;
use super::manifest::Manifest;
use crate::model::Model;
use crate::montecarlo::RunResult;
use crate::report::files::replications_csv;

/// One variant's share of a part folder: its replications and exact daily sums.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct PartVariant {
    /// Variant name.
    pub name: String,
    /// Records of this shard's replications, in replication order (no daily series).
    pub reps: Vec<crate::model::RepRecord>,
    /// Exact daily sums of vehicles cleared, per day × gate.
    pub daily_cleared: Vec<crate::stats::CountSum>,
    /// Exact daily sums of vehicles waiting, per day × gate.
    pub daily_queue: Vec<crate::stats::CountSum>,
}

/// One variant's complete replications, borrowed: what `part.json` and `checkpoint.json` hold
/// per variant (read back as [`PartVariant`]).
#[derive(Serialize)]
struct PartVariantRef<'a> {
    name: &'a str,
    reps: &'a [crate::model::RepRecord],
    daily_cleared: &'a [crate::stats::CountSum],
    daily_queue: &'a [crate::stats::CountSum],
}

/// The complete replications and exact daily sums of every variant, as [`PartVariant`]s: the
/// bytes of a shard's `part.json` and of an interrupted run's `checkpoint.json`.
pub fn parts_json(
    model: &Model,
    variants: &[crate::montecarlo::VariantResult],
) -> serde_json::Result<Vec<u8>> {
    let parts: Vec<PartVariantRef> = variants
        .iter()
        .map(|v| PartVariantRef {
            name: &model.variants[v.variant].name,
            reps: &v.reps,
            daily_cleared: &v.daily_cleared,
            daily_queue: &v.daily_queue,
        })
        .collect();
    serde_json::to_vec(&parts)
}

/// Writes a shard's part folder: `manifest.json` (with `shard`), `scenario.toml` (the exact
/// bytes run), `part.json` (records and exact accumulators) and `replications.csv`.
pub fn write_part(
    out: &Path,
    manifest: &Manifest,
    scenario_src: &[u8],
    model: &Model,
    run: &RunResult,
) -> std::io::Result<()> {
    write_atomic(&out.join("scenario.toml"), scenario_src)?;
    write_atomic(
        &out.join("part.json"),
        &parts_json(model, &run.variants).map_err(std::io::Error::other)?,
    )?;
    write_atomic(&out.join("replications.csv"), &replications_csv(model, run))?;
    manifest.write(out)
}
