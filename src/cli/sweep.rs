//! `borderflow sweep FILE --set PATH=VALUES …`: how much is enough.

use clap::Args;

use super::Failure;
use super::decide::{self, Common, fixed};
use borderflow::charts::decision::{self, Line, Panel, Panels};
use borderflow::charts::html::{self, Section, Table};
use borderflow::decide::sweep::{self, Axis, PointResult};
use borderflow::montecarlo::jobs::{Job, Parameters, Point};
use borderflow::stats::wilson_interval;

#[derive(Debug, Args)]
pub(super) struct SweepArgs {
    #[command(flatten)]
    common: Common,
    /// A number of the scenario and its values: PATH=v1,v2,… or PATH=a..b:step, e.g.
    /// gates.huu_nghi.stages.cn_customs.servers=4..12:2 (repeatable: several make a grid).
    #[arg(long = "set", required = true, value_parser = sweep::parse_axis)]
    axes: Vec<Axis>,
    /// Variant (or package `a+b`) to run at every point (default: the first variant).
    #[arg(long)]
    variant: Option<String>,
    /// Replications per point (default: the scenario's `replications`).
    #[arg(long, short = 'n', value_parser = super::parse_replications, allow_hyphen_values = true)]
    replications: Option<usize>,
}

/// The probability a point's P(total target) interval must lie above for the sweep to name it.
const DECIDED: f64 = 0.9;

#[derive(serde::Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    header: decide::Header<'a>,
    axes: &'a [Axis],
    points: &'a [PointResult],
    command_line: Vec<String>,
}

pub(super) fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let mut paths: Vec<&str> = Vec::new();
    for a in &args.axes {
        if paths.contains(&a.path.as_str()) {
            return Err(Failure::input(format!(
                "--set {} is given twice; give each path once with all its values",
                a.path
            )));
        }
        paths.push(&a.path);
    }
    let count: usize = args.axes.iter().map(|a| a.values.len()).product();
    if count > sweep::MAX_POINTS {
        return Err(Failure::input(format!(
            "the grid has {count} points; a sweep has at most {} (fewer values per --set)",
            sweep::MAX_POINTS
        )));
    }
    let file = args.common.file.clone();
    let src = decide::scenario_text(&file)?;
    let doc: toml::Value = toml::from_str(&src).map_err(|_| {
        Failure::input(format!(
            "{}: not valid TOML; run `borderflow validate {}`",
            file.display(),
            file.display()
        ))
    })?;
    // every point is checked before anything is created or simulated
    let grid = sweep::grid(&args.axes);
    let mut models = Vec::with_capacity(grid.len());
    for values in &grid {
        let m = sweep::point_model(&doc, &args.axes, values, &file)
            .map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
        models.push(m);
    }
    let mut variants = Vec::with_capacity(models.len());
    for m in &mut models {
        variants.push(decide::variant(m, args.variant.as_deref(), 0)?);
    }
    // a number inside a variant the sweep does not run would change nothing
    let run = &models[0].variants[variants[0]];
    let run_names: Vec<&str> = std::iter::once(run.name.as_str())
        .chain(
            run.members
                .iter()
                .map(|&m| models[0].variants[m].name.as_str()),
        )
        .collect();
    for a in &args.axes {
        let mut parts = a.path.split('.');
        if parts.next() == Some("variants")
            && let Some(v) = parts.next()
            && !run_names.contains(&v)
        {
            return Err(Failure::input(format!(
                "--set {}: that number belongs to variant `{v}`, but the sweep runs `{}`, where it changes nothing; add --variant {v} (or a package that contains it)",
                a.path, run.name
            )));
        }
    }
    // what `validate` would warn of at a point but not in the file itself (a point whose
    // demand exceeds a stage's capacity, say), said with the point's values
    let base_warnings = borderflow::scenario::warnings(&decide::setup_model(&args.common)?);
    let mut point_warnings = Vec::new();
    for (m, values) in models.iter().zip(&grid) {
        let at: Vec<String> = (args.axes.iter().zip(values))
            .map(|(a, x)| format!("{}={}", a.path, decision::label_number(*x)))
            .collect();
        for w in borderflow::scenario::warnings(m) {
            if !base_warnings.contains(&w) {
                point_warnings.push(format!("with --set {}: {w}", at.join(" --set ")));
            }
        }
    }
    let s = decide::setup(&args.common, "sweep")?;
    if !args.common.quiet {
        for w in &point_warnings {
            eprintln!("warning: {}: {w}", file.display());
        }
    }
    let n = args.replications.unwrap_or(s.model.replications);
    let points: Vec<Point> = (models.iter().zip(&variants))
        .map(|(m, &v)| Point::new(m, v))
        .collect();
    let jobs: Vec<Job> = (0..points.len())
        .flat_map(|p| {
            (0..n as u64).map(move |r| Job {
                point: p,
                replication: r,
                parameters: Parameters::Draw(r),
            })
        })
        .collect();
    let outcomes = s.run(&points, &jobs, "sweep");
    if s.is_shard() {
        return s.finish_shard();
    }
    let results: Vec<PointResult> = (grid.iter().enumerate())
        .map(|(p, values)| sweep::summarise(values.clone(), &outcomes[p * n..(p + 1) * n]))
        .collect();
    let model = &s.model;
    let variant = models[0].variants[variants[0]].name.clone();
    let year = model.years()[borderflow::decide::decision_year(model)];
    let target = (models[0].target.as_ref()).map(|t| {
        [
            t.total_musd,
            t.export_musd.unwrap_or(f64::NAN),
            t.import_musd.unwrap_or(f64::NAN),
        ]
    });
    let json = s.write_json(
        "sweep.json",
        &Output {
            header: decide::Header::new(&models[0], &variant, s.seed),
            axes: &args.axes,
            points: &results,
            command_line: decide::command_line(),
        },
    )?;
    let rows = csv_rows(&args.axes, &results);
    s.write_csv("sweep.csv", &rows)?;
    let chart = if args.axes.len() <= 2 {
        let in_file = sweep::value_in_file(&doc, &args.axes[0].path);
        let data = chart_data(&args.axes, &results, target, year, &variant, in_file);
        let c = decision::sweep(&data).map_err(|e| Failure::runtime(e.to_string()))?;
        s.write_chart(&c)?;
        Some(c)
    } else {
        None
    };
    let text = report_text(&args.axes, &results, &variant, year, n, target.is_some());
    let table = Table {
        caption: format!("each point of the grid, {n} replications, common random numbers"),
        header: rows[0].clone(),
        rows: rows[1..].to_vec(),
    };
    let how = "Left: P(total target) at each value, with its Wilson 95 % interval, and the 0.9 line a point's interval must clear to be named above; right: target-year total turnover (mean and 95 % interval) against the target line. The grey vertical line is the value in the scenario file (none where the file leaves it at its default). One line per value of the second --set, if any".to_string();
    let page = html::decision_page(
        "How much is enough: a sweep",
        &text,
        1,
        &[Section {
            heading: "Every point".into(),
            text: if chart.is_none() {
                vec!["No chart: a chart shows one or two --set paths; this sweep has more.".into()]
            } else {
                vec![]
            },
            table: Some(table),
            chart: chart.as_ref().map(|c| (c, how)),
        }],
        &html::Made {
            command: &decide::command_line(),
            seed: s.seed,
            files: &["sweep.json", "sweep.csv"],
        },
    );
    s.finish(
        &page,
        args.common.json.then_some(json.as_str()),
        &text,
        &format!(
            "sweep.json, sweep.csv{}",
            if chart.is_some() {
                ", sweep.svg/png"
            } else {
                ""
            }
        ),
    )
}

fn csv_rows(axes: &[Axis], results: &[PointResult]) -> Vec<Vec<String>> {
    let mut header: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    header.extend(
        [
            "replications",
            "p_total",
            "p_total_lo",
            "p_total_hi",
            "p_export",
            "p_import",
            "turnover_total_musd",
            "turnover_total_lo",
            "turnover_total_hi",
            "turnover_export_musd",
            "turnover_import_musd",
            "trucks_lost",
            "vehicles_not_cleared",
            "p95_time_in_system_h",
        ]
        .map(String::from),
    );
    let mut rows = vec![header];
    for r in results {
        let mut row: Vec<String> = r.values.iter().map(|x| format!("{x}")).collect();
        row.extend([
            r.replications.to_string(),
            fixed(r.p_target[0].mean, 4),
            fixed(r.p_target[0].lo, 4),
            fixed(r.p_target[0].hi, 4),
            fixed(r.p_target[1].mean, 4),
            fixed(r.p_target[2].mean, 4),
            fixed(r.turnover[0].mean, 2),
            fixed(r.turnover[0].lo, 2),
            fixed(r.turnover[0].hi, 2),
            fixed(r.turnover[1].mean, 2),
            fixed(r.turnover[2].mean, 2),
            fixed(r.lost.mean, 1),
            fixed(r.unfinished.mean, 1),
            fixed(r.p95_time_in_system_h.mean, 2),
        ]);
        rows.push(row);
    }
    rows
}

fn chart_data(
    axes: &[Axis],
    results: &[PointResult],
    target: Option<[f64; 3]>,
    year: i32,
    variant: &str,
    in_file: Option<f64>,
) -> Panels {
    // one line per value of the second axis (or one line)
    let groups: Vec<(String, Vec<&PointResult>)> = match axes.get(1) {
        None => vec![(variant.to_string(), results.iter().collect())],
        Some(second) => (second.values.iter())
            .map(|&y| {
                (
                    format!("{} = {}", second.path, decision::label_number(y)),
                    results.iter().filter(|r| r.values[1] == y).collect(),
                )
            })
            .collect(),
    };
    let line = |k: usize,
                name: &str,
                pts: &[&PointResult],
                f: &dyn Fn(&PointResult) -> borderflow::decide::Estimate| Line {
        name: name.to_string(),
        colour: k,
        points: pts
            .iter()
            .map(|r| {
                let e = f(r);
                (r.values[0], e.mean, e.lo, e.hi)
            })
            .collect(),
        joined: true,
        labels: Vec::new(),
    };
    let p_lines = (groups.iter().enumerate())
        .map(|(k, (name, pts))| line(k, name, pts, &|r| r.p_target[0]))
        .collect();
    let t_lines = (groups.iter().enumerate())
        .map(|(k, (name, pts))| line(k, name, pts, &|r| r.turnover[0]))
        .collect();
    // where the scenario stands today: the value in its file
    let marker = in_file.map(|x| (x, format!("in the file: {}", decision::label_number(x))));
    Panels {
        title: format!("Sweep of {} ({variant}, {year})", axes[0].path),
        panels: vec![
            Panel {
                title: "P(total target)".into(),
                x_label: axes[0].path.clone(),
                y_label: "P(total target), Wilson 95 %".into(),
                lines: p_lines,
                reference: Some((DECIDED, format!("{DECIDED}: interval above it decides"))),
                marker: marker.clone(),
            },
            Panel {
                title: format!("{year} total turnover"),
                x_label: axes[0].path.clone(),
                y_label: "million USD (mean, 95 % CI)".into(),
                lines: t_lines,
                reference: target
                    .map(|t| (t[0], format!("target {}", decision::label_number(t[0])))),
                marker,
            },
        ],
    }
}

fn report_text(
    axes: &[Axis],
    results: &[PointResult],
    variant: &str,
    year: i32,
    n: usize,
    has_target: bool,
) -> Vec<String> {
    let mut out = vec![format!(
        "Sweep of {} on `{variant}`: {} point(s), {n} replications each, the same random streams at every point; {year} figures.",
        axes.iter()
            .map(|a| a.path.as_str())
            .collect::<Vec<_>>()
            .join(" × "),
        results.len()
    )];
    if has_target {
        let first = results.iter().find(|r| r.p_target[0].lo >= DECIDED);
        out.push(match first {
            Some(r) => format!(
                "First point (in grid order) whose P(total target) interval lies above {DECIDED}: {}.",
                (axes.iter().zip(&r.values))
                    .map(|(a, x)| format!("{} = {x}", a.path))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => {
                // the highest lower end n replications can give: all hits
                let best_lo = |m: usize| wilson_interval(m as u64, m as u64)[0];
                if best_lo(n) < DECIDED {
                    let need = (n..).find(|&m| best_lo(m) >= DECIDED).unwrap_or(n);
                    format!(
                        "No point has a P(total target) interval above {DECIDED}: with {n} replications none can (even all hits give a lower end of {:.2}); -n {need} or more can.",
                        best_lo(n)
                    )
                } else {
                    format!("No point has a P(total target) interval above {DECIDED}.")
                }
            }
        });
    }
    let mut head = String::new();
    for a in axes {
        head.push_str(&format!("{:>14} ", short(&a.path)));
    }
    out.push(format!(
        "{head}{:>20} {:>22} {:>10} {:>12} {:>10}",
        "P(total target)", "total M USD (95 % CI)", "lost", "not cleared", "p95 h"
    ));
    for r in results {
        let mut row = String::new();
        for x in &r.values {
            row.push_str(&format!("{:>14} ", decision::label_number(*x)));
        }
        out.push(format!(
            "{row}{:>20} {:>22} {:>10.0} {:>12.0} {:>10.1}",
            format!(
                "{:.2} [{:.2}, {:.2}]",
                r.p_target[0].mean, r.p_target[0].lo, r.p_target[0].hi
            ),
            if r.replications > 1 {
                format!(
                    "{:.0} ({:.0}–{:.0})",
                    r.turnover[0].mean, r.turnover[0].lo, r.turnover[0].hi
                )
            } else {
                format!("{:.0} (1 replication)", r.turnover[0].mean)
            },
            r.lost.mean,
            r.unfinished.mean,
            r.p95_time_in_system_h.mean
        ));
    }
    out.push(format!(
        "lost: trucks lost in {year} (loads that did not come or left the province because of delay, and spoiled loads), mean per replication; not cleared: vehicles still queued or in service when the horizon ends (demand the capacity did not clear), mean; p95 h: the 95th percentile of time in system in {year} over all gates, hours, mean over replications (intervals in sweep.json)."
    ));
    out
}

/// The last two parts of a path, for column heads.
fn short(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    parts[parts.len().saturating_sub(2)..].join(".")
}
