//! Charts are a pure function from results to bytes: drawn here from a small fixed result set,
//! with no simulation.

use borderflow::charts::data::{
    CalibrationInfo, CalibrationRow, ChartData, DailyBand, GateInfo, GateTime, Interval,
    ObservedPoint, Quantiles, StageInfo, TargetLine, UncertainInfo, VariantDaily, VariantData,
};
use borderflow::charts::{ChartFile, draw_all, html, style};
use borderflow::stats;

const GATES: [(&str, &str); 3] = [
    ("huu_nghi", "Hữu Nghị"),
    ("tan_thanh", "Tân Thanh"),
    ("dong_dang", "Ga Đồng Đăng"),
];

fn band(days: usize, level: f64, wiggle: f64) -> DailyBand {
    let mean: Vec<f64> = (0..days)
        .map(|d| level + wiggle * ((d % 7) as f64 - 3.0))
        .collect();
    DailyBand {
        lo: mean.iter().map(|m| (m - 10.0).max(0.0)).collect(),
        hi: mean.iter().map(|m| m + 10.0).collect(),
        mean,
    }
}

/// Three variants, three gates with Vietnamese names, two years of 365 days.
fn sample() -> ChartData {
    let days = 730;
    let months: Vec<String> = (0..24)
        .map(|m| format!("{}-{:02}", 2024 + m / 12, m % 12 + 1))
        .collect();
    let month_lengths = [
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
        31,
    ];
    let mut month_start_days = vec![0];
    for len in &month_lengths[..23] {
        month_start_days.push(month_start_days.last().unwrap() + len);
    }
    let stages = vec![
        StageInfo {
            gate: 0,
            id: "vn_customs".into(),
            name: String::new(),
        },
        StageInfo {
            gate: 0,
            id: "cn_customs".into(),
            name: String::new(),
        },
        StageInfo {
            gate: 1,
            id: "vn_customs".into(),
            name: String::new(),
        },
        StageInfo {
            gate: 1,
            id: "cn_customs".into(),
            name: String::new(),
        },
        StageInfo {
            gate: 2,
            id: "transshipment".into(),
            name: String::new(),
        },
    ];
    let variants = (0..3)
        .map(|v| {
            let shift = 400.0 * v as f64;
            let total: Vec<f64> = (0..8).map(|r| 6_000.0 + shift + 55.0 * r as f64).collect();
            let export: Vec<f64> = total.iter().map(|t| t * 0.58).collect();
            let import: Vec<f64> = total.iter().map(|t| t * 0.42).collect();
            let focus = v != 1;
            VariantData {
                name: ["baseline", "longer-hours", "programme-23"][v].into(),
                description: [
                    "COUNTERFACTUAL: nothing added",
                    "clearance hours to 22:00",
                    "every item of programme 23",
                ][v]
                    .into(),
                change_days: if v == 0 { Vec::new() } else { vec![100, 400] },
                colour: v,
                p_target: Some([
                    Interval {
                        value: 0.1 * v as f64,
                        lo: 0.0,
                        hi: 0.3 + 0.2 * v as f64,
                    },
                    Interval {
                        value: 0.2,
                        lo: 0.05,
                        hi: 0.5,
                    },
                    Interval {
                        value: 0.5,
                        lo: 0.2,
                        hi: 0.8,
                    },
                ]),
                target_year_musd: [total.clone(), export, import],
                years: vec![
                    Quantiles::of(&total.iter().map(|t| t * 0.8).collect::<Vec<_>>()),
                    Quantiles::of(&total),
                ],
                vs_baseline: (v > 0).then_some(Interval {
                    value: shift,
                    lo: shift - 80.0,
                    hi: shift + 80.0,
                }),
                daily: focus.then(|| VariantDaily {
                    cleared: (0..3)
                        .map(|g| band(days, 300.0 + 100.0 * g as f64, 20.0))
                        .collect(),
                    queue: (0..3)
                        .map(|g| band(days, 50.0 * (g + 1) as f64, 5.0))
                        .collect(),
                    yard_capacity: (0..3)
                        .map(|g| {
                            (0..days)
                                .map(|d| (g != 2).then_some(if d < 400 { 200 } else { 350 }))
                                .collect()
                        })
                        .collect(),
                }),
                gate_time: (0..3)
                    .map(|g| GateTime {
                        stages: stages
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| s.gate == g)
                            .map(|(i, _)| (i, 60.0 * (i + 1) as f64))
                            .collect(),
                        other: 90.0,
                        total_ci: Some([60.0 * (g + 2) as f64, 60.0 * (g + 4) as f64]),
                        stage_ci: Vec::new(),
                    })
                    .collect(),
                utilisation: (0..stages.len())
                    .map(|s| {
                        (0..24)
                            .map(|m| (m % 6 != 5 || s != 0).then(|| ((s + m) % 10) as f64 / 10.0))
                            .collect()
                    })
                    .collect(),
            }
        })
        .collect();
    ChartData {
        scenario: "sample".into(),
        title: "Lạng Sơn sample".into(),
        description: "A small fixed result set for chart tests".into(),
        scenario_file: "scenarios/sample.toml".into(),
        scenario_hash: "0123456789abcdef".into(),
        seed: 7,
        replications: 8,
        wall_s: 20.0,
        stopping: "fixed".into(),
        worst_half_width: Some(0.31),
        borderflow_version: "test".into(),
        command_line: vec![
            "borderflow".into(),
            "run".into(),
            "scenarios/sample.toml".into(),
        ],
        start: "2024-01-01".into(),
        days,
        years: vec![2024, 2025],
        months,
        month_start_days,
        target: Some(TargetLine {
            year: 2025,
            total_musd: 6_650.0,
            export_musd: Some(3_890.0),
            import_musd: Some(2_760.0),
            basis_b: false,
            gates: Vec::new(),
        }),
        observed_turnover: vec![ObservedPoint {
            year: 2024,
            musd: 5_000.0,
            source: "test".into(),
        }],
        gates: GATES
            .iter()
            .map(|(id, name)| GateInfo {
                id: (*id).into(),
                name: (*name).into(),
                traffic: true,
                unit: if *id == "dong_dang" {
                    "wagons"
                } else {
                    "trucks"
                }
                .into(),
            })
            .collect(),
        stages,
        variants,
        time_release: None,
        uncertain: vec![UncertainInfo {
            name: "demand_level".into(),
            kind: "demand".into(),
            distribution: "× triangular 0.92–1.1, mode 1".into(),
            applies: "2024-01-01 to 2025-01-01".into(),
            note: "[D] demand in 2024: 1,100–1,350/day".into(),
        }],
        calibration: Some(CalibrationInfo {
            variant: "baseline".into(),
            history: true,
            rows: vec![CalibrationRow {
                name: "turnover 2024".into(),
                usage: "check".into(),
                observed: 5_000.0,
                mean: 5_850.0,
                band: Some([5_600.0, 6_100.0]),
                relative_error: 0.17,
                tolerance: "±10%".into(),
                within: false,
                decided: true,
                source: "customs yearbook".into(),
            }],
            left_out: Vec::new(),
        }),
        stage_time_year: Some(2025),
    }
}

/// All text nodes of an SVG document (it must parse as XML).
fn svg_texts(chart: &ChartFile) -> Vec<String> {
    let doc = roxmltree::Document::parse(&chart.svg)
        .unwrap_or_else(|e| panic!("{}.svg does not parse: {e}", chart.name));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn every_chart_draws_as_png_of_its_size_and_svg_with_vietnamese_text() {
    let data = sample();
    let charts = draw_all(&data).expect("charts draw");
    let names: Vec<&str> = charts.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "turnover-distribution",
            "turnover-by-year",
            "variant-comparison",
            "cleared-per-day",
            "queue-per-day",
            "time-per-stage",
            "stage-utilisation"
        ]
    );
    for c in &charts {
        let decoder = png::Decoder::new(std::io::Cursor::new(&c.png));
        let mut reader = decoder
            .read_info()
            .unwrap_or_else(|e| panic!("{}.png does not decode: {e}", c.name));
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!((info.width, info.height), (c.width, c.height), "{}", c.name);
        assert!(
            c.width >= 800 && c.height >= 300,
            "{}: {}×{}",
            c.name,
            c.width,
            c.height
        );
        // not a blank image: many distinct colours
        let distinct: std::collections::HashSet<&[u8]> = buf.chunks(3).collect();
        assert!(distinct.len() > 20, "{}.png looks empty", c.name);

        let texts = svg_texts(c).join("\n");
        assert!(
            texts.contains("sample"),
            "{}: scenario name missing",
            c.name
        );
        let expected: &[&str] = match c.name {
            "turnover-distribution" | "variant-comparison" => {
                &["baseline", "programme-23", "6,650"]
            }
            "turnover-by-year" => &["baseline", "longer-hours", "observed", "2025"],
            "cleared-per-day" | "queue-per-day" | "time-per-stage" => {
                &["Hữu Nghị", "Tân Thanh", "Ga Đồng Đăng"]
            }
            "stage-utilisation" => &["Hữu Nghị · vn_customs", "Ga Đồng Đăng · transshipment"],
            other => panic!("unexpected chart {other}"),
        };
        for label in expected {
            assert!(
                texts.contains(label),
                "{}.svg lacks the text {label:?}",
                c.name
            );
        }
    }
    // the P(target) legend carries the interval
    let dist = svg_texts(&charts[0]).join("\n");
    assert!(
        dist.contains("programme-23: P = 0.20 [0.00, 0.70]"),
        "{dist}"
    );
}

#[test]
fn drawing_is_deterministic_and_survives_a_json_round_trip() {
    let data = sample();
    let a = draw_all(&data).unwrap();
    let json = serde_json::to_string(&data).unwrap();
    let back: ChartData = serde_json::from_str(&json).unwrap();
    assert_eq!(back, data);
    let b = draw_all(&back).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!(x.svg == y.svg, "{}.svg differs between two draws", x.name);
        assert!(x.png == y.png, "{}.png differs between two draws", x.name);
    }
}

#[test]
fn a_variant_keeps_its_colour_in_every_chart() {
    let data = sample();
    let charts = draw_all(&data).unwrap();
    let c = style::variant_colour(2);
    let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    for name in [
        "turnover-distribution",
        "turnover-by-year",
        "variant-comparison",
        "cleared-per-day",
    ] {
        let chart = charts.iter().find(|x| x.name == name).unwrap();
        assert!(
            chart.svg.contains(&hex),
            "{name} does not use {hex} for programme-23"
        );
    }
    // a variant's colour follows its index in the scenario, not its position in the run
    assert_ne!(style::variant_colour(0), style::variant_colour(1));
}

#[test]
fn report_is_one_offline_file_with_every_chart_and_how_to_reproduce() {
    let data = sample();
    let charts = draw_all(&data).unwrap();
    let page = html::report_html(&data, &charts);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), charts.len());
    assert!(!page.contains("<script"), "no JavaScript");
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "no network"
    );
    for needle in [
        "Answer table",
        "programme-23",
        "0123456789abcdef",
        "borderflow run scenarios/sample.toml",
        "Hữu Nghị",
        "6,650",
        // the numbers behind it, and how to read each chart
        "href=\"summary.json\"",
        "href=\"replications.csv\"",
        "href=\"daily.csv\"",
        "common random numbers), with its 95 % interval",
    ] {
        assert!(page.contains(needle), "report lacks {needle:?}");
    }
    assert!(
        !page.contains("Also as"),
        "captions say how to read, not where the files are"
    );
    assert_eq!(
        page.matches("<figcaption>").count(),
        charts.len(),
        "a caption per chart"
    );
    assert!(
        !page.contains("<figcaption> Files:"),
        "no chart without its reading"
    );
}

/// A run whose widest P(target) interval is wider than ±0.10 says it cannot answer, with the
/// command that narrows it and the replications and time it would take; a decided run does not.
#[test]
fn a_report_says_when_its_replications_cannot_answer() {
    let mut data = sample();
    let charts = draw_all(&data).unwrap();
    let page = html::report_html(&data, &charts);
    // the least certain variant (P = 0.2) needs `want` replications for ±0.10 (60, in steps
    // of 4); the three need about 120 where 24 took 20 s: under two minutes, said in seconds
    let want = stats::wilson_replications(0.2, 0.10, 4);
    for needle in [
        "8 replications cannot answer the question",
        "±0.31",
        "borderflow run scenarios/sample.toml --precision 0.10",
        &format!("up to {want} replications"),
        "s on the machine that made this run",
    ] {
        assert!(page.contains(needle), "report lacks {needle:?}");
    }
    data.worst_half_width = Some(0.09);
    let page = html::report_html(&data, &charts);
    assert!(!page.contains("cannot answer"));
}

#[test]
fn a_scenario_without_target_still_draws_every_chart() {
    let mut data = sample();
    data.target = None;
    for v in &mut data.variants {
        v.p_target = None;
        v.vs_baseline = None;
    }
    let charts = draw_all(&data).unwrap();
    assert_eq!(charts.len(), 7);
    let page = html::report_html(&data, &charts);
    assert!(page.contains("no turnover target"));
}

#[test]
fn figures_near_the_largest_float_draw_and_a_month_not_yyyy_mm_is_refused() {
    // each of these made an axis range infinite, and plotters' tick search never ended: `plot`
    // hung (found by fuzzing charts.json; the inputs are in tests/fixtures/fuzz/)
    let mut data = sample();
    data.variants[0].target_year_musd[0] = vec![-1e308, 1e308];
    data.variants[1].vs_baseline = Some(Interval {
        value: 0.0,
        lo: -1e308,
        hi: 1e308,
    });
    data.variants[0].years[0].p95 = 1.7e308;
    data.variants[0].daily.as_mut().unwrap().cleared[0].hi[0] = 1.79e308;
    data.variants[0].gate_time[0].stages[0].1 = 1e308;
    data.variants[0].gate_time[0].other = 1e308;
    data.check().unwrap();
    assert_eq!(draw_all(&data).unwrap().len(), 7);
    // the heat map labels years with months[i][..4]: an empty month panicked
    let mut data = sample();
    data.months[3] = String::new();
    assert_eq!(
        data.check().unwrap_err(),
        "months[3] is \"\", not a month written YYYY-MM"
    );
    data.months[3] = "2024-13".into();
    assert!(data.check().is_err());
}

#[test]
fn a_chart_too_large_to_draw_is_refused_before_its_bitmap_is_allocated() {
    // found by fuzzing: chart sizes grow with the variants, and a charts.json of a few MB
    // asked for gigabytes of bitmap
    let mut data = sample();
    let one = data.variants[0].clone();
    data.variants = (0..2_000)
        .map(|i| {
            let mut v = one.clone();
            v.name = format!("v{i}");
            v
        })
        .collect();
    data.check().unwrap();
    let err = draw_all(&data).unwrap_err().to_string();
    assert!(err.contains("pixels") && err.contains("--variant"), "{err}");
    data.variants.extend((0..9_000).map(|_| one.clone()));
    assert_eq!(
        data.check().unwrap_err(),
        "11000 variants, more than the 10000 that charts can show"
    );
}

/// The report gives its context (what each variant is, the uncertain parameters with ranges
/// and sources, observed against simulated with a verdict) and the numbers behind every chart
/// in a collapsed table; every SVG has a title and a role, every table a caption, column heads
/// and a scrolling box.
#[test]
fn a_report_states_its_assumptions_and_the_numbers_behind_each_chart() {
    let data = sample();
    let charts = draw_all(&data).unwrap();
    let page = html::report_html(&data, &charts);
    for needle in [
        "Assumptions and model versus observed",
        "every item of programme 23",
        "demand_level",
        "× triangular 0.92–1.1, mode 1",
        "[D] demand in 2024: 1,100–1,350/day",
        "turnover 2024",
        "+17.0 %",
        "Outside their tolerance: turnover 2024",
        "Checks passed: 0 of 1",
        "Lạng Sơn sample",
    ] {
        assert!(page.contains(needle), "report lacks {needle:?}");
    }
    assert_eq!(
        page.matches("<details><summary>Numbers behind this chart")
            .count(),
        charts.len()
    );
    // accessibility: titled SVGs, tables with captions, heads with a scope, in scroll boxes
    for c in &charts {
        assert!(
            c.svg.contains(" role=\"img\"><title>") && c.svg.contains("</title><desc>"),
            "{} has no title or description",
            c.name
        );
    }
    let tables = page.matches("<table").count();
    assert!(tables >= 4 + charts.len(), "{tables} tables");
    assert_eq!(page.matches("<caption>").count(), tables);
    assert_eq!(page.matches("<div class=\"scroll\"><table").count(), tables);
    assert!(!page.contains("<th>"), "every heading cell has a scope");
    // the drawn variants (0 and 2) can be hidden in the gate charts by CSS alone
    for v in [0, 2] {
        let hex = {
            let c = style::variant_colour(v);
            format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
        };
        assert!(page.contains(&format!(
            "<input type=\"checkbox\" class=\"toggle\" id=\"show-{v}\" checked>"
        )));
        assert!(page.contains(&format!(
            "#show-{v}:not(:checked)~figure.gate [stroke=\"{hex}\"]"
        )));
    }
    assert!(
        !page.contains("id=\"show-1\""),
        "variant 1 is not drawn per day"
    );
    assert_eq!(page.matches("<figure id=\"").count(), charts.len());
    assert_eq!(page.matches(" class=\"gate\">").count(), 2);
    // the chart's numbers: the 2024 observed figure and the paired difference of programme-23
    assert!(page.contains(
        "<th scope=\"row\">observed</th><td data-label=\"2024: median [5–95 %]\">5,000</td>"
    ));
    assert!(page.contains("800 [720, 880]"));
}

/// Every chart carries hover texts: a transparent rectangle with a `<title>` over each mark.
#[test]
fn marks_have_hover_texts_with_their_numbers() {
    let data = sample();
    let charts = draw_all(&data).unwrap();
    let texts = |name: &str| -> Vec<String> {
        let c = charts.iter().find(|c| c.name == name).unwrap();
        let doc = roxmltree::Document::parse(&c.svg).unwrap();
        doc.descendants()
            .filter(|n| {
                n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("rect"))
            })
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    };
    for c in &charts {
        assert!(!texts(c.name).is_empty(), "{} has no hover texts", c.name);
    }
    let dist = texts("turnover-distribution");
    assert!(
        dist.iter()
            .any(|t| t == "baseline · replication 0: 6,000 million USD total in 2025"),
        "{:?}",
        &dist[..3]
    );
    assert!(
        texts("variant-comparison")
            .iter()
            .any(|t| t.starts_with("programme-23: 800 million USD more than the baseline"))
    );
    assert!(texts("stage-utilisation").iter().any(|t| {
        t.starts_with("baseline · Hữu Nghị · vn_customs · 2024-06: closed the whole month")
    }));
    assert!(
        texts("queue-per-day")
            .iter()
            .any(|t| t.starts_with("Hữu Nghị · 2024-01\nbaseline: "))
    );
}

/// Below 30 replications the distribution shows dots and their 5–95 % line, no smoothed
/// shape (which would reach beyond the data); from 30 on, the shape.
#[test]
fn few_replications_draw_dots_not_a_smoothed_shape() {
    let mut data = sample();
    let polygons = |data: &ChartData| {
        let c = draw_all(data).unwrap();
        c[0].svg.matches("<polygon").count()
    };
    assert_eq!(polygons(&data), 0, "8 replications: no violins");
    for v in &mut data.variants {
        for part in &mut v.target_year_musd {
            let more: Vec<f64> = (0..40).map(|r| part[r % part.len()] + r as f64).collect();
            *part = more;
        }
    }
    assert_eq!(
        polygons(&data),
        3 * 3,
        "40 replications: a shape per variant and panel"
    );
}

/// Gates without modelled demand are left out of the gate charts, and the per-day charts say
/// so; stage names, units, the display name and a clipped peak are drawn.
#[test]
fn gate_charts_leave_out_gates_without_demand_and_label_what_they_cut() {
    let mut data = sample();
    data.gates[1].traffic = false;
    for s in &mut data.stages {
        s.name = match s.id.as_str() {
            "vn_customs" => "Vietnamese customs",
            "cn_customs" => "Chinese customs",
            _ => "transshipment (rail)",
        }
        .into();
    }
    let daily = data.variants[0].daily.as_mut().unwrap();
    for d in 300..304 {
        daily.queue[0].hi[d] = 25_000.0;
    }
    let charts = draw_all(&data).unwrap();
    let find = |name: &str| -> Vec<String> {
        let c = charts.iter().find(|c| c.name == name).unwrap();
        svg_texts(c).iter().map(|t| t.trim().to_string()).collect()
    };
    let queue = find("queue-per-day");
    assert!(
        queue
            .iter()
            .any(|t| t.ends_with("no modelled demand, not drawn: Tân Thanh")),
        "{queue:?}"
    );
    assert!(
        !queue.iter().any(|t| t == "Tân Thanh"),
        "no panel for Tân Thanh"
    );
    assert!(
        queue
            .iter()
            .any(|t| t.starts_with("Lạng Sơn sample: waiting"))
    );
    assert!(
        queue.iter().any(|t| t.starts_with("clipped: peak 14,")
            && t.contains(" trucks (90 % band) around 2024-1"))
    );
    assert!(
        queue.iter().any(|t| t == "wagons"),
        "the rail gate counts wagons"
    );
    let heat = find("stage-utilisation");
    assert!(heat.iter().any(|t| t == "Hữu Nghị · Vietnamese customs"));
    assert!(!heat.iter().any(|t| t.starts_with("Tân Thanh")));
    let stage = find("time-per-stage");
    assert!(stage.iter().any(|t| t == "Chinese customs"));
    assert!(!stage.iter().any(|t| t == "cn_customs" || t == "Tân Thanh"));
    assert!(stage.iter().any(|t| t.contains("in 2025")));
}

/// The report's first answer line names the variant with the highest P(target); where several
/// tie (every variant at P = 1.00 on the main study), it says so and names the one with the
/// highest mean turnover, not the last in the file.
#[test]
fn the_answer_line_breaks_a_tie_by_turnover() {
    let mut data = sample();
    let charts = draw_all(&data).unwrap();
    let page = html::report_html(&data, &charts);
    assert!(
        page.contains("Most likely to reach the target: <b>programme-23</b>, P = 0.20"),
        "unique highest P"
    );
    // all three at P = 1; programme-23 (index 2) has the highest turnover, then swap it to the
    // middle so that neither the first nor the last in the file is the answer
    for v in &mut data.variants {
        v.p_target.as_mut().unwrap()[0] = Interval {
            value: 1.0,
            lo: 0.81,
            hi: 1.0,
        };
    }
    data.variants.swap(1, 2);
    let page = html::report_html(&data, &charts);
    assert!(
        page.contains(
            "3 variants tie at P = 1.00 (95 % interval 0.81–1.00); of these, \
             <b>programme-23</b> has the highest mean turnover in 2025"
        ),
        "tie not broken by turnover"
    );
}
