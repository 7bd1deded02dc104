//! `borderflow run FILE …`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Instant;

use clap::Args;

mod answer;
mod progress;
mod signals;

use super::Failure;
use borderflow::montecarlo::{self, RunOptions};
use borderflow::report::{self, files};
use borderflow::run_folder;
use borderflow::scenario;

/// Most replications per variant accepted on the command line (the scenario file's limit).
pub(super) const MAX_REPLICATIONS: usize = scenario::validate::MAX_REPLICATIONS as usize;

#[derive(Debug, Args)]
#[command(
    override_usage = "borderflow run [OPTIONS] <FILE>\n       borderflow run --resume <RUN_DIR> [--threads N] [--time-budget SECONDS] [--quiet] [--json]"
)]
pub(super) struct RunArgs {
    /// Scenario file (TOML).
    #[arg(required_unless_present = "resume")]
    file: Option<PathBuf>,
    /// Continue an interrupted run (Ctrl-C) in its folder, with the options it was started
    /// with; the result is the same as that of an uninterrupted run.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = [
        "file", "replications", "seed", "variants", "packages", "out", "force", "precision", "inner",
        "independent", "warmup_days", "shard", "trace",
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
    /// Also run the package of these variants, written `a+b+c`: the union of their changes
    /// in date order (repeatable; with --variant, only the variants and packages named).
    #[arg(long = "package")]
    packages: Vec<String>,
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
    /// Keep adding replications to each variant (looking every 4) until the 95% half-width
    /// of its P(total target) is at most this, e.g. 0.02 (default: the scenario's
    /// `precision`, if it sets one and -n is not given).
    #[arg(long)]
    precision: Option<f64>,
    /// Ceiling on replications per variant with a precision rule (default: 10000).
    #[arg(long, value_parser = super::parse_replications, allow_hyphen_values = true)]
    max_replications: Option<usize>,
    /// With a precision rule: stop after this many seconds even if some variant is not yet
    /// that precise (default: the scenario's `time_budget_s`; none if it sets none).
    #[arg(long, value_name = "SECONDS", value_parser = parse_budget)]
    time_budget: Option<f64>,
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
    #[arg(long, value_name = "K/N", value_parser = super::parse_shard)]
    shard: Option<(usize, usize)>,
    /// Seconds between checkpoints of the finished replications: a run that is killed (even
    /// by SIGKILL or a power cut) continues from its last checkpoint with `--resume`, to the
    /// same results. 0 saves after every chunk of 4 replications. A checkpoint grows with the
    /// replications done; the gap widens to 49 times the last one's cost, so checkpoints take
    /// under 2 % of the run.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_seconds)]
    checkpoint_every: f64,
    /// Simulate every variant from the start instead of continuing it from the history it
    /// shares with another (the results are the same; only to measure what sharing saves).
    #[arg(long)]
    no_fork: bool,
    /// Also write FILE (CSV): replication 0 of one variant, one row per vehicle per stage
    /// (vehicle, gate, class, direction, stage, queue_enter, start, end, outcome, wait_min,
    /// service_min), for the vehicles that joined a stage's queue in --trace-window; the
    /// report then shows a Time Release Study table of it.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Days traced, FROM..TO, both included, e.g. 2025-03-01..2025-03-07 (default: the first
    /// 7 days of the target year, else of the horizon's last year).
    #[arg(long, value_name = "FROM..TO", requires = "trace")]
    trace_window: Option<String>,
    /// The variant traced (default: the scenario's `history` variant if it is run, else the
    /// first variant run).
    #[arg(long, value_name = "NAME", requires = "trace")]
    trace_variant: Option<String>,
}

/// Ceiling on replications per variant with a precision rule, unless --max-replications says.
const DEFAULT_MAX_REPLICATIONS: usize = 10_000;

/// Most rows a trace file holds (≈ 100 bytes each): a longer window is refused, not cut.
const MAX_TRACE_ROWS: usize = 1_000_000;

/// `--trace`: simulates replication 0 of the traced variant with a tracer, writes the CSV
/// (atomically) and returns the Time Release Study table for the report.
fn write_trace(
    args: &RunArgs,
    model: &borderflow::model::Model,
    opts: &RunOptions,
) -> Result<Option<report::trace::TimeRelease>, Failure> {
    let Some(file) = &args.trace else {
        return Ok(None);
    };
    let window = match &args.trace_window {
        Some(w) => w.clone(),
        None => {
            let year = model
                .target
                .as_ref()
                .map(|t| t.year)
                .filter(|y| model.years().contains(y))
                .unwrap_or_else(|| *model.years().last().expect("a horizon has a year"));
            let first = borderflow::model::Date::new(year, 1, 1)
                .expect("1 January exists")
                .max(model.start);
            let last = first
                .plus_days(6)
                .min(model.start.plus_days(model.days as i64 - 1));
            format!("{first}..{last}")
        }
    };
    let (from, to, days) = report::trace::parse_window(model, &window).map_err(Failure::input)?;
    let variant = match &args.trace_variant {
        Some(typed) => {
            let name: String =
                unicode_normalization::UnicodeNormalization::nfc(typed.as_str()).collect();
            match model.variant_index(&name) {
                Some(v) if opts.variants.contains(&v) => v,
                _ => {
                    let run: Vec<&str> = (opts.variants.iter())
                        .map(|&v| model.variants[v].name.as_str())
                        .collect();
                    return Err(Failure::input(format!(
                        "--trace-variant {name}: not a variant of this run; it runs: {}",
                        run.join(", ")
                    )));
                }
            }
        }
        None => model
            .history
            .filter(|h| opts.variants.contains(h))
            .unwrap_or(opts.variants[0]),
    };
    let plan = borderflow::model::Plan::new(model, variant);
    let seed = montecarlo::variant_seed(opts, variant);
    let (_, trace) =
        borderflow::model::simulate_traced(model, &plan, seed, 0, (from, to), MAX_TRACE_ROWS);
    if trace.truncated {
        let last = trace.rows.last().map_or(from, |r| r.queue_enter);
        let fit_days = ((last - from) / borderflow::engine::MINUTES_PER_DAY).floor();
        return Err(Failure::input(format!(
            "--trace-window {window} holds more than {MAX_TRACE_ROWS} vehicle-stage rows, the most a trace file may hold; trace fewer days (about {fit_days:.0} fit from {})",
            days[0]
        )));
    }
    let csv = report::trace::trace_csv(model, &trace);
    run_folder::write_atomic(file, &csv)
        .map_err(|e| Failure::runtime(format!("cannot write the trace {}: {e}", file.display())))?;
    let name = &model.variants[variant].name;
    if !args.quiet {
        eprintln!(
            "trace: {} vehicle-stage rows of `{name}`, replication 0, {}..{}, written to {}",
            trace.rows.len(),
            days[0],
            days[1],
            file.display()
        );
    }
    Ok(Some(report::trace::time_release(
        model, &trace, name, 0, days,
    )))
}

fn parse_budget(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!(
            "--time-budget is a number of seconds > 0, got `{s}`"
        )),
    }
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!(
            "--checkpoint-every is a number of seconds ≥ 0 (0 = after every chunk), got `{s}`"
        )),
    }
}

/// Everything a run needs before simulating.
struct Prepared {
    /// The scenario's exact text, as run (hashed into the manifest, copied into checkpoints).
    src: String,
    /// The scenario file as the run's first command named it (recorded in the manifest).
    scenario_file: String,
    /// The command that started the run (kept when it is resumed).
    command_line: Vec<String>,
    model: borderflow::model::Model,
    opts: RunOptions,
    out: PathBuf,
    resume: Option<montecarlo::Resume>,
    requested: usize,
    /// The Time Release Study table of `--trace`, for the report.
    time_release: Option<report::trace::TimeRelease>,
    /// The output folder's lock, held until the run ends.
    _lock: run_folder::OutLock,
}

pub(super) fn run(args: RunArgs) -> Result<(), Failure> {
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
    // the precision rule: --precision, else the scenario's unless -n asks for a fixed count
    let precision = match (args.precision, args.replications) {
        (Some(p), _) => Some(p),
        (None, None) if args.shard.is_none() => model.precision,
        (None, _) => None,
    };
    let time_budget_s = precision.and(args.time_budget.or(model.time_budget_s));
    if args.time_budget.is_some() && precision.is_none() {
        return Err(Failure::input(
            "--time-budget limits a run with a precision rule: add --precision (or drop -n where the scenario sets `precision`)",
        ));
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
    if args.max_replications.is_some() && precision.is_none() {
        return Err(Failure::input(
            "--max-replications caps a run with a precision rule: add --precision (or drop -n where the scenario sets `precision`)",
        ));
    }
    let replications = match precision {
        Some(_) => args.max_replications.unwrap_or(DEFAULT_MAX_REPLICATIONS),
        None => args.replications.unwrap_or(model.replications),
    };
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(Failure::input(format!(
            "--replications must be 1–{MAX_REPLICATIONS}, got {replications}"
        )));
    }
    // `--inner K`: replication r uses parameter draw r / K, so the report's split of the
    // variance needs at least two whole draws
    if args.inner > 1 {
        let (what, count) = match precision {
            Some(_) => ("--max-replications", replications),
            None => ("-n", replications),
        };
        if count < 2 * args.inner || (precision.is_none() && count % args.inner != 0) {
            return Err(Failure::input(format!(
                "--inner {k} runs {k} replications per draw of the uncertain parameters, so \
                 {what} must be a multiple of {k} and at least {two} (two draws), got {count}",
                k = args.inner,
                two = 2 * args.inner
            )));
        }
    }
    let file_variants = model.variants.len();
    let mut packages = Vec::new();
    for typed in &args.packages {
        let name: String =
            unicode_normalization::UnicodeNormalization::nfc(typed.as_str()).collect();
        if !name.contains('+') && model.variant_index(&name).is_none() {
            return Err(Failure::input(format!(
                "--package {name}: write the variants to combine as a+b+c (or name a [[packages]] entry of {})",
                file.display()
            )));
        }
        let v = model
            .resolve_variant(&name)
            .map_err(|e| Failure::input(format!("--package {name}: {e}")))?;
        if packages.contains(&v) {
            return Err(Failure::input(format!(
                "--package {name} is given twice; name each package once"
            )));
        }
        packages.push(v);
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
        variants = (0..file_variants).collect();
    }
    // packages after the variants, each once (a [[packages]] name may also be a --variant)
    for v in packages {
        if !variants.contains(&v) {
            variants.push(v);
        }
    }
    let seed = args.seed.unwrap_or(model.seed);
    let opts = RunOptions {
        replications,
        seed,
        threads: args.threads,
        variants,
        precision,
        time_budget_s,
        common_random_numbers: !args.independent,
        inner: args.inner,
        shard: args.shard,
        fork: !args.no_fork,
        stop: None,
        simulated: None,
    };
    // before the output folder: a window that cannot be traced fails before anything is made
    let time_release = write_trace(args, &model, &opts)?;
    let (out, lock) = run_folder::create(
        args.out.as_ref(),
        args.force,
        &model.name,
        &run_folder::run_id(seed),
    )?;
    Ok(Prepared {
        src,
        scenario_file: file.display().to_string(),
        command_line: super::typed_command_line(),
        model,
        opts,
        out,
        resume: None,
        requested: replications,
        time_release,
        _lock: lock,
    })
}

/// Continues an interrupted run from its folder's checkpoint, with the run's own options.
fn prepare_resume(dir: &Path, args: &RunArgs) -> Result<Prepared, Failure> {
    if !dir.is_dir() {
        return Err(Failure::input(format!(
            "--resume {}: no such folder; give the folder of an interrupted run",
            dir.display()
        )));
    }
    let lock = run_folder::lock(dir)?;
    let r = run_folder::checkpoint::load(dir)?;
    let opts = RunOptions {
        replications: r.manifest.requested_replications,
        seed: r.manifest.seed,
        threads: args.threads,
        variants: r.variants,
        precision: r.manifest.precision,
        time_budget_s: r.manifest.precision.and(args.time_budget),
        common_random_numbers: r.manifest.common_random_numbers,
        inner: r.manifest.inner,
        shard: None,
        fork: !args.no_fork,
        stop: None,
        simulated: None,
    };
    Ok(Prepared {
        src: r.src,
        scenario_file: r.manifest.scenario_file.clone(),
        command_line: r.manifest.command_line.clone(),
        model: r.model,
        opts,
        out: dir.to_path_buf(),
        resume: Some(r.resume),
        requested: r.manifest.requested_replications,
        time_release: None,
        _lock: lock,
    })
}

/// Least time between two checkpoints, as a multiple of the last one's cost: 49 keeps
/// their share of the run's time below 2 %.
const CHECKPOINT_COST_RATIO: f64 = 49.0;

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
        time_release,
        _lock,
    } = p;
    opts.stop = signals::stop_on_signals(&out);
    // variant-replications a resumed run already had: not simulated in this session
    let resumed: usize = resume
        .as_ref()
        .map_or(0, |r| (r.variants.iter()).map(|v| v.reps.len()).sum());
    // counted as they finish, from those, for the progress display between chunks
    opts.simulated = Some(Arc::new(AtomicUsize::new(resumed)));
    let manifest_of =
        |replications: usize, threads: usize, events: u64, wall_s: f64| run_folder::Manifest {
            borderflow_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: scenario_file.clone(),
            scenario_hash: run_folder::fnv1a_hex(src.as_bytes()),
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
    // Periodic checkpoints (not for shards: a shard is rerun whole, see `merge`).
    let mut last_checkpoint = Instant::now();
    let mut checkpoint_gap = args.checkpoint_every;
    let mut checkpoints_fail = args.shard.is_some();
    let t0 = Instant::now();
    let mut display = progress::Display::new(&model, &opts, args.quiet, t0);
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
    let result = montecarlo::run_from(&model, &opts, resume, |p| {
        if !checkpoints_fail
            && p.done < p.total
            && last_checkpoint.elapsed().as_secs_f64() >= checkpoint_gap
        {
            let began = Instant::now();
            let manifest = manifest_of(p.replications, threads, p.events, t0.elapsed().as_secs_f64());
            let saved = run_folder::parts_json(&model, p.variants)
                .map_err(std::io::Error::other)
                .and_then(|bytes| run_folder::checkpoint::save(&out, &src, &bytes, &manifest));
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
        display.show(p);
    })
    .map_err(|e| Failure::runtime(format!("cannot start worker threads: {e}")))?;
    let wall = t0.elapsed().as_secs_f64();
    display.finish();
    let manifest = run_folder::Manifest {
        partial: result.interrupted,
        ..manifest_of(result.replications, result.threads, result.events, wall)
    };
    if let Some(figure) = files::first_non_finite(&model, &result) {
        return Err(Failure::runtime(format!(
            "the run produced a figure that is not a finite number, so no results were written: {figure}; lower the scenario's values, times or factors"
        )));
    }
    if result.interrupted && args.shard.is_some() {
        return Err(Failure::interrupted(format!(
            "interrupted: shard {} was not finished and nothing was written; run it again",
            args.shard
                .map_or(String::new(), |(k, n)| format!("{k}/{n}"))
        )));
    }
    if args.shard.is_some() {
        run_folder::write_part(&out, &manifest, src.as_bytes(), &model, &result).map_err(|e| {
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
        let bytes = run_folder::parts_json(&model, &result.variants)
            .map_err(|e| Failure::runtime(format!("cannot encode the checkpoint: {e}")))?;
        run_folder::checkpoint::save(&out, &src, &bytes, &manifest).map_err(|e| {
            Failure::runtime(format!(
                "cannot save the checkpoint in {}: {e}",
                out.display()
            ))
        })?;
        let written =
            run_folder::write_outputs(&out, &model, &result, &manifest, time_release.as_ref())?;
        report_charts_not_drawn(&written);
        let summary = written.summary;
        if args.json {
            super::emit(&String::from_utf8_lossy(&files::summary_json(&summary)))?;
        }
        return Err(Failure::interrupted(format!(
            "interrupted: {} of {} replications per variant complete and saved in {} (summary.json marked \"partial\"); continue with `borderflow run --resume {}`",
            result.replications,
            requested,
            out.display(),
            out.display()
        )));
    }
    let written =
        run_folder::write_outputs(&out, &model, &result, &manifest, time_release.as_ref())?;
    report_charts_not_drawn(&written);
    let summary = written.summary;
    // complete: the manifest says so, and the checkpoint is no longer needed
    run_folder::checkpoint::remove(&out);
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
        // with shared history, the records count each variant's events from day 1, which
        // were not all simulated: the rate is given on the next line, from those that were
        let events = if result.fork.forked > 0 {
            format!(
                "{} events over all variants (each counted from day 1)",
                result.events
            )
        } else {
            format!(
                "{} events ({:.1} M events/s on {} thread(s))",
                result.events,
                result.events as f64 / wall.max(1e-9) / 1e6,
                result.threads,
            )
        };
        super::emit(&format!(
            "{}{}\n{events} in {wall:.1} s; results in {}\n",
            answer::question_and_answer(&model, &result),
            report::table::render(&summary),
            out.display()
        ))?;
    }
    if args.json && !args.quiet {
        eprintln!("results written to {}", out.display());
    }
    let f = result.fork;
    if !args.quiet && f.forked + f.refused > 0 {
        let all = ((result.variants.iter())
            .map(|v| v.reps.len() as u64)
            .sum::<u64>()
            .saturating_sub(resumed as u64))
            * model.days as u64;
        eprintln!(
            "shared history: {} of {} variant-days simulated ({} variant-replications continued from another variant, {} run from the start); {} events simulated, {:.1} M events/s on {} thread(s)",
            f.days_simulated,
            all,
            f.forked,
            f.refused,
            f.events_simulated,
            f.events_simulated as f64 / wall.max(1e-9) / 1e6,
            result.threads
        );
    }
    Ok(())
}

/// Says on stderr that a run's charts were not drawn, if so (its results are complete).
pub(super) fn report_charts_not_drawn(written: &run_folder::Written) {
    if let Some(e) = &written.charts_not_drawn {
        eprintln!(
            "warning: {e}; the results (summary.json, the CSV files, charts.json) are complete, but the charts and report.html were not drawn"
        );
    }
}
