//! `borderflow merge PART_DIR… --out DIR`: joins the part folders of `run --shard K/N` into
//! the outputs of a single run (the same `summary.json` bytes).

use std::path::{Path, PathBuf};

use clap::Args;

use super::Failure;
use super::run::report_charts_not_drawn;
use borderflow::montecarlo::{self, ShardVariant, ShardedRun};
use borderflow::report::files;
use borderflow::run_folder::{self, Manifest};
use borderflow::scenario;

#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// Part folders written by `borderflow run --shard K/N` (or `sweep`/`sensitivity --shard
    /// K/N`), one per shard.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Output folder for the merged run.
    #[arg(long)]
    out: PathBuf,
    /// Overwrite an existing output folder.
    #[arg(long)]
    force: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// No progress output or warnings on stderr (as the other commands' --quiet).
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub(super) fn merge(args: MergeArgs) -> Result<(), Failure> {
    // --out must not be one of the parts: --force would overwrite the part being read
    if let Ok(out) = std::fs::canonicalize(&args.out) {
        for p in &args.parts {
            if std::fs::canonicalize(p).is_ok_and(|p| p == out) {
                return Err(Failure::input(format!(
                    "--out {} is one of the parts being merged ({}); writing there would destroy that part: choose another --out",
                    args.out.display(),
                    p.display()
                )));
            }
        }
    }
    // shards of `sweep` or `sensitivity`: the command finishes with every shard's replications
    if let Some(parts) = super::decide::read_parts(&args.parts)? {
        let mut argv = super::decide::join_parts(&parts, &args.out, args.force)?;
        if args.quiet && !argv.iter().any(|a| a == "-q" || a == "--quiet") {
            argv.push("--quiet".to_string());
        }
        return super::finish_merged(argv);
    }
    let shards = run_folder::shards::read(&args.parts)?;
    let first = shards.manifest();
    let mut model = scenario::parse(&shards.scenario_src, Path::new(&first.scenario_file))
        .map_err(|e| Failure::input(e.report()))?;
    model.warmup_days = first.warmup_days;
    // packages (`a+b`) the parts ran are added to the model as `run --package` added them
    for name in &first.variants {
        model
            .resolve_variant(name)
            .map_err(|e| Failure::input(format!("the parts' variant {e}")))?;
    }
    let run = ShardedRun {
        variants: &first.variants,
        replications: first.replications,
        seed: first.seed,
        inner: first.inner,
        common_random_numbers: first.common_random_numbers,
        threads: shards.parts.iter().map(|p| p.manifest.threads).sum(),
    };
    let parts: Vec<Vec<ShardVariant>> = shards
        .parts
        .iter()
        .map(|p| {
            p.variants
                .iter()
                .map(|v| ShardVariant {
                    name: &v.name,
                    reps: &v.reps,
                    daily_cleared: &v.daily_cleared,
                    daily_queue: &v.daily_queue,
                })
                .collect()
        })
        .collect();
    let result = montecarlo::merge(&model, &run, &parts).map_err(|e| {
        use montecarlo::MergeError::*;
        let dir = |part: usize| shards.parts[part].dir.display().to_string();
        Failure::input(match e {
            MissingVariant { part, name } => {
                format!("{}/part.json lacks variant `{name}`", dir(part))
            }
            WrongLength { part } => {
                format!("{}/part.json: daily series of the wrong length", dir(part))
            }
            other => other.to_string(),
        })
    })?;
    let (out, _lock) = run_folder::create(Some(&args.out), args.force, &model.name, "")?;
    let manifest = Manifest {
        shard: None,
        command_line: super::typed_command_line(),
        wall_s: shards.parts.iter().map(|p| p.manifest.wall_s).sum(),
        events: result.events,
        threads: result.threads,
        ..first.clone()
    };
    let written = run_folder::write_outputs(&out, &model, &result, &manifest, None)?;
    report_charts_not_drawn(&written);
    if args.json {
        super::emit(&String::from_utf8_lossy(&files::summary_json(
            &written.summary,
        )))?;
    } else {
        super::emit(&format!(
            "merged {} parts ({} replications per variant) into {}\n",
            shards.count,
            first.replications,
            out.display()
        ))?;
    }
    Ok(())
}
