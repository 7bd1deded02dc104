//! `borderflow run FILE …`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::Args;

use super::Failure;
use crate::model::Date;
use crate::montecarlo::{self, RunOptions};
use crate::report::{self, files};
use crate::scenario;

/// Most replications per variant accepted on the command line (the scenario file's limit).
pub const MAX_REPLICATIONS: usize = scenario::validate::MAX_REPLICATIONS as usize;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    #[arg(required_unless_present = "resume")]
    file: Option<PathBuf>,
    /// Continue an interrupted run (Ctrl-C) in its folder, with the options it was started
    /// with; the result is the same as that of an uninterrupted run.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = [
        "file", "replications", "seed", "variants", "out", "force", "precision", "inner",
        "independent", "warmup_days", "shard",
    ])]
    resume: Option<PathBuf>,
    /// Replications per variant (default: the scenario's `replications`).
    #[arg(long, short = 'n', value_parser = super::parse_replications, allow_hyphen_values = true)]
    replications: Option<usize>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Run only these variants (repeatable; default: all).
    #[arg(long = "variant")]
    variants: Vec<String>,
    /// Output folder (default: output/<scenario>/<run-id>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite an existing output folder.
    #[arg(long)]
    force: bool,
    /// Print the summary as JSON on stdout instead of a table.
    #[arg(long)]
    json: bool,
    /// Worker threads, 1–1024 (default: omit it to use all cores; 0 is refused).
    #[arg(long, value_parser = super::parse_threads, allow_hyphen_values = true)]
    threads: Option<usize>,
    /// No progress output on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Keep adding replications (in batches of 16) until the 95% half-width of P(total
    /// target) is at most this in every variant, e.g. 0.02.
    #[arg(long)]
    precision: Option<f64>,
    /// Ceiling on replications per variant when --precision is given.
    #[arg(long, default_value_t = 10_000)]
    max_replications: usize,
    /// Replications per draw of the uncertain parameters (≥ 2 separates parameter
    /// uncertainty from day-to-day randomness in the report).
    #[arg(long, default_value_t = 1)]
    inner: usize,
    /// Give each variant its own random streams instead of common random numbers (only to
    /// measure what common random numbers gain; paired differences are then not paired).
    #[arg(long)]
    independent: bool,
    /// Days dropped from waiting-time and utilisation statistics (default: the scenario's).
    #[arg(long)]
    warmup_days: Option<usize>,
    /// Print the warm-up that MSER-5 suggests for each variant (also in summary.json as
    /// `mser5_warmup_days`). Meaningful for stationary scenarios only.
    #[arg(long)]
    mser: bool,
    /// Run only shard K of N (K counted from 0, like Slurm array task ids): the replications
    /// i with i mod N = K. Writes a part folder for `borderflow merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Seconds between checkpoints of the finished replications: a run that is killed (even
    /// by SIGKILL or a power cut) continues from its last checkpoint with `--resume`, to the
    /// same results. 0 saves after every chunk of 16 replications. A checkpoint grows with the
    /// replications done; the gap widens to 49 times the last one's cost, so checkpoints take
    /// under 2 % of the run.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_seconds)]
    checkpoint_every: f64,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!(
            "--checkpoint-every is a number of seconds ≥ 0 (0 = after every chunk), got `{s}`"
        )),
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a shard: write K/N with 0 ≤ K < N, e.g. 0/4");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// A new run's folder name: UTC date and time plus the seed.
pub(super) fn run_id(seed: u64) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let date = Date::from_days_since_epoch((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z-seed{seed}",
        date.year,
        date.month,
        date.day,
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// The output folder, created and locked (see [`lock`](super::lock)) before anything is
/// written in it: `out` if given (refused if it already holds files, unless `force`, and
/// always while another run holds its lock), else a new `output/<scenario>/<name>[-k]/`.
pub(super) fn prepare_out_dir(
    out: Option<&PathBuf>,
    force: bool,
    scenario: &str,
    name: &str,
) -> Result<(PathBuf, super::lock::OutLock), Failure> {
    let dir = match out {
        Some(d) => {
            if d.is_dir() {
                // a run in progress holds the lock whatever --force says
                let lock = super::lock::lock(d)?;
                let non_empty = std::fs::read_dir(d)
                    .map(|r| {
                        r.filter_map(Result::ok)
                            .any(|e| e.file_name() != super::lock::LOCK_FILE)
                    })
                    .unwrap_or(false);
                if non_empty && !force {
                    return Err(Failure::input(format!(
                        "output folder {} already holds a run; choose another --out or add --force to overwrite it",
                        d.display()
                    )));
                }
                return Ok((d.clone(), lock));
            }
            if d.exists() {
                return Err(Failure::input(format!(
                    "--out {} is a file, not a folder; give a folder (it is created if missing)",
                    d.display()
                )));
            }
            d.clone()
        }
        None => {
            let base = Path::new("output").join(scenario).join(name);
            let mut dir = base.clone();
            let mut k = 2;
            while dir.exists() {
                dir = PathBuf::from(format!("{}-{k}", base.display()));
                k += 1;
            }
            dir
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::runtime(format!(
            "cannot create output folder {}: {e}",
            dir.display()
        ))
    })?;
    let lock = super::lock::lock(&dir)?;
    Ok((dir, lock))
}

/// Everything a run needs before simulating.
struct Prepared {
    /// The scenario's exact text, as run (hashed into the manifest, copied into checkpoints).
    src: String,
    /// The scenario file as the run's first command named it (recorded in the manifest).
    scenario_file: String,
    /// The command that started the run (kept when it is resumed).
    command_line: Vec<String>,
    model: crate::model::Model,
    opts: RunOptions,
    out: PathBuf,
    resume: Option<montecarlo::Resume>,
    requested: usize,
    /// The output folder's lock, held until the run ends.
    _lock: super::lock::OutLock,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let prepared = match &args.resume {
        Some(dir) => prepare_resume(dir, &args)?,
        None => prepare_new(&args)?,
    };
    execute(prepared, &args)
}

fn prepare_new(args: &RunArgs) -> Result<Prepared, Failure> {
    let file = args
        .file
        .clone()
        .expect("clap requires FILE without --resume");
    let src = scenario::read_source(&file).map_err(|e| Failure::input(e.report()))?;
    let mut model = scenario::parse(&src, &file).map_err(|e| Failure::input(e.report()))?;
    if !args.quiet {
        for w in scenario::warnings(&model) {
            eprintln!("warning: {}: {w}", file.display());
        }
    }
    if let Some(w) = args.warmup_days {
        if w >= model.days {
            return Err(Failure::input(format!(
                "--warmup-days {w} is not shorter than the horizon ({} days)",
                model.days
            )));
        }
        model.warmup_days = w;
    }
    if let Some(p) = args.precision {
        if !(p > 0.0 && p < 0.5) {
            return Err(Failure::input(format!(
                "--precision is a half-width of a probability: give a number in (0, 0.5), got {p}"
            )));
        }
        if model.target.is_none() {
            return Err(Failure::input(format!(
                "--precision stops on P(target), but {} has no [target] table",
                file.display()
            )));
        }
    }
    if args.inner == 0 {
        return Err(Failure::input("--inner must be at least 1"));
    }
    if args.shard.is_some() && args.precision.is_some() {
        return Err(Failure::input(
            "--shard runs a fixed share of --replications; it cannot be combined with --precision",
        ));
    }
    let replications = match args.precision {
        Some(_) => args.max_replications,
        None => args.replications.unwrap_or(model.replications),
    };
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(Failure::input(format!(
            "--replications must be 1–{MAX_REPLICATIONS}, got {replications}"
        )));
    }
    let mut variants = Vec::new();
    for typed in &args.variants {
        // the scenario's names are NFC (scenario::parse), so a name typed with combining
        // accents must be too
        let name: String =
            unicode_normalization::UnicodeNormalization::nfc(typed.as_str()).collect();
        match model.variant_index(&name) {
            Some(i) if variants.contains(&i) => {
                return Err(Failure::input(format!(
                    "--variant {name} is given twice; name each variant once"
                )));
            }
            Some(i) => variants.push(i),
            None => {
                let known: Vec<&str> = model.variants.iter().map(|v| v.name.as_str()).collect();
                return Err(Failure::input(format!(
                    "--variant {name}: no such variant in {}; it has: {}",
                    file.display(),
                    known.join(", ")
                )));
            }
        }
    }
    if variants.is_empty() {
        variants = (0..model.variants.len()).collect();
    }
    let seed = args.seed.unwrap_or(model.seed);
    let (out, lock) = prepare_out_dir(args.out.as_ref(), args.force, &model.name, &run_id(seed))?;
    let opts = RunOptions {
        replications,
        seed,
        threads: args.threads,
        variants,
        precision: args.precision,
        common_random_numbers: !args.independent,
        inner: args.inner,
        shard: args.shard,
        stop: None,
    };
    Ok(Prepared {
        src,
        scenario_file: file.display().to_string(),
        command_line: std::env::args().collect(),
        model,
        opts,
        out,
        resume: None,
        requested: replications,
        _lock: lock,
    })
}

/// Reads an interrupted run's folder: its manifest (options), scenario (same hash) and
/// checkpoint (complete replications).
fn prepare_resume(dir: &Path, args: &RunArgs) -> Result<Prepared, Failure> {
    if !dir.is_dir() {
        return Err(Failure::input(format!(
            "--resume {}: no such folder; give the folder of an interrupted run",
            dir.display()
        )));
    }
    let lock = super::lock::lock(dir)?;
    let read = |name: &str| {
        files::read_run_file(&dir.join(name)).map_err(|e| {
            Failure::input(format!(
                "--resume {}: cannot read {name}: {e}; give the folder of an interrupted run",
                dir.display()
            ))
        })
    };
    let manifest: files::Manifest = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| Failure::input(format!("{}/manifest.json: {e}", dir.display())))?;
    if !manifest.partial {
        return Err(Failure::input(format!(
            "--resume {}: this run is complete (manifest.json has \"partial\": false); nothing to resume",
            dir.display()
        )));
    }
    // The scenario as run: the copy saved with the checkpoint (so a resume works from any
    // folder and whatever happened to the original), else (folders of older versions) the
    // original file, which must be unchanged.
    let file = PathBuf::from(&manifest.scenario_file);
    let copy = dir.join(CHECKPOINT_SCENARIO);
    let (src, origin) = if copy.is_file() {
        (scenario::read_source(&copy), copy.clone())
    } else {
        (scenario::read_source(&file), file.clone())
    };
    let src = src.map_err(|e| {
        Failure::input(format!(
            "--resume: cannot read the run's scenario: {}",
            e.report()
        ))
    })?;
    if files::fnv1a_hex(src.as_bytes()) != manifest.scenario_hash {
        return Err(Failure::input(format!(
            "--resume: {} has changed since the run started (hash {} now, {} then); restore it or start a new run",
            origin.display(),
            files::fnv1a_hex(src.as_bytes()),
            manifest.scenario_hash
        )));
    }
    let mut model = scenario::parse(&src, &file).map_err(|e| Failure::input(e.report()))?;
    model.warmup_days = manifest.warmup_days;
    let parts: Vec<files::PartVariant> = serde_json::from_slice(&read(CHECKPOINT)?)
        .map_err(|e| Failure::input(format!("{}/{CHECKPOINT}: {e}", dir.display())))?;
    let cells = model.days * model.gates.len();
    let mut variants = Vec::new();
    let mut done = Vec::new();
    for (name, part) in manifest.variants.iter().zip(&parts) {
        let v = model.variant_index(name).filter(|_| part.name == *name);
        let ok = part.daily_cleared.len() == cells && part.daily_queue.len() == cells;
        match v {
            Some(v) if ok => {
                variants.push(v);
                done.push(montecarlo::VariantResult {
                    variant: v,
                    reps: part.reps.clone(),
                    daily_cleared: part.daily_cleared.clone(),
                    daily_queue: part.daily_queue.clone(),
                });
            }
            _ => {
                return Err(Failure::input(format!(
                    "{}/{CHECKPOINT} does not match the run's variants or horizon; start a new run",
                    dir.display()
                )));
            }
        }
    }
    if variants.len() != manifest.variants.len()
        || done.iter().any(|v| v.reps.len() != done[0].reps.len())
    {
        return Err(Failure::input(format!(
            "{}/{CHECKPOINT} is incomplete; start a new run",
            dir.display()
        )));
    }
    let opts = RunOptions {
        replications: manifest.requested_replications,
        seed: manifest.seed,
        threads: args.threads,
        variants,
        precision: manifest.precision,
        common_random_numbers: manifest.common_random_numbers,
        inner: manifest.inner,
        shard: None,
        stop: None,
    };
    Ok(Prepared {
        src,
        scenario_file: manifest.scenario_file.clone(),
        command_line: manifest.command_line.clone(),
        model,
        opts,
        out: dir.to_path_buf(),
        resume: Some(montecarlo::Resume { variants: done }),
        requested: manifest.requested_replications,
        _lock: lock,
    })
}

/// An interrupted run's complete replications, for `--resume`.
const CHECKPOINT: &str = "checkpoint.json";

/// The scenario's exact text, saved beside the checkpoint, so that `--resume` works from any
/// working folder and after the original file was moved or edited.
const CHECKPOINT_SCENARIO: &str = "checkpoint-scenario.toml";

/// Saves a checkpoint: the scenario copy (first time), the complete replications, then the
/// manifest marked partial (the record that the folder can be resumed). Each file is
/// replaced atomically, so a kill at any moment leaves the previous checkpoint or this one.
fn save_checkpoint(
    out: &Path,
    src: &str,
    checkpoint: &[u8],
    manifest: &files::Manifest,
) -> std::io::Result<()> {
    let copy = out.join(CHECKPOINT_SCENARIO);
    if !copy.is_file() {
        files::write_atomic(&copy, src.as_bytes())?;
    }
    files::write_atomic(&out.join(CHECKPOINT), checkpoint)?;
    let mut m = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
    m.push(b'\n');
    files::write_atomic(&out.join("manifest.json"), &m)
}

/// Stops the run on SIGINT or SIGTERM: the first signal lets the replications in progress
/// finish and saves them; a second quits at once (exit 130), leaving the last checkpoint.
fn stop_on_signals(out: &Path) -> Option<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use std::sync::atomic::Ordering;
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).ok()?;
    let (stop, out) = (std::sync::Arc::clone(&flag), out.to_path_buf());
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                if !stop.swap(true, Ordering::SeqCst) {
                    eprintln!(
                        "interrupt: finishing the replications in progress and saving them (interrupt again to quit at once)"
                    );
                    continue;
                }
                let resumable = out.join(CHECKPOINT).is_file();
                eprintln!(
                    "second interrupt: quitting at once; {}",
                    if resumable {
                        format!(
                            "{} keeps the last checkpoint: continue with `borderflow run --resume {}`",
                            out.display(),
                            out.display()
                        )
                    } else {
                        "no checkpoint was saved yet, so the run must be started again".to_string()
                    }
                );
                // this process's own temporary files and lock, which no destructor will remove
                let pid = format!(".tmp-{}", std::process::id());
                if let Ok(entries) = std::fs::read_dir(&out) {
                    for e in entries.flatten() {
                        if e.file_name().to_string_lossy().ends_with(&pid) {
                            let _ = std::fs::remove_file(e.path());
                        }
                    }
                }
                let _ = std::fs::remove_file(out.join(super::lock::LOCK_FILE));
                std::process::exit(130);
            }
        })
        .ok()?;
    Some(flag)
}

/// Least time between two checkpoints, as a multiple of the last one's cost: 49 keeps
/// their share of the run's time below 2 %.
const CHECKPOINT_COST_RATIO: f64 = 49.0;

/// Seconds between two plain progress lines (stderr not a terminal).
const PROGRESS_EVERY: f64 = 10.0;

fn execute(p: Prepared, args: &RunArgs) -> Result<(), Failure> {
    let Prepared {
        src,
        scenario_file,
        command_line,
        model,
        mut opts,
        out,
        resume,
        requested,
        _lock,
    } = p;
    opts.stop = stop_on_signals(&out);
    let manifest_of =
        |replications: usize, threads: usize, events: u64, wall_s: f64| files::Manifest {
            borderflow_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: scenario_file.clone(),
            scenario_hash: files::fnv1a_hex(src.as_bytes()),
            seed: opts.seed,
            replications,
            threads,
            variants: opts
                .variants
                .iter()
                .map(|&v| model.variants[v].name.clone())
                .collect(),
            command_line: command_line.clone(),
            events,
            wall_s,
            shard: args.shard.map(|(k, n)| [k, n]),
            inner: opts.inner.max(1),
            common_random_numbers: opts.common_random_numbers,
            warmup_days: model.warmup_days,
            requested_replications: requested,
            precision: opts.precision,
            partial: true,
        };
    let replications = opts.replications;
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new((replications * opts.variants.len()) as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} variant-replications · {per_sec} · ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    // Without a terminal (a batch job's log, a pipe) progress is a plain line after the first
    // chunk and then at most every PROGRESS_EVERY seconds, so logs stay short.
    let plain_progress = !args.quiet && bar.is_none();
    let mut last_line: Option<Instant> = None;
    // Periodic checkpoints (not for shards: a shard is rerun whole, see `merge`).
    let mut last_checkpoint = Instant::now();
    let mut checkpoint_gap = args.checkpoint_every;
    let mut checkpoints_fail = args.shard.is_some();
    let t0 = Instant::now();
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
    let result = montecarlo::run_from(&model, &opts, resume, |p| {
        let (done, total) = (p.done, p.total);
        if !checkpoints_fail
            && done < total
            && last_checkpoint.elapsed().as_secs_f64() >= checkpoint_gap
        {
            let began = Instant::now();
            let manifest = manifest_of(p.replications, threads, p.events, t0.elapsed().as_secs_f64());
            let saved = files::checkpoint_json(&model, p.variants)
                .map_err(std::io::Error::other)
                .and_then(|bytes| save_checkpoint(&out, &src, &bytes, &manifest));
            if let Err(e) = saved {
                eprintln!(
                    "warning: cannot save a checkpoint in {}: {e}; the run goes on, but if it is killed it cannot be resumed",
                    out.display()
                );
                checkpoints_fail = true;
            }
            // A checkpoint grows with the replications done; waiting at least
            // CHECKPOINT_COST_RATIO times its cost keeps checkpoints under 2 % of the run
            // (unless every chunk was asked for with 0).
            let cost = began.elapsed().as_secs_f64();
            if args.checkpoint_every > 0.0 {
                checkpoint_gap = args.checkpoint_every.max(CHECKPOINT_COST_RATIO * cost);
            }
            last_checkpoint = Instant::now();
        }
        if let Some(b) = &bar {
            b.set_position(done as u64);
        } else if plain_progress
            && last_line.is_none_or(|t| t.elapsed().as_secs_f64() >= PROGRESS_EVERY)
        {
            eprintln!(
                "progress: {done}/{total} variant-replications after {:.1} s",
                t0.elapsed().as_secs_f64()
            );
            last_line = Some(Instant::now());
        }
    })
    .map_err(|e| Failure::runtime(format!("cannot start worker threads: {e}")))?;
    let wall = t0.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let manifest = files::Manifest {
        partial: result.interrupted,
        ..manifest_of(result.replications, result.threads, result.events, wall)
    };
    if let Some(figure) = files::first_non_finite(&model, &result) {
        return Err(Failure::runtime(format!(
            "the run produced a figure that is not a finite number, so no results were written: {figure}; lower the scenario's values, times or factors"
        )));
    }
    if result.interrupted && args.shard.is_some() {
        return Err(Failure {
            code: 130,
            message: format!(
                "interrupted: shard {} was not finished and nothing was written; run it again",
                args.shard
                    .map_or(String::new(), |(k, n)| format!("{k}/{n}"))
            ),
        });
    }
    if args.shard.is_some() {
        files::write_part(&out, &manifest, src.as_bytes(), &model, &result).map_err(|e| {
            Failure::runtime(format!(
                "cannot write the part folder {}: {e}",
                out.display()
            ))
        })?;
        if !args.quiet {
            eprintln!(
                "shard {} of {}: {} replication(s) per variant written to {} (merge the parts with `borderflow merge`)",
                manifest.shard.map_or(0, |s| s[0]),
                manifest.shard.map_or(1, |s| s[1]),
                result.variants.first().map_or(0, |v| v.reps.len()),
                out.display()
            );
        }
        return Ok(());
    }
    if result.interrupted {
        let bytes = files::checkpoint_json(&model, &result.variants)
            .map_err(|e| Failure::runtime(format!("cannot encode the checkpoint: {e}")))?;
        save_checkpoint(&out, &src, &bytes, &manifest).map_err(|e| {
            Failure::runtime(format!(
                "cannot save the checkpoint in {}: {e}",
                out.display()
            ))
        })?;
        let summary = write_outputs(&out, &model, &result, &manifest)?;
        if args.json {
            super::emit(&String::from_utf8_lossy(&files::summary_json(&summary)))?;
        }
        return Err(Failure {
            code: 130,
            message: format!(
                "interrupted: {} of {} replications per variant complete and saved in {} (summary.json marked \"partial\"); continue with `borderflow run --resume {}`",
                result.replications,
                requested,
                out.display(),
                out.display()
            ),
        });
    }
    let summary = write_outputs(&out, &model, &result, &manifest)?;
    // complete: the manifest says so, and the checkpoint is no longer needed
    let _ = std::fs::remove_file(out.join(CHECKPOINT));
    let _ = std::fs::remove_file(out.join(CHECKPOINT_SCENARIO));
    if args.mser {
        for v in &summary.variants {
            match v.mser5_warmup_days {
                Some(d) => eprintln!(
                    "MSER-5 on the daily queue of `{}` suggests a warm-up of {d} days (the run used {})",
                    v.name, model.warmup_days
                ),
                None => eprintln!(
                    "MSER-5: the horizon of `{}` is too short (< 50 days) to suggest a warm-up",
                    v.name
                ),
            }
        }
    }
    if args.json {
        super::emit(&String::from_utf8_lossy(&files::summary_json(&summary)))?;
    } else {
        super::emit(&format!(
            "{}\n{} events in {:.1} s ({:.1} M events/s on {} thread(s)); results in {}\n",
            report::table::render(&summary),
            result.events,
            wall,
            result.events as f64 / wall.max(1e-9) / 1e6,
            result.threads,
            out.display()
        ))?;
    }
    if args.json && !args.quiet {
        eprintln!("results written to {}", out.display());
    }
    Ok(())
}

/// Writes the files of a complete run (summary, CSVs, manifest, charts, report.html) and
/// returns the summary.
pub(super) fn write_outputs(
    out: &Path,
    model: &crate::model::Model,
    result: &montecarlo::RunResult,
    manifest: &files::Manifest,
) -> Result<report::Summary, Failure> {
    if let Some(figure) = files::first_non_finite(model, result) {
        return Err(Failure::runtime(format!(
            "the results hold a figure that is not a finite number, so none were written: {figure}"
        )));
    }
    let summary = report::summarize(model, result);
    let write = |name: &str, bytes: &[u8]| {
        files::write_atomic(&out.join(name), bytes).map_err(|e| {
            Failure::runtime(format!("cannot write {}: {e}", out.join(name).display()))
        })
    };
    write("replications.csv", &files::replications_csv(model, result))?;
    write("daily.csv", &files::daily_csv(model, result))?;
    write("summary.json", &files::summary_json(&summary))?;
    let data = crate::charts::ChartData::build(model, result, &summary, manifest);
    // charts are a view of the results: a run whose charts cannot be drawn (too many variants
    // for one chart) keeps its results and says so
    if let Err(e) = crate::charts::write_charts(out, &data) {
        eprintln!(
            "warning: {e}; the results (summary.json, the CSV files, charts.json) are complete, but the charts and report.html were not drawn"
        );
    }
    // the manifest last: it is the record that the folder is complete (or partial, with its
    // checkpoint), so a process killed before this point leaves no manifest that claims so
    let mut m = serde_json::to_vec_pretty(manifest).expect("manifest serialises");
    m.push(b'\n');
    write("manifest.json", &m)?;
    Ok(summary)
}
