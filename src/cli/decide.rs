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
    /// Run only shard K of N (K from 0): the replications r with r mod N = K, written to
    /// decision-part.json for `borderflow merge`.
    #[arg(long, value_name = "K/N", value_parser = super::parse_shard)]
    pub shard: Option<(usize, usize)>,
}

/// The file a shard of a decision command writes.
pub(super) const PART_FILE: &str = "decision-part.json";

/// One stage of a decision command's replications (the tornado, the Sobol design, a sweep).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct PartStage {
    /// The stage's label.
    pub(super) label: String,
    /// Jobs in the whole stage (all shards).
    pub(super) jobs: usize,
    /// This shard's outcomes: `(job index, outcome)`.
    pub(super) outcomes: Vec<(usize, Outcome)>,
}

/// What a shard of a decision command writes: enough for `merge` to finish the command as
/// if it had run whole.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Part {
    /// The shard's command line (program name first).
    pub(super) command_line: Vec<String>,
    /// The scenario's exact text.
    pub(super) scenario_src: String,
    /// Master seed.
    pub(super) seed: u64,
    /// `[k, n]`.
    pub(super) shard: [usize; 2],
    /// Its stages, in the order the command runs them.
    pub(super) stages: Vec<PartStage>,
}

/// When `merge` finishes a sharded decision command: the scenario text the shards ran, the
/// outcomes of every stage (all shards, in job order), and the command line it stands for.
pub(super) struct Replay {
    pub(super) src: String,
    pub(super) stages: Vec<(String, Vec<Outcome>)>,
    pub(super) command_line: Vec<String>,
}

/// Set once by `merge` before it calls the command (a process runs one command).
pub(super) static REPLAY: std::sync::OnceLock<Replay> = std::sync::OnceLock::new();

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
    shard: Option<(usize, usize)>,
    src: String,
    /// A shard's stages so far.
    part: std::cell::RefCell<Vec<PartStage>>,
    /// When the command began, and when it printed its last plain progress line: shared by
    /// every call of [`run`](Self::run), so that a command that runs many short stages
    /// (`optimise`'s rounds) prints at most one line per [`PROGRESS_EVERY`] seconds.
    began: std::time::Instant,
    last_line: std::cell::Cell<Option<std::time::Instant>>,
    /// Calls of [`run`](Self::run) so far (`optimise`: its rounds).
    stages_run: std::cell::Cell<usize>,
}

/// The scenario text: the file's, or the one the merged shards ran.
pub(super) fn scenario_text(file: &std::path::Path) -> Result<String, Failure> {
    match REPLAY.get() {
        Some(r) => Ok(r.src.clone()),
        None => scenario::read_source(file).map_err(|e| Failure::input(e.report())),
    }
}

/// The scenario of a decision command, parsed (for checks made before [`setup`] creates
/// anything).
pub(super) fn setup_model(c: &Common) -> Result<Model, Failure> {
    load(c).map(|(_, model)| model)
}

/// The scenario's text and model.
fn load(c: &Common) -> Result<(String, Model), Failure> {
    let src = scenario_text(&c.file)?;
    let model = scenario::parse(&src, &c.file).map_err(|e| Failure::input(e.report()))?;
    Ok((src, model))
}

/// Loads the scenario, then creates and locks the output folder.
pub(super) fn setup(c: &Common, command: &str) -> Result<Setup, Failure> {
    let (src, model) = load(c)?;
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
        shard: c.shard,
        src,
        part: std::cell::RefCell::new(Vec::new()),
        began: std::time::Instant::now(),
        last_line: std::cell::Cell::new(None),
        stages_run: std::cell::Cell::new(0),
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

/// What every decision command's JSON starts with.
#[derive(serde::Serialize)]
pub(super) struct Header<'a> {
    scenario: &'a str,
    variant: &'a str,
    seed: u64,
    /// Year judged.
    year: i32,
    /// Target, **million USD**: total, export, import (if any).
    target_musd: Option<[f64; 3]>,
}

impl<'a> Header<'a> {
    /// The header of a run of `variant` of `model` with master seed `seed`.
    pub(super) fn new(model: &'a Model, variant: &'a str, seed: u64) -> Self {
        Header {
            scenario: &model.name,
            variant,
            seed,
            year: model.years()[borderflow::decide::decision_year(model)],
            target_musd: (model.target.as_ref()).map(|t| {
                [
                    t.total_musd,
                    t.export_musd.unwrap_or(f64::NAN),
                    t.import_musd.unwrap_or(f64::NAN),
                ]
            }),
        }
    }
}

/// Seconds between plain progress lines when stderr is not a terminal.
const PROGRESS_EVERY: f64 = 10.0;

/// Jobs per chunk between progress updates (results never depend on it).
const CHUNK_JOBS: usize = 32;

impl Setup {
    /// Runs `jobs` on `points` in chunks, with a progress bar labelled `what` on stderr, and
    /// returns each job's target-year outcome, in job order. Under `merge`, the outcomes come
    /// from the shards instead; in a shard, only its replications run and are kept for
    /// [`finish_shard`](Self::finish_shard) (the outcomes returned are then incomplete and must
    /// not be summarised).
    pub(super) fn run(&self, points: &[Point], jobs: &[Job], what: &str) -> Vec<Outcome> {
        if let Some(r) = REPLAY.get() {
            let stage = self.part.borrow().len();
            self.part.borrow_mut().push(PartStage {
                label: what.to_string(),
                jobs: jobs.len(),
                outcomes: Vec::new(),
            });
            return r.stages.get(stage).map(|s| s.1.clone()).unwrap_or_default();
        }
        if let Some((k, n)) = self.shard {
            let mine: Vec<usize> = (0..jobs.len())
                .filter(|&j| jobs[j].replication % n as u64 == k as u64)
                .collect();
            let subset: Vec<Job> = mine.iter().map(|&j| jobs[j].clone()).collect();
            let outcomes = self.run_all(points, &subset, what);
            self.part.borrow_mut().push(PartStage {
                label: what.to_string(),
                jobs: jobs.len(),
                outcomes: mine.into_iter().zip(outcomes).collect(),
            });
            return Vec::new();
        }
        self.run_all(points, jobs, what)
    }

    /// True in a shard: the command stops after running its stages ([`finish_shard`](Self::finish_shard)).
    pub(super) fn is_shard(&self) -> bool {
        self.shard.is_some() && REPLAY.get().is_none()
    }

    /// Writes a shard's `decision-part.json` and says how to merge it.
    pub(super) fn finish_shard(&self) -> Result<(), Failure> {
        let (k, n) = self.shard.expect("a shard");
        let part = Part {
            command_line: super::typed_command_line(),
            scenario_src: self.src.clone(),
            seed: self.seed,
            shard: [k, n],
            stages: self.part.take(),
        };
        let bytes = serde_json::to_vec(&part)
            .map_err(|e| Failure::runtime(format!("cannot encode {PART_FILE}: {e}")))?;
        self.write(PART_FILE, &bytes)?;
        super::emit(&format!(
            "shard {k} of {n}: {} replication(s) written to {} (merge the parts with `borderflow merge`)\n",
            part.stages.iter().map(|s| s.outcomes.len()).sum::<usize>(),
            self.out.join(PART_FILE).display()
        ))
    }

    fn run_all(&self, points: &[Point], jobs: &[Job], what: &str) -> Vec<Outcome> {
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
        // without a terminal (a batch log, a pipe) the bar is hidden: a plain line after the
        // first chunk and then at most every PROGRESS_EVERY seconds instead
        use std::io::IsTerminal;
        let plain = !self.quiet && !std::io::stderr().is_terminal();
        self.stages_run.set(self.stages_run.get() + 1);
        let stage = match self.stages_run.get() {
            1 => String::new(),
            k => format!(" (stage {k})"),
        };
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
            if plain
                && (self.last_line.get())
                    .is_none_or(|t| t.elapsed().as_secs_f64() >= PROGRESS_EVERY)
            {
                eprintln!(
                    "progress: {what}{stage}: {}/{} replications after {:.1} s",
                    out.len(),
                    jobs.len(),
                    self.began.elapsed().as_secs_f64()
                );
                self.last_line.set(Some(std::time::Instant::now()));
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        out
    }

    /// Writes `report.html`, then prints the summary `text` and the files written (`files`,
    /// e.g. "sweep.json, sweep.csv"), or with `--json` the command's JSON.
    pub(super) fn finish(
        &self,
        page: &str,
        json: Option<&str>,
        text: &[String],
        files: &str,
    ) -> Result<(), Failure> {
        self.write("report.html", page.as_bytes())?;
        match json {
            Some(j) => super::emit(j),
            None => super::emit(&format!(
                "{}\nwritten: {}/ ({files}, report.html)\n",
                text.join("\n"),
                self.out.display()
            )),
        }
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

/// The command line as typed (under `merge`: the command the merged shards stand for), for
/// reports.
pub(super) fn command_line() -> Vec<String> {
    match REPLAY.get() {
        Some(r) => r.command_line.clone(),
        None => super::typed_command_line(),
    }
}

/// The shard parts of a decision command in `dirs`, if the first holds one.
pub(super) fn read_parts(dirs: &[PathBuf]) -> Result<Option<Vec<Part>>, Failure> {
    if !dirs.first().is_some_and(|d| d.join(PART_FILE).is_file()) {
        return Ok(None);
    }
    let mut parts = Vec::with_capacity(dirs.len());
    for d in dirs {
        let path = d.join(PART_FILE);
        let bytes = run_folder::read_run_file(&path).map_err(|e| {
            Failure::input(format!(
                "{}: cannot read {PART_FILE} ({e}); give the folders written by `--shard K/N` of the same sweep or sensitivity command",
                d.display()
            ))
        })?;
        let part: Part = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
        parts.push(part);
    }
    Ok(Some(parts))
}

/// The command line without `--shard`, `--out`, `--force` (and `=` forms).
fn without_shard_and_out(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in argv {
        if skip {
            skip = false;
            continue;
        }
        match a.as_str() {
            "--shard" | "--out" => skip = true,
            "--force" => {}
            s if s.starts_with("--shard=") || s.starts_with("--out=") => {}
            _ => out.push(a.clone()),
        }
    }
    out
}

/// Joins shard parts into the outcomes of the whole command, checking that they are the
/// shards 0..N of one command on one scenario; returns the command line to finish with
/// (writing to `out`) and sets [`REPLAY`].
pub(super) fn join_parts(
    parts: &[Part],
    out: &std::path::Path,
    force: bool,
) -> Result<Vec<String>, Failure> {
    let first = &parts[0];
    let n = first.shard[1];
    let command = without_shard_and_out(&first.command_line);
    let mut seen = vec![false; n];
    for (i, p) in parts.iter().enumerate() {
        if without_shard_and_out(&p.command_line) != command
            || p.scenario_src != first.scenario_src
            || p.seed != first.seed
            || p.shard[1] != n
            || p.stages.len() != first.stages.len()
        {
            return Err(Failure::input(format!(
                "part {} is not a shard of the same command, scenario text and seed as the first part ({}); merge the parts of one command only",
                i + 1,
                command.join(" ")
            )));
        }
        let k = p.shard[0];
        if k >= n || std::mem::replace(&mut seen[k], true) {
            return Err(Failure::input(format!(
                "shard {k}/{n} is given twice (or is out of range); give each shard once"
            )));
        }
    }
    if let Some(k) = seen.iter().position(|s| !s) {
        return Err(Failure::input(format!(
            "shard {k}/{n} is missing: give all {n} parts"
        )));
    }
    let mut stages = Vec::new();
    for (s, stage) in first.stages.iter().enumerate() {
        let mut slots: Vec<Option<Outcome>> = vec![None; stage.jobs];
        for p in parts {
            for (j, o) in &p.stages[s].outcomes {
                if let Some(slot) = slots.get_mut(*j) {
                    *slot = Some(o.clone());
                }
            }
        }
        let outcomes: Option<Vec<Outcome>> = slots.into_iter().collect();
        let outcomes = outcomes.ok_or_else(|| {
            Failure::input(format!(
                "the parts do not hold every replication of stage `{}`; rerun the missing shard",
                stage.label
            ))
        })?;
        stages.push((stage.label.clone(), outcomes));
    }
    let mut argv = command.clone();
    argv.extend(["--out".to_string(), out.display().to_string()]);
    if force {
        argv.push("--force".into());
    }
    if !argv.iter().any(|a| a == "-q" || a == "--quiet") {
        argv.push("--quiet".into());
    }
    let _ = REPLAY.set(Replay {
        src: first.scenario_src.clone(),
        stages,
        command_line: argv.clone(),
    });
    Ok(argv)
}
