//! Ctrl-C and SIGTERM during a run: the first lets the replications in progress finish, a
//! second quits at once.

use std::path::Path;

use borderflow::run_folder;

/// Stops the run on SIGINT or SIGTERM: the first signal lets the replications in progress
/// finish and saves them; a second quits at once (exit 130), leaving the last checkpoint.
pub(super) fn stop_on_signals(out: &Path) -> Option<std::sync::Arc<std::sync::atomic::AtomicBool>> {
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
                let resumable = run_folder::checkpoint::exists(&out);
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
                // this process's own temporary files and lock, which no destructor will
                // remove; a file being written is renamed first, and no new one is begun
                let _no_more = run_folder::no_more_temporary_files();
                let pid = format!(".tmp-{}", std::process::id());
                if let Ok(entries) = std::fs::read_dir(&out) {
                    for e in entries.flatten() {
                        if e.file_name().to_string_lossy().ends_with(&pid) {
                            let _ = std::fs::remove_file(e.path());
                        }
                    }
                }
                let _ = std::fs::remove_file(out.join(run_folder::LOCK_FILE));
                std::process::exit(crate::cli::INTERRUPTED.into());
            }
        })
        .ok()?;
    Some(flag)
}
