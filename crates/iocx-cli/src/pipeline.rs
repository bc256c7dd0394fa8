//! The extraction pipeline: inputs in, [`Sink`] parts out, in input order.
//!
//! Small files are extracted whole, a batch at a time in parallel (rayon),
//! and their parts written in input order. A large file is processed alone:
//! its line-aligned chunks are scanned and rendered by worker threads, a
//! bounded window of chunks ahead of this thread, which writes them in order
//! (see [`ordered`](crate::ordered)). Stdin and other streams are read,
//! scanned and written a window at a time. Memory stays bounded whatever the
//! input size.

use std::io::{self, Read, Write};
use std::path::Path;

use iocx_core::chunked::{find_all_parallel, find_in_chunk, line_chunks, map_chunks};
use iocx_core::decode::decode;
use iocx_core::{Extractor, Matches};
use rayon::prelude::*;

use crate::inputs::{self, Input, Opened};
use crate::ordered::ordered_map;
use crate::output::{SeenValues, Sink};
use crate::stream::{scan_stream, StreamError, StreamLimits};
use crate::Outcome;

/// Everything a worker needs to process one input.
pub struct Settings {
    /// The configured extractor.
    pub extractor: Extractor,
    /// Bytes per parallel chunk (at least; chunks end at newlines).
    pub chunk_size: usize,
    /// Window sizes for streamed input.
    pub limits: StreamLimits,
    /// `--unique`: one match per distinct kind and value per input.
    pub unique: bool,
}

impl Settings {
    fn find(&self, text: &[u8]) -> Matches {
        find_all_parallel(&self.extractor, text, self.chunk_size)
    }

    /// Chunks of a large file scanned ahead of the one being written (and,
    /// with `--unique`, scanned together before their first occurrences are
    /// picked). Four per thread made two threads 20 % faster than two per
    /// thread on 1 GB of reports when the threads met at the end of every
    /// piece; eight gained nothing more and held 50 % more memory.
    fn chunks_per_piece(&self) -> usize {
        rayon::current_num_threads().max(1) * 4
    }

    /// How many of the first `inputs` (the first not processed alone) are
    /// extracted together: about a piece's worth of bytes, so that every
    /// core stays busy and the threads meet rarely (batches of eight 50 KB
    /// reports kept two threads at 1.5× one), while the rendered output that
    /// waits for a slower file stays bounded.
    fn batch_len(&self, inputs: &[Input]) -> usize {
        let budget = (self.chunk_size as u64).saturating_mul(self.chunks_per_piece() as u64);
        let most = rayon::current_num_threads() * 256;
        let mut bytes = 0u64;
        let mut len = 0;
        for input in inputs.iter().take(most) {
            if self.processed_alone(input) || len > 0 && bytes >= budget {
                break;
            }
            if let Input::File { size, .. } = input {
                bytes += size.unwrap_or(0);
            }
            len += 1;
        }
        len
    }

    /// Files larger than one piece (a window's worth of chunks) are
    /// processed alone, chunk by chunk.
    fn processed_alone(&self, input: &Input) -> bool {
        match input {
            Input::Stdin => true,
            Input::File { size: None, .. } => true,
            Input::File {
                size: Some(size), ..
            } => *size > (self.chunk_size as u64).saturating_mul(self.chunks_per_piece() as u64),
            Input::Unreadable { .. } => false,
        }
    }
}

/// Why an input stopped early.
enum Failure {
    /// The input could not be read; reported, and the run goes on.
    Input(io::Error),
    /// The output could not be written; the run stops.
    Output(io::Error),
}

impl From<StreamError> for Failure {
    fn from(err: StreamError) -> Failure {
        match err {
            StreamError::Read(err) => Failure::Input(err),
            StreamError::Emit(err) => Failure::Output(err),
        }
    }
}

/// Extracts from every input, writing to `out` in input order. Input errors
/// are printed to stderr (`iocx: SOURCE: ERROR`) and the run goes on; only an
/// output error stops it.
pub fn extract_all<S: Sink>(
    sink: &mut S,
    inputs: &[Input],
    settings: &Settings,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut found = false;
    let mut failed = false;
    sink.start(out)?;
    let mut rest = inputs;
    while let Some(first) = rest.first() {
        if settings.processed_alone(first) {
            rest = &rest[1..];
            let (source, result) = match first {
                Input::Stdin => (
                    "-",
                    extract_stream(sink, "-", io::stdin().lock(), settings, out),
                ),
                Input::File { source, path, .. } => (
                    source.as_str(),
                    extract_piecewise(sink, source, path, settings, out),
                ),
                Input::Unreadable { .. } => unreachable!("unreadable inputs are batched"),
            };
            match result {
                Ok(any) => found |= any,
                Err(Failure::Output(err)) => return Err(err),
                Err(Failure::Input(err)) => {
                    report_error(out, source, &err)?;
                    failed = true;
                }
            }
            continue;
        }
        let len = settings.batch_len(rest);
        let (batch, after) = rest.split_at(len);
        rest = after;
        let map_from = if len == 1 {
            inputs::MAP_ALONE_FROM
        } else {
            inputs::MAP_FROM
        };
        let results: Vec<_> = batch
            .par_iter()
            .map(|input| match input {
                Input::File { source, path, .. } => (
                    source.as_str(),
                    extract_whole(&*sink, source, path, settings, map_from),
                ),
                Input::Unreadable { source, error } => (
                    source.as_str(),
                    Err(io::Error::new(error.kind(), error.to_string())),
                ),
                Input::Stdin => unreachable!("stdin is processed alone"),
            })
            .collect();
        for (source, result) in results {
            match result {
                Ok((parts, any)) => {
                    found |= any;
                    for part in parts {
                        sink.write(part, out)?;
                    }
                }
                Err(err) => {
                    report_error(out, source, &err)?;
                    failed = true;
                }
            }
        }
    }
    sink.finish(out)?;
    out.flush()?;
    Ok(if failed {
        Outcome::Failed
    } else if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// Prints `iocx: SOURCE: ERROR` after what was written so far.
fn report_error(out: &mut dyn Write, source: &str, err: &io::Error) -> io::Result<()> {
    out.flush()?;
    eprintln!("iocx: {source}: {err}");
    Ok(())
}

/// Extracts a small file in one go, returning its parts and whether anything
/// was found; a file of `map_from` bytes or more is mapped.
fn extract_whole<S: Sink>(
    sink: &S,
    source: &str,
    path: &Path,
    settings: &Settings,
    map_from: u64,
) -> io::Result<(Vec<S::Part>, bool)> {
    let contents = match inputs::open(path, map_from)? {
        Opened::Whole(contents) => contents,
        // It was a regular file when listed but is not any more: read it.
        Opened::Stream(mut file) => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            inputs::Contents::Owned(bytes)
        }
    };
    let (text, _) = decode(&contents);
    // A part per chunk rather than the chunks' matches joined into one.
    let chunks = line_chunks(&text, settings.chunk_size);
    let find = |chunk: &[u8]| settings.extractor.find_matches(chunk);
    let mut seen = SeenValues::default();
    let mut found = false;
    let parts = map_chunks(&text, &chunks, find, |matches| matches)
        .into_iter()
        .map(|mut matches| {
            if settings.unique {
                seen.retain_first(&mut matches);
            }
            found |= !matches.is_empty();
            sink.part(source, &text, 0, &matches)
        })
        .collect();
    Ok((parts, found))
}

/// Extracts a large file chunk by chunk, writing each chunk's part in order
/// while later chunks are scanned.
fn extract_piecewise<S: Sink>(
    sink: &mut S,
    source: &str,
    path: &Path,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<bool, Failure> {
    let contents = match inputs::open(path, inputs::MAP_FROM).map_err(Failure::Input)? {
        Opened::Whole(contents) => contents,
        Opened::Stream(file) => return extract_stream(sink, source, file, settings, out),
    };
    let (text, _) = decode(&contents);
    let chunks = line_chunks(&text, settings.chunk_size);
    let find = |chunk: &[u8]| settings.extractor.find_matches(chunk);
    let mut found = false;
    let mut write = |sink: &S, (part, any): (S::Part, bool)| {
        found |= any;
        sink.write(part, out)
    };
    if settings.unique {
        // First occurrences are decided in input order, so each piece's
        // matches come back to this thread before they are rendered.
        let mut seen = SeenValues::default();
        for piece in chunks.chunks(settings.chunks_per_piece()) {
            let mut per_chunk = map_chunks(&text, piece, find, |matches| matches);
            for matches in &mut per_chunk {
                seen.retain_first(matches);
            }
            let parts: Vec<_> = per_chunk
                .par_iter()
                .map(|matches| render(&*sink, source, &text, matches))
                .collect();
            for part in parts {
                write(sink, part).map_err(Failure::Output)?;
            }
        }
    } else {
        // Each chunk is scanned and rendered (and its matches dropped) on a
        // worker, which takes the next chunk as soon as it is done; this
        // thread only writes. Rendering here after the scan kept two cores
        // well under twice the speed of one.
        let sink: &S = sink;
        ordered_map(
            &chunks,
            rayon::current_num_threads(),
            settings.chunks_per_piece(),
            |range| {
                render(
                    sink,
                    source,
                    &text,
                    &find_in_chunk(&text, range.clone(), find),
                )
            },
            |part| write(sink, part),
        )
        .map_err(Failure::Output)?;
    }
    Ok(found)
}

/// One chunk's part, rendered against the whole text (spans are relative to
/// it), and whether it holds any match.
fn render<S: Sink>(sink: &S, source: &str, text: &[u8], matches: &Matches) -> (S::Part, bool) {
    (sink.part(source, text, 0, matches), !matches.is_empty())
}

/// Extracts from a stream window by window, writing as it goes.
fn extract_stream<S: Sink, R: Read>(
    sink: &mut S,
    source: &str,
    reader: R,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<bool, Failure> {
    let mut seen = SeenValues::default();
    let mut found = false;
    scan_stream(
        reader,
        settings.limits,
        |text| settings.find(text),
        |text, base, mut matches| {
            if settings.unique {
                seen.retain_first(&mut matches);
            }
            found |= !matches.is_empty();
            let part = sink.part(source, text, base, &matches);
            sink.write(part, out)?;
            // Streamed input may be slow (`tail -f`): show each window.
            out.flush()
        },
    )?;
    Ok(found)
}
