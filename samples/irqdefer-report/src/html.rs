// SPDX-License-Identifier: GPL-2.0

//! The self-contained HTML page: inline CSS, inline SVG, no script, no
//! external resource.

use std::fmt::Write;

use crate::figures::{fmt_ns, pct, Boot, Report};
use crate::format::{Load, Rate};
use crate::plots::{self, CpuBar, HistSeries, RateSeries};
use crate::term::{places, sleep_legal};
use crate::textbook::{Check, RULES};

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

const CSS: &str = "
body { font-family: sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.rule td { color: #555; font-style: italic; background: #fafafa; }
tr.rule td[rowspan] { color: #222; font-style: normal; background: #fff; }
td.bad { background: #fde0dc; font-weight: bold; }
.warn { background: #fff4d6; border: 1px solid #e0b94c; padding: 0.6em 1em; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
.grid svg { border: 1px solid #ddd; }
.note { font-size: 0.9em; }
code { background: #f2f2f2; padding: 0 3px; }
";

fn rate_name(r: Rate) -> String {
    r.to_string()
}

/// The page for a report, its main tables at `rate`.
pub fn render(report: &Report, rate: Rate) -> Result<Page, String> {
    let mut h = String::new();
    let mut plots = 0;
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<title>irqdefer report</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<h1>irqdefer: interrupt deferral paths, measured</h1>\n");

    let tcg = report.boots.iter().any(|b| b.meta("accel") == "tcg");
    let _ = writeln!(
        h,
        "<p class=\"warn\"><b>Read the numbers relatively.</b> {} Absolute times are \
         inflated under TCG emulation (every guest instruction is translated by QEMU); what \
         counts is the comparison between paths, rates and loads within one run.</p>",
        if tcg {
            "These results were measured in a QEMU guest under <b>TCG</b> (no hardware \
             virtualisation)."
        } else {
            "These results were measured in a virtual machine."
        }
    );
    h.push_str(
        "<p class=\"note\">Each cell of the matrix raises interrupts from a virtual device on \
         one CPU, defers the work down one path, and counts. Latency runs from the raise of \
         the request to the start of the bottom half. <i>Coalesced</i>: requests merged into \
         one already pending. <i>Same CPU</i>: runs on the raising CPU. <i>irq-exit</i>: \
         softirq run on interrupt exit or at <code>local_bh_enable()</code>.</p>\n",
    );

    // The runs.
    h.push_str(
        "<h2>Runs</h2>\n<table>\n<tr><th>boot</th><th>kernel</th><th>flavour</th>\
        <th>accelerator</th><th>vCPUs</th><th>raising CPU</th><th>cell seconds</th>\
        <th>cells</th><th>kernel command line</th><th>file</th></tr>\n",
    );
    for b in &report.boots {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td><code>{}</code></td><td>{}</td></tr>",
            esc(&b.label),
            esc(b.meta("kernel")),
            esc(b.meta("flavour")),
            esc(b.meta("accel")),
            esc(b.meta("vcpus")),
            esc(b.meta("raise_cpu")),
            esc(b.meta("cell_seconds")),
            b.cells.len(),
            esc(b.meta("cmdline")),
            esc(&b.file)
        );
    }
    h.push_str("</table>\n");

    // Comparison tables.
    let _ = writeln!(h, "<h2>Comparison at {}</h2>", esc(&rate_name(rate)));
    per_boot_and_load(&mut h, report, |b, load| main_table(b, load, rate));
    h.push_str(
        "<p class=\"note\">raised: requests counted by the module; /proc/interrupts: the \
         kernel's count for the path's IRQ. Under <code>threadirqs</code> the latter can \
         exceed the former: the kernel coalesces IRQ-thread wakeups before the handler \
         runs.</p>\n",
    );

    h.push_str("<h2>Every rate</h2>\n");
    per_boot_and_load(&mut h, report, sweep_table);

    h.push_str("<h2>The textbook table, measured</h2>\n");
    h.push_str(
        "<p class=\"note\">For each executor, the documented rule (italic) and what the run \
         measured, every cell of the boot pooled (all rates, both loads). Cells that disagree \
         with the rule are marked in red and explained below the table.</p>\n",
    );
    for b in &report.boots {
        let _ = writeln!(h, "<h3>{}</h3>", esc(&b.label));
        h.push_str(&textbook_table(b));
    }

    // Plots.
    let paths = report.paths();
    let series: Vec<(usize, &Boot, Load)> = report
        .boots
        .iter()
        .enumerate()
        .flat_map(|(bi, b)| b.loads().into_iter().map(move |l| (bi, b, l)))
        .map(|(bi, b, l)| {
            let colour = bi * 2 + if l == Load::Busy { 1 } else { 0 };
            (colour, b, l)
        })
        .collect();

    let _ = writeln!(
        h,
        "<h2>Latency histograms at {}</h2>\n<div class=\"grid\">",
        esc(&rate_name(rate))
    );
    for path in &paths {
        let hs: Vec<HistSeries<'_>> = series
            .iter()
            .filter_map(|(colour, b, l)| {
                b.cell(path, rate, *l).map(|cell| HistSeries {
                    label: format!("{} {}", b.label, l.name()),
                    colour: *colour,
                    cell,
                })
            })
            .collect();
        h.push_str(&plots::histogram(
            &format!("{path}: latency at {}", rate_name(rate)),
            &hs,
        )?);
        plots += 1;
    }
    h.push_str("</div>\n");

    let rates = report.rates();
    h.push_str("<h2>Latency against rate</h2>\n<div class=\"grid\">\n");
    for path in &paths {
        let rs: Vec<RateSeries> = series
            .iter()
            .map(|(colour, b, l)| RateSeries {
                label: format!("{} {}", b.label, l.name()),
                colour: *colour,
                points: rates
                    .iter()
                    .map(|r| b.cell(path, *r, *l).map(|c| (c.latency.p50, c.latency.p99)))
                    .collect(),
            })
            .collect();
        h.push_str(&plots::rate_plot(
            &format!("{path}: p50 and p99 latency"),
            &rates,
            &rs,
        )?);
        plots += 1;
    }
    h.push_str("</div>\n");

    let _ = writeln!(
        h,
        "<h2>Per-CPU distribution at {}</h2>\n<p class=\"note\">Share of each path's runs on \
         each CPU; interrupts are raised on CPU {}.</p>\n<div class=\"grid\">",
        esc(&rate_name(rate)),
        esc(report.boots.first().map_or("?", |b| b.meta("raise_cpu")))
    );
    for b in &report.boots {
        let mut bars = Vec::new();
        for path in b.paths() {
            for l in b.loads() {
                if let Some(c) = b.cell(&path, rate, l) {
                    bars.push(CpuBar {
                        label: format!("{path} {}", l.name()),
                        per_cpu: c.per_cpu.clone(),
                    });
                }
            }
        }
        h.push_str(&plots::per_cpu(
            &format!("{}: runs per CPU at {}", b.label, rate_name(rate)),
            &bars,
        )?);
        plots += 1;
    }
    h.push_str("</div>\n");

    let _ = writeln!(
        h,
        "<p class=\"note\">Generated by irqdefer-report {} from {}.</p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        report
            .boots
            .iter()
            .map(|b| format!("<code>{}</code>", esc(&b.file)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Page { html: h, plots })
}

/// One `<h3>` section per boot and CPU load, each holding `table(boot, load)`.
fn per_boot_and_load(h: &mut String, report: &Report, table: impl Fn(&Boot, Load) -> String) {
    for b in &report.boots {
        for load in b.loads() {
            let _ = writeln!(
                h,
                "<h3>{}, CPU {} {}</h3>",
                esc(&b.label),
                esc(b.meta("raise_cpu")),
                load.words()
            );
            h.push_str(&table(b, load));
        }
    }
}

fn table(heads: &[&str], rows: &[Vec<(String, &str)>]) -> String {
    let mut t = String::from("<table>\n<tr>");
    for hd in heads {
        let _ = write!(t, "<th>{}</th>", esc(hd));
    }
    t.push_str("</tr>\n");
    for r in rows {
        t.push_str("<tr>");
        for (text, class) in r {
            if class.is_empty() {
                let _ = write!(t, "<td>{}</td>", esc(text));
            } else {
                let _ = write!(t, "<td class=\"{class}\">{}</td>", esc(text));
            }
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

fn main_table(b: &Boot, load: Load, rate: Rate) -> String {
    let mut rows = Vec::new();
    for path in b.paths() {
        let Some(c) = b.cell(&path, rate, load) else {
            continue;
        };
        rows.push(vec![
            (path.clone(), ""),
            (fmt_ns(c.latency.p50 as f64), "n"),
            (fmt_ns(c.latency.p99 as f64), "n"),
            (fmt_ns(c.latency.max as f64), "n"),
            (format!("{:.0}", c.runs_per_s), "n"),
            (pct(c.coalesced_share), "n"),
            (pct(c.same_cpu_share), "n"),
            (pct(c.ksoftirqd_share), "n"),
            (c.raised.to_string(), "n"),
            (c.executed.to_string(), "n"),
            (c.proc_interrupts.map_or("-".into(), |n| n.to_string()), "n"),
            (places(c), ""),
            (sleep_legal(c), ""),
            (
                if c.identity_ok { "ok" } else { "VIOLATED" }.to_string(),
                if c.identity_ok { "" } else { "bad" },
            ),
        ]);
    }
    table(
        &[
            "path",
            "p50",
            "p99",
            "max",
            "runs/s",
            "coalesced %",
            "same CPU %",
            "ksoftirqd %",
            "raised",
            "executed",
            "/proc/interrupts",
            "context",
            "may sleep",
            "raised = executed + coalesced",
        ],
        &rows,
    )
}

fn sweep_table(b: &Boot, load: Load) -> String {
    let rates = b.rates();
    let mut t = String::from("<table>\n<tr><th rowspan=\"2\">path</th>");
    for r in &rates {
        let _ = write!(t, "<th colspan=\"4\">{}</th>", esc(&rate_name(*r)));
    }
    t.push_str("</tr>\n<tr>");
    for _ in &rates {
        t.push_str("<th>p50</th><th>p99</th><th>runs/s</th><th>coal. %</th>");
    }
    t.push_str("</tr>\n");
    for path in b.paths() {
        let _ = write!(t, "<tr><td>{}</td>", esc(&path));
        for r in &rates {
            match b.cell(&path, *r, load) {
                Some(c) => {
                    let _ = write!(
                        t,
                        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.0}</td>\
                         <td class=\"n\">{}</td>",
                        fmt_ns(c.latency.p50 as f64),
                        fmt_ns(c.latency.p99 as f64),
                        c.runs_per_s,
                        pct(c.coalesced_share)
                    );
                }
                None => t.push_str("<td>-</td><td>-</td><td>-</td><td>-</td>"),
            }
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

fn check_cell(c: &Check) -> String {
    if c.agrees {
        format!("<td>{}</td>", esc(&c.measured))
    } else {
        format!("<td class=\"bad\">{} &#x2260; rule</td>", esc(&c.measured))
    }
}

fn textbook_table(b: &Boot) -> String {
    let mut t = String::from(
        "<table>\n<tr><th>executor</th><th>paths</th><th></th><th>context</th>\
         <th>may sleep</th><th>preemptible</th><th>allocation flags</th>\
         <th>where it ran</th></tr>\n",
    );
    for r in &b.textbook {
        let _ = writeln!(
            t,
            "<tr class=\"rule\"><td rowspan=\"2\"><b>{}</b></td><td rowspan=\"2\">{}</td>\
             <td>rule</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.executor),
            esc(&r.paths.join(", ")),
            esc(&r.context.documented),
            esc(&r.may_sleep.documented),
            esc(&r.preemptible.documented),
            esc(&r.gfp.documented),
            esc(&r.ran.documented)
        );
        let _ = writeln!(
            t,
            "<tr><td>measured ({} runs)</td>{}{}{}{}{}</tr>",
            r.runs,
            check_cell(&r.context),
            check_cell(&r.may_sleep),
            check_cell(&r.preemptible),
            check_cell(&r.gfp),
            check_cell(&r.ran)
        );
    }
    t.push_str("</table>\n");
    let notes: Vec<String> = b
        .textbook
        .iter()
        .flat_map(|r| {
            r.notes
                .iter()
                .map(move |n| format!("<li><b>{}</b>: {}</li>", esc(&r.executor), esc(n)))
        })
        .collect();
    if notes.is_empty() {
        t.push_str("<p class=\"note\">Every measurement agrees with the documented rule.</p>\n");
    } else {
        t.push_str("<ul class=\"note\">\n");
        for n in notes {
            t.push_str(&n);
            t.push('\n');
        }
        t.push_str("</ul>\n");
    }
    debug_assert!(RULES.len() >= b.textbook.len());
    t
}
