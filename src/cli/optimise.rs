//! `borderflow optimise FILE --target-probability Q`: the cheapest package of improvements
//! whose P(target) is at least Q, by a sequential feasibility check.

use clap::{Args, ValueEnum};

use super::Failure;
use super::decide::{self, Common, fixed};
use borderflow::charts::decision::{self, Bar, BarSeries, Line, Panel, Panels, Rows};
use borderflow::charts::html::{self, Section, Table};
use borderflow::decide::optimise::{
    self, Boundary, Candidate, CandidateResult, Goal, Settings, Step,
};
use borderflow::montecarlo::jobs::{Job, Point};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GoalArg {
    Total,
    Export,
    Import,
    All,
}

#[derive(Debug, Args)]
// the search is sequential: `--shard` is refused (with why), so it is not offered in --help
#[command(mut_arg("shard", |a| a.hide(true)))]
pub(super) struct OptimiseArgs {
    #[command(flatten)]
    common: Common,
    /// The probability of reaching the target a package must have, e.g. 0.9.
    #[arg(long, default_value_t = 0.9)]
    target_probability: f64,
    /// Most a package may cost, million USD (investment + yearly × cost_years).
    #[arg(long)]
    budget: Option<f64>,
    /// Which target must be reached.
    #[arg(long, value_enum, default_value_t = GoalArg::Total)]
    goal: GoalArg,
    /// Indifference zone ε: a package with P within ±ε of the target probability may be
    /// judged either way.
    #[arg(long, default_value_t = 0.05)]
    tolerance: f64,
    /// 1 − the probability of a correct selection.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Replications added to a package at a time.
    #[arg(long, default_value_t = 10)]
    batch: usize,
    /// Most replications one package may get.
    #[arg(long, default_value_t = 1000)]
    max_replications: usize,
    /// Packages advanced together, cheapest first (more packages keep more threads busy,
    /// fewer waste less on packages a cheaper decision makes moot; results never depend on
    /// the thread count).
    #[arg(long, default_value_t = 2)]
    window: usize,
    /// Skip the frontier's extra packages (each improvement alone and all together).
    #[arg(long)]
    no_frontier: bool,
}

#[derive(serde::Serialize)]
struct Output<'a> {
    scenario: &'a str,
    seed: u64,
    year: i32,
    question: String,
    settings: &'a Settings,
    procedure: &'static str,
    guarantee: String,
    boundary: Boundary,
    searched: usize,
    replications: usize,
    answer: Option<&'a str>,
    answer_text: String,
    packages: Vec<CandidateResult>,
    cost_unknown: Vec<&'a str>,
    conflicts: &'a [String],
    waterfall: Option<Waterfall<'a>>,
    command_line: Vec<String>,
}

#[derive(serde::Serialize)]
struct Waterfall<'a> {
    from: &'a str,
    to: &'a str,
    steps: &'a [Step],
}

const PROCEDURE: &str = "Feasibility check of Andradóttir & Kim (2010, Naval Research Logistics 57:403–421) on the hits of each package, with the variance of a hit bounded over the indifference zone, Bonferroni over the packages searched; packages searched cheapest first, common random numbers";

pub(super) fn optimise(args: OptimiseArgs) -> Result<(), Failure> {
    if args.common.shard.is_some() {
        return Err(Failure::input(
            "optimise cannot be sharded: its feasibility check is sequential (each round decides which packages get the next replications); give it more --threads instead",
        ));
    }
    let q = args.target_probability;
    if !(q > 0.0 && q < 1.0) {
        return Err(Failure::input(format!(
            "--target-probability must be between 0 and 1 (exclusive), got {q}"
        )));
    }
    if !(args.tolerance > 0.0 && args.tolerance < q.min(1.0 - q) + 1e-12) {
        return Err(Failure::input(format!(
            "--tolerance must be above 0 and at most min(q, 1 − q) = {:.3}, got {}",
            q.min(1.0 - q),
            args.tolerance
        )));
    }
    if !(args.alpha > 0.0 && args.alpha < 0.5) {
        return Err(Failure::input(format!(
            "--alpha must be in (0, 0.5), got {}",
            args.alpha
        )));
    }
    if args.batch == 0 || args.max_replications < args.batch {
        return Err(Failure::input(
            "--batch must be at least 1 and at most --max-replications",
        ));
    }
    if let Some(b) = args.budget
        && !(b.is_finite() && b >= 0.0)
    {
        return Err(Failure::input(format!(
            "--budget must be 0 or more million USD, got {b}"
        )));
    }
    let mut s = decide::setup(&args.common, "optimise")?;
    if s.model.target.is_none() {
        return Err(Failure::input(format!(
            "{} has no [target] table: optimise needs a target to reach",
            args.common.file.display()
        )));
    }
    if let Some(t) = &s.model.target {
        let missing = match args.goal {
            GoalArg::Export | GoalArg::All if t.export_musd.is_none() => Some("export_musd"),
            GoalArg::Import | GoalArg::All if t.import_musd.is_none() => Some("import_musd"),
            _ => None,
        };
        if let Some(field) = missing {
            return Err(Failure::input(format!(
                "{}: [target] has no `{field}`, so --goal {} has nothing to reach: use --goal total, or add `{field}`",
                args.common.file.display(),
                match args.goal {
                    GoalArg::Export => "export",
                    GoalArg::Import => "import",
                    _ => "all",
                }
            )));
        }
    }
    let (mut cands, conflicts) = optimise::candidates(&mut s.model)
        .map_err(|e| Failure::input(format!("{}: {e}", args.common.file.display())))?;
    let settings = Settings {
        target_probability: q,
        tolerance: args.tolerance,
        alpha: args.alpha,
        batch: args.batch,
        window: args.window.max(1),
        max_replications: args.max_replications,
        budget_musd: args.budget,
        goal: match args.goal {
            GoalArg::Total => Goal::Total,
            GoalArg::Export => Goal::Export,
            GoalArg::Import => Goal::Import,
            GoalArg::All => Goal::All,
        },
    };
    let searchable: Vec<usize> = (0..cands.len())
        .filter(|&i| {
            cands[i]
                .cost_musd
                .is_some_and(|c| settings.budget_musd.is_none_or(|b| c <= b + 1e-9))
        })
        .collect();
    if searchable.is_empty() {
        return Err(Failure::input(
            "no package has a known cost within the budget: give the improvements a `cost`, or raise --budget",
        ));
    }
    let boundary = Boundary::new(&settings, searchable.len());
    let model = &s.model;
    let mut run = |points: &[Point], jobs: &[Job]| s.run(points, jobs, "packages");
    optimise::search(
        model,
        &mut cands,
        &settings,
        &searchable,
        &boundary,
        &mut run,
    );
    let answer = optimise::answer(&cands, &searchable);
    // the frontier: each improvement alone and all together, at least one batch each
    let empty = cands
        .iter()
        .position(|c| c.members.is_empty())
        .expect("the empty package");
    let full = (0..cands.len())
        .max_by_key(|&i| cands[i].members.len())
        .expect("a package");
    if !args.no_frontier {
        let extra: Vec<(usize, usize)> = (0..cands.len())
            .filter(|&i| cands[i].members.len() == 1 || i == full || i == empty)
            .filter(|&i| cands[i].replications() < settings.batch)
            .map(|i| (i, settings.batch - cands[i].replications()))
            .collect();
        optimise::add_replications(model, &mut cands, &extra, &mut run);
    }
    let to = match answer {
        Ok(i) if i != empty => i,
        _ => full,
    };
    let steps = (cands[to].replications() > 0 && cands[empty].replications() > 0)
        .then(|| optimise::waterfall(model, &cands[empty], &cands[to]));
    let year = model.years()[borderflow::decide::decision_year(model)];
    let t = model.target.as_ref().expect("checked above");
    let goal_text = match settings.goal {
        Goal::Total => format!("total turnover ≥ {} M USD", t.total_musd),
        Goal::Export => format!("exports ≥ {} M USD", t.export_musd.unwrap_or(f64::NAN)),
        Goal::Import => format!("imports ≥ {} M USD", t.import_musd.unwrap_or(f64::NAN)),
        Goal::All => "all three targets".to_string(),
    };
    let question = format!(
        "Which is the cheapest package of {}'s improvements whose probability of {goal_text} in {year} is at least {q}?",
        model.name
    );
    let guarantee = format!(
        "With probability at least {:.2} (in the Brownian-motion limit of the procedure), when the search names a package: no cheaper package has P ≥ {:.2}, and the package named has P > {:.2} (indifference zone ±{}).",
        1.0 - settings.alpha,
        q + settings.tolerance,
        q - settings.tolerance,
        settings.tolerance
    );
    let spent: usize = cands.iter().map(Candidate::replications).sum();
    let answer_text = match answer {
        Ok(i) => format!(
            "Answer: `{}`, cost {:.1} M USD; P({goal_text}) {:.2} over {} replications.",
            cands[i].name,
            cands[i].cost_musd.unwrap_or(f64::NAN),
            cands[i].hits(settings.goal) as f64 / cands[i].replications() as f64,
            cands[i].replications()
        ),
        Err(Some(i)) => format!(
            "No answer with the guarantee: `{}` was still undecided after {} replications (--max-replications); its P so far {:.2}. With --max-replications {:.0} or more it is decided.",
            cands[i].name,
            cands[i].replications(),
            cands[i].hits(settings.goal) as f64 / cands[i].replications().max(1) as f64,
            boundary.closes_at.ceil()
        ),
        Err(None) => {
            let best = searchable
                .iter()
                .filter(|&&i| cands[i].replications() > 0)
                .max_by(|&&a, &&b| {
                    let p = |c: &Candidate| c.hits(settings.goal) as f64 / c.replications() as f64;
                    p(&cands[a]).total_cmp(&p(&cands[b]))
                });
            format!(
                "No package within the budget reaches P ≥ {q}: every one was declared infeasible.{}",
                best.map_or(String::new(), |&i| format!(
                    " Closest: `{}` (cost {:.1} M USD), P {:.2}.",
                    cands[i].name,
                    cands[i].cost_musd.unwrap_or(f64::NAN),
                    cands[i].hits(settings.goal) as f64 / cands[i].replications() as f64
                ))
            )
        }
    };
    let results: Vec<CandidateResult> = cands
        .iter()
        .map(|c| optimise::result_of(c, settings.goal))
        .collect();
    let cost_unknown: Vec<&str> = (model.decisions.iter())
        .flat_map(|d| &d.improvements)
        .filter(|&&v| model.variants[v].cost.is_none())
        .map(|&v| model.variants[v].name.as_str())
        .collect();
    let answer_name = answer.ok().map(|i| cands[i].name.as_str());
    let json = s.write_json(
        "optimise.json",
        &Output {
            scenario: &model.name,
            seed: s.seed,
            year,
            question: question.clone(),
            settings: &settings,
            procedure: PROCEDURE,
            guarantee: guarantee.clone(),
            boundary,
            searched: searchable.len(),
            replications: spent,
            answer: answer_name,
            answer_text: answer_text.clone(),
            packages: results.clone(),
            cost_unknown: cost_unknown.clone(),
            conflicts: &conflicts,
            waterfall: steps.as_ref().map(|st| Waterfall {
                from: &cands[empty].name,
                to: &cands[to].name,
                steps: st,
            }),
            command_line: decide::command_line(),
        },
    )?;
    let rows = csv_rows(&results);
    s.write_csv("optimise.csv", &rows)?;
    let frontier = decision::frontier(&frontier_data(
        &results,
        answer_name,
        q,
        t.total_musd,
        &goal_text,
        year,
    ))
    .map_err(|e| Failure::runtime(e.to_string()))?;
    s.write_chart(&frontier)?;
    let mut waterfall_table = None;
    let waterfall_chart = match &steps {
        Some(st) => {
            let k = model.decisions.as_ref().map_or(0, |d| d.improvements.len());
            let (rows_chart, table) = waterfall_data(
                st,
                &optimise::short_name(&cands[empty], k),
                &optimise::short_name(&cands[to], k),
                year,
            );
            s.write_csv("waterfall.csv", &table)?;
            waterfall_table = Some(table);
            let c = decision::rows(decision::Kind::Waterfall, &rows_chart)
                .map_err(|e| Failure::runtime(e.to_string()))?;
            s.write_chart(&c)?;
            Some(c)
        }
        None => None,
    };
    let mut text = vec![
        question,
        answer_text,
        format!("Procedure: {PROCEDURE}."),
        format!(
            "Guarantee: {guarantee} Boundary: a = {:.2}, region closes after {:.0} replications (a package is decided by then at the latest); {} packages of known cost to search, {} simulated, {} replications spent in all.",
            boundary.a,
            boundary.closes_at.ceil(),
            searchable.len(),
            cands.iter().filter(|c| c.replications() > 0).count(),
            spent
        ),
    ];
    if !cost_unknown.is_empty() {
        text.push(format!(
            "Cost unknown (never counted as free; packages with them are not searched): {}.",
            cost_unknown.join(", ")
        ));
    }
    for c in &conflicts {
        text.push(format!("Left out (conflict): {c}"));
    }
    text.push(format!(
        "{:<58} {:>10} {:>12} {:>6} {:>18} {:>10}",
        "package", "cost M USD", "status", "reps", "P (Wilson 95 %)", "turnover"
    ));
    for r in results.iter().filter(|r| r.replications > 0) {
        text.push(format!(
            "{:<58} {:>10} {:>12} {:>6} {:>18} {:>10.0}",
            r.name,
            r.cost_musd
                .map_or("unknown".to_string(), |c| format!("{c:.1}")),
            format!("{:?}", r.status).to_lowercase(),
            r.replications,
            format!(
                "{:.2} [{:.2}, {:.2}]",
                r.p_goal.mean, r.p_goal.lo, r.p_goal.hi
            ),
            r.turnover.mean
        ));
    }
    if let Some(st) = &steps {
        text.push(format!(
            "Where the difference comes from ({} − {}, {year} turnover, M USD, paired):",
            cands[to].name, cands[empty].name
        ));
        for step in st {
            text.push(format!(
                "  {:<40} {:+9.1} ± {:.1}",
                step.gate,
                step.change.mean,
                step.change.half_width()
            ));
        }
    }
    let mut sections = vec![Section {
        heading: "Cost against P(target) and turnover".into(),
        text: vec![],
        table: Some(Table {
            caption: "every package simulated: cost, status of the feasibility check, replications, P and turnover".into(),
            header: rows[0].clone(),
            rows: rows[1..].to_vec(),
        }),
        chart: Some((&frontier, "Each dot is a package simulated whose cost is known (cost on the x axis; those of unknown cost are in the table only); left its P(target) with the Wilson interval and the required probability as a line, right its mean turnover with the target; each dot is named, the answer marked, and the green line joins the frontier: the packages no cheaper one does better than".into())),
    }];
    if let (Some(c), Some(table)) = (&waterfall_chart, waterfall_table) {
        sections.push(Section {
            heading: "Where the difference comes from".into(),
            text: vec![],
            table: Some(Table {
                caption: "per-gate paired difference of target-year turnover".into(),
                header: table[0].clone(),
                rows: table[1..].to_vec(),
            }),
            chart: Some((c, "Each bar is a gate's paired change of target-year turnover between the two packages, stacked from the first gate to the total: green where the gate adds turnover, red where it loses some, blue for the total; black lines are 95 % intervals".into())),
        });
    }
    let mut files = vec!["optimise.json", "optimise.csv"];
    if waterfall_chart.is_some() {
        files.push("waterfall.csv");
    }
    let page = html::decision_page(
        "The cheapest package that reaches the target",
        &text,
        1,
        &sections,
        &html::Made {
            command: &decide::command_line(),
            seed: s.seed,
            files: &files,
        },
    );
    s.finish(
        &page,
        args.common.json.then_some(json.as_str()),
        &text,
        &format!(
            "optimise.json, optimise.csv, frontier.svg/png{}",
            if waterfall_chart.is_some() {
                ", waterfall.csv, waterfall.svg/png"
            } else {
                ""
            }
        ),
    )
}

fn csv_rows(results: &[CandidateResult]) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "package",
            "cost_musd",
            "status",
            "replications",
            "p",
            "p_lo",
            "p_hi",
            "turnover_musd",
            "turnover_lo",
            "turnover_hi",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in results.iter().filter(|r| r.replications > 0) {
        rows.push(vec![
            r.name.clone(),
            r.cost_musd.map_or("unknown".into(), |c| fixed(c, 2)),
            format!("{:?}", r.status).to_lowercase(),
            r.replications.to_string(),
            fixed(r.p_goal.mean, 4),
            fixed(r.p_goal.lo, 4),
            fixed(r.p_goal.hi, 4),
            fixed(r.turnover.mean, 2),
            fixed(r.turnover.lo, 2),
            fixed(r.turnover.hi, 2),
        ]);
    }
    rows
}

fn frontier_data(
    results: &[CandidateResult],
    answer: Option<&str>,
    q: f64,
    target: f64,
    goal: &str,
    year: i32,
) -> Panels {
    let mut known: Vec<&CandidateResult> = results
        .iter()
        .filter(|r| r.replications > 0 && r.cost_musd.is_some())
        .collect();
    known.sort_by(|a, b| {
        a.cost_musd
            .unwrap_or(0.0)
            .total_cmp(&b.cost_musd.unwrap_or(0.0))
    });
    // the frontier: packages better than every cheaper one
    let frontier = |f: &dyn Fn(&CandidateResult) -> f64| -> Vec<&CandidateResult> {
        let mut best = f64::NEG_INFINITY;
        known
            .iter()
            .filter(|r| {
                let better = f(r) > best;
                best = best.max(f(r));
                better
            })
            .copied()
            .collect()
    };
    let panel = |title: String,
                 y_label: &str,
                 f: &dyn Fn(&CandidateResult) -> borderflow::decide::Estimate,
                 reference: (f64, String)| {
        let front = frontier(&|r| f(r).mean);
        // every package simulated is named by its dot; the frontier joins the best ones
        let all = Line {
            name: "packages simulated".into(),
            colour: 0,
            points: known
                .iter()
                .map(|r| {
                    let e = f(r);
                    (r.cost_musd.unwrap_or(0.0), e.mean, e.lo, e.hi)
                })
                .collect(),
            joined: false,
            labels: known
                .iter()
                .map(|r| {
                    let mark = if Some(r.name.as_str()) == answer {
                        " ← answer"
                    } else {
                        ""
                    };
                    (
                        r.cost_musd.unwrap_or(0.0),
                        f(r).mean,
                        format!("{}{mark}", r.name),
                    )
                })
                .collect(),
        };
        let line = Line {
            name: "frontier (better than every cheaper one)".into(),
            colour: 2,
            points: front
                .iter()
                .map(|r| {
                    let e = f(r);
                    (r.cost_musd.unwrap_or(0.0), e.mean, e.mean, e.mean)
                })
                .collect(),
            joined: true,
            labels: Vec::new(),
        };
        Panel {
            title,
            x_label: "cost, million USD".into(),
            y_label: y_label.into(),
            lines: vec![all, line],
            reference: Some(reference),
            marker: None,
        }
    };
    Panels {
        title: format!("Cost of each package against P({goal}) and {year} turnover"),
        panels: vec![
            panel(
                format!("P({goal})"),
                "probability (Wilson 95 %)",
                &|r| r.p_goal,
                (q, format!("required {q}")),
            ),
            panel(
                format!("{year} total turnover"),
                "million USD (mean, 95 % CI)",
                &|r| r.turnover,
                (target, format!("target {}", decision::label_number(target))),
            ),
        ],
    }
}

fn waterfall_data(steps: &[Step], from: &str, to: &str, year: i32) -> (Rows, Vec<Vec<String>>) {
    let mut at = 0.0;
    // one bar per row, coloured by its series: rises, falls, then the total
    let mut series = [
        ("gate adds turnover", 2),
        ("gate loses turnover", 3),
        ("total", 0),
    ]
    .map(|(name, colour)| BarSeries {
        name: name.to_string(),
        colour,
        bars: Vec::new(),
    });
    let mut names = Vec::new();
    let mut push = |names: &mut Vec<String>, name: &str, which: usize, bar: Bar| {
        names.push(name.to_string());
        for (k, s) in series.iter_mut().enumerate() {
            s.bars.push((k == which).then_some(bar));
        }
    };
    let mut table = vec![
        ["gate", "change_musd", "lo", "hi", "cumulative_musd"]
            .map(String::from)
            .to_vec(),
    ];
    let (gates, total) = steps.split_at(steps.len().saturating_sub(1));
    for st in gates {
        let e = st.change;
        // a gate that no replication changed stays in the table, but gets no bar
        if e.mean != 0.0 || e.hi != e.lo {
            let bar = Bar {
                from: at,
                to: at + e.mean,
                lo: at + e.lo,
                hi: at + e.hi,
            };
            push(&mut names, &st.gate, usize::from(e.mean < 0.0), bar);
        }
        at += e.mean;
        table.push(vec![
            st.gate.clone(),
            fixed(e.mean, 2),
            fixed(e.lo, 2),
            fixed(e.hi, 2),
            fixed(at, 2),
        ]);
    }
    if let Some(t) = total.first() {
        let bar = Bar {
            from: 0.0,
            to: t.change.mean,
            lo: t.change.lo,
            hi: t.change.hi,
        };
        push(&mut names, "total", 2, bar);
        table.push(vec![
            "total".into(),
            fixed(t.change.mean, 2),
            fixed(t.change.lo, 2),
            fixed(t.change.hi, 2),
            fixed(t.change.mean, 2),
        ]);
    }
    // a legend entry only for a colour that is drawn
    let series = (series.into_iter())
        .filter(|s| s.bars.iter().any(Option::is_some))
        .collect();
    (
        Rows {
            title: format!("{year} turnover of {to} against {from}, gate by gate: million USD"),
            x_label: format!("cumulative change in {year} total turnover, million USD (paired)"),
            rows: names,
            series,
            one_bar_per_row: true,
        },
        table,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use borderflow::decide::Estimate;

    /// Every gate is in the waterfall's table, in order, with its running total; a gate that
    /// no replication changed gets no bar (it would be an empty row), the others and the total
    /// do.
    #[test]
    fn the_waterfall_table_keeps_a_gate_without_change_and_the_chart_skips_it() {
        let step = |gate: &str, mean: f64, lo: f64, hi: f64| Step {
            gate: gate.into(),
            change: Estimate { mean, lo, hi },
        };
        let steps = [
            step("A", 10.0, 8.0, 12.0),
            step("B", 0.0, 0.0, 0.0),
            step("C", -4.0, -6.0, -2.0),
            step("total", 6.0, 5.0, 7.0),
        ];
        let (rows, table) = waterfall_data(&steps, "none", "a+b", 2025);
        let gates: Vec<&str> = table[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(gates, ["A", "B", "C", "total"]);
        assert_eq!(table[2][4], "10.00");
        assert_eq!(table[3][4], "6.00");
        assert_eq!(rows.rows, ["A", "C", "total"]);
        // one bar per row, a rise, a fall and the total each in its own series (colour)
        assert!(rows.one_bar_per_row);
        let bars: Vec<Vec<Option<(f64, f64)>>> = (rows.series.iter())
            .map(|s| s.bars.iter().map(|b| b.map(|b| (b.from, b.to))).collect())
            .collect();
        assert_eq!(
            bars,
            [
                vec![Some((0.0, 10.0)), None, None],
                vec![None, Some((10.0, 6.0)), None],
                vec![None, None, Some((0.0, 6.0))],
            ]
        );
        let colours: Vec<usize> = rows.series.iter().map(|s| s.colour).collect();
        assert_eq!(colours.len(), 3);
        assert!(colours[0] != colours[1] && colours[1] != colours[2]);
    }
}
