//! # borderflow
//!
//! A discrete-event simulator of trade through the Vietnam–China border gates of Lạng Sơn
//! province, with parallel Monte Carlo replications, built to answer: *with which
//! improvements is the 2025 turnover target of programme 23-Ctr/TU (USD 6,650 million)
//! reachable, and with what probability?*
//!
//! Data flows one way:
//!
//! ```text
//! scenario file ──► scenario::load ──► model::Model (validated, immutable)
//!        ──► montecarlo::run (rayon; model::simulate per variant × replication)
//!        ──► model::RepRecord per replication ──► report::summarize ──► JSON / CSV / table
//!        ──► run_folder (atomic files, lock, checkpoint, shards)
//! ```
//!
//! The command line (`src/cli/`) belongs to the `borderflow` binary, not to this library.
//!
//! The kernel in [`engine`] knows nothing of trucks; [`model`] is the border domain.
//!
//! ```
//! use borderflow::{model::{Plan, simulate}, scenario};
//! let src = r#"
//! [scenario]
//! name = "one-gate"
//! start = "2025-01-01"
//! end = "2025-01-10"
//! [[classes]]
//! id = "general"
//! [[values]]
//! direction = "import"
//! class = "general"
//! value_usd = { dist = "constant", value = 10000 }
//! declared_here_share = 1.0
//! [[gates]]
//! id = "g"
//! demand = [{ direction = "import", class = "general", per_day = 100 }]
//! [[gates.stages]]
//! id = "customs"
//! servers = 2
//! service = { dist = "exponential", mean = 20 }
//! clearance = true
//! [[gates.routes]]
//! direction = "import"
//! steps = ["customs"]
//! "#;
//! let model = scenario::parse(src, "one-gate.toml".as_ref()).unwrap();
//! let plan = Plan::new(&model, 0);
//! let rec = simulate(&model, &plan, 42, 0);
//! // about 1,000 vehicles in 10 days, each worth USD 10,000
//! let cleared = rec.years[0].cleared as f64;
//! assert!((cleared - 1000.0).abs() < 150.0);
//! assert_eq!(rec.years[0].turnover_a_usd[1], cleared * 10_000.0);
//! ```

pub mod charts;
pub mod decide;
pub mod engine;
pub mod model;
pub mod montecarlo;
pub mod report;
pub mod run_folder;
pub mod scenario;
pub mod stats;
