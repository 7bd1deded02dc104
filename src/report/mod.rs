//! Pure functions from results to bytes: the summary (JSON), CSV files, the console table.

pub mod calibration;
pub mod files;
pub mod summary;
pub mod table;
pub mod trace;

pub use summary::{Summary, summarize};
