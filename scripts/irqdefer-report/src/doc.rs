// SPDX-License-Identifier: GPL-2.0

//! A document of headings, paragraphs, tables and plots, for the commands
//! that answer a question (`compare`, `advise`): built once, then written
//! by the renderers the report has, the terminal's ([`crate::term`]),
//! Markdown ([`crate::markdown`]) and HTML ([`crate::html`]).

use std::fmt::Write;

use crate::html::{self, esc};
use crate::markdown;
use crate::term::{render_table, wrap};
use crate::view::Table;

/// Width of the terminal's text.
const WIDTH: usize = 118;

/// A part of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section's heading.
    Heading(String),
    /// A paragraph.
    Para(String),
    /// A list, one item per line.
    List(Vec<String>),
    /// A table, under its own title if it has one.
    Table(Table),
    /// A plot: an inline SVG (HTML only; the others leave it out).
    Svg(String),
}

/// A document: its title, then its blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    /// The title.
    pub title: String,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text, at most 120 columns.
    Term,
    /// Markdown.
    Md,
    /// One self-contained HTML page, with plots.
    Html,
    /// Every figure, as JSON.
    Json,
}

impl Doc {
    /// A document with a title.
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    /// Adds a heading.
    pub fn heading(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Heading(s.into()));
    }

    /// Adds a paragraph.
    pub fn para(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Para(s.into()));
    }

    /// Adds a list.
    pub fn list(&mut self, items: Vec<String>) {
        self.blocks.push(Block::List(items));
    }

    /// Adds a table.
    pub fn table(&mut self, t: Table) {
        self.blocks.push(Block::Table(t));
    }

    /// Adds a plot.
    pub fn svg(&mut self, svg: String) {
        self.blocks.push(Block::Svg(svg));
    }

    /// As text for a terminal: headings between `--`, tables without
    /// their detail columns, no plots.
    pub fn term(&self) -> String {
        let mut out = wrap(&self.title, WIDTH, "  ");
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    out.push('\n');
                    out.push_str(&wrap(&format!("-- {h} --"), WIDTH, "   "));
                }
                Block::Para(p) => out.push_str(&wrap(p, WIDTH, "  ")),
                Block::List(items) => {
                    for i in items {
                        out.push_str(&wrap(&format!("- {i}"), WIDTH, "    "));
                    }
                }
                Block::Table(t) => {
                    if let Some(title) = &t.title {
                        out.push_str(&wrap(title, WIDTH, "  "));
                    }
                    out.push_str(&render_table(t));
                }
                Block::Svg(_) => {}
            }
        }
        out
    }

    /// As Markdown: every column, no plots.
    pub fn markdown(&self) -> String {
        let mut l = vec![format!("# {}", self.title)];
        for b in &self.blocks {
            match b {
                Block::Heading(h) => l.extend([String::new(), format!("## {h}")]),
                Block::Para(p) => l.extend([String::new(), p.clone()]),
                Block::List(items) => {
                    l.push(String::new());
                    l.extend(items.iter().map(|i| format!("- {i}")));
                }
                Block::Table(t) => {
                    l.push(String::new());
                    if let Some(title) = &t.title {
                        l.extend([format!("**{title}**"), String::new()]);
                    }
                    l.extend(markdown::table(t));
                }
                Block::Svg(_) => {}
            }
        }
        l.join("\n") + "\n"
    }

    /// As one self-contained HTML page (the report's style), plots inline.
    pub fn html(&self) -> String {
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            esc(&self.title),
            html::CSS,
            esc(&self.title)
        );
        let mut in_grid = false;
        for b in &self.blocks {
            let svg = matches!(b, Block::Svg(_));
            if svg && !in_grid {
                h.push_str("<div class=\"grid\">\n");
            } else if !svg && in_grid {
                h.push_str("</div>\n");
            }
            in_grid = svg;
            match b {
                Block::Heading(s) => {
                    let _ = writeln!(h, "<h2>{}</h2>", esc(s));
                }
                Block::Para(p) => {
                    let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(p));
                }
                Block::List(items) => {
                    h.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(h, "<li>{}</li>", esc(i));
                    }
                    h.push_str("</ul>\n");
                }
                Block::Table(t) => {
                    if let Some(title) = &t.title {
                        let _ = writeln!(h, "<h3>{}</h3>", esc(title));
                    }
                    h.push_str(&html::table(t));
                }
                Block::Svg(s) => {
                    h.push_str(s);
                    h.push('\n');
                }
            }
        }
        if in_grid {
            h.push_str("</div>\n");
        }
        let _ = writeln!(
            h,
            "<p class=\"note\">Generated by irqdefer-report {}.</p>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        );
        h
    }

    /// The plots it holds.
    pub fn plots(&self) -> usize {
        self.blocks
            .iter()
            .filter(|b| matches!(b, Block::Svg(_)))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells;
    use crate::view::Column;

    #[test]
    fn one_document_three_renderings() {
        let mut d = Doc::new("T");
        d.heading("H");
        d.para("p & q");
        let mut t = Table::new(vec![Column::left("a"), Column::right("b").detail()]).titled("tt");
        t.row(cells!["x", "1"]);
        d.table(t);
        d.svg("<svg></svg>".into());
        assert_eq!(d.term(), "T\n\n-- H --\np & q\ntt\na\nx\n");
        assert!(d
            .markdown()
            .contains("## H\n\np & q\n\n**tt**\n\n| a | b |"));
        let h = d.html();
        assert!(h.contains("<p class=\"note\">p &amp; q</p>"));
        assert!(h.contains("<div class=\"grid\">\n<svg></svg>\n</div>"));
        assert_eq!(d.plots(), 1);
    }
}
