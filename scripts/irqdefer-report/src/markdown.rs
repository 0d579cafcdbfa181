// SPDX-License-Identifier: GPL-2.0

//! The Markdown rendering of a table (the bench report's): a pipe table
//! of every column, then each note as a paragraph.

use crate::view::Table;

/// Renders a table as Markdown lines (no title: the document heads it).
pub fn table(t: &Table) -> Vec<String> {
    let heads: Vec<&str> = t.columns.iter().map(|c| c.long_head()).collect();
    let mut out = vec![
        format!("| {} |", heads.join(" | ")),
        format!("|{}|", vec![" --- "; heads.len()].join("|")),
    ];
    for r in &t.rows {
        let cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
        out.push(format!("| {} |", cells.join(" | ")));
    }
    for n in &t.notes {
        out.push(String::new());
        out.push(n.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells;
    use crate::view::Column;

    #[test]
    fn pipe_table_then_notes() {
        let mut t = Table::new(vec![Column::left("a"), Column::right("b").long("bee")]);
        t.row(cells!["x", "1"]);
        t.note("n.");
        assert_eq!(
            table(&t),
            ["| a | bee |", "| --- | --- |", "| x | 1 |", "", "n."]
        );
    }
}
