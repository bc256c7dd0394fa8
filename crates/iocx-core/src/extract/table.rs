//! The table-column guard: whether a candidate sits in a column whose
//! header names a file (`| File name | SHA-256 |`, CSV and TSV headers).
//!
//! The guard runs for every bare candidate whose suffix is also a common
//! file extension (`.com` among them), so it must not rescan the text above
//! the candidate each time. A [`TableMemo`] lives for one pass and carries
//! what the pass has learnt: the start of the current line and how many of
//! each separator stand on it before the last candidate (so a question reads
//! only the text since the previous one; a one-line JSON blob full of `.com`
//! names used to cost a scan back to the line start per name), and the table
//! block above it (so each row of a long table is walked once).

use super::context::line_start_from;
use super::CONTEXT_LOOKBACK;

/// The cell separators, in the order they are preferred when a line holds
/// more than one.
const SEPARATORS: [u8; 3] = [b'|', b'\t', b','];

/// What one pass has learnt of the line and the table it is in.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TableMemo {
    line: Option<LineFacts>,
    /// The block's separator, the start of the last line looked up, and the
    /// block's first line when the walk found it (`None`: it lies beyond the
    /// look-back window).
    block: Option<(u8, usize, Option<usize>)>,
    /// The last header read: where it starts, its separator, and which of
    /// its cells name a file. The rows of a block ask about the same header
    /// (a CSV feed once per `.com` name); in a block longer than the
    /// look-back window the header moves down a row at a time, and each row
    /// is read as one once.
    header: Option<(usize, u8, FileColumns)>,
}

/// Which cells of a header line name a file: a bit for each of the first
/// 64 cells, and whether any cell after those does.
#[derive(Clone, Copy, Debug)]
struct FileColumns {
    first: u64,
    beyond: bool,
}

impl FileColumns {
    fn of(header: &[u8], sep: u8) -> FileColumns {
        let mut columns = FileColumns {
            first: 0,
            beyond: false,
        };
        for (i, cell) in header.split(|&b| b == sep).enumerate() {
            if names_a_file(cell) {
                match i {
                    0..=63 => columns.first |= 1 << i,
                    _ => columns.beyond = true,
                }
            }
        }
        columns
    }

    /// Whether cell `column` names a file; past the first 64 cells the
    /// header is split again (`header` does it), which only a very wide
    /// header with a file column far out needs.
    fn get(&self, column: usize, header: impl FnOnce() -> bool) -> bool {
        match column {
            0..=63 => self.first >> column & 1 == 1,
            _ => self.beyond && header(),
        }
    }
}

/// A header cell that names a file: `File name`, `Filename`, `Name`,
/// `Attachment` (any case).
fn names_a_file(cell: &[u8]) -> bool {
    contains_ignoring_case(cell, b"file")
        || contains_ignoring_case(cell, b"attachment")
        || if cell.is_ascii() {
            cell.trim_ascii().eq_ignore_ascii_case(b"name")
        } else {
            // Trimmed as text, so Unicode spaces around `Name` count too.
            String::from_utf8_lossy(cell)
                .trim()
                .eq_ignore_ascii_case("name")
        }
}

/// Whether `hay` holds `word` (lower-case ASCII letters) in any case.
fn contains_ignoring_case(hay: &[u8], word: &[u8]) -> bool {
    let Some(last) = hay.len().checked_sub(word.len()) else {
        return false;
    };
    for i in 0..=last {
        // The rest is compared only where the first letter stands.
        if hay[i] | 0x20 == word[0] && hay[i..i + word.len()].eq_ignore_ascii_case(word) {
            return true;
        }
    }
    false
}

/// The line holding the last position asked about.
#[derive(Clone, Copy, Debug)]
struct LineFacts {
    /// Where the line starts; `None` when that lies beyond the look-back
    /// window of the first question on it (and so of every later one).
    start: Option<usize>,
    /// The text from `start` to here holds no line end and was counted.
    read: usize,
    /// How many of each of [`SEPARATORS`] stand in `start..read`.
    counts: [usize; 3],
    /// The line's first byte that is not ASCII white space, once looked up.
    lead: Option<Option<u8>>,
}

impl TableMemo {
    /// The start of the line holding `pos` when it lies within the
    /// look-back window, with the separator counts of `start..pos`.
    fn line_at(&mut self, text: &[u8], pos: usize) -> Option<(usize, &mut LineFacts)> {
        let floor = pos.saturating_sub(CONTEXT_LOOKBACK);
        let facts = match self.line {
            Some(mut f) if f.read <= pos => {
                if let Some(i) = memchr::memrchr(b'\n', &text[f.read..pos]) {
                    // A new line, whose start the text since `read` shows.
                    f = LineFacts::new(Some(f.read + i + 1), pos);
                }
                f
            }
            _ => LineFacts::new(line_start_from(text, pos, floor), pos),
        };
        let facts = self.line.insert(facts);
        let Some(start) = facts.start.filter(|&s| s >= floor) else {
            // Out of reach for this and every later question on the line:
            // only line ends matter from here on.
            facts.read = pos;
            return None;
        };
        let from = facts.read.max(start);
        for &b in &text[from..pos] {
            if let Some(k) = SEPARATORS.iter().position(|&s| s == b) {
                facts.counts[k] += 1;
            }
        }
        facts.read = pos;
        Some((start, facts))
    }
}

impl LineFacts {
    /// A line found from `pos`: its separators are still to be counted, from
    /// its start; when the start is out of reach, nothing will be counted.
    fn new(start: Option<usize>, pos: usize) -> LineFacts {
        LineFacts {
            start,
            read: start.unwrap_or(pos),
            counts: [0; 3],
            lead: None,
        }
    }
}

/// True when `pos` lies in a table cell whose column header names a file.
///
/// The header is the first line of the block of lines holding the row's
/// separator, or, for a block longer than [`CONTEXT_LOOKBACK`], the first
/// line within that distance above the row: chunked extraction carries that
/// much text, so it decides as one pass does. A row longer than that is not
/// taken for a table row.
pub(super) fn in_file_column(text: &[u8], pos: usize, memo: &mut TableMemo) -> bool {
    let lookback = CONTEXT_LOOKBACK;
    let Some((line_start, line)) = memo.line_at(text, pos) else {
        return false;
    };
    let Some(k) = line.counts.iter().position(|&n| n > 0) else {
        return false;
    };
    let sep = SEPARATORS[k];
    let mut column = line.counts[k];
    if sep == b'|' {
        // A `|` stands before `pos`, so the line's first visible byte does.
        let lead = *line.lead.get_or_insert_with(|| {
            text[line_start..pos]
                .iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace())
        });
        column -= usize::from(lead == Some(b'|'));
    }
    let known = match memo.block {
        Some((s, last, run)) if s == sep && last <= line_start => Some((last, run)),
        _ => None,
    };
    // Walk up over the lines holding the separator until one without it, the
    // window's edge, or a line this pass already knows to be in the block.
    let window_start = line_start.saturating_sub(lookback);
    let mut at = line_start;
    let run_start = loop {
        if let Some((last, run)) = known {
            if at == last {
                break run;
            }
        }
        if at <= window_start {
            break None;
        }
        let prev_end = at - 1;
        let Some(prev_start) = line_start_from(text, prev_end, window_start) else {
            break None;
        };
        if !text[prev_start..prev_end].contains(&sep) {
            break Some(at);
        }
        at = prev_start;
    };
    memo.block = Some((sep, line_start, run_start));
    let header_start = match run_start {
        Some(r) if r >= window_start => r,
        _ => first_line_start_from(text, window_start),
    };
    if header_start >= line_start {
        return false;
    }
    let header = || {
        let end =
            memchr::memchr(b'\n', &text[header_start..]).map_or(text.len(), |i| header_start + i);
        let mut header = &text[header_start..end];
        if sep == b'|' {
            header = header.trim_ascii_start();
            header = header.strip_prefix(b"|").unwrap_or(header);
        }
        header
    };
    let columns = match memo.header {
        Some((start, s, columns)) if start == header_start && s == sep => columns,
        _ => {
            let columns = FileColumns::of(header(), sep);
            memo.header = Some((header_start, sep, columns));
            columns
        }
    };
    columns.get(column, || {
        header()
            .split(|&b| b == sep)
            .nth(column)
            .is_some_and(names_a_file)
    })
}

/// The start of the first line that begins at or after `at`.
fn first_line_start_from(text: &[u8], at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    memchr::memchr(b'\n', &text[at - 1..]).map_or(text.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer of one question asked with no memo: the whole line and
    /// table walked from scratch.
    fn fresh(text: &[u8], at: usize) -> bool {
        in_file_column(text, at, &mut TableMemo::default())
    }

    /// The memo gives what a fresh walk gives, row by row, in a table whose
    /// header lies further above than the look-back window.
    #[test]
    fn table_memo_agrees_with_a_fresh_walk() {
        let mut text = String::from("intro\n| File name | Hash |\n|---|---|\n");
        while text.len() < super::super::CONTEXT_LOOKBACK * 2 {
            text.push_str("| dropper.com | abc |\n| x | y |\nno table here\n");
        }
        let mut memo = TableMemo::default();
        let mut rows = 0;
        for (at, _) in text.match_indices("dropper.com") {
            let fresh = in_file_column(text.as_bytes(), at, &mut TableMemo::default());
            assert_eq!(
                in_file_column(text.as_bytes(), at, &mut memo),
                fresh,
                "at {at}"
            );
            rows += 1;
        }
        assert!(rows > 1000);
        // Only the first row's block reaches the `File name` header.
        let first = text.find("dropper.com").unwrap();
        assert!(in_file_column(text.as_bytes(), first, &mut memo));
        let far = text.rfind("dropper.com").unwrap();
        assert!(!in_file_column(text.as_bytes(), far, &mut memo));
        let long = "| File name |\n".to_string() + &"| setup.com |\n".repeat(20_000);
        let mut memo = TableMemo::default();
        let hits = long
            .match_indices("setup.com")
            .filter(|(at, _)| in_file_column(long.as_bytes(), *at, &mut memo))
            .count();
        // Rows within the window below the header are in the file column.
        let window_rows = super::super::CONTEXT_LOOKBACK / "| setup.com |\n".len();
        assert!(
            (window_rows - 1..=window_rows + 1).contains(&hits),
            "{hits}"
        );
    }

    /// A header's file columns are found in any case, and past the
    /// first 64 cells.
    #[test]
    fn file_columns_of_wide_and_mixed_case_headers() {
        let mut header = vec!["Hash", "FILE NAME", " name ", "Attachments", "FileName"];
        header.extend(["x"; 70]);
        header.push("Dropped file");
        let line = header.join(",") + "\n";
        let mut row = vec!["x"; header.len()];
        row[1] = "setup.com";
        let text = line.clone() + &row.join(",") + "\n";
        let columns = FileColumns::of(line.trim_end().as_bytes(), b',');
        assert_eq!(columns.first, 0b11110);
        assert!(columns.beyond);
        let at = |column: usize| {
            let mut row = vec!["x"; header.len()];
            row[column] = "setup.com";
            let text = line.clone() + &row.join(",") + "\n";
            let pos = text.rfind("setup.com").unwrap();
            fresh(text.as_bytes(), pos)
        };
        let expected: Vec<usize> = vec![1, 2, 3, 4, header.len() - 1];
        for column in 0..header.len() {
            assert_eq!(at(column), expected.contains(&column), "column {column}");
        }
        assert!(fresh(text.as_bytes(), text.rfind("setup.com").unwrap()));
        assert!(!names_a_file(b"fil e"));
        assert!(!names_a_file(b"names"));
        assert!(names_a_file("\u{a0}Name\u{2003}".as_bytes()));
    }

    proptest::proptest! {
        /// One memo over a pass answers every question as a fresh walk
        /// does, on lines and tables of every shape (rows with and without
        /// a leading `|`, several separators, blank and indented lines).
        #[test]
        fn memo_agrees_with_fresh_walks(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "| ", " | ", "|", ",", "\t", "\n", "  ", "x.com", "file name",
                    "name", "hash", "\n| File | Hash |\n", "a,b,file\n",
                ]),
                0..80,
            ),
        ) {
            let text = pieces.concat();
            let mut memo = TableMemo::default();
            for (at, _) in text.match_indices("x.com") {
                proptest::prop_assert_eq!(
                    in_file_column(text.as_bytes(), at, &mut memo),
                    fresh(text.as_bytes(), at),
                    "at {} in {:?}", at, text
                );
            }
        }
    }
}
