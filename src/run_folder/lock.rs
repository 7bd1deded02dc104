//! An exclusive lock on an output folder, so that two runs never write into the same one.
//!
//! The lock is the file `.borderflow.lock` in the folder, created with `create_new` (atomic:
//! of two processes only one can create it) before anything else is written, holding the
//! owner's PID and start time (Unix seconds), and removed when the run ends. A lock left by a
//! process that was killed is stale: its PID is no longer alive, or is alive but started after
//! the lock was taken (the PID was reused), and is then taken over.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::Error;

/// The lock file's name inside the output folder.
pub const LOCK_FILE: &str = ".borderflow.lock";

/// A held lock; dropping it removes the lock file.
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether process `pid`, named by a lock taken at `since` (Unix seconds), still runs.
/// Linux: `/proc/PID` exists and the process did not start after the lock was taken.
/// Elsewhere the lock is assumed held (the message says how to remove it).
fn alive(pid: u32, since: u64) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        match std::fs::metadata(format!("/proc/{pid}")) {
            Err(_) => false,
            Ok(m) => {
                let started = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_secs());
                started <= since + 2
            }
        }
    } else {
        true
    }
}

/// Removes the temporary files (`.NAME.tmp-PID`, see [`write_atomic`](super::write_atomic)) that a
/// killed process left in `dir`: with the lock held, no other run is writing there.
fn remove_stray_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let stray = name.starts_with('.')
            && name
                .rsplit_once(".tmp-")
                .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if stray && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Takes the lock of `dir` (which exists), or says which run holds it.
pub fn lock(dir: &Path) -> Result<OutLock, Error> {
    let path = dir.join(LOCK_FILE);
    for _ in 0..2 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                let lock = OutLock { path: path.clone() };
                writeln!(f, "pid={}\nstarted={}", std::process::id(), now_s())
                    .and_then(|()| f.sync_all())
                    .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
                remove_stray_temp_files(dir);
                return Ok(lock);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // a lock file holds two short lines: read no more than a page of it
                let mut text = String::new();
                let regular = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
                if let Some(f) = regular.then(|| std::fs::File::open(&path).ok()).flatten() {
                    let _ =
                        std::io::Read::read_to_string(&mut std::io::Read::take(f, 4096), &mut text);
                }
                let field = |k: &str| {
                    text.lines()
                        .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
                        .and_then(|v| v.trim().parse::<u64>().ok())
                };
                match (field("pid"), field("started")) {
                    (Some(pid), Some(since)) if alive(pid as u32, since) => {
                        return Err(Error::Invalid(format!(
                            "output folder {} is in use by another borderflow run (PID {pid}, started {} s ago); wait for it to end or choose another --out (if no such run exists, delete {})",
                            dir.display(),
                            now_s().saturating_sub(since),
                            path.display()
                        )));
                    }
                    // stale (its process is gone) or half-written by a killed process:
                    // take it over; create_new again decides between racing takers
                    _ => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            }
            // the lock file is also the probe that the folder is writable, before any
            // simulation starts
            Err(e) => {
                return Err(Error::Invalid(format!(
                    "cannot write in the output folder {}: {e} (creating {} failed before anything was simulated); choose a folder you can write to with --out",
                    dir.display(),
                    path.display()
                )));
            }
        }
    }
    Err(Error::Invalid(format!(
        "output folder {} is being taken by another borderflow run; choose another --out",
        dir.display()
    )))
}
