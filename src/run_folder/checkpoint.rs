//! An interrupted run's checkpoint: the scenario as run, its complete replications and a
//! manifest marked partial, from which `run --resume` continues.

use std::path::{Path, PathBuf};

use super::{Error, Manifest, PartVariant, fnv1a_hex, read_run_file, write_atomic};
use crate::model::Model;
use crate::montecarlo::{Resume, VariantResult};
use crate::scenario;

/// An interrupted run's complete replications.
pub const FILE: &str = "checkpoint.json";

/// The scenario's exact text, saved beside the checkpoint, so that `--resume` works from any
/// working folder and after the original file was moved or edited.
pub const SCENARIO_FILE: &str = "checkpoint-scenario.toml";

/// Saves a checkpoint: the scenario copy (first time), the complete replications
/// (`checkpoint` bytes, see [`parts_json`](super::parts_json)), then the manifest
/// marked partial (the record that the folder can be resumed). Each file is replaced
/// atomically, so a kill at any moment leaves the previous checkpoint or this one.
pub fn save(out: &Path, src: &str, checkpoint: &[u8], manifest: &Manifest) -> std::io::Result<()> {
    let copy = out.join(SCENARIO_FILE);
    if !copy.is_file() {
        write_atomic(&copy, src.as_bytes())?;
    }
    write_atomic(&out.join(FILE), checkpoint)?;
    manifest.write(out)
}

/// Removes the checkpoint of a run that completed (its manifest now says so).
pub fn remove(out: &Path) {
    let _ = std::fs::remove_file(out.join(FILE));
    let _ = std::fs::remove_file(out.join(SCENARIO_FILE));
}

/// Whether `out` holds a checkpoint to resume from.
pub fn exists(out: &Path) -> bool {
    out.join(FILE).is_file()
}

/// An interrupted run, read back: what `run --resume` needs to continue it.
#[derive(Debug)]
pub struct Resumable {
    /// The scenario's exact text, as run.
    pub src: String,
    /// The model built from it, with the run's warm-up.
    pub model: Model,
    /// The run's manifest (options, seed, original command line).
    pub manifest: Manifest,
    /// Variant indices, in the run's order.
    pub variants: Vec<usize>,
    /// Their complete replications.
    pub resume: Resume,
}

/// Reads an interrupted run's folder `dir` (locked by the caller): its manifest (options), its
/// scenario (the copy saved with the checkpoint, or for folders of older versions the original
/// file, which must be unchanged: same hash) and its checkpoint (complete replications).
pub fn load(dir: &Path) -> Result<Resumable, Error> {
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "--resume {}: no such folder; give the folder of an interrupted run",
            dir.display()
        )));
    }
    let read = |name: &str| {
        read_run_file(&dir.join(name)).map_err(|e| {
            Error::Invalid(format!(
                "--resume {}: cannot read {name}: {e}; give the folder of an interrupted run",
                dir.display()
            ))
        })
    };
    let manifest = Manifest::parse(dir, &read("manifest.json")?)?;
    if !manifest.partial {
        return Err(Error::Invalid(format!(
            "--resume {}: this run is complete (manifest.json has \"partial\": false); nothing to resume",
            dir.display()
        )));
    }
    let file = PathBuf::from(&manifest.scenario_file);
    let copy = dir.join(SCENARIO_FILE);
    let (src, origin) = if copy.is_file() {
        (scenario::read_source(&copy), copy.clone())
    } else {
        (scenario::read_source(&file), file.clone())
    };
    let src = src.map_err(|e| {
        Error::Invalid(format!(
            "--resume: cannot read the run's scenario: {}",
            e.report()
        ))
    })?;
    if fnv1a_hex(src.as_bytes()) != manifest.scenario_hash {
        return Err(Error::Invalid(format!(
            "--resume: {} has changed since the run started (hash {} now, {} then); restore it or start a new run",
            origin.display(),
            fnv1a_hex(src.as_bytes()),
            manifest.scenario_hash
        )));
    }
    let mut model = scenario::parse(&src, &file).map_err(|e| Error::Invalid(e.report()))?;
    model.warmup_days = manifest.warmup_days;
    let parts: Vec<PartVariant> = serde_json::from_slice(&read(FILE)?)
        .map_err(|e| Error::Invalid(format!("{}/{FILE}: {e}", dir.display())))?;
    let cells = model.days * model.gates.len();
    let mut variants = Vec::new();
    let mut done = Vec::new();
    for (name, part) in manifest.variants.iter().zip(&parts) {
        // a package (`a+b`) is added to the model as `run --package` added it
        let v = (model.resolve_variant(name).ok()).filter(|_| part.name == *name);
        let ok = part.daily_cleared.len() == cells && part.daily_queue.len() == cells;
        match v {
            Some(v) if ok => {
                variants.push(v);
                done.push(VariantResult {
                    variant: v,
                    reps: part.reps.clone(),
                    daily_cleared: part.daily_cleared.clone(),
                    daily_queue: part.daily_queue.clone(),
                });
            }
            _ => {
                return Err(Error::Invalid(format!(
                    "{}/{FILE} does not match the run's variants or horizon; start a new run",
                    dir.display()
                )));
            }
        }
    }
    if variants.len() != manifest.variants.len()
        || done.iter().any(|v| v.reps.len() != done[0].reps.len())
    {
        return Err(Error::Invalid(format!(
            "{}/{FILE} is incomplete; start a new run",
            dir.display()
        )));
    }
    Ok(Resumable {
        src,
        model,
        manifest,
        variants,
        resume: Resume { variants: done },
    })
}
