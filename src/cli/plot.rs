//! `borderflow plot RUN_DIR`: redraw a run's charts and report from its `charts.json`.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use borderflow::charts::{self, CHART_DATA_FILE, ChartData};

#[derive(Debug, Args)]
pub(super) struct PlotArgs {
    /// A run folder written by `borderflow run` or `borderflow merge`.
    run_dir: PathBuf,
}

pub(super) fn plot(args: PlotArgs) -> Result<(), Failure> {
    let path = args.run_dir.join(CHART_DATA_FILE);
    let bytes = borderflow::run_folder::read_run_file(&path).map_err(|e| {
        Failure::input(format!(
            "cannot read {}: {e}; give a folder written by `borderflow run` (it holds {CHART_DATA_FILE})",
            path.display()
        ))
    })?;
    let data: ChartData = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::input(format!(
            "{}: not chart data of this borderflow version ({e}); rerun the scenario to redraw",
            path.display()
        ))
    })?;
    data.check().map_err(|e| {
        Failure::input(format!(
            "{}: the chart data do not agree with themselves ({e}); rerun the scenario to redraw",
            path.display()
        ))
    })?;
    let drawn = charts::write_charts(&args.run_dir, &data).map_err(Failure::runtime)?;
    super::emit(&format!(
        "{} charts (SVG and PNG) and report.html written to {}\n",
        drawn.len(),
        args.run_dir.display()
    ))
}
