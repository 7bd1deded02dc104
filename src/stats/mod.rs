//! Statistics: per-replication accumulators that merge, and summaries over replications.
//!
//! - [`Tally`]: count, mean and variance (Welford), min, max of observations.
//! - [`Histogram`]: quantiles with bounded memory (log-linear bins, ≤ 0.8 % relative error).
//! - [`TimeWeighted`]: the time average and maximum of a piecewise-constant quantity;
//!   [`Occupancy`] the same for a count that moves in whole steps (queues, busy servers).
//! - [`summary`]: mean, sd, Student-t 95 % interval and percentiles over replications; Wilson
//!   intervals for proportions.

pub mod counts;
pub mod histogram;
pub mod mser;
pub mod queueing;
pub mod summary;
pub mod tally;
pub mod time_weighted;

pub use counts::CountSum;
pub use histogram::Histogram;
pub use mser::mser5;
pub use summary::{Stat, percentile_sorted, wilson_interval, wilson_replications};
pub use tally::{MeanSum, Tally};
pub use time_weighted::{Occupancy, TimeAverage, TimeWeighted};
