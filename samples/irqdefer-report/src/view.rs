// SPDX-License-Identifier: GPL-2.0

//! The view model: every table of every report, built once, then
//! rendered by the terminal ([`crate::term`]), HTML ([`crate::html`]) and
//! Markdown ([`crate::markdown`]) writers alike.

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// Marked: a measurement that disagrees with its rule, a broken
    /// invariant.
    pub bad: bool,
}

impl Cell {
    /// A marked cell.
    pub fn bad(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            bad: true,
        }
    }

    /// A cell marked if `bad`.
    pub fn marked(text: impl Into<String>, bad: bool) -> Cell {
        Cell {
            text: text.into(),
            bad,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, bad: false }
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One cell per column.
    pub cells: Vec<Cell>,
    /// What it is.
    pub kind: Kind,
}

/// A table: title, columns, rows, and the notes that follow it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
