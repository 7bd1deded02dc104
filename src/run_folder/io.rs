//! Reading and writing the files of a run folder: a file is written to a temporary name in
//! the same folder, then renamed, so a crash never leaves a half-written file behind; a file
//! read back must be a regular file of bounded size.

use std::io::Write;
use std::path::Path;

/// Largest run file (`manifest.json`, `checkpoint.json`, `part.json`, `charts.json`) read
/// back, **bytes**: far above what a run of the largest accepted size writes.
pub const MAX_RUN_FILE_BYTES: u64 = 16 << 30;

/// Reads back a file that a run wrote (to resume, merge or redraw): only a regular file is
/// read (a device or a pipe put in its place could be endless), and at most
/// [`MAX_RUN_FILE_BYTES`] + 1 bytes of it.
pub fn read_run_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // look before opening: opening a named pipe waits for a writer
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a run writes only plain files)",
        ));
    }
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {MAX_RUN_FILE_BYTES} bytes, more than any run writes (not a file of a run)"
            ),
        )
    };
    if meta.len() > MAX_RUN_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_RUN_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_RUN_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Held shared by each [`write_atomic`] while its temporary file exists; taken exclusively by
/// [`no_more_temporary_files`], so that a quit never falls between a temporary file's
/// creation and its rename (which would leave it behind).
static TEMPORARY_FILES: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Waits for the temporary files being written to be renamed, and keeps any more from being
/// made while the returned guard lives: for a quit on a second interrupt, which then removes
/// what is left of this process's and exits.
pub fn no_more_temporary_files() -> std::sync::RwLockWriteGuard<'static, ()> {
    TEMPORARY_FILES
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let _writing = TEMPORARY_FILES
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
