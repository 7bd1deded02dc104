//! Simulation time: `f64` minutes since the start, checked where it enters the kernel.

use super::EngineError;

/// Minutes in one day.
pub const MINUTES_PER_DAY: f64 = 1440.0;

/// Accepts a finite time in minutes; NaN and ±∞ are errors.
#[inline]
pub fn check_time(t: f64) -> Result<f64, EngineError> {
    if t.is_finite() {
        Ok(t)
    } else {
        Err(EngineError::NotFinite(t))
    }
}
