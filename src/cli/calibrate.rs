//! `borderflow calibrate FILE`: observed figures of the scenario versus the simulation.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use super::run::{prepare_out_dir, run_id};
use crate::montecarlo;
use crate::report::{calibration, files};
use crate::scenario;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario file (TOML) with [[observed]] figures.
    file: PathBuf,
    /// Replications (default: the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<usize>,
    /// Variant that reproduces history (default: `programme-23` if present, else the first).
    #[arg(long)]
    variant: Option<String>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder (default: output/<scenario>/calibrate-<run-id>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite an existing output folder.
    #[arg(long)]
    force: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let model = scenario::load(&args.file).map_err(|e| Failure::input(e.report()))?;
    if model.observed.is_empty() {
        return Err(Failure::input(format!(
            "{} has no [[observed]] figures to calibrate against",
            args.file.display()
        )));
    }
    let variant = match &args.variant {
        Some(name) => model.variant_index(name).ok_or_else(|| {
            Failure::input(format!(
                "--variant {name}: no such variant in {}",
                args.file.display()
            ))
        })?,
        None => model.variant_index("programme-23").unwrap_or(0),
    };
    let replications = args.replications.unwrap_or(model.replications);
    if replications < 2 {
        return Err(Failure::input(
            "calibrate needs at least 2 replications for a band",
        ));
    }
    let seed = args.seed.unwrap_or(model.seed);
    let out = prepare_out_dir(
        args.out.as_ref(),
        args.force,
        &model.name,
        &format!("calibrate-{}", run_id(seed)),
    )?;
    let per_rep =
        montecarlo::map_replications(&model, variant, replications, seed, args.threads, |rec| {
            model
                .observed
                .iter()
                .map(|o| calibration::simulated(&model, o, rec))
                .collect::<Vec<f64>>()
        })
        .map_err(|e| Failure::runtime(format!("cannot start worker threads: {e}")))?;
    let values: Vec<Vec<f64>> = (0..model.observed.len())
        .map(|i| per_rep.iter().map(|r| r[i]).collect())
        .collect();
    let rows = calibration::rows(&model, &values);
    let table = calibration::markdown(&rows);
    let header = format!(
        "Calibration of `{}` (variant `{}`), {replications} replications, seed {seed}.\nCommand: `borderflow calibrate {} --replications {replications} --seed {seed}`\n\n",
        model.name,
        model.variants[variant].name,
        args.file.display()
    );
    let within = rows.iter().filter(|r| r.within).count();
    let footer = format!("\n{within} of {} figures within tolerance.\n", rows.len());
    let md = format!("{header}{table}{footer}");
    let write = |name: &str, bytes: &[u8]| {
        files::write_atomic(&out.join(name), bytes).map_err(|e| {
            Failure::runtime(format!("cannot write {}: {e}", out.join(name).display()))
        })
    };
    write("calibration.md", md.as_bytes())?;
    let mut json = serde_json::to_vec_pretty(&rows).expect("rows serialise");
    json.push(b'\n');
    write("calibration.json", &json)?;
    super::emit(&format!("{md}written to {}\n", out.display()))?;
    Ok(())
}
