//! The run folder: where a command writes its results, and what it reads back to resume,
//! merge or redraw.
//!
//! A folder's life: [`create`] makes it (or takes an existing one, with `--force`) and holds
//! its [`lock`] until the command ends; [`checkpoint::save`] keeps an interrupted run's
//! complete replications so that [`checkpoint::load`] can continue it; [`write_outputs`]
//! writes a complete run (`manifest.json` last: the record that the folder is complete);
//! [`write_part`] and [`shards::read`] carry the shards of `run --shard K/N` to `merge`.
//! Every file is written atomically ([`write_atomic`]) and read back only if it is a regular
//! file of bounded size ([`read_run_file`]). The bytes themselves come from [`crate::report`].

pub mod checkpoint;
mod io;
mod lock;
mod manifest;
mod outputs;
mod part;
pub mod shards;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use io::{MAX_RUN_FILE_BYTES, no_more_temporary_files, read_run_file, write_atomic};
pub use lock::{LOCK_FILE, OutLock, lock};
pub use manifest::{Manifest, fnv1a_hex};
pub use outputs::{Written, write_outputs};
pub use part::{PartVariant, parts_json, write_part};

use crate::model::Date;

/// What can go wrong with a run folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The folder or a file in it is not what the command needs: the user's to fix (a path
    /// that is a file, a folder in use or already holding a run, an edited scenario, parts that
    /// do not belong together). The message says what to change.
    Invalid(String),
    /// Reading or writing failed after the checks passed (disk full, permissions).
    Io(String),
    /// The results cannot be written as they are (a figure that is not a finite number).
    Results(String),
}

impl Error {
    /// The process exit code that reports it: 2 for input the user can fix, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => 2,
            Error::Io(_) | Error::Results(_) => 1,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid(m) | Error::Io(m) | Error::Results(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// A new run's folder name: UTC date and time plus the seed, e.g. `20261201T204810Z-seed2021`.
pub fn run_id(seed: u64) -> String {
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

/// The output folder, created and locked (see [`lock`]) before anything is written in it:
/// `out` if given (refused if it already holds files, unless `force`, and always while another
/// run holds its lock), else a new `output/<scenario>/<name>[-k]/`.
pub fn create(
    out: Option<&PathBuf>,
    force: bool,
    scenario: &str,
    name: &str,
) -> Result<(PathBuf, OutLock), Error> {
    let dir = match out {
        Some(d) => {
            if d.is_dir() {
                // a run in progress holds the lock whatever --force says
                let lock = lock(d)?;
                let non_empty = std::fs::read_dir(d)
                    .map(|r| r.filter_map(Result::ok).any(|e| e.file_name() != LOCK_FILE))
                    .unwrap_or(false);
                if non_empty && !force {
                    return Err(Error::Invalid(format!(
                        "output folder {} already holds a run; choose another --out or add --force to overwrite it",
                        d.display()
                    )));
                }
                return Ok((d.clone(), lock));
            }
            if d.exists() {
                return Err(Error::Invalid(format!(
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
        Error::Io(format!(
            "cannot create output folder {}: {e}",
            dir.display()
        ))
    })?;
    let lock = lock(&dir)?;
    Ok((dir, lock))
}
