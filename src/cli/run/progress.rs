//! What `run` shows on stderr while it works: a bar (or, with a precision rule, a spinner that
//! says what is still open) on a terminal; elsewhere (a batch job's log, a pipe) a plain
//! `progress:` line after the first chunk and then at most every [`PROGRESS_EVERY`] seconds.
//! A chunk of a large study can take minutes, so between chunks a ticker thread advances the
//! bar, or writes a `progress: N of T … simulated` line when no line came for
//! [`PROGRESS_EVERY`] seconds, from a count of the variant-replications finished so far.

use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use borderflow::model::Model;
use borderflow::montecarlo::{self, RunOptions};

/// Seconds between two plain progress lines (stderr not a terminal).
const PROGRESS_EVERY: f64 = 10.0;

/// The progress display of one run.
pub(super) struct Display<'a> {
    model: &'a Model,
    /// The precision rule's half-width, if the run has one.
    precision: Option<f64>,
    /// The bar or spinner on a terminal.
    bar: Option<indicatif::ProgressBar>,
    /// Plain lines instead (not quiet, no terminal).
    plain: bool,
    /// When the last plain line after a chunk was printed.
    last_line: Option<Instant>,
    /// When the last plain line of either kind was printed (shared with the ticker).
    last_any: Arc<Mutex<Instant>>,
    /// The ticker thread and the sender whose drop ends it.
    ticker: Option<(Sender<()>, JoinHandle<()>)>,
    /// When the run began.
    t0: Instant,
}

impl<'a> Display<'a> {
    /// Says the stopping rule (with a precision rule) and sets up the display; `quiet` shows
    /// nothing. `t0` is when the run began.
    pub(super) fn new(model: &'a Model, opts: &RunOptions, quiet: bool, t0: Instant) -> Self {
        if !quiet && let Some(p) = opts.precision {
            eprintln!(
                "precision rule: each variant runs until the 95% half-width of its P(total target) is ≤ {p} (looked at every {} replications){}; -n N runs a fixed number instead",
                montecarlo::CHUNK,
                opts.time_budget_s
                    .map(|b| format!(", or until {b:.0} s are spent"))
                    .unwrap_or_default()
            );
        }
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            if opts.precision.is_some() {
                // the ceiling is not the work: count replications and say what is still open
                let b = indicatif::ProgressBar::new_spinner();
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {pos} variant-replications · {per_sec} · {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                );
                b
            } else {
                let total = opts.replications * opts.variants.len();
                let b = indicatif::ProgressBar::new(total as u64);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} variant-replications · {per_sec} · ETA {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                b
            }
        });
        let plain = !quiet && bar.is_none();
        let last_any = Arc::new(Mutex::new(t0));
        let ticker = opts.simulated.clone().filter(|_| !quiet).map(|count| {
            let total = if opts.precision.is_some() {
                None
            } else {
                Some(opts.replications * opts.variants.len())
            };
            let (bar, last_any) = (bar.clone(), last_any.clone());
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let thread = std::thread::spawn(move || {
                // wakes every second until the display is finished (the sender dropped)
                while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(Duration::from_secs(1)) {
                    let n = count.load(Ordering::Relaxed);
                    if let Some(b) = &bar {
                        if n as u64 > b.position() {
                            b.set_position(n as u64);
                        }
                        continue;
                    }
                    let mut last = last_any.lock().unwrap_or_else(|e| e.into_inner());
                    if last.elapsed().as_secs_f64() >= PROGRESS_EVERY {
                        let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
                        eprintln!(
                            "progress: {n}{of} variant-replications simulated after {:.1} s",
                            t0.elapsed().as_secs_f64()
                        );
                        *last = Instant::now();
                    }
                }
            });
            (tx, thread)
        });
        Display {
            model,
            precision: opts.precision,
            plain,
            bar,
            last_line: None,
            last_any,
            ticker,
            t0,
        }
    }

    /// Shows the run's state after a chunk.
    pub(super) fn show(&mut self, p: &montecarlo::Progress) {
        if let Some(b) = &self.bar {
            b.set_position(b.position().max(p.done as u64));
            if self.precision.is_some() {
                b.set_message(self.open_note(p));
            }
        } else if self.plain
            && (self.last_line).is_none_or(|t| t.elapsed().as_secs_f64() >= PROGRESS_EVERY)
        {
            let after = self.t0.elapsed().as_secs_f64();
            if self.precision.is_some() {
                eprintln!(
                    "progress: {} variant-replications ({}) after {after:.1} s",
                    p.done,
                    self.open_note(p),
                );
            } else {
                eprintln!(
                    "progress: {}/{} variant-replications after {after:.1} s",
                    p.done, p.total
                );
            }
            self.last_line = Some(Instant::now());
            *self.last_any.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        }
    }

    /// Stops the ticker and clears the bar, if any.
    pub(super) fn finish(self) {
        if let Some((stop, thread)) = self.ticker {
            drop(stop);
            let _ = thread.join();
        }
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }

    /// With a precision rule: "k of n variants open, widest half-width h".
    fn open_note(&self, p: &montecarlo::Progress) -> String {
        let open = (p.variants.iter())
            .filter(|v| {
                v.reps.len() == p.replications
                    && !montecarlo::decided(self.model, v, self.precision)
            })
            .count();
        let widest = (p.variants.iter())
            .filter_map(|v| montecarlo::half_width(self.model, v))
            .fold(0.0, f64::max);
        format!(
            "{open} of {} variants open, widest half-width {widest:.3}",
            p.variants.len()
        )
    }
}
