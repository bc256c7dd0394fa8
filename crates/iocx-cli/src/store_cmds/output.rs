//! Output helpers shared by the store commands: aligned text tables and
//! JSON lines, written to a locked, buffered stdout.

use std::io::{self, Write};

use serde::Serialize;

/// A text table: a header row and aligned columns separated by two spaces.
/// The last column is not padded.
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            rows: vec![headers.iter().map(|h| h.to_string()).collect()],
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// True when only the header is there.
    pub fn is_empty(&self) -> bool {
        self.rows.len() == 1
    }

    /// Writes the table.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        for row in &self.rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    let pad = widths[i] - cell.chars().count() + 2;
                    line.push_str(&" ".repeat(pad));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// Writes one JSON value on its own line.
pub fn json_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// `import` JSONL: one line per imported event.
#[derive(Serialize)]
pub struct ImportLine<'a> {
    pub event: &'a str,
    pub info: &'a str,
    pub attributes: usize,
    pub related: Vec<RelatedBrief<'a>>,
}

/// A related event in an [`ImportLine`].
#[derive(Serialize)]
pub struct RelatedBrief<'a> {
    pub event: &'a str,
    pub info: &'a str,
    pub shared: usize,
}

/// `correlate` JSONL: one line per related event.
#[derive(Serialize)]
pub struct CorrelateLine<'a, V: Serialize> {
    pub event: &'a str,
    pub info: &'a str,
    pub shared: usize,
    pub values: &'a [V],
}

/// `events` JSONL.
#[derive(Serialize)]
pub struct EventLine<'a> {
    pub event: &'a str,
    pub info: &'a str,
    pub date: &'a str,
    pub attributes: usize,
    pub corr: usize,
}

/// `search` JSONL: one line per hit.
#[derive(Serialize)]
pub struct SearchLine<'a> {
    pub value: &'a str,
    pub event: &'a str,
    pub info: &'a str,
    #[serde(rename = "type")]
    pub misp_type: &'a str,
}
