//! The border domain on top of the engine: vehicles, gates, stages, routes, demand, calendar.
//!
//! ```text
//!  demand streams ──► gate ──► [holding yard] ──► stage ──► stage ──► … ──► departure
//!  (gate × direction   │        full? wait on       │  VN customs = clearance:
//!   × cargo class)     │        the road            │  turnover counted here
//!                      └─ queue above threshold: divert to another gate or leave
//! ```

pub mod calendar;
pub mod dist;
pub mod package;
pub mod plan;
pub mod record;
pub mod sim;
pub mod spec;

pub use calendar::Date;
pub use dist::Dist;
pub use plan::Plan;
pub use record::{RepRecord, Split};
pub use sim::{
    ForkStats, Trace, TraceOutcome, TraceRow, parameter_draw, simulate, simulate_draw,
    simulate_traced, simulate_variants, simulate_with,
};
pub use spec::Model;
