//! `report.html`: one self-contained page (inline SVG, inline CSS, no script, no network).

use std::fmt::Write;

use super::data::{ChartData, Interval, Quantiles};
use super::{ChartFile, thousands};

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What a target counts, for people: its basis and its gates.
pub(super) fn target_scope(t: &super::data::TargetLine) -> String {
    let basis = if t.basis_b {
        "basis B: all goods crossing"
    } else {
        "basis A: goods declared at Lạng Sơn customs"
    };
    if t.gates.is_empty() {
        basis.to_string()
    } else {
        format!("{basis}, at {}", t.gates.join(" and "))
    }
}

fn p(iv: Option<Interval>) -> String {
    match iv.filter(|iv| !iv.value.is_nan()) {
        Some(iv) => format!("{:.2} [{:.2}, {:.2}]", iv.value, iv.lo, iv.hi),
        None => "–".to_string(),
    }
}

/// A chart's SVG without its XML declaration, for inlining in a page.
fn inline_svg(c: &ChartFile) -> &str {
    c.svg
        .trim_start_matches(|ch: char| ch != '<')
        .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .trim()
}

/// Quotes a command-line word for a POSIX shell when it needs it.
fn shell_word(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

const CSS: &str = "body{font-family:'DejaVu Sans',system-ui,sans-serif;max-width:1440px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
.scroll{overflow-x:auto;max-width:100%}caption{text-align:left;font-weight:bold;padding:.3em 0}details{margin:.5em 0 1.5em}summary{cursor:pointer;color:#245}\
td.wrap{white-space:normal;min-width:16em;max-width:40em;text-align:left}table.text th,table.text td{text-align:left;vertical-align:top}\
@media (max-width:640px){table.text thead{display:none}table.text,table.text tbody,table.text tr,table.text th,table.text td{display:block;min-width:0;max-width:none;white-space:normal;text-align:left}\
table.text caption{display:block}table.text tr{border-bottom:2px solid #ccc;padding:.3em 0}table.text td{border:none;padding:.15em .6em}table.text td::before{content:attr(data-label) \": \";font-weight:bold}}.fail{color:#a00;font-weight:bold}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em}\
table{border-collapse:collapse;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:right}td{white-space:nowrap}\
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}\
figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee;display:block}\
figcaption{font-size:.9em;color:#555}code,pre{background:#f6f6f6;padding:.1em .3em}\
pre{padding:.8em;overflow-x:auto}.answer{font-size:1.1em;background:#f3f8ff;padding:.8em 1em;border-left:4px solid #4e79a7}\
.warn{background:#fff6e5;padding:.8em 1em;border-left:4px solid #e8a33d}";

/// The report page of a run.
pub fn report_html(d: &ChartData, charts: &[ChartFile]) -> String {
    let mut h = String::new();
    let title = format!("borderflow — {}", d.display_name());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    let ty = d.target_year_index();
    match (&d.target, ty) {
        (Some(t), Some(_)) => {
            let _ = writeln!(
                h,
                "<h1>Which improvements reach USD {} million of import–export turnover in {} ({}), and with what probability?</h1>",
                thousands(t.total_musd),
                t.year,
                esc(d.display_name())
            );
            let _ = writeln!(
                h,
                "<p>Target: USD {} million in total{}, {}. Each variant is a package of improvements; each was simulated {} with common random numbers.</p>",
                thousands(t.total_musd),
                match (t.export_musd, t.import_musd) {
                    (Some(e), Some(i)) =>
                        format!(" (exports {}, imports {})", thousands(e), thousands(i)),
                    _ => String::new(),
                },
                target_scope(t),
                times_simulated(d)
            );
            let best = d
                .variants
                .iter()
                .filter_map(|v| v.p_target.map(|p| (v, p[0])))
                .max_by(|a, b| a.1.value.total_cmp(&b.1.value));
            if let Some((v, pt)) = best {
                let reaching: Vec<&str> = d
                    .variants
                    .iter()
                    .filter(|v| v.p_target.is_some_and(|p| p[0].lo >= 0.5))
                    .map(|v| v.name.as_str())
                    .collect();
                let _ = writeln!(
                    h,
                    "<p class=\"answer\">Most likely to reach the target: <b>{}</b>, P = {:.2} (95 % interval {:.2}–{:.2}). {}</p>",
                    esc(&v.name),
                    pt.value,
                    pt.lo,
                    pt.hi,
                    if reaching.is_empty() {
                        "No variant reaches it with a probability whose interval lies above one half.".to_string()
                    } else {
                        format!(
                            "Variants that reach it more often than not (whole interval above 0.5): {}.",
                            esc(&reaching.join(", "))
                        )
                    }
                );
            }
        }
        _ => {
            let _ = writeln!(
                h,
                "<h1>{}: simulated border throughput</h1>\n<p>This scenario has no turnover target within its horizon.</p>",
                esc(d.display_name())
            );
        }
    }
    // answer table
    let year = d.target.as_ref().map_or(0, |t| t.year);
    let _ = writeln!(
        h,
        "<h2>Answer table</h2>\n<div class=\"scroll\"><table>\n<caption>Each variant's chance of reaching the target in {year}, its turnover and its gain over the baseline</caption>\n<thead><tr><th scope=\"col\">variant</th><th scope=\"col\">P(total target)</th><th scope=\"col\">P(exports)</th><th scope=\"col\">P(imports)</th><th scope=\"col\">turnover {year}, mean (M USD)</th><th scope=\"col\">90 % of replications</th><th scope=\"col\">minus baseline (paired, 95 % CI)</th></tr></thead>\n<tbody>"
    );
    for v in &d.variants {
        let pt = |k: usize| p(v.p_target.map(|x| x[k]));
        let q = Quantiles::of(&v.target_year_musd[0]);
        let has = !v.target_year_musd[0].is_empty();
        let diff = v.vs_baseline.map_or("–".to_string(), |iv| {
            format!(
                "{} [{}, {}]",
                thousands(iv.value),
                thousands(iv.lo),
                thousands(iv.hi)
            )
        });
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&v.name),
            pt(0),
            pt(1),
            pt(2),
            if has { thousands(q.mean) } else { "–".into() },
            if has {
                format!("{} – {}", thousands(q.p5), thousands(q.p95))
            } else {
                "–".into()
            },
            esc(&diff)
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table></div>\n<p>P: share of replications reaching the target, with its Wilson 95 % interval. Widest interval half-width: {}.</p>",
        d.worst_half_width
            .map_or("–".to_string(), |w| format!("{w:.3}"))
    );
    if let Some(note) = too_wide(d) {
        let _ = writeln!(h, "<p class=\"warn\">{note}</p>");
    }
    assumptions(&mut h, d);
    // charts
    for c in charts {
        let svg = inline_svg(c);
        let gate_chart = matches!(c.name, "cleared-per-day" | "queue-per-day");
        if c.name == "cleared-per-day" {
            variant_toggles(&mut h, d);
        }
        let _ = writeln!(
            h,
            "<figure id=\"{name}\"{}>\n<h2>{}</h2>",
            if gate_chart { " class=\"gate\"" } else { "" },
            esc(&c.title),
            name = c.name
        );
        let _ = writeln!(
            h,
            "<div class=\"scroll\" style=\"min-width:0\"><div style=\"min-width:{}px\">{svg}</div></div>\n<figcaption>{} Hover over a mark for its numbers. Files: <a href=\"{name}.svg\">{name}.svg</a>, <a href=\"{name}.png\">{name}.png</a>.</figcaption>\n</figure>",
            readable_width(c),
            caption(c.name),
            name = c.name
        );
        if let Some(t) = chart_table(d, c.name) {
            let _ = writeln!(
                h,
                "<details><summary>Numbers behind this chart</summary>\n{}</details>",
                table_markup(&t, &[], true)
            );
        }
    }
    if let Some(t) = &d.time_release {
        time_release_html(&mut h, t);
    }
    let _ = writeln!(
        h,
        "<p>The numbers behind this page, in this folder: <a href=\"summary.json\">summary.json</a> (every figure above, with intervals), <a href=\"replications.csv\">replications.csv</a> (one row per variant, replication and year), <a href=\"daily.csv\">daily.csv</a> (per variant, gate and day), <a href=\"charts.json\">charts.json</a> (the charts' data).</p>"
    );
    // provenance
    let cmd: Vec<String> = d.command_line.iter().map(|w| shell_word(w)).collect();
    let _ = writeln!(
        h,
        "<h2>How this run was made</h2>\n<div class=\"scroll\"><table>\n<caption>The run's inputs and settings</caption>\n<tr><th scope=\"row\">scenario</th><td>{}</td></tr>\n<tr><th scope=\"row\">scenario file</th><td><code>{}</code></td></tr>\n<tr><th scope=\"row\">scenario hash (FNV-1a 64)</th><td><code>{}</code></td></tr>\n<tr><th scope=\"row\">seed</th><td>{}</td></tr>\n<tr><th scope=\"row\">replications per variant</th><td>{}</td></tr>\n<tr><th scope=\"row\">stopping rule</th><td>{}</td></tr>\n<tr><th scope=\"row\">simulated</th><td>{} days from {}</td></tr>\n<tr><th scope=\"row\">borderflow</th><td>{}</td></tr>\n</table></div>",
        esc(&d.scenario),
        esc(&d.scenario_file),
        esc(&d.scenario_hash),
        d.seed,
        d.replications,
        esc(&d.stopping),
        d.days,
        esc(&d.start),
        esc(&d.borderflow_version)
    );
    let _ = writeln!(
        h,
        "<p>To reproduce it, run the same command on the same scenario file (same hash) with the same borderflow version; results are bit-identical whatever the number of threads:</p>\n<pre>{}</pre>\n<p>To redraw these charts and this page from the saved results without simulating: <code>borderflow plot FOLDER</code> (the folder holding this page).</p>\n</body>\n</html>",
        esc(&cmd.join(" "))
    );
    h
}

/// Check boxes that show or hide each drawn variant in the two per-day gate charts, by CSS
/// alone (no script): a box unticked hides every mark of that variant's colour in the
/// figures of class `gate` that follow it. Variants drawn in black are not offered (black is
/// also the axes' colour).
fn variant_toggles(h: &mut String, d: &ChartData) {
    let drawn: Vec<(usize, String)> = (d.variants.iter())
        .filter(|v| v.daily.is_some())
        .map(|v| {
            let c = super::style::variant_colour(v.colour);
            (v.colour, format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2))
        })
        .filter(|(_, hex)| hex != "#000000")
        .collect();
    if drawn.len() < 2 {
        return;
    }
    let mut css = String::new();
    for (i, hex) in &drawn {
        let _ = write!(
            css,
            "#show-{i}:not(:checked)~figure.gate [stroke=\"{hex}\"],#show-{i}:not(:checked)~figure.gate [fill=\"{hex}\"]{{visibility:hidden}}"
        );
    }
    let _ = writeln!(
        h,
        "<style>{css}input.toggle{{margin:0 .3em 0 1em}}</style>\n<p>Show or hide a variant in the two per-day charts below (no script needed):</p>"
    );
    for v in d.variants.iter() {
        let Some((i, hex)) = drawn.iter().find(|(i, _)| *i == v.colour) else {
            continue;
        };
        let _ = writeln!(
            h,
            "<input type=\"checkbox\" class=\"toggle\" id=\"show-{i}\" checked><label for=\"show-{i}\"><span style=\"color:{hex}\">■</span> {}</label>",
            esc(&v.name)
        );
    }
}

/// The narrowest a chart may be drawn, pixels, so that its smallest text is at least 11 px
/// on the page: its width × 11 / its smallest SVG font size. Narrower screens scroll it.
fn readable_width(c: &ChartFile) -> u32 {
    let smallest = c
        .svg
        .split("font-size=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse::<f64>().ok())
        .fold(f64::INFINITY, f64::min);
    if smallest.is_finite() && smallest > 0.0 {
        ((c.width as f64 * 11.2 / smallest).ceil() as u32).min(c.width)
    } else {
        c.width.min(600)
    }
}

/// A number with `d` decimals, or "–" when it is not finite.
fn num(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:.d$}")
    } else {
        "–".to_string()
    }
}

/// The section "Assumptions and model versus observed": what each variant is, the
/// parameters drawn per replication, and the calibration table of the history variant.
fn assumptions(h: &mut String, d: &ChartData) {
    let _ = writeln!(
        h,
        "<h2 id=\"assumptions\">Assumptions and model versus observed</h2>"
    );
    if !d.description.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(&d.description));
    }
    let _ = writeln!(
        h,
        "<p>Grades in the notes: [F] a published figure, [D] derived from published figures, [E] an estimate of ours with the range given; sources are in the scenario file <code>{}</code> and in <code>../shared/data/</code>.</p>",
        esc(&d.scenario_file)
    );
    let variants = Table {
        caption: "What each variant is".to_string(),
        header: vec![
            "variant".into(),
            "what it is".into(),
            "its changes begin".into(),
        ],
        rows: d
            .variants
            .iter()
            .map(|v| {
                let dates: Vec<String> =
                    v.change_days.iter().map(|&day| day_date(d, day)).collect();
                vec![
                    v.name.clone(),
                    v.description.clone(),
                    if dates.is_empty() {
                        "–".to_string()
                    } else {
                        dates.join(", ")
                    },
                ]
            })
            .collect(),
    };
    h.push_str(&table_markup(&variants, &[1, 2], true));
    if !d.uncertain.is_empty() {
        let _ = writeln!(
            h,
            "<p>What we do not know is drawn anew in every replication, shared by all variants (common random numbers): each parameter below multiplies what it names, drawn from its range.</p>"
        );
        let t = Table {
            caption: format!(
                "The {} uncertain parameters, their ranges and sources",
                d.uncertain.len()
            ),
            header: vec![
                "parameter".into(),
                "multiplies".into(),
                "range".into(),
                "where and when".into(),
                "source and reasoning".into(),
            ],
            rows: (d.uncertain.iter())
                .map(|u| {
                    vec![
                        u.name.clone(),
                        u.kind.clone(),
                        u.distribution.clone(),
                        u.applies.clone(),
                        u.note.clone(),
                    ]
                })
                .collect(),
        };
        h.push_str(&table_markup(&t, &[3, 4], true));
    }
    match &d.calibration {
        Some(c) => {
            let failed: Vec<&str> = (c.rows.iter())
                .filter(|r| !r.within)
                .map(|r| r.name.as_str())
                .collect();
            let checks = c.rows.iter().filter(|r| r.usage == "check").count();
            let passed = (c.rows.iter())
                .filter(|r| r.usage == "check" && r.within)
                .count();
            let _ = writeln!(
                h,
                "<p>Model versus observed, for <b>{}</b> ({}), over this run's replications. <b>fit</b>: a parameter was fitted to the figure, so agreement is expected; <b>check</b>: nothing was fitted to it, so agreement is evidence. Checks passed: {passed} of {checks}.{}</p>",
                esc(&c.variant),
                if c.history {
                    "the variant that reproduces what happened"
                } else {
                    "the first variant: the file names no history variant"
                },
                if failed.is_empty() {
                    String::new()
                } else {
                    format!(
                        " <span class=\"fail\">Outside their tolerance: {}.</span>",
                        esc(&failed.join("; "))
                    )
                }
            );
            let t = Table {
                caption: "Observed figures against the simulation".to_string(),
                header: vec![
                    "figure".into(),
                    "use".into(),
                    "observed".into(),
                    "simulated mean".into(),
                    "90 % of replications".into(),
                    "difference".into(),
                    "tolerance".into(),
                    "within".into(),
                    "source".into(),
                ],
                rows: (c.rows.iter())
                    .map(|r| {
                        let dec = if r.observed.abs() >= 10.0 { 0 } else { 3 };
                        vec![
                            r.name.clone(),
                            r.usage.clone(),
                            num(r.observed, dec),
                            num(r.mean, dec),
                            match r.band {
                                Some([lo, hi]) => format!("{} – {}", num(lo, dec), num(hi, dec)),
                                None => "–".to_string(),
                            },
                            format!("{:+.1} %", r.relative_error * 100.0),
                            r.tolerance.clone(),
                            match (r.within, r.decided) {
                                (true, _) if r.band.is_none() => "yes (mean only)".to_string(),
                                (false, _) if r.band.is_none() => "NO (mean only)".to_string(),
                                (true, true) => "yes".to_string(),
                                (true, false) => "yes (at the edge)".to_string(),
                                (false, true) => "NO".to_string(),
                                (false, false) => "NO (at the edge)".to_string(),
                            },
                            r.source.clone(),
                        ]
                    })
                    .collect(),
            };
            h.push_str(&table_markup(&t, &[8], true));
            let _ = writeln!(
                h,
                "<p>Per-day figures show only their mean here (\"mean only\": no band, so no word on whether more replications could change the verdict): a run keeps the days' sums over replications, not each replication's days. \"At the edge\": a tolerance limit lies inside the 95 % interval of the simulated mean. {}<code>borderflow calibrate {}</code> gives the full table.</p>",
                if c.left_out.is_empty() {
                    String::new()
                } else {
                    format!("Not computed from a run: {}. ", esc(&c.left_out.join("; ")))
                },
                esc(&shell_word(&d.scenario_file))
            );
        }
        None => {
            let _ = writeln!(
                h,
                "<p>No calibration table: the run does not include the scenario's history variant (else its first variant), or the file has no <code>[[observed]]</code> figures. <code>borderflow calibrate FILE</code> makes one.</p>"
            );
        }
    }
}

/// `YYYY-MM-DD` of day `day` of the horizon.
fn day_date(d: &ChartData, day: usize) -> String {
    let start: Option<crate::model::Date> = d.start.parse().ok();
    start.map_or_else(
        || format!("day {day}"),
        |s| s.plus_days(day as i64).to_string(),
    )
}

/// A table in a scrolling box, with its caption and scoped column heads. Columns `wrap` (long
/// text) may wrap, and make it a text table that stacks on phones; `row_heads` makes the first
/// cell of each row its heading and labels the others (for stacking); decision pages use
/// plain cells.
fn table_markup(t: &Table, wrap: &[usize], row_heads: bool) -> String {
    let class = if wrap.is_empty() {
        ""
    } else {
        " class=\"text\""
    };
    let mut h = format!(
        "<div class=\"scroll\"><table{class}>\n<caption>{}</caption>\n<thead><tr>",
        esc(&t.caption)
    );
    for c in &t.header {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        h.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if !row_heads {
                let _ = write!(h, "<td>{}</td>", esc(c));
            } else if i == 0 {
                let _ = write!(h, "<th scope=\"row\">{}</th>", esc(c));
            } else {
                let label = t.header.get(i).map_or(String::new(), |x| esc(x));
                let class = if wrap.contains(&i) {
                    " class=\"wrap\""
                } else {
                    ""
                };
                let _ = write!(h, "<td{class} data-label=\"{label}\">{}</td>", esc(c));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    h
}

/// The Time Release Study table of a traced replication.
fn time_release_html(h: &mut String, t: &crate::report::trace::TimeRelease) {
    let _ = writeln!(
        h,
        "<h2 id=\"time-release\">Time Release Study: waiting and service per gate and stage</h2>\n<p>From the trace of replication {} of <b>{}</b>, vehicles that joined a stage's queue from {} to {} (both included), as the WCO Time Release Study reports them: hours from joining the queue to the start of service (waiting) and from start to end (service). One replication: a picture of those days, not an average over futures.</p>",
        t.replication,
        esc(&t.variant),
        esc(&t.window[0]),
        esc(&t.window[1])
    );
    let table = Table {
        caption: "Waiting and service, hours (mean, median, 90th percentile)".to_string(),
        header: [
            "gate",
            "stage",
            "vehicles served",
            "left unserved",
            "wait mean",
            "wait median",
            "wait p90",
            "service mean",
            "service median",
            "service p90",
        ]
        .map(String::from)
        .to_vec(),
        rows: crate::report::trace::release_cells(t),
    };
    h.push_str(&table_markup(&table, &[1], true));
}

/// The numbers a chart draws, as a table (for the `<details>` under it).
fn chart_table(d: &ChartData, name: &str) -> Option<Table> {
    let k = |x: f64| thousands(x);
    match name {
        "turnover-distribution" => {
            let t = d.target.as_ref()?;
            Some(Table {
                caption: format!("Turnover in {} per variant, million USD", t.year),
                header: [
                    "variant",
                    "replications",
                    "total: mean",
                    "total: 5 %",
                    "total: median",
                    "total: 95 %",
                    "exports: median",
                    "imports: median",
                    "P(total target) [95 %]",
                ]
                .map(String::from)
                .to_vec(),
                rows: (d.variants.iter())
                    .map(|v| {
                        let q = Quantiles::of(&v.target_year_musd[0]);
                        vec![
                            v.name.clone(),
                            v.target_year_musd[0].len().to_string(),
                            k(q.mean),
                            k(q.p5),
                            k(q.p50),
                            k(q.p95),
                            k(Quantiles::of(&v.target_year_musd[1]).p50),
                            k(Quantiles::of(&v.target_year_musd[2]).p50),
                            p(v.p_target.map(|x| x[0])),
                        ]
                    })
                    .collect(),
            })
        }
        "turnover-by-year" => {
            let mut header = vec!["variant".to_string()];
            header.extend(d.years.iter().map(|y| format!("{y}: median [5–95 %]")));
            let mut rows: Vec<Vec<String>> = (d.variants.iter())
                .map(|v| {
                    let mut r = vec![v.name.clone()];
                    r.extend(
                        (v.years.iter())
                            .map(|q| format!("{} [{}–{}]", k(q.p50), k(q.p5), k(q.p95))),
                    );
                    r
                })
                .collect();
            if !d.observed_turnover.is_empty() {
                let mut r = vec!["observed".to_string()];
                r.extend(d.years.iter().map(|y| {
                    (d.observed_turnover.iter())
                        .find(|o| o.year == *y)
                        .map_or("–".to_string(), |o| k(o.musd))
                }));
                rows.push(r);
            }
            Some(Table {
                caption: "Basis-A turnover per year, million USD".to_string(),
                header,
                rows,
            })
        }
        "variant-comparison" => Some(Table {
            caption: "P(total target) and the paired difference to the baseline".to_string(),
            header: [
                "variant",
                "P(total target) [95 % Wilson]",
                "minus baseline, million USD [95 % t]",
            ]
            .map(String::from)
            .to_vec(),
            rows: (d.variants.iter())
                .map(|v| {
                    vec![
                        v.name.clone(),
                        p(v.p_target.map(|x| x[0])),
                        v.vs_baseline.map_or("–".to_string(), |iv| {
                            format!("{} [{}, {}]", k(iv.value), k(iv.lo), k(iv.hi))
                        }),
                    ]
                })
                .collect(),
        }),
        "cleared-per-day" | "queue-per-day" => {
            let cleared = name == "cleared-per-day";
            let mut rows = Vec::new();
            for v in d.variants.iter().filter(|v| v.daily.is_some()) {
                let daily = v.daily.as_ref()?;
                for (g, gate) in d.gates.iter().enumerate() {
                    if !gate.traffic {
                        continue;
                    }
                    let band = if cleared {
                        &daily.cleared[g]
                    } else {
                        &daily.queue[g]
                    };
                    for (y, year) in d.years.iter().enumerate() {
                        let (from, to) = year_days(d, y);
                        if to <= from || to > band.mean.len() {
                            continue;
                        }
                        let days = &band.mean[from..to];
                        let mean = days.iter().sum::<f64>() / days.len() as f64;
                        let peak = days.iter().copied().fold(0.0, f64::max);
                        rows.push(vec![
                            v.name.clone(),
                            gate.name.clone(),
                            year.to_string(),
                            gate.unit.clone(),
                            k(mean),
                            k(peak),
                        ]);
                    }
                }
            }
            Some(Table {
                caption: if cleared {
                    "Cleared per day: yearly mean and highest day (mean over replications)"
                        .to_string()
                } else {
                    "Waiting at the end of the day: yearly mean and highest day (mean over replications)"
                        .to_string()
                },
                header: [
                    "variant",
                    "gate",
                    "year",
                    "counted",
                    "mean per day",
                    "highest day",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            })
        }
        "time-per-stage" => {
            let mut rows = Vec::new();
            for v in &d.variants {
                for (g, gt) in v.gate_time.iter().enumerate() {
                    if !d.gates[g].traffic {
                        continue;
                    }
                    for (k, &(s, minutes)) in gt.stages.iter().enumerate() {
                        let ci = gt.stage_ci.get(k).copied().flatten();
                        rows.push(vec![
                            v.name.clone(),
                            d.gates[g].name.clone(),
                            d.stages[s].label().to_string(),
                            format!(
                                "{}{}",
                                num(minutes / 60.0, 2),
                                ci.map_or(String::new(), |[lo, hi]| format!(
                                    " [{}, {}]",
                                    num(lo / 60.0, 2),
                                    num(hi / 60.0, 2)
                                ))
                            ),
                        ]);
                    }
                    let total = gt.stages.iter().map(|x| x.1).sum::<f64>() + gt.other;
                    rows.push(vec![
                        v.name.clone(),
                        d.gates[g].name.clone(),
                        "road, yard, moving".to_string(),
                        num(gt.other / 60.0, 2),
                    ]);
                    rows.push(vec![
                        v.name.clone(),
                        d.gates[g].name.clone(),
                        "total time at the gate [95 %]".to_string(),
                        format!(
                            "{}{}",
                            num(total / 60.0, 2),
                            gt.total_ci.map_or(String::new(), |[lo, hi]| format!(
                                " [{}, {}]",
                                num(lo / 60.0, 2),
                                num(hi / 60.0, 2)
                            ))
                        ),
                    ]);
                }
            }
            Some(Table {
                caption: format!(
                    "Hours per vehicle{}",
                    d.stage_time_year
                        .map_or(String::new(), |y| format!(" in {y}"))
                ),
                header: ["variant", "gate", "stage", "hours per vehicle [95 %]"]
                    .map(String::from)
                    .to_vec(),
                rows,
            })
        }
        "stage-utilisation" => {
            let mut header = vec!["variant".to_string(), "gate · stage".to_string()];
            header.extend(d.years.iter().map(|y| format!("{y}")));
            let mut rows = Vec::new();
            for v in d.variants.iter().filter(|v| v.daily.is_some()) {
                for (s, st) in d.stages.iter().enumerate() {
                    if !d.gates.get(st.gate).is_some_and(|g| g.traffic) {
                        continue;
                    }
                    let mut r = vec![
                        v.name.clone(),
                        format!("{} · {}", d.gates[st.gate].name, st.label()),
                    ];
                    for y in &d.years {
                        let prefix = format!("{y:04}-");
                        let vals: Vec<f64> = (d.months.iter().zip(&v.utilisation[s]))
                            .filter(|(m, _)| m.starts_with(&prefix))
                            .filter_map(|(_, u)| *u)
                            .collect();
                        r.push(if vals.is_empty() {
                            "closed".to_string()
                        } else {
                            format!(
                                "{:.0} %",
                                vals.iter().sum::<f64>() / vals.len() as f64 * 100.0
                            )
                        });
                    }
                    rows.push(r);
                }
            }
            Some(Table {
                caption: "Utilisation per year: mean of the open months".to_string(),
                header,
                rows,
            })
        }
        _ => None,
    }
}

/// Day range `[from, to)` of year index `y` of the horizon.
fn year_days(d: &ChartData, y: usize) -> (usize, usize) {
    let year = d.years[y];
    let starts = |yr: i32| {
        (d.months.iter().zip(&d.month_start_days))
            .find(|(m, _)| m.starts_with(&format!("{yr:04}-")))
            .map(|(_, &day)| day)
    };
    let from = starts(year).unwrap_or(0);
    let to = starts(year + 1).unwrap_or(d.days);
    (from, to)
}

/// How to read the chart `name` of a run's report (one or two sentences).
pub(super) fn caption(name: &str) -> &'static str {
    match name {
        "turnover-distribution" => {
            "Each variant's target-year turnover: every replication is a dot, the black mark the median, against the target line; the label gives P(target) with its 95 % interval. Below 30 replications a line spans the middle 90 % of the dots; from 30 on, a smoothed shape shows their density. A variant whose dots lie beyond the line reaches the target in most futures."
        }
        "turnover-by-year" => {
            "Turnover per year: the line is the median over replications, the bands hold the middle 50 % and 90 %; crosses are the observed series where the scenario has one (the calibration table above compares them). Compare a band's width with the gap to the target."
        }
        "variant-comparison" => {
            "Left: P(target) per variant with its 95 % interval. Right: each variant's turnover minus the baseline's in the same replications (common random numbers), with its 95 % interval; an interval clear of zero is a real difference."
        }
        "cleared-per-day" => {
            "Vehicles cleared per day at each gate (trucks, or wagons at the rail gate), as a 7-day mean: the line is the mean over replications, the band the 90 % band. Dips are closures (Tết, holidays, crises); a flat top is a gate working at capacity. Thin dashed lines mark the days a drawn variant's changes begin; gates without modelled demand are left out."
        }
        "queue-per-day" => {
            "Vehicles waiting at each gate at the end of each day (holding yard and road), as a 7-day mean with its 90 % band; dashed, the yard capacity. Where one spell would flatten the rest, the axis is cut and the peak written in red. Queues that grow for weeks mean demand above capacity."
        }
        "time-per-stage" => {
            "Hours a vehicle spends at each stage of each gate in the target year (waiting and service), as a Time Release Study reports them; grey is the rest (road, yard, moving), the whisker the 95 % interval of the whole time at the gate (each stage's interval is in its hover text and the table below). The longest bars are where an improvement saves most time."
        }
        "stage-utilisation" => {
            "Busy server-time over open server-time per stage and month: yellow cells (near 1) are bottlenecks, dark purple ones spare capacity; grey cells are stages closed the whole month (hours closed within a month lower the open time, not the colour)."
        }
        _ => "",
    }
}

/// "N times", or the range when each variant stopped on its own precision rule.
fn times_simulated(d: &ChartData) -> String {
    let counts = d.variants.iter().map(|v| v.target_year_musd[0].len());
    match (counts.clone().min(), counts.max()) {
        (Some(lo), Some(hi)) if lo != hi => {
            format!("{lo}–{hi} times (each until its P(target) was decided)")
        }
        _ => format!("{} times", d.replications),
    }
}

/// Half-width of P(total target) above which the report says the run cannot decide.
const DECISIVE_HALF_WIDTH: f64 = 0.10;

/// When the widest P(total target) interval is wider than ±0.10: a warning with the command
/// that narrows it, the replications it would take and, at this run's pace, the time.
fn too_wide(d: &ChartData) -> Option<String> {
    let w = d.worst_half_width.filter(|&w| w > DECISIVE_HALF_WIDTH)?;
    let (mut done, mut needed, mut most) = (0u64, 0u64, 0u64);
    for v in &d.variants {
        let n = v.target_year_musd[0].len() as u64;
        let p = v.p_target.map_or(0.5, |p| p[0].value);
        let need = crate::stats::wilson_replications(p, DECISIVE_HALF_WIDTH, 4).max(n);
        done += n;
        needed += need;
        most = most.max(need);
    }
    let time = if d.wall_s > 0.0 && done > 0 {
        let secs = d.wall_s * needed as f64 / done as f64;
        if secs < 120.0 {
            format!(", about {secs:.0} s on the machine that made this run")
        } else {
            format!(
                ", about {:.0} min on the machine that made this run",
                secs / 60.0
            )
        }
    } else {
        String::new()
    };
    Some(format!(
        "{} cannot answer the question: the widest 95 % interval of P(target) is ±{w:.2}, wider than ±{DECISIVE_HALF_WIDTH:.2}. To narrow every variant to ±{DECISIVE_HALF_WIDTH:.2} (up to {most} replications for the least certain at its observed P{time}): <code>borderflow run {} --precision {DECISIVE_HALF_WIDTH:.2}</code>.",
        if d.replications == 1 {
            "One replication".to_string()
        } else {
            format!("{} replications", d.replications)
        },
        esc(&shell_word(&d.scenario_file))
    ))
}

/// A table of a decision page: caption, header and rows of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table shows.
    pub caption: String,
    /// Column heads.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// A section of a decision page: a heading, paragraphs, a table and a chart (with the
/// chart's numbers in a collapsed table under it).
#[derive(Debug, Clone, PartialEq)]
pub struct Section<'a> {
    /// Heading.
    pub heading: String,
    /// Paragraphs of plain text.
    pub text: Vec<String>,
    /// The section's table, if any.
    pub table: Option<Table>,
    /// Its chart, if any, and how to read it.
    pub chart: Option<(&'a ChartFile, String)>,
}

/// How a decision page was made: what runs it again, and the data files beside it.
pub struct Made<'a> {
    /// The command line, word by word.
    pub command: &'a [String],
    /// The master seed it ran with (from `--seed` or the scenario file).
    pub seed: u64,
    /// The data files the command wrote beside the page, linked at its end.
    pub files: &'a [&'a str],
}

/// One self-contained page for a decision command (`sensitivity`, `sweep`, `optimise`):
/// the question and answer first, then sections, then how to reproduce it.
///
/// `lead` is the command's terminal summary, line by line: line `answer` (the verdict) is
/// shown in the answer box, runs of aligned columns (a line that starts with two spaces or
/// holds three in a row) as preformatted blocks that scroll sideways, the rest as
/// paragraphs, with `` `name` `` as code. `made` says how to run it again and which data
/// files are beside it.
pub fn decision_page(
    title: &str,
    lead: &[String],
    answer: usize,
    sections: &[Section],
    made: &Made,
) -> String {
    let Made {
        command,
        seed,
        files,
    } = made;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}.answer{{overflow-wrap:anywhere}}pre.columns{{margin:.5em 0 1em}}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    let mut i = 0;
    while i < lead.len() {
        if is_columns(&lead[i]) {
            let start = i;
            while i < lead.len() && is_columns(&lead[i]) {
                i += 1;
            }
            let _ = writeln!(
                h,
                "<div class=\"scroll\"><pre class=\"columns\">{}</pre></div>",
                esc(&lead[start..i].join("\n"))
            );
            continue;
        }
        let class = if i == answer { " class=\"answer\"" } else { "" };
        let _ = writeln!(h, "<p{class}>{}</p>", prose(&lead[i]));
        i += 1;
    }
    for s in sections {
        let _ = writeln!(h, "<h2>{}</h2>", esc(&s.heading));
        for p in &s.text {
            let _ = writeln!(h, "<p>{}</p>", prose(p));
        }
        if let Some((c, how)) = &s.chart {
            let _ = writeln!(
                h,
                "<figure id=\"{name}\" role=\"img\" aria-label=\"{}\">\n<div class=\"scroll\" style=\"min-width:0\"><div style=\"min-width:{}px\">{}</div></div>\n<figcaption>{} Files: <a href=\"{name}.svg\">{name}.svg</a>, <a href=\"{name}.png\">{name}.png</a>.</figcaption>\n</figure>",
                esc(&c.title),
                readable_width(c),
                inline_svg(c),
                prose(how.trim_end_matches('.')) + ".",
                name = c.name
            );
        }
        if let Some(t) = &s.table {
            let _ = writeln!(
                h,
                "<details><summary>Numbers: {}</summary>\n{}</details>",
                esc(&t.caption),
                table_markup(t, &[], false)
            );
        }
    }
    if !files.is_empty() {
        let links: Vec<String> = files
            .iter()
            .map(|f| format!("<a href=\"{0}\">{0}</a>", esc(f)))
            .collect();
        let _ = writeln!(
            h,
            "<p>The numbers behind this page, in this folder: {}.</p>",
            links.join(", ")
        );
    }
    let cmd: Vec<String> = command.iter().map(|w| shell_word(w)).collect();
    let _ = writeln!(
        h,
        "<h2>How this was made</h2>\n<p>Master seed {seed}. Run again with the same scenario file, seed and borderflow version ({}) for bit-identical results, whatever the number of threads:</p>\n<pre>{}</pre>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        esc(&cmd.join(" "))
    );
    h
}

/// A line of aligned columns in a command's terminal summary: it starts with two spaces or
/// holds three in a row.
pub fn is_columns(line: &str) -> bool {
    line.starts_with("  ") || line.trim_end().contains("   ")
}

/// A line of prose for a page: escaped, with `` `name` `` (an even number of backticks) as
/// code.
fn prose(line: &str) -> String {
    let parts: Vec<&str> = line.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return esc(line);
    }
    (parts.iter().enumerate())
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decision page shows the verdict in the answer box, aligned columns as one scrolling
    /// block (not paragraphs whose spaces collapse), names as code, the chart wide enough
    /// for its smallest text, and links to every file behind it.
    #[test]
    fn a_decision_page_boxes_the_verdict_keeps_columns_and_links_files() {
        let lead: Vec<String> = [
            "Which is the cheapest `package`?",
            "No answer: `(none)` was undecided.",
            "package      cost      P",
            "(none)        0.0   1.00",
            "  total      +4.0",
            "Cost unknown: a, b.",
        ]
        .map(String::from)
        .to_vec();
        let chart = ChartFile {
            name: "frontier",
            title: "Cost & P".into(),
            width: 1400,
            height: 560,
            svg: "<svg><text font-size=\"14\">x</text></svg>".into(),
            png: vec![],
        };
        let sections = [Section {
            heading: "Cost against P".into(),
            text: vec!["Read `p` here".into()],
            table: None,
            chart: Some((&chart, "Each dot is a package".into())),
        }];
        let page = decision_page(
            "T",
            &lead,
            1,
            &sections,
            &Made {
                command: &["x".into()],
                seed: 7,
                files: &["a.json", "a.csv"],
            },
        );
        assert!(
            page.contains("<p class=\"answer\">No answer: <code>(none)</code> was undecided.</p>")
        );
        assert!(page.contains("<p>Which is the cheapest <code>package</code>?</p>"));
        assert!(page.contains(
            "<div class=\"scroll\"><pre class=\"columns\">package      cost      P\n(none)        0.0   1.00\n  total      +4.0</pre></div>"
        ));
        assert!(page.contains("<p>Cost unknown: a, b.</p>"));
        assert_eq!(page.matches("class=\"answer\"").count(), 1);
        // 14 / 1.24 px text needs 1400 × 11.2 / 14 = 1120 px of width
        assert!(page.contains("<div style=\"min-width:1120px\"><svg>"));
        assert!(page.contains("Each dot is a package. Files: <a href=\"frontier.svg\">"));
        assert!(page.contains("<p>Read <code>p</code> here</p>"));
        assert!(page.contains("<a href=\"a.json\">a.json</a>, <a href=\"a.csv\">a.csv</a>"));
        assert!(page.contains("<p>Master seed 7. Run again"));
        assert!(page.contains("aria-label=\"Cost &amp; P\""));
    }

    #[test]
    fn an_odd_backtick_is_left_as_text() {
        assert_eq!(prose("a `b"), "a `b");
        assert_eq!(prose("`a` < `b`"), "<code>a</code> &lt; <code>b</code>");
    }
}
