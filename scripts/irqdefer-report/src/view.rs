// SPDX-License-Identifier: GPL-2.0

//! The view model: every table of every report, built once, then
//! rendered by the terminal ([`crate::term`]), HTML ([`crate::html`]) and
//! Markdown ([`crate::markdown`]) writers alike.

use crate::figures::fmt_ns;

/// How times are written: each in the unit that fits it (`812ns`,
/// `2.39µs`, `1.25ms`), or every one as a bare number in one unit, for
/// scripts (`sort -n`); the column's heading then names the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Unit {
    /// The unit that fits each time.
    #[default]
    Auto,
    /// Nanoseconds, whole.
    Ns,
    /// Microseconds, two decimals.
    Us,
}

impl Unit {
    /// `ns` as a bare number in this unit; `None` for [`Unit::Auto`].
    pub fn format(self, ns: f64) -> Option<String> {
        match self {
            Unit::Auto => None,
            Unit::Ns => Some(format!("{ns:.0}")),
            Unit::Us => Some(format!("{:.2}", ns / 1e3)),
        }
    }

    /// The suffix of a time column's heading (`p99_us`).
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Auto => "",
            Unit::Ns => "_ns",
            Unit::Us => "_us",
        }
    }
}

/// How a column's cells are aligned (numbers to the right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    L,
    /// Right.
    R,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its heading.
    pub head: String,
    /// A longer heading, where there is room (HTML).
    pub long: Option<String>,
    /// Alignment.
    pub align: Align,
    /// The group of columns it belongs to (a rate), headed once above
    /// them.
    pub group: Option<String>,
    /// A detail: shown where there is room (HTML), not in 120 terminal
    /// columns.
    pub detail: bool,
}

impl Column {
    /// A left-aligned column.
    pub fn left(head: &str) -> Column {
        Column {
            head: head.to_string(),
            long: None,
            align: Align::L,
            group: None,
            detail: false,
        }
    }

    /// A right-aligned (numeric) column.
    pub fn right(head: &str) -> Column {
        Column {
            align: Align::R,
            ..Column::left(head)
        }
    }

    /// With a longer heading where there is room.
    pub fn long(mut self, long: &str) -> Column {
        self.long = Some(long.to_string());
        self
    }

    /// In a group of columns.
    pub fn group(mut self, group: &str) -> Column {
        self.group = Some(group.to_string());
        self
    }

    /// Shown only where there is room.
    pub fn detail(mut self) -> Column {
        self.detail = true;
        self
    }

    /// The heading where there is room.
    pub fn long_head(&self) -> &str {
        self.long.as_deref().unwrap_or(&self.head)
    }
}

/// A cell: its text, and whether it disagrees with what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// Marked: a measurement that disagrees with its rule, a broken
    /// invariant.
    pub bad: bool,
    /// A time, ns: the text is [`fmt_ns`]'s, and a renderer with a fixed
    /// unit writes the number instead.
    pub ns: Option<f64>,
}

impl Cell {
    /// A time, in the unit that fits it ([`fmt_ns`]), kept as a number.
    pub fn time(ns: f64) -> Cell {
        Cell {
            text: fmt_ns(ns),
            bad: false,
            ns: Some(ns),
        }
    }

    /// The text, or with a fixed unit, a time as a bare number in it.
    pub fn text_in(&self, unit: Unit) -> String {
        match self.ns {
            Some(ns) => unit.format(ns).unwrap_or_else(|| self.text.clone()),
            None => self.text.clone(),
        }
    }

    /// A marked cell.
    pub fn bad(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            bad: true,
            ns: None,
        }
    }

    /// A cell marked if `bad`.
    pub fn marked(text: impl Into<String>, bad: bool) -> Cell {
        Cell {
            text: text.into(),
            bad,
            ns: None,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            bad: false,
            ns: None,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_string())
    }
}

impl From<&String> for Cell {
    fn from(text: &String) -> Cell {
        Cell::from(text.clone())
    }
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A row of figures.
    Data,
    /// A documented rule, shown above its measurement.
    Rule,
}

/// A row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One cell per column.
    pub cells: Vec<Cell>,
    /// What it is.
    pub kind: Kind,
}

/// A table: title, columns, rows, and the notes that follow it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// What it shows, if it says so itself.
    pub title: Option<String>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Row>,
    /// Paragraphs after the table.
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            ..Table::default()
        }
    }

    /// With a title.
    pub fn titled(mut self, title: impl Into<String>) -> Table {
        self.title = Some(title.into());
        self
    }

    /// Adds a row of figures.
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.push(cells, Kind::Data);
    }

    /// Adds a row.
    pub fn push(&mut self, cells: Vec<Cell>, kind: Kind) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(Row { cells, kind });
    }

    /// Adds a note.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// Whether a cell is marked.
    pub fn any_bad(&self) -> bool {
        self.rows.iter().flat_map(|r| &r.cells).any(|c| c.bad)
    }
}

/// Cells from anything that converts.
#[macro_export]
macro_rules! cells {
    ($($c:expr),* $(,)?) => {
        vec![$($crate::view::Cell::from($c)),*]
    };
}
