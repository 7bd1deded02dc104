//! The `borderflow` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    borderflow::cli::main_with(borderflow::cli::Cli::parse())
}
