//! The page of a decision command (`sensitivity`, `sweep`, `optimise`): the verdict, the
//! terminal's summary as prose and aligned columns, sections with their charts and tables,
//! and how to run it again.

use std::fmt::Write;

use super::{CSS, Table, esc, inline_svg, readable_width, shell_word, table_markup};
use crate::charts::ChartFile;

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
