//! The part folders of `run --shard K/N`, read back and checked to belong together before
//! [`montecarlo::merge`](crate::montecarlo::merge) joins their replications.

use std::path::{Path, PathBuf};

use super::{Error, Manifest, PartVariant, fnv1a_hex, read_run_file};

/// One part folder, read back.
#[derive(Debug)]
pub struct Part {
    /// Its folder.
    pub dir: PathBuf,
    /// Its manifest (with `shard`).
    pub manifest: Manifest,
    /// The scenario's exact bytes, as run.
    pub scenario: Vec<u8>,
    /// Its replications, per variant in the run's order.
    pub variants: Vec<PartVariant>,
}

/// The parts of one sharded run: checked to come from the same scenario, version, seed and
/// options, with every shard 0..N exactly once.
#[derive(Debug)]
pub struct Shards {
    /// The parts, in the order given.
    pub parts: Vec<Part>,
    /// The number of shards N.
    pub count: usize,
    /// The scenario's text (UTF-8), the same in every part.
    pub scenario_src: String,
}

impl Shards {
    /// The first part's manifest: the options every part shares.
    pub fn manifest(&self) -> &Manifest {
        &self.parts[0].manifest
    }
}

/// Reads one part folder.
fn read_part(dir: &Path) -> Result<Part, Error> {
    let read = |name: &str| {
        read_run_file(&dir.join(name)).map_err(|e| {
            Error::Invalid(format!(
                "{}: cannot read {name}: {e} (is this a part folder of `run --shard`?)",
                dir.display()
            ))
        })
    };
    let manifest = Manifest::parse(dir, &read("manifest.json")?)?;
    if manifest.shard.is_none() {
        return Err(Error::Invalid(format!(
            "{} is a complete run, not a shard's part folder (it has no `shard` in manifest.json)",
            dir.display()
        )));
    }
    let scenario = read("scenario.toml")?;
    if fnv1a_hex(&scenario) != manifest.scenario_hash {
        return Err(Error::Invalid(format!(
            "{}: scenario.toml does not match the scenario_hash in manifest.json (edited after the run?)",
            dir.display()
        )));
    }
    let variants: Vec<PartVariant> = serde_json::from_slice(&read("part.json")?)
        .map_err(|e| Error::Invalid(format!("{}/part.json: {e}", dir.display())))?;
    Ok(Part {
        dir: dir.to_path_buf(),
        manifest,
        scenario,
        variants,
    })
}

/// Reads the part folders `dirs` (at least one) and checks that they belong together.
pub fn read(dirs: &[PathBuf]) -> Result<Shards, Error> {
    let parts: Vec<Part> = dirs
        .iter()
        .map(|d| read_part(d))
        .collect::<Result<_, _>>()?;
    let Some(first_part) = parts.first() else {
        return Err(Error::Invalid(
            "merge needs at least one part folder".into(),
        ));
    };
    let first = &first_part.manifest;
    let n = first.shard.map_or(1, |s| s[1]);
    for p in &parts[1..] {
        let m = &p.manifest;
        let mismatch = |what: &str, a: String, b: String| {
            Error::Invalid(format!(
                "{} and {} do not belong together: {what} differs ({a} vs {b})",
                first_part.dir.display(),
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
    let mut seen: Vec<Option<&Path>> = vec![None; n];
    for p in &parts {
        let k = p.manifest.shard.map_or(0, |s| s[0]);
        if let Some(other) = seen[k] {
            return Err(Error::Invalid(format!(
                "shard {k}/{n} is given twice: {} and {}",
                other.display(),
                p.dir.display()
            )));
        }
        seen[k] = Some(&p.dir);
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Invalid(format!(
            "shard(s) missing: {} — merge needs all {n} parts",
            missing.join(", ")
        )));
    }
    let scenario_src = String::from_utf8(first_part.scenario.clone()).map_err(|_| {
        Error::Invalid(format!(
            "{}/scenario.toml is not UTF-8",
            first_part.dir.display()
        ))
    })?;
    Ok(Shards {
        parts,
        count: n,
        scenario_src,
    })
}
