//! `borderflow merge PART_DIR… --out DIR`: joins the part folders of `run --shard K/N` into
//! the outputs of a single run (the same `summary.json` bytes).

use std::path::{Path, PathBuf};

use clap::Args;

use super::Failure;
use super::run::{prepare_out_dir, write_outputs};
use crate::montecarlo::{RunResult, Stopping, VariantResult};
use crate::report::files::{self, Manifest, PartVariant};
use crate::scenario;
use crate::stats::CountSum;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Part folders written by `borderflow run --shard K/N`, one per shard.
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
}

struct Part {
    dir: PathBuf,
    manifest: Manifest,
    scenario: Vec<u8>,
    variants: Vec<PartVariant>,
}

fn read_part(dir: &Path) -> Result<Part, Failure> {
    let read = |name: &str| {
        files::read_run_file(&dir.join(name)).map_err(|e| {
            Failure::input(format!(
                "{}: cannot read {name}: {e} (is this a part folder of `run --shard`?)",
                dir.display()
            ))
        })
    };
    let manifest: Manifest = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| Failure::input(format!("{}/manifest.json: {e}", dir.display())))?;
    if manifest.shard.is_none() {
        return Err(Failure::input(format!(
            "{} is a complete run, not a shard's part folder (it has no `shard` in manifest.json)",
            dir.display()
        )));
    }
    let scenario = read("scenario.toml")?;
    if files::fnv1a_hex(&scenario) != manifest.scenario_hash {
        return Err(Failure::input(format!(
            "{}: scenario.toml does not match the scenario_hash in manifest.json (edited after the run?)",
            dir.display()
        )));
    }
    let variants: Vec<PartVariant> = serde_json::from_slice(&read("part.json")?)
        .map_err(|e| Failure::input(format!("{}/part.json: {e}", dir.display())))?;
    Ok(Part {
        dir: dir.to_path_buf(),
        manifest,
        scenario,
        variants,
    })
}

pub fn merge(args: MergeArgs) -> Result<(), Failure> {
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
    let parts: Vec<Part> = args
        .parts
        .iter()
        .map(|d| read_part(d))
        .collect::<Result<_, _>>()?;
    let first = &parts[0].manifest;
    let n = first.shard.map_or(1, |s| s[1]);
    for p in &parts[1..] {
        let m = &p.manifest;
        let mismatch = |what: &str, a: String, b: String| {
            Failure::input(format!(
                "{} and {} do not belong together: {what} differs ({a} vs {b})",
                parts[0].dir.display(),
                p.dir.display()
            ))
        };
        if m.borderflow_version != first.borderflow_version {
            return Err(mismatch(
                "borderflow version",
                first.borderflow_version.clone(),
                m.borderflow_version.clone(),
            ));
        }
        if m.scenario_hash != first.scenario_hash {
            return Err(mismatch(
                "scenario (hash)",
                first.scenario_hash.clone(),
                m.scenario_hash.clone(),
            ));
        }
        if m.seed != first.seed {
            return Err(mismatch("seed", first.seed.to_string(), m.seed.to_string()));
        }
        if m.replications != first.replications {
            return Err(mismatch(
                "replications",
                first.replications.to_string(),
                m.replications.to_string(),
            ));
        }
        if m.shard.map(|s| s[1]) != Some(n) {
            return Err(mismatch(
                "shard count N",
                n.to_string(),
                m.shard.map_or(0, |s| s[1]).to_string(),
            ));
        }
        if m.variants != first.variants
            || m.inner != first.inner
            || m.common_random_numbers != first.common_random_numbers
            || m.warmup_days != first.warmup_days
        {
            return Err(mismatch(
                "variants, --inner, --independent or --warmup-days",
                format!("{:?}", first.variants),
                format!("{:?}", m.variants),
            ));
        }
    }
    let mut seen: Vec<Option<PathBuf>> = vec![None; n];
    for p in &parts {
        let k = p.manifest.shard.map_or(0, |s| s[0]);
        if let Some(other) = &seen[k] {
            return Err(Failure::input(format!(
                "shard {k}/{n} is given twice: {} and {}",
                other.display(),
                p.dir.display()
            )));
        }
        seen[k] = Some(p.dir.clone());
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Failure::input(format!(
            "shard(s) missing: {} — merge needs all {n} parts",
            missing.join(", ")
        )));
    }

    let src = String::from_utf8(parts[0].scenario.clone()).map_err(|_| {
        Failure::input(format!(
            "{}/scenario.toml is not UTF-8",
            parts[0].dir.display()
        ))
    })?;
    let mut model = scenario::parse(&src, Path::new(&first.scenario_file))
        .map_err(|e| Failure::input(e.report()))?;
    model.warmup_days = first.warmup_days;
    let mut variants = Vec::new();
    for (i, name) in first.variants.iter().enumerate() {
        let index = model.variant_index(name).ok_or_else(|| {
            Failure::input(format!("variant `{name}` is not in the parts' scenario"))
        })?;
        let cells = model.days * model.gates.len();
        let mut vr = VariantResult {
            variant: index,
            reps: Vec::with_capacity(first.replications),
            daily_cleared: vec![CountSum::default(); cells],
            daily_queue: vec![CountSum::default(); cells],
        };
        for p in &parts {
            let pv = p
                .variants
                .get(i)
                .filter(|pv| &pv.name == name)
                .ok_or_else(|| {
                    Failure::input(format!(
                        "{}/part.json lacks variant `{name}`",
                        p.dir.display()
                    ))
                })?;
            if pv.daily_cleared.len() != cells || pv.daily_queue.len() != cells {
                return Err(Failure::input(format!(
                    "{}/part.json: daily series of the wrong length",
                    p.dir.display()
                )));
            }
            vr.reps.extend(pv.reps.iter().cloned());
            for (a, b) in vr.daily_cleared.iter_mut().zip(&pv.daily_cleared) {
                a.merge(b);
            }
            for (a, b) in vr.daily_queue.iter_mut().zip(&pv.daily_queue) {
                a.merge(b);
            }
        }
        vr.reps.sort_by_key(|r| r.replication);
        let complete = vr.reps.len() == first.replications
            && vr
                .reps
                .iter()
                .enumerate()
                .all(|(i, r)| r.replication == i as u64);
        if !complete {
            return Err(Failure::input(format!(
                "the parts hold {} replications of `{name}`, not replications 0..{} exactly once",
                vr.reps.len(),
                first.replications
            )));
        }
        variants.push(vr);
    }
    let events = variants
        .iter()
        .flat_map(|v| &v.reps)
        .map(|r| r.events)
        .sum();
    let result = RunResult {
        seed: first.seed,
        replications: first.replications,
        threads: parts.iter().map(|p| p.manifest.threads).sum(),
        variants,
        events,
        stopping: Stopping {
            rule: crate::montecarlo::StopRule::Fixed,
            precision: None,
            worst_half_width: None,
        },
        inner: first.inner,
        common_random_numbers: first.common_random_numbers,
        interrupted: false,
    };
    let result = RunResult {
        stopping: crate::montecarlo::stopping_of(&model, &result, None, false),
        ..result
    };
    let (out, _lock) = prepare_out_dir(Some(&args.out), args.force, &model.name, "")?;
    let manifest = Manifest {
        shard: None,
        command_line: std::env::args().collect(),
        wall_s: parts.iter().map(|p| p.manifest.wall_s).sum(),
        events,
        threads: result.threads,
        ..first.clone()
    };
    let summary = write_outputs(&out, &model, &result, &manifest)?;
    if args.json {
        super::emit(&String::from_utf8_lossy(&files::summary_json(&summary)))?;
    } else {
        super::emit(&format!(
            "merged {n} parts ({} replications per variant) into {}\n",
            first.replications,
            out.display()
        ))?;
    }
    Ok(())
}
