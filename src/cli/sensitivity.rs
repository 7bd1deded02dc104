//! `borderflow sensitivity FILE`: what the answer hangs on (tornado and Sobol indices).

use clap::Args;

use super::Failure;
use super::decide::{self, Common, fixed};
use borderflow::charts::decision::{self, Bar, BarSeries, Rows};
use borderflow::charts::html::{self, Section, Table};
use borderflow::decide::sensitivity::{self, Sobol, Tornado};
use borderflow::montecarlo::jobs::Point;

#[derive(Debug, Args)]
pub(super) struct SensitivityArgs {
    #[command(flatten)]
    common: Common,
    /// Variant (or package `a+b`) to analyse (default: the first variant of the file).
    #[arg(long)]
    variant: Option<String>,
    /// Replications per tornado point (default: the scenario's `replications`).
    #[arg(long, short = 'n', value_parser = super::parse_replications, allow_hyphen_values = true)]
    replications: Option<usize>,
    /// Rows N of each Sobol matrix: N·(k + 2) replications for k parameters; 0 skips Sobol.
    #[arg(long, default_value_t = 32)]
    sobol_rows: usize,
}

/// The result as written to `sensitivity.json`.
#[derive(serde::Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    header: decide::Header<'a>,
    tornado: &'a Tornado,
    sobol: Option<&'a Sobol>,
    command_line: Vec<String>,
}

pub(super) fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    // every check before the output folder is created
    if args.sobol_rows == 1 {
        return Err(Failure::input(
            "--sobol-rows must be 0 (no Sobol analysis) or at least 2",
        ));
    }
    let mut checked = decide::setup_model(&args.common)?;
    let v = decide::variant(&mut checked, args.variant.as_deref(), 0)?;
    if sensitivity::parameters(&checked, v).is_empty() {
        return Err(Failure::input(format!(
            "{}: variant `{}` has no [[uncertain]] parameter that varies: nothing to analyse",
            args.common.file.display(),
            checked.variants[v].name
        )));
    }
    let n = args.replications.unwrap_or(checked.replications);
    if n < 2 {
        return Err(Failure::input(
            "--replications must be at least 2 for paired intervals",
        ));
    }
    let mut s = decide::setup(&args.common, "sensitivity")?;
    let v = decide::variant(&mut s.model, args.variant.as_deref(), 0)?;
    let model = &s.model;
    let params = sensitivity::parameters(model, v);
    let year_index = borderflow::decide::decision_year(model);
    let year = model.years()[year_index];
    let points = [Point::new(model, v)];
    let jobs = sensitivity::tornado_jobs(model, &params, n);
    let tornado_outcomes = s.run(&points, &jobs, "tornado");
    let sobol_outcomes = (args.sobol_rows >= 2).then(|| {
        let jobs = sensitivity::sobol_jobs(model, &params, args.sobol_rows, s.seed);
        s.run(&points, &jobs, "Sobol design")
    });
    if s.is_shard() {
        return s.finish_shard();
    }
    let tornado = sensitivity::tornado(&params, &tornado_outcomes, n);
    let sobol =
        (sobol_outcomes.as_ref()).map(|o| sensitivity::sobol(&params, o, args.sobol_rows, s.seed));
    let name = model.variants[v].name.as_str();
    let json = s.write_json(
        "sensitivity.json",
        &Output {
            header: decide::Header::new(model, name, s.seed),
            tornado: &tornado,
            sobol: sobol.as_ref(),
            command_line: decide::command_line(),
        },
    )?;
    s.write_csv("sensitivity.csv", &csv_rows(&tornado, sobol.as_ref()))?;
    let (tornado_rows, sobol_rows) = chart_data(&tornado, sobol.as_ref(), name, year);
    let tornado_chart = decision::rows(decision::Kind::Tornado, &tornado_rows)
        .map_err(|e| Failure::runtime(e.to_string()))?;
    s.write_chart(&tornado_chart)?;
    let sobol_chart = match &sobol_rows {
        Some(r) => Some(
            decision::rows(decision::Kind::Sobol, r)
                .map_err(|e| Failure::runtime(e.to_string()))?,
        ),
        None => None,
    };
    if let Some(c) = &sobol_chart {
        s.write_chart(c)?;
    }
    let text = report_text(model, name, year, &tornado, sobol.as_ref());
    let page = page(
        model,
        &text,
        &tornado,
        sobol.as_ref(),
        &tornado_chart,
        sobol_chart.as_ref(),
        s.seed,
    );
    s.finish(
        &page,
        args.common.json.then_some(json.as_str()),
        &text,
        &format!(
            "sensitivity.json, sensitivity.csv, tornado.svg/png{}",
            if sobol.is_some() {
                ", sobol.svg/png"
            } else {
                ""
            }
        ),
    )
}

fn csv_rows(t: &Tornado, sobol: Option<&Sobol>) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "analysis",
            "parameter",
            "low",
            "central",
            "high",
            "range",
            "effect_low_total_musd",
            "effect_low_total_lo",
            "effect_low_total_hi",
            "effect_high_total_musd",
            "effect_high_total_lo",
            "effect_high_total_hi",
            "effect_low_export_musd",
            "effect_high_export_musd",
            "effect_low_import_musd",
            "effect_high_import_musd",
            "p_total_low",
            "p_total_high",
            "p_effect_low",
            "p_effect_high",
            "sobol_first",
            "sobol_first_lo",
            "sobol_first_hi",
            "sobol_total",
            "sobol_total_lo",
            "sobol_total_hi",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in &t.rows {
        let p = &r.parameter;
        let mut row = vec![
            "tornado".to_string(),
            p.name.clone(),
            fixed(p.low, 6),
            fixed(p.central, 6),
            fixed(p.high, 6),
            if p.bounded { "ends" } else { "p5-p95" }.to_string(),
        ];
        for e in [r.low.effect[0], r.high.effect[0]] {
            row.extend([fixed(e.mean, 3), fixed(e.lo, 3), fixed(e.hi, 3)]);
        }
        row.extend([
            fixed(r.low.effect[1].mean, 3),
            fixed(r.high.effect[1].mean, 3),
            fixed(r.low.effect[2].mean, 3),
            fixed(r.high.effect[2].mean, 3),
            fixed(r.low.p_target[0].mean, 4),
            fixed(r.high.p_target[0].mean, 4),
            fixed(r.low.p_effect.mean, 4),
            fixed(r.high.p_effect.mean, 4),
        ]);
        row.extend(std::iter::repeat_n(String::new(), 6));
        rows.push(row);
    }
    if let Some(s) = sobol {
        for i in &s.indices {
            let mut row = vec!["sobol".to_string(), i.parameter.clone()];
            row.extend(std::iter::repeat_n(String::new(), 18));
            for e in [i.first, i.total] {
                row.extend([fixed(e.mean, 4), fixed(e.lo, 4), fixed(e.hi, 4)]);
            }
            rows.push(row);
        }
    }
    rows
}

fn chart_data(
    t: &Tornado,
    sobol: Option<&Sobol>,
    variant: &str,
    year: i32,
) -> (Rows, Option<Rows>) {
    let bar = |e: borderflow::decide::Estimate| {
        Some(Bar {
            from: 0.0,
            to: e.mean,
            lo: e.lo,
            hi: e.hi,
        })
    };
    let label = |p: &sensitivity::Parameter| {
        format!(
            "{} ({}–{})",
            p.name,
            decision::label_number(p.low),
            decision::label_number(p.high)
        )
    };
    let tornado = Rows {
        title: format!(
            "What {year} turnover hangs on ({variant}): each parameter at the ends of its range, the others at their medians"
        ),
        x_label: format!("change in {year} total turnover, million USD (paired, 95 % interval)"),
        rows: t.rows.iter().map(|r| label(&r.parameter)).collect(),
        series: vec![
            BarSeries {
                name: "parameter at its low end".into(),
                colour: 0,
                bars: t.rows.iter().map(|r| bar(r.low.effect[0])).collect(),
            },
            BarSeries {
                name: "parameter at its high end".into(),
                colour: 2,
                bars: t.rows.iter().map(|r| bar(r.high.effect[0])).collect(),
            },
        ],
        one_bar_per_row: false,
    };
    // largest total index on top
    let sorted = sobol.map(|s| {
        let mut v: Vec<&borderflow::decide::sensitivity::SobolIndex> = s.indices.iter().collect();
        v.sort_by(|a, b| b.total.mean.total_cmp(&a.total.mean));
        v
    });
    let sobol = sorted.map(|sorted| Rows {
        title: format!(
            "Sobol indices of {year} total turnover ({variant}): share of its variance due to each parameter"
        ),
        x_label: "share of variance (bootstrap 95 % interval)".into(),
        rows: sorted.iter().map(|i| i.parameter.clone()).collect(),
        series: vec![
            BarSeries {
                name: "first-order (alone)".into(),
                colour: 0,
                bars: sorted.iter().map(|i| bar(i.first)).collect(),
            },
            BarSeries {
                name: "total (with interactions)".into(),
                colour: 3,
                bars: sorted.iter().map(|i| bar(i.total)).collect(),
            },
        ],
        one_bar_per_row: false,
    });
    (tornado, sobol)
}

fn pm(e: borderflow::decide::Estimate) -> String {
    format!("{:+.0} ± {:.0}", e.mean, e.half_width())
}

fn report_text(
    model: &borderflow::model::Model,
    variant: &str,
    year: i32,
    t: &Tornado,
    sobol: Option<&Sobol>,
) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "What does {year} turnover of `{variant}` ({}) hang on? {} uncertain parameters, each at the ends of its range with the others at their medians ({} replications per point, common random numbers).",
        model.name,
        t.rows.len(),
        t.replications
    ));
    let c = &t.central;
    out.push(format!(
        "All parameters at their medians: total {:.0} M USD (95 % CI {:.0}–{:.0}), P(total target) {:.2} [{:.2}, {:.2}].",
        c.turnover[0].mean, c.turnover[0].lo, c.turnover[0].hi, c.p_target[0].mean, c.p_target[0].lo, c.p_target[0].hi
    ));
    if let Some(first) = t.rows.first() {
        out.push(format!(
            "Largest effect: `{}` ({} / {} M USD at its low / high end).",
            first.parameter.name,
            pm(first.low.effect[0]),
            pm(first.high.effect[0])
        ));
    }
    out.push(format!(
        "{:<34} {:>16} {:>16} {:>11} {:>11}",
        "parameter (low–high)", "low: Δ total", "high: Δ total", "P low", "P high"
    ));
    for r in &t.rows {
        out.push(format!(
            "{:<34} {:>16} {:>16} {:>11.2} {:>11.2}",
            format!(
                "{} ({}–{})",
                r.parameter.name,
                decision::label_number(r.parameter.low),
                decision::label_number(r.parameter.high)
            ),
            pm(r.low.effect[0]),
            pm(r.high.effect[0]),
            r.low.p_target[0].mean,
            r.high.p_target[0].mean
        ));
    }
    if let Some(s) = sobol {
        out.push(format!(
            "Sobol indices of {year} total turnover (Saltelli design and estimators, Jansen's for the total, {} rows, {} replications; bootstrap 95 % intervals): sum of first-order indices {:.2}.",
            s.rows,
            s.rows * (s.indices.len() + 2),
            s.sum_first
        ));
        out.extend(sobol_caution(s));
        let mut order: Vec<&borderflow::decide::sensitivity::SobolIndex> =
            s.indices.iter().collect();
        order.sort_by(|a, b| b.total.mean.total_cmp(&a.total.mean));
        for i in order {
            out.push(format!(
                "  {:<32} first-order {:.2} [{:.2}, {:.2}]   total {:.2} [{:.2}, {:.2}]",
                i.parameter,
                i.first.mean,
                i.first.lo,
                i.first.hi,
                i.total.mean,
                i.total.lo,
                i.total.hi
            ));
        }
    }
    out
}

fn page(
    model: &borderflow::model::Model,
    text: &[String],
    t: &Tornado,
    sobol: Option<&Sobol>,
    tornado_chart: &borderflow::charts::ChartFile,
    sobol_chart: Option<&borderflow::charts::ChartFile>,
    seed: u64,
) -> String {
    let tornado_table = Table {
        caption: "effect of each parameter's ends on target-year total turnover (million USD, paired 95 % interval) and on P(total target)".into(),
        header: ["parameter", "low", "high", "Δ total at low", "Δ total at high", "P at low", "P at high"]
            .map(String::from)
            .to_vec(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.parameter.name.clone(),
                    decision::label_number(r.parameter.low),
                    decision::label_number(r.parameter.high),
                    pm(r.low.effect[0]),
                    pm(r.high.effect[0]),
                    format!("{:.2}", r.low.p_target[0].mean),
                    format!("{:.2}", r.high.p_target[0].mean),
                ]
            })
            .collect(),
    };
    let mut sections = vec![Section {
        heading: "One at a time (tornado)".into(),
        text: vec![],
        table: Some(tornado_table),
        chart: Some((
            tornado_chart,
            "Each row is one uncertain parameter, largest swing on top; the bars show how far target-year total turnover moves when that parameter sits at the low (blue) or high (green) end of its range and the others at their medians; black lines are 95 % paired intervals".into(),
        )),
    }];
    if let (Some(s), Some(c)) = (sobol, sobol_chart) {
        sections.push(Section {
            heading: "All together (Sobol indices)".into(),
            text: vec![sobol_reading(s)],
            table: Some(Table {
                caption: "Sobol indices with bootstrap 95 % intervals".into(),
                header: ["parameter", "first-order", "interval", "total", "interval"]
                    .map(String::from)
                    .to_vec(),
                rows: s
                    .indices
                    .iter()
                    .map(|i| {
                        vec![
                            i.parameter.clone(),
                            format!("{:.3}", i.first.mean),
                            format!("[{:.3}, {:.3}]", i.first.lo, i.first.hi),
                            format!("{:.3}", i.total.mean),
                            format!("[{:.3}, {:.3}]", i.total.lo, i.total.hi),
                        ]
                    })
                    .collect(),
            }),
            chart: Some((c, "Bars: the share of variance of target-year turnover due to each parameter, alone (first-order) and with its interactions (total); black lines are bootstrap 95 % intervals".into())),
        });
    }
    // what each parameter is, in the tornado's order, from the scenario's notes
    let mut notes = vec!["Each uncertain parameter scales figures of the scenario file (1 = as written); low and high are the ends of its range. The notes are the scenario file's, with its grades: [F] a published figure, [D] derived from published figures, [E] our estimate, with its range.".to_string()];
    for r in &t.rows {
        let note = (model.uncertain.iter())
            .find(|u| u.name == r.parameter.name)
            .map_or("", |u| u.note.as_str());
        notes.push(format!(
            "`{}` ({}–{}): {}",
            r.parameter.name,
            decision::label_number(r.parameter.low),
            decision::label_number(r.parameter.high),
            if note.is_empty() {
                "no note in the file."
            } else {
                note
            }
        ));
    }
    sections.push(Section {
        heading: "What each parameter is".into(),
        text: notes,
        table: None,
        chart: None,
    });
    // the page's lead is the terminal's prose: its tables and the Sobol caution are in the
    // sections, under their charts, so the first chart is not pushed below two long tables
    let caution = sobol.and_then(sobol_caution);
    let lead: Vec<String> = (text.iter())
        .filter(|l| !html::is_columns(l) && Some(*l) != caution.as_ref())
        .cloned()
        .collect();
    // the verdict: the largest effect, else the medians' line
    let answer = (lead.iter())
        .position(|l| l.starts_with("Largest effect"))
        .unwrap_or(1);
    html::decision_page(
        "What the answer hangs on",
        &lead,
        answer,
        &sections,
        &html::Made {
            command: &decide::command_line(),
            seed,
            files: &["sensitivity.json", "sensitivity.csv"],
        },
    )
}

/// How to read the Sobol indices, with [`sobol_caution`] when it applies.
fn sobol_reading(s: &borderflow::decide::sensitivity::Sobol) -> String {
    let what = "First-order: the share of the variance of target-year total turnover that one parameter explains alone; total: with its interactions.";
    match sobol_caution(s) {
        Some(caution) => format!("{what} {caution}"),
        None => format!(
            "{what} The first-order indices sum to {:.2}; the rest ({:.2}) is interactions and day-to-day randomness.",
            s.sum_first,
            1.0 - s.sum_first
        ),
    }
}

/// A caution when the estimated indices are not coherent, as exact ones always are (every
/// first-order index between 0 and its total, their sum at most 1): sampling error then
/// dominates.
fn sobol_caution(s: &borderflow::decide::sensitivity::Sobol) -> Option<String> {
    let names = |f: &dyn Fn(&borderflow::decide::sensitivity::SobolIndex) -> bool| {
        (s.indices.iter().filter(|i| f(i)))
            .map(|i| i.parameter.as_str())
            .collect::<Vec<_>>()
    };
    let above = names(&|i| i.first.mean > i.total.mean);
    let negative = names(&|i| i.first.mean < -0.005);
    let mut why = Vec::new();
    if s.sum_first > 1.0 {
        why.push(format!(
            "the first-order indices sum to {:.2}, above 1",
            s.sum_first
        ));
    }
    if !above.is_empty() {
        why.push(format!("first-order above total: {}", above.join(", ")));
    }
    if !negative.is_empty() {
        why.push(format!("negative first-order: {}", negative.join(", ")));
    }
    let incoherent = !why.is_empty();
    // an index is a share in [0, 1]: an interval wider than half of it cannot rank anything
    let wide = names(&|i| i.first.hi - i.first.lo > 0.5 || i.total.hi - i.total.lo > 0.5);
    if !wide.is_empty() {
        why.push(format!(
            "95 % intervals wider than 0.5: {}",
            wide.join(", ")
        ));
    }
    (!why.is_empty()).then(|| {
        format!(
            "Caution: {} ({}): with {} rows sampling error dominates, so read only the order of the largest totals and run again with more --sobol-rows (each row costs k + 2 replications).",
            if incoherent {
                "these estimates are not coherent, which exact indices always are"
            } else {
                "these estimates are too uncertain to rank the parameters"
            },
            why.join("; "),
            s.rows
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use borderflow::decide::Estimate;
    use borderflow::decide::sensitivity::{Sobol, SobolIndex};

    fn sobol(first: &[f64], total: &[f64]) -> Sobol {
        let at = |x: f64| Estimate {
            mean: x,
            lo: x,
            hi: x,
        };
        Sobol {
            rows: 4,
            bootstrap: 100,
            mean_musd: 1.0,
            variance: 1.0,
            indices: (first.iter().zip(total).enumerate())
                .map(|(i, (&f, &t))| SobolIndex {
                    parameter: format!("p{i}"),
                    first: at(f),
                    total: at(t),
                })
                .collect(),
            sum_first: first.iter().sum(),
        }
    }

    /// Exact indices have 0 ≤ first-order ≤ total and first-order sum ≤ 1: estimates that
    /// break any of these get a caution naming what broke; coherent ones get none.
    #[test]
    fn incoherent_sobol_estimates_are_flagged_and_coherent_ones_are_not() {
        assert_eq!(sobol_caution(&sobol(&[0.5, 0.3], &[0.6, 0.35])), None);
        assert!(sobol_reading(&sobol(&[0.5, 0.3], &[0.6, 0.35])).contains("the rest (0.20)"));
        let c = sobol_caution(&sobol(&[0.7, 0.5], &[0.5, 0.6])).expect("incoherent");
        assert!(c.contains("sum to 1.20, above 1"), "{c}");
        assert!(c.contains("first-order above total: p0"), "{c}");
        assert!(!c.contains("p1"), "{c}");
        let c = sobol_caution(&sobol(&[-0.2, 0.1], &[0.1, 0.2])).expect("incoherent");
        assert!(c.contains("negative first-order: p0"), "{c}");
        assert!(c.contains("with 4 rows"), "{c}");
        // coherent estimates whose intervals span most of [0, 1] cannot rank either
        let mut wide = sobol(&[0.5, 0.3], &[0.6, 0.35]);
        wide.indices[1].total.lo = -0.2;
        wide.indices[1].total.hi = 0.9;
        let c = sobol_caution(&wide).expect("too wide");
        assert!(c.contains("too uncertain to rank"), "{c}");
        assert!(c.contains("95 % intervals wider than 0.5: p1"), "{c}");
    }
}
