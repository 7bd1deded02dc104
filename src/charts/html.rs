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

const CSS: &str = "body{font-family:'DejaVu Sans',system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em}\
table{border-collapse:collapse;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:right}td{white-space:nowrap}\
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}\
figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee}\
figcaption{font-size:.9em;color:#555}code,pre{background:#f6f6f6;padding:.1em .3em}\
pre{padding:.8em;overflow-x:auto}.answer{font-size:1.1em;background:#f3f8ff;padding:.8em 1em;border-left:4px solid #4e79a7}\
.warn{background:#fff6e5;padding:.8em 1em;border-left:4px solid #e8a33d}";

/// The report page of a run.
pub fn report_html(d: &ChartData, charts: &[ChartFile]) -> String {
    let mut h = String::new();
    let title = format!("borderflow — {}", d.scenario);
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
                esc(&d.scenario)
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
                esc(&d.scenario)
            );
        }
    }
    // answer table
    let year = d.target.as_ref().map_or(0, |t| t.year);
    let _ = writeln!(
        h,
        "<h2>Answer table</h2>\n<table>\n<tr><th>variant</th><th>P(total target)</th><th>P(exports)</th><th>P(imports)</th><th>turnover {year}, mean (M USD)</th><th>90 % of replications</th><th>minus baseline (paired, 95 % CI)</th></tr>"
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
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
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
        "</table>\n<p>P: share of replications reaching the target, with its Wilson 95 % interval. Widest interval half-width: {}.</p>",
        d.worst_half_width
            .map_or("–".to_string(), |w| format!("{w:.3}"))
    );
    if let Some(note) = too_wide(d) {
        let _ = writeln!(h, "<p class=\"warn\">{note}</p>");
    }
    // charts
    for c in charts {
        let svg = inline_svg(c);
        let _ = writeln!(
            h,
            "<figure id=\"{name}\">\n<h2>{}</h2>\n{svg}\n<figcaption>{} Files: <a href=\"{name}.svg\">{name}.svg</a>, <a href=\"{name}.png\">{name}.png</a>.</figcaption>\n</figure>",
            esc(&c.title),
            caption(c.name),
            name = c.name
        );
    }
    let _ = writeln!(
        h,
        "<p>The numbers behind this page, in this folder: <a href=\"summary.json\">summary.json</a> (every figure above, with intervals), <a href=\"replications.csv\">replications.csv</a> (one row per variant, replication and year), <a href=\"daily.csv\">daily.csv</a> (per variant, gate and day), <a href=\"charts.json\">charts.json</a> (the charts' data).</p>"
    );
    // provenance
    let cmd: Vec<String> = d.command_line.iter().map(|w| shell_word(w)).collect();
    let _ = writeln!(
        h,
        "<h2>How this run was made</h2>\n<table>\n<tr><td>scenario</td><td>{}</td></tr>\n<tr><td>scenario file</td><td><code>{}</code></td></tr>\n<tr><td>scenario hash (FNV-1a 64)</td><td><code>{}</code></td></tr>\n<tr><td>seed</td><td>{}</td></tr>\n<tr><td>replications per variant</td><td>{}</td></tr>\n<tr><td>stopping rule</td><td>{}</td></tr>\n<tr><td>simulated</td><td>{} days from {}</td></tr>\n<tr><td>borderflow</td><td>{}</td></tr>\n</table>",
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

/// How to read the chart `name` of a run's report (one or two sentences).
fn caption(name: &str) -> &'static str {
    match name {
        "turnover-distribution" => {
            "Each variant's target-year turnover: every replication is a dot, the shape their smoothed density and the black mark the median, against the target line; the label gives P(target) with its 95 % interval. A variant whose dots lie beyond the line reaches the target in most futures; with few replications, read the dots, not the shape."
        }
        "turnover-by-year" => {
            "Turnover per year: the line is the median over replications, the bands hold the middle 50 % and 90 %; dots are the observed series where the scenario has one. Compare a band's width with the gap to the target."
        }
        "variant-comparison" => {
            "Left: P(target) per variant with its 95 % interval. Right: each variant's turnover minus the baseline's in the same replications (common random numbers), with its 95 % interval; an interval clear of zero is a real difference."
        }
        "cleared-per-day" => {
            "Vehicles cleared per day at each gate: mean over replications and the 90 % band. Dips are closures (Tết, holidays, crises); a flat top is a gate working at capacity."
        }
        "queue-per-day" => {
            "Vehicles waiting at each gate at the end of each day (holding yard and road): mean over replications and 90 % band; dashed, the yard capacity. Queues that grow for weeks mean demand above capacity."
        }
        "time-per-stage" => {
            "Hours a vehicle spends at each stage of each gate (waiting and service), as a Time Release Study reports them: the longest bars are where an improvement saves most time."
        }
        "stage-utilisation" => {
            "Busy server-time over open server-time per stage and month: yellow cells (near 1) are bottlenecks, dark purple ones spare capacity; grey, closed all month."
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

fn table_html(t: &Table) -> String {
    let mut h = format!(
        "<div class=\"scroll\"><table>\n<caption>{}</caption>\n<thead><tr>",
        esc(&t.caption)
    );
    for c in &t.header {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        h.push_str("<tr>");
        for c in r {
            let _ = write!(h, "<td>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    h
}

/// One self-contained page for a decision command (`sensitivity`, `sweep`, `optimise`):
/// the question and answer first, then sections, then how to reproduce it.
pub fn decision_page(
    title: &str,
    lead: &[String],
    sections: &[Section],
    command: &[String],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}.scroll{{overflow-x:auto}}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    for (i, p) in lead.iter().enumerate() {
        let class = if i == 0 { " class=\"answer\"" } else { "" };
        let _ = writeln!(h, "<p{class}>{}</p>", esc(p));
    }
    for s in sections {
        let _ = writeln!(h, "<h2>{}</h2>", esc(&s.heading));
        for p in &s.text {
            let _ = writeln!(h, "<p>{}</p>", esc(p));
        }
        if let Some((c, how)) = &s.chart {
            let svg = inline_svg(c);
            let _ = writeln!(
                h,
                "<figure id=\"{name}\" role=\"img\" aria-label=\"{}\">\n{svg}\n<figcaption>{} (<code>{name}.svg</code>, <code>{name}.png</code>)</figcaption>\n</figure>",
                esc(&c.title),
                esc(how),
                name = c.name
            );
        }
        if let Some(t) = &s.table {
            let _ = writeln!(
                h,
                "<details><summary>Numbers: {}</summary>\n{}</details>",
                esc(&t.caption),
                table_html(t)
            );
        }
    }
    let cmd: Vec<String> = command.iter().map(|w| shell_word(w)).collect();
    let _ = writeln!(
        h,
        "<h2>How this was made</h2>\n<p>Run again with the same scenario file, seed and borderflow version ({}) for bit-identical results, whatever the number of threads:</p>\n<pre>{}</pre>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        esc(&cmd.join(" "))
    );
    h
}
