//! `borderflow calibrate FILE`: observed figures of the scenario versus the simulation.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use borderflow::model::spec::ObservedUse;
use borderflow::montecarlo::{self, fit};
use borderflow::report::calibration;
use borderflow::run_folder;
use borderflow::scenario;

/// Fewest replications `calibrate` uses by default: a figure whose replications vary by half
/// its mean (a queue on one day) then has a 95 % interval of its mean of ±14 % (1.96 × 0.5 /
/// √48), inside the ±15 % and ×/÷2 tolerances the scenarios use.
const CALIBRATE_MIN_REPLICATIONS: usize = 48;

#[derive(Debug, Args)]
pub(super) struct CalibrateArgs {
    /// Scenario file (TOML) with [[observed]] figures.
    file: PathBuf,
    /// Replications (default: the scenario's `replications`, at least 48: a queue on one day
    /// varies by half its mean between replications; 48 put its mean within ±15 %, 95 %).
    #[arg(long, short = 'n', value_parser = super::parse_replications, allow_hyphen_values = true)]
    replications: Option<usize>,
    /// Variant that reproduces history (default: the scenario's `[scenario] history`, else
    /// the first).
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
    /// Worker threads, 1–1024 (default: omit it to use all cores; 0 is refused).
    #[arg(long, value_parser = super::parse_threads, allow_hyphen_values = true)]
    threads: Option<usize>,
    /// Fit each [[fit]] parameter to its `use = "fit"` figures first, print the values found
    /// (the file is not changed) and compare with them.
    #[arg(long)]
    fit: bool,
    /// Exit with code 1 if any check (a figure with `use = "check"`) is out of tolerance.
    #[arg(long)]
    strict: bool,
}

pub(super) fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let model = scenario::load(&args.file).map_err(|e| Failure::input(e.report()))?;
    if model.observed.is_empty() {
        return Err(Failure::input(format!(
            "{} has no [[observed]] figures to calibrate against",
            args.file.display()
        )));
    }
    if args.fit && model.fit.is_empty() {
        return Err(Failure::input(format!(
            "--fit: {} has no [[fit]] parameters to fit",
            args.file.display()
        )));
    }
    let variant = match &args.variant {
        Some(name) => model.variant_index(&nfc(name)).ok_or_else(|| {
            Failure::input(format!(
                "--variant {name}: no such variant in {}",
                args.file.display()
            ))
        })?,
        None => model.history.unwrap_or(0),
    };
    let replications = args
        .replications
        .unwrap_or(model.replications.max(CALIBRATE_MIN_REPLICATIONS));
    if replications < 2 {
        return Err(Failure::input(
            "calibrate needs at least 2 replications for a band",
        ));
    }
    let seed = args.seed.unwrap_or(model.seed);
    let (out, _lock) = run_folder::create(
        args.out.as_ref(),
        args.force,
        &model.name,
        &format!("calibrate-{}", run_folder::run_id(seed)),
    )?;
    let mut model = model;
    let mut fitted_md = String::new();
    if args.fit {
        let problem = fit::FitProblem::new(&model);
        let opts = fit::FitOptions {
            variant,
            replications,
            seed,
            threads: args.threads,
            evaluations: fit::EVALUATIONS,
        };
        let fitted = fit::fit(&problem, opts).map_err(Failure::runtime)?;
        for (f, found) in model.fit.iter_mut().zip(&fitted) {
            f.set_value(found.value);
        }
        fitted_md = calibration::fitted_markdown(&fitted);
        let mut json = serde_json::to_vec_pretty(&fitted).expect("fitted values serialise");
        json.push(b'\n');
        run_folder::write_atomic(&out.join("fit.json"), &json).map_err(|e| {
            Failure::runtime(format!(
                "cannot write {}: {e}",
                out.join("fit.json").display()
            ))
        })?;
    }
    let model = model;
    let per_rep =
        montecarlo::map_replications(&model, variant, replications, seed, args.threads, |rec| {
            model
                .observed
                .iter()
                .map(|o| calibration::simulated(&model, &o.figure, rec))
                .collect::<Vec<f64>>()
        })
        .map_err(|e| Failure::runtime(format!("cannot start worker threads: {e}")))?;
    let values: Vec<Vec<f64>> = (0..model.observed.len())
        .map(|i| per_rep.iter().map(|r| r[i]).collect())
        .collect();
    let rows = calibration::rows(&model, &values);
    let header = format!(
        "Calibration of `{}` (variant `{}`), {replications} replications, seed {seed}.\nCommand: `borderflow calibrate {} --replications {replications} --seed {seed}{}`\n\n",
        model.name,
        model.variants[variant].name,
        args.file.display(),
        if args.fit { " --fit" } else { "" }
    );
    let md = format!("{header}{fitted_md}{}", calibration::report(&rows));
    let write = |name: &str, bytes: &[u8]| {
        run_folder::write_atomic(&out.join(name), bytes).map_err(|e| {
            Failure::runtime(format!("cannot write {}: {e}", out.join(name).display()))
        })
    };
    write("calibration.md", md.as_bytes())?;
    let mut json = serde_json::to_vec_pretty(&rows).expect("rows serialise");
    json.push(b'\n');
    write("calibration.json", &json)?;
    // the saved report, with where it went before its last line (`checks passed: K of N`)
    let (body, last) = md
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or(("", md.trim_end()));
    super::emit(&format!("{body}\nwritten to {}\n\n{last}\n", out.display()))?;
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.usage == ObservedUse::Check.as_str() && !r.within)
        .map(|r| r.name.as_str())
        .collect();
    if args.strict && !failed.is_empty() {
        return Err(Failure::runtime(format!(
            "--strict: {} of {} checks out of tolerance: {}",
            failed.len(),
            calibration::checks_passed(&rows).1,
            failed
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// `s` in Unicode NFC, the form of every name in a loaded scenario.
fn nfc(s: &str) -> String {
    unicode_normalization::UnicodeNormalization::nfc(s).collect()
}
