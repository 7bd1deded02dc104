//! What the decision commands (`sensitivity`, `sweep`, `optimise`) share: their common
//! options, the output folder, the thread pool, jobs run in chunks with a progress bar, and
//! atomic writes of their files.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use borderflow::model::Model;
use borderflow::montecarlo::jobs::{Job, Outcome, Point, run_jobs};
use borderflow::run_folder;
use borderflow::scenario;

/// Options every decision command takes.
#[derive(Debug, Args)]
pub(super) struct Common {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default: output/<scenario>/<command>-<run-id>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite an existing output folder.
    #[arg(long)]
    pub force: bool,
    /// Worker threads, 1–1024 (default: omit it to use all cores; 0 is refused).
    #[arg(long, value_parser = super::parse_threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// No progress output on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print the result as JSON on stdout (the same bytes as the command's .json file).
    #[arg(long)]
    pub json: bool,
}

/// A decision command ready to run: its model, seed, pool and locked output folder.
pub(super) struct Setup {
    /// The scenario.
    pub(super) model: Model,
    /// Master seed.
    pub(super) seed: u64,
    /// Worker threads.
    pub(super) pool: rayon::ThreadPool,
    /// Output folder (locked while the command runs).
    pub(super) out: PathBuf,
    _lock: run_folder::OutLock,
    quiet: bool,
}

/// Loads the scenario and checks `require_target` before creating the output folder.
pub(super) fn setup(c: &Common, command: &str) -> Result<Setup, Failure> {
    let model = scenario::load(&c.file).map_err(|e| Failure::input(e.report()))?;
    for w in scenario::warnings(&model) {
        if !c.quiet {
            eprintln!("warning: {}: {w}", c.file.display());
        }
    }
    let seed = c.seed.unwrap_or(model.seed);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(c.threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start worker threads: {e}")))?;
    let (out, lock) = run_folder::create(
        c.out.as_ref(),
        c.force,
        &model.name,
        &format!("{command}-{}", run_folder::run_id(seed)),
    )?;
    Ok(Setup {
        model,
        seed,
        pool,
        out,
        _lock: lock,
        quiet: c.quiet,
    })
}

/// The variant named `name` (a `a+b` package is added), or `default`.
pub(super) fn variant(
    model: &mut Model,
    name: Option<&str>,
    default: usize,
) -> Result<usize, Failure> {
    match name {
        None => Ok(default),
        Some(typed) => {
            let name: String = unicode_normalization::UnicodeNormalization::nfc(typed).collect();
            model
                .resolve_variant(&name)
                .map_err(|e| Failure::input(format!("--variant {name}: {e}")))
        }
    }
}

/// Jobs per chunk between progress updates (results never depend on it).
const CHUNK_JOBS: usize = 32;

impl Setup {
    /// Runs `jobs` on `points` in chunks, with a progress bar labelled `what` on stderr, and
    /// returns each job's target-year outcome, in job order.
    pub(super) fn run(&self, points: &[Point], jobs: &[Job], what: &str) -> Vec<Outcome> {
        let year = borderflow::decide::decision_year(&self.model);
        let bar = (!self.quiet).then(|| {
            let b = indicatif::ProgressBar::new(jobs.len() as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{{bar:40}} {{pos}}/{{len}} replications · {what} · ETA {{eta}}"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        });
        let mut out = Vec::with_capacity(jobs.len());
        for chunk in jobs.chunks(CHUNK_JOBS) {
            out.extend(run_jobs(
                points,
                chunk,
                self.seed,
                &self.pool,
                |job, rec| Outcome::of(points[job.point].model, year, &rec),
            ));
            if let Some(b) = &bar {
                b.inc(chunk.len() as u64);
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        out
    }

    /// Writes `bytes` to `name` in the output folder, atomically.
    pub(super) fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Failure> {
        let path = self.out.join(name);
        run_folder::write_atomic(&path, bytes)
            .map_err(|e| Failure::runtime(format!("cannot write {}: {e}", path.display())))
    }

    /// Writes a chart's SVG and PNG.
    pub(super) fn write_chart(&self, chart: &borderflow::charts::ChartFile) -> Result<(), Failure> {
        self.write(&format!("{}.svg", chart.name), chart.svg.as_bytes())?;
        self.write(&format!("{}.png", chart.name), &chart.png)
    }

    /// Writes `value` as pretty JSON to `name` and returns the text.
    pub(super) fn write_json<T: serde::Serialize>(
        &self,
        name: &str,
        value: &T,
    ) -> Result<String, Failure> {
        let mut text = serde_json::to_string_pretty(value)
            .map_err(|e| Failure::runtime(format!("cannot encode {name}: {e}")))?;
        text.push('\n');
        self.write(name, text.as_bytes())?;
        Ok(text)
    }

    /// Writes rows as CSV (first row the header) to `name`.
    pub(super) fn write_csv(&self, name: &str, rows: &[Vec<String>]) -> Result<(), Failure> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in rows {
            w.write_record(r)
                .map_err(|e| Failure::runtime(format!("cannot encode {name}: {e}")))?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Failure::runtime(format!("cannot encode {name}: {e}")))?;
        self.write(name, &bytes)
    }
}

/// A number with `d` decimals, for CSV files (`NaN` as empty).
pub(super) fn fixed(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:.d$}")
    } else {
        String::new()
    }
}

/// The command line as typed, for reports.
pub(super) fn command_line() -> Vec<String> {
    std::env::args().collect()
}
