//! The files of a complete run: results, charts, report and, last, the manifest.

use std::path::Path;

use super::{Error, Manifest, write_atomic};
use crate::model::Model;
use crate::montecarlo::RunResult;
use crate::report::{self, Summary, files};

/// What [`write_outputs`] wrote.
#[derive(Debug)]
pub struct Written {
    /// The run's summary (as in `summary.json`).
    pub summary: Summary,
    /// Why the charts and report.html were not drawn, if they were not (too many variants for
    /// one chart, say); the results are complete either way.
    pub charts_not_drawn: Option<String>,
}

/// Writes the files of a complete (or checkpointed, `manifest.partial`) run into `out`:
/// `replications.csv`, `daily.csv`, `summary.json`, `charts.json`, the charts and
/// report.html, then `manifest.json`, the record that the folder is complete: a process
/// killed before that leaves no manifest that claims so.
pub fn write_outputs(
    out: &Path,
    model: &Model,
    result: &RunResult,
    manifest: &Manifest,
    time_release: Option<&crate::report::trace::TimeRelease>,
) -> Result<Written, Error> {
    if let Some(figure) = files::first_non_finite(model, result) {
        return Err(Error::Results(format!(
            "the results hold a figure that is not a finite number, so none were written: {figure}"
        )));
    }
    let summary = report::summarize(model, result);
    let write = |name: &str, bytes: &[u8]| {
        write_atomic(&out.join(name), bytes)
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", out.join(name).display())))
    };
    write("replications.csv", &files::replications_csv(model, result))?;
    write("daily.csv", &files::daily_csv(model, result))?;
    write("summary.json", &files::summary_json(&summary))?;
    let mut data = crate::charts::ChartData::build(model, result, &summary, manifest);
    data.time_release = time_release.cloned();
    // charts are a view of the results: a run whose charts cannot be drawn keeps its results
    let charts_not_drawn = crate::charts::write_charts(out, &data)
        .err()
        .map(|e| e.to_string());
    manifest.write(out).map_err(|e| {
        Error::Io(format!(
            "cannot write {}: {e}",
            out.join("manifest.json").display()
        ))
    })?;
    Ok(Written {
        summary,
        charts_not_drawn,
    })
}
