// SPDX-License-Identifier: GPL-2.0

//! The self-contained HTML page: inline CSS, inline SVG, no script, no
//! external resource.

use std::fmt::Write;

use crate::figures::Report;
use crate::results::scenario::Rate;
use crate::view::{Align, Kind, Table};

mod sections;

/// A rendered page.
pub struct Page {
    /// The HTML.
    pub html: String,
    /// How many plots (inline SVGs) it holds.
    pub plots: usize,
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub(crate) const CSS: &str = "
body { font-family: sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.rule td { color: #555; font-style: italic; background: #fafafa; }
td.bad { background: #fde0dc; font-weight: bold; }
.warn { background: #fff4d6; border: 1px solid #e0b94c; padding: 0.6em 1em; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
.grid svg { border: 1px solid #ddd; }
.note { font-size: 0.9em; }
code { background: #f2f2f2; padding: 0 3px; }
";

/// The page for a report, its main tables at `rate`: its outline, a
/// section after another (each in [`sections`]).
pub fn render(report: &Report, rate: Rate) -> Result<Page, String> {
    let mut p = Out::default();
    sections::head(&mut p, report);
    sections::summary(&mut p, report, rate)?;
    sections::tails(&mut p, report, rate)?;
    sections::runs(&mut p, report);
    sections::rt_headline(&mut p, report);
    sections::rt_hog(&mut p, report);
    sections::overload(&mut p, report)?;
    sections::comparison(&mut p, report, rate);
    sections::every_rate(&mut p, report);
    sections::textbook(&mut p, report);
    sections::histograms(&mut p, report, rate)?;
    sections::rate_plots(&mut p, report)?;
    sections::per_cpu(&mut p, report, rate)?;
    sections::foot(&mut p, report);
    Ok(Page {
        html: p.html,
        plots: p.plots,
    })
}

/// A page being written: its HTML, and how many plots it holds.
#[derive(Default)]
struct Out {
    html: String,
    plots: usize,
}

impl Out {
    /// Raw HTML.
    fn push(&mut self, html: &str) {
        self.html.push_str(html);
    }

    /// A section's `<h2>` (text, escaped here).
    fn section(&mut self, title: &str) {
        let _ = writeln!(self.html, "<h2>{}</h2>", esc(title));
    }

    /// A paragraph of notes (HTML).
    fn note(&mut self, html: &str) {
        let _ = writeln!(self.html, "<p class=\"note\">{html}</p>");
    }

    /// A table under its title.
    fn table(&mut self, t: &Table) {
        self.html.push_str(&titled(t));
    }

    /// Plots side by side, wrapping.
    fn grid(&mut self, svgs: Vec<String>) {
        self.html.push_str("<div class=\"grid\">\n");
        for svg in svgs {
            self.plot(svg);
        }
        self.html.push_str("</div>\n");
    }

    /// A plot (an inline SVG).
    fn plot(&mut self, svg: String) {
        self.html.push_str(&svg);
        self.html.push('\n');
        self.plots += 1;
    }
}

/// A table under an `<h3>` of its title.
fn titled(t: &Table) -> String {
    let title = t
        .title
        .as_deref()
        .map_or(String::new(), |x| format!("<h3>{}</h3>\n", esc(x)));
    title + &table(t)
}

/// Renders a table: every column, details included, a group of columns
/// headed once above its columns; numbers right-aligned; a marked cell
/// red, reading "≠ rule" on a rule's measurement; the notes as
/// paragraphs.
pub fn table(t: &Table) -> String {
    let mut o = String::from("<table>\n");
    let grouped = t.columns.iter().any(|c| c.group.is_some());
    if grouped {
        // One row of groups (a column without one spans both rows), then
        // the columns of each group.
        o.push_str("<tr>");
        let mut i = 0;
        while let Some(c) = t.columns.get(i) {
            match &c.group {
                None => {
                    let _ = write!(o, "<th rowspan=\"2\">{}</th>", esc(c.long_head()));
                    i += 1;
                }
                Some(g) => {
                    let n = t.columns[i..]
                        .iter()
                        .take_while(|x| x.group.as_ref() == Some(g))
                        .count();
                    let _ = write!(o, "<th colspan=\"{n}\">{}</th>", esc(g));
                    i += n;
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("<tr>");
    for c in t.columns.iter().filter(|c| !grouped || c.group.is_some()) {
        let _ = write!(o, "<th>{}</th>", esc(c.long_head()));
    }
    o.push_str("</tr>\n");
    let has_rules = t.rows.iter().any(|r| r.kind == Kind::Rule);
    for r in &t.rows {
        o.push_str(if r.kind == Kind::Rule {
            "<tr class=\"rule\">"
        } else {
            "<tr>"
        });
        for (c, col) in r.cells.iter().zip(&t.columns) {
            let text = esc(&c.text);
            match (c.bad, col.align) {
                (true, _) if r.kind == Kind::Rule => {
                    let _ = write!(o, "<td class=\"bad\">{text} &#x2260; textbook</td>");
                }
                (true, _) if has_rules => {
                    let _ = write!(o, "<td class=\"bad\">{text} &#x2260; rule</td>");
                }
                (true, _) => {
                    let _ = write!(o, "<td class=\"bad\">{text}</td>");
                }
                (false, Align::R) => {
                    let _ = write!(o, "<td class=\"n\">{text}</td>");
                }
                (false, Align::L) => {
                    let _ = write!(o, "<td>{text}</td>");
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    for n in &t.notes {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(n));
    }
    o
}
