//! Run-folder files: written to a temporary name in the same folder, then renamed, so a crash
//! never leaves a half-written file behind.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::summary::Summary;
use crate::model::Model;
use crate::montecarlo::RunResult;

/// Largest run file (`manifest.json`, `checkpoint.json`, `part.json`, `charts.json`) read
/// back, **bytes**: far above what a run of the largest accepted size writes.
pub const MAX_RUN_FILE_BYTES: u64 = 16 << 30;

/// Reads back a file that a run wrote (to resume, merge or redraw): only a regular file is
/// read (a device or a pipe put in its place could be endless), and at most
/// [`MAX_RUN_FILE_BYTES`] + 1 bytes of it.
pub fn read_run_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // look before opening: opening a named pipe waits for a writer
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a run writes only plain files)",
        ));
    }
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {MAX_RUN_FILE_BYTES} bytes, more than any run writes (not a file of a run)"
            ),
        )
    };
    if meta.len() > MAX_RUN_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_RUN_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_RUN_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The first figure of a run's records that is not a finite number (`inf`, `NaN`), named
/// for a message; `None` when every figure can be written. A figure that cannot be
/// represented is an error, never a 0 or a dropped value in the summary.
pub fn first_non_finite(model: &Model, run: &RunResult) -> Option<String> {
    let bad = |x: f64| !x.is_finite();
    for vr in &run.variants {
        let name = &model.variants[vr.variant].name;
        for r in &vr.reps {
            let at = |what: String, x: f64| {
                format!(
                    "{what} = {x} in replication {} of variant `{name}`",
                    r.replication
                )
            };
            for yr in &r.years {
                let year = yr.year;
                for (d, dir) in ["export", "import"].iter().enumerate() {
                    if bad(yr.turnover_a_usd[d]) {
                        return Some(at(
                            format!("basis-A {dir} turnover (USD) of {year}"),
                            yr.turnover_a_usd[d],
                        ));
                    }
                    if bad(yr.turnover_b_usd[d]) {
                        return Some(at(
                            format!("basis-B {dir} turnover (USD) of {year}"),
                            yr.turnover_b_usd[d],
                        ));
                    }
                }
                if bad(yr.spoiled_usd) {
                    return Some(at(format!("value spoiled (USD) in {year}"), yr.spoiled_usd));
                }
                if let Some(x) = yr.time_in_system_p50_min.filter(|x| bad(*x)) {
                    return Some(at(format!("median time in system (min) in {year}"), x));
                }
            }
            for (g, gr) in r.gates.iter().enumerate() {
                let gate = &model.gates[g].id;
                for (what, x) in [
                    ("mean time in system (min)", gr.time_in_system_mean),
                    ("p95 time in system (min)", gr.time_in_system_p95),
                    ("max queue", Some(gr.max_queue)),
                    ("max road queue", Some(gr.max_road_queue)),
                    ("mean queue", Some(gr.mean_queue)),
                ] {
                    if let Some(x) = x.filter(|x| bad(*x)) {
                        return Some(at(format!("{what} of gate `{gate}`"), x));
                    }
                }
            }
            for (s, sr) in r.stages.iter().enumerate() {
                let stage = &model.stages[s].id;
                for (what, x) in [
                    ("mean wait (min)", sr.wait_mean),
                    ("p95 wait (min)", sr.wait_p95),
                    ("utilisation", sr.utilization),
                    ("mean queue", Some(sr.mean_queue)),
                    ("mean busy servers", Some(sr.mean_busy)),
                    ("arrival rate", Some(sr.arrival_rate)),
                    ("busy server-minutes", Some(sr.busy_minutes)),
                ] {
                    if let Some(x) = x.filter(|x| bad(*x)) {
                        return Some(at(format!("{what} of stage `{stage}`"), x));
                    }
                }
            }
            if let Some(&x) = r.busy_by_month.iter().find(|x| bad(**x)) {
                return Some(at("busy server-minutes of a month".into(), x));
            }
            if let Some(&x) = r.parameters.iter().find(|x| bad(**x)) {
                return Some(at("an uncertain parameter's draw".into(), x));
            }
        }
    }
    None
}

/// `summary.json` bytes (pretty, newline-terminated).
pub fn summary_json(summary: &Summary) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(summary).expect("summary serialises");
    v.push(b'\n');
    v
}

/// `replications.csv`: one row per variant × replication × year.
pub fn replications_csv(model: &Model, run: &RunResult) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "replication",
        "year",
        "turnover_total_musd",
        "turnover_export_musd",
        "turnover_import_musd",
        "turnover_basis_b_musd",
        "trucks_arrived",
        "trucks_cleared",
        "value_spoiled_musd",
        "trucks_spoiled",
        "trucks_left_province",
        "trucks_redirected",
    ])
    .expect("in-memory csv");
    for vr in &run.variants {
        let name = &model.variants[vr.variant].name;
        for r in &vr.reps {
            for (y, yr) in r.years.iter().enumerate() {
                let a = r.turnover_a_musd(y);
                let b = (yr.turnover_b_usd[0] + yr.turnover_b_usd[1]) / 1e6;
                w.write_record([
                    name.clone(),
                    r.replication.to_string(),
                    yr.year.to_string(),
                    format!("{:.6}", a[0]),
                    format!("{:.6}", a[1]),
                    format!("{:.6}", a[2]),
                    format!("{b:.6}"),
                    yr.arrivals.to_string(),
                    yr.cleared.to_string(),
                    format!("{:.6}", yr.spoiled_usd / 1e6),
                    yr.spoiled.to_string(),
                    yr.left_province.to_string(),
                    yr.redirected.to_string(),
                ])
                .expect("in-memory csv");
            }
        }
    }
    w.into_inner().expect("in-memory csv")
}

/// `daily.csv`: one row per variant × gate × day (mean and sd over replications).
pub fn daily_csv(model: &Model, run: &RunResult) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "gate",
        "day",
        "date",
        "cleared_mean",
        "cleared_sd",
        "queue_mean",
        "queue_sd",
    ])
    .expect("in-memory csv");
    let ng = model.gates.len();
    for vr in &run.variants {
        let name = &model.variants[vr.variant].name;
        for (g, gate) in model.gates.iter().enumerate() {
            for d in 0..model.days {
                let c = &vr.daily_cleared[d * ng + g];
                let q = &vr.daily_queue[d * ng + g];
                w.write_record([
                    name.clone(),
                    gate.id.clone(),
                    d.to_string(),
                    model.date_of_day(d).to_string(),
                    format!("{:.3}", c.mean()),
                    format!("{:.3}", c.sd().unwrap_or(0.0)),
                    format!("{:.3}", q.mean()),
                    format!("{:.3}", q.sd().unwrap_or(0.0)),
                ])
                .expect("in-memory csv");
            }
        }
    }
    w.into_inner().expect("in-memory csv")
}

/// `manifest.json`: how the run was made.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Manifest {
    /// borderflow version.
    pub borderflow_version: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// FNV-1a 64-bit hash of the scenario file's bytes, hex.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant.
    pub replications: usize,
    /// Worker threads.
    pub threads: usize,
    /// Variants run.
    pub variants: Vec<String>,
    /// Command line.
    pub command_line: Vec<String>,
    /// Counted events (arrivals + service starts + ends) over the run.
    pub events: u64,
    /// Wall-clock seconds of the simulation.
    pub wall_s: f64,
    /// `[K, N]` for a shard's part folder; absent for a complete run.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<[usize; 2]>,
    /// Replications per parameter draw.
    pub inner: usize,
    /// Common random numbers across variants.
    pub common_random_numbers: bool,
    /// Warm-up used, days.
    pub warmup_days: usize,
    /// Replications per variant asked for (the ceiling with `precision`).
    #[serde(default)]
    pub requested_replications: usize,
    /// `--precision` asked for, if any.
    #[serde(default)]
    pub precision: Option<f64>,
    /// True while the run is interrupted and not yet resumed (`checkpoint.json` holds its
    /// complete replications).
    #[serde(default)]
    pub partial: bool,
}

/// FNV-1a 64-bit hash, hex: a stable fingerprint of a scenario file.
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

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

/// The complete replications and exact daily sums of every variant of a run (a shard's
/// `part.json`, an interrupted run's `checkpoint.json`).
pub fn parts_of(model: &Model, run: &RunResult) -> Vec<PartVariant> {
    run.variants
        .iter()
        .map(|v| PartVariant {
            name: model.variants[v.variant].name.clone(),
            reps: v.reps.clone(),
            daily_cleared: v.daily_cleared.clone(),
            daily_queue: v.daily_queue.clone(),
        })
        .collect()
}

/// One variant's complete replications, borrowed: what `checkpoint.json` holds per variant
/// (read back as [`PartVariant`]).
#[derive(Serialize)]
struct PartVariantRef<'a> {
    name: &'a str,
    reps: &'a [crate::model::RepRecord],
    daily_cleared: &'a [crate::stats::CountSum],
    daily_queue: &'a [crate::stats::CountSum],
}

/// `checkpoint.json`: the complete replications of every variant so far, as [`PartVariant`]s.
pub fn checkpoint_json(
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
    let parts = parts_of(model, run);
    write_atomic(&out.join("scenario.toml"), scenario_src)?;
    write_atomic(
        &out.join("part.json"),
        &serde_json::to_vec(&parts).map_err(std::io::Error::other)?,
    )?;
    write_atomic(&out.join("replications.csv"), &replications_csv(model, run))?;
    let mut m = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
    m.push(b'\n');
    write_atomic(&out.join("manifest.json"), &m)
}
