//! A generic discrete-event kernel.
//!
//! Nothing in here knows about the border domain or scenario files: the kernel offers an event list
//! ([`EventQueue`]), server pools whose capacity follows a schedule ([`ServerPool`],
//! [`CapacitySchedule`]), finite buffers ([`Buffer`]), two queues matched one to one ([`Matcher`]) and random-stream
//! derivation ([`rng`]).
//! A model owns its event enum and its loop; the kernel never calls back into it, so there is
//! no dynamic dispatch per event.
//!
//! Time is a plain `f64` number of **minutes** since the start of the simulation, checked by
//! [`time::check_time`] wherever it enters the kernel.

pub mod error;
mod heap;
pub mod matching;
pub mod queue;
pub mod resource;
pub mod rng;
pub mod schedule;
pub mod time;
mod wheel;

pub use error::EngineError;
pub use matching::{Arrival, Matcher};
pub use queue::{EventKey, EventQueue};
pub use resource::{Buffer, Discipline, ServerPool, WaitQueue};
pub use schedule::CapacitySchedule;
pub use time::MINUTES_PER_DAY;
