//! Errors a caller of the kernel can cause (never panics for these).

use thiserror::Error;

/// What went wrong in the kernel.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EngineError {
    /// An event was scheduled before the current time.
    #[error("cannot schedule an event at t = {at} min: the clock is already at {now} min")]
    InThePast {
        /// The time asked for, minutes.
        at: f64,
        /// The current time, minutes.
        now: f64,
    },
    /// A time was NaN or infinite.
    #[error("time must be a finite number of minutes, got {0}")]
    NotFinite(f64),
    /// A capacity schedule's change points are not in increasing time order.
    #[error("capacity schedule change points must be in increasing time order (at index {0})")]
    UnorderedSchedule(usize),
}
