//! Command line: clap-derived raw arguments → validated options → subcommands.

mod calibrate;
mod decide;
mod merge;
mod optimise;
mod plot;
mod run;
mod sensitivity;
mod sweep;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// borderflow: simulate trade through the Lạng Sơn border gates and estimate whether the
/// 23-Ctr/TU turnover target is reachable.
#[derive(Debug, Parser)]
#[command(name = "borderflow", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate every variant of a scenario and report turnover, P(target), gates and stages.
    Run(run::RunArgs),
    /// Join the part folders of `run --shard K/N` into the outputs of one run.
    Merge(merge::MergeArgs),
    /// Compare the scenario's [[observed]] figures with the simulation (mean, 90% band, error).
    Calibrate(calibrate::CalibrateArgs),
    /// Redraw the charts and report.html of a run folder from its saved results (no simulation).
    Plot(plot::PlotArgs),
    /// What the answer hangs on: tornado and Sobol indices over the [[uncertain]] parameters.
    Sensitivity(sensitivity::SensitivityArgs),
    /// How much is enough: P(target), turnover, trucks lost and p95 time over a grid of values.
    Sweep(sweep::SweepArgs),
    /// The cheapest package of improvements whose P(target) is at least a given probability.
    Optimise(optimise::OptimiseArgs),
    /// Check a scenario file and list every problem with its line (exit code 2 if any).
    Validate {
        /// Scenario file (TOML).
        file: PathBuf,
    },
}

/// Most worker threads `--threads` accepts. Results never depend on the thread count, and
/// rayon starts every thread of its pool at once (each with its own stack), so thousands of
/// threads only exhaust the machine; 1,024 is above the hardware threads of any one machine
/// borderflow is meant for (a 2-socket server has at most a few hundred) and is fixed, so a
/// command line that works on one machine works on another.
pub(crate) const MAX_THREADS: usize = 1024;

/// Parses `--threads`: an integer 1–[`MAX_THREADS`]. Omitting the option means all cores; 0 is
/// refused so that "all cores" is never a silent surprise.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("--threads must be at least 1 (omit it to use all cores)".into()),
        Ok(n) if n <= MAX_THREADS => Ok(n),
        Ok(n) => Err(format!(
            "--threads {n} is above the ceiling of {MAX_THREADS}: more threads than cores only \
             slow a run down (results never depend on the thread count); omit --threads to use all cores"
        )),
        Err(_) => Err(format!(
            "--threads must be a whole number 1–{MAX_THREADS}, got `{s}` (omit it to use all cores)"
        )),
    }
}

/// Parses `--replications`: a positive integer. Negative values reach this parser (instead
/// of clap's "use -- -1" tip) because the option allows hyphen values.
fn parse_replications(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "--replications must be a positive integer (1, 2, 3, …), got `{s}`"
        )),
    }
}

/// Parses `--shard K/N`: `0 ≤ K < N`.
pub(crate) fn parse_shard(s: &str) -> Result<(usize, usize), String> {
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

/// Exit code of a run stopped by an interrupt (SIGINT or SIGTERM): 128 + 2, the shells'
/// convention for a process ended by SIGINT.
pub(crate) const INTERRUPTED: u8 = 130;

/// A failure with its exit code: 2 for bad input, 1 for runtime failures, [`INTERRUPTED`]
/// for a run stopped by an interrupt.
#[derive(Debug)]
pub(crate) struct Failure {
    /// Exit code.
    pub code: u8,
    /// Message for stderr.
    pub message: String,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    fn runtime(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
    fn interrupted(message: impl Into<String>) -> Self {
        Failure {
            code: INTERRUPTED,
            message: message.into(),
        }
    }
}

impl From<borderflow::run_folder::Error> for Failure {
    fn from(e: borderflow::run_folder::Error) -> Self {
        Failure {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

/// Writes `text` to stdout. A closed pipe (`borderflow run … | head`) is not an error: the
/// reader has all it wanted, and the run's files are already written.
fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::runtime(format!(
            "cannot write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

/// The command line as typed, for manifests and reports. An argument that is not UTF-8 (a
/// file name in another encoding) is kept with U+FFFD in place of the bytes it cannot show:
/// the command itself has the exact path.
fn typed_command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// Runs one command.
fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run(args) => run::run(args),
        Command::Calibrate(args) => calibrate::calibrate(args),
        Command::Merge(args) => merge::merge(args),
        Command::Plot(args) => plot::plot(args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Optimise(args) => optimise::optimise(args),
        Command::Validate { file } => validate::validate(&file),
    }
}

/// Finishes a sharded `sweep` or `sensitivity` from its parts' command line (see
/// `decide::join_parts`).
fn finish_merged(argv: Vec<String>) -> Result<(), Failure> {
    let cli = Cli::try_parse_from(&argv).map_err(|e| {
        Failure::input(format!(
            "the parts' command line no longer parses ({}): {e}",
            argv.join(" ")
        ))
    })?;
    match cli.command {
        c @ (Command::Sweep(_) | Command::Sensitivity(_)) => dispatch(c),
        _ => Err(Failure::input(
            "the parts are not shards of `sweep` or `sensitivity`",
        )),
    }
}

/// Runs the parsed command line.
pub(crate) fn main_with(cli: Cli) -> ExitCode {
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
