//! Integration tests: one binary, a module per topic.

mod calibration;
mod charts;
mod cli;
mod common;
mod decisions;
mod engine_rules;
mod fork;
mod fuzz_loader;
mod golden;
mod model_behaviour;
mod montecarlo;
mod queueing;
mod reference;
mod response;
mod robustness;
mod scenarios;
mod shards;
mod trace;
mod transfers;
