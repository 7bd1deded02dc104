//! `report.html`: one self-contained page (inline SVG, inline CSS, no script, no network).

use std::cmp::Ordering;
use std::fmt::Write;

use super::data::{ChartData, Interval, Quantiles, VariantData};
use super::{ChartFile, thousands};

mod chart_table;
mod decision_page;
use chart_table::chart_table;
pub use decision_page::{Made, Section, decision_page, is_columns};

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
        "basis A: goods declared at the modelled gates"
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
            // the highest P; among variants that tie on it, the highest mean turnover (a
            // planner reads the first line only: at P = 1.00 for all, the order of the file
            // must not pick the one that adds nothing)
            // the mean the answer table shows
            let mean = |v: &VariantData| Quantiles::of(&v.target_year_musd[0]).mean;
            let with_p: Vec<(&VariantData, Interval)> = d
                .variants
                .iter()
                .filter_map(|v| v.p_target.map(|p| (v, p[0])))
                .collect();
            let top = with_p.iter().map(|(_, p)| p.value).fold(f64::NAN, f64::max);
            let tied: Vec<&(&VariantData, Interval)> = with_p
                .iter()
                .filter(|(_, p)| (p.value - top).abs() < 1e-12)
                .collect();
            let best = tied
                .iter()
                .copied()
                .max_by(|a, b| mean(a.0).total_cmp(&mean(b.0)).then(Ordering::Greater));
            if let Some(&(v, pt)) = best {
                let reaching: Vec<&str> = d
                    .variants
                    .iter()
                    .filter(|v| v.p_target.is_some_and(|p| p[0].lo >= 0.5))
                    .map(|v| v.name.as_str())
                    .collect();
                let lead = if tied.len() > 1 {
                    format!(
                        "Most likely to reach the target: {} variants tie at P = {:.2} (95 % interval {:.2}–{:.2}); of these, <b>{}</b> has the highest mean turnover in {} (USD {} million)",
                        tied.len(),
                        pt.value,
                        pt.lo,
                        pt.hi,
                        esc(&v.name),
                        t.year,
                        thousands(mean(v))
                    )
                } else {
                    format!(
                        "Most likely to reach the target: <b>{}</b>, P = {:.2} (95 % interval {:.2}–{:.2})",
                        esc(&v.name),
                        pt.value,
                        pt.lo,
                        pt.hi
                    )
                };
                let _ = writeln!(
                    h,
                    "<p class=\"answer\">{lead}. {}</p>",
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
