//! Shared fixtures for the iocx benchmarks: the kind mixes, the inputs
//! (the project corpus, the external corpus under `$IOCX_BENCH_CORPUS`) and
//! the generators of hostile input.
//!
//! The unit tests here run with `cargo test -p iocx-benches` and check the
//! fixtures themselves, including the exact match counts that
//! `benches/extract.rs` asserts for the project corpus.

use std::path::{Path, PathBuf};

use iocx_core::{Extractor, ExtractorBuilder, IndicatorKind};

/// The set of kinds an extraction bench asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// Every kind (the default extractor).
    All,
    /// md5, sha1, sha224, sha256, sha384, sha512 and ssdeep.
    Hashes,
    /// ipv4, ipv6, cidr, domain, url and email.
    Network,
}

impl Mix {
    /// The three mixes, in report order.
    pub const ALL: [Mix; 3] = [Mix::All, Mix::Hashes, Mix::Network];

    /// The name used in bench ids.
    pub fn name(self) -> &'static str {
        match self {
            Mix::All => "all",
            Mix::Hashes => "hashes",
            Mix::Network => "network",
        }
    }

    /// The kinds of the mix.
    pub fn kinds(self) -> Vec<IndicatorKind> {
        use IndicatorKind::*;
        match self {
            Mix::All => IndicatorKind::ALL.to_vec(),
            Mix::Hashes => vec![Md5, Sha1, Sha224, Sha256, Sha384, Sha512, Ssdeep],
            Mix::Network => vec![Ipv4, Ipv6, Cidr, Domain, Url, Email],
        }
    }

    /// An extractor with the default settings restricted to the mix.
    pub fn extractor(self) -> Extractor {
        ExtractorBuilder::new().kinds(&self.kinds()).build()
    }
}

/// The files of `corpora/` that the project-corpus benches read, in order.
pub const PROJECT_CORPUS_FILES: &[&str] = &["report-apt-sample.md"];

/// Exact number of matches in the project corpus (the files above joined as
/// [`project_corpus`] joins them), per mix: all, hashes, network.
///
/// These are the extractor's own counts, not the analyst's expectations
/// (`corpora/*.expected.tsv` holds those, unique and per kind); they guard the
/// benches against a fast wrong answer. When an intended change of the
/// extractor or of the corpus moves them, regenerate with
/// `cargo test -p iocx-benches --release -- --nocapture project_counts`
/// (the failing test prints the counts found) and paste them here.
pub const PROJECT_COUNTS: [(Mix, usize); 3] =
    [(Mix::All, 94), (Mix::Hashes, 13), (Mix::Network, 66)];

/// The exact expected count of `mix` over the project corpus.
pub fn project_count(mix: Mix) -> usize {
    PROJECT_COUNTS
        .iter()
        .find(|(m, _)| *m == mix)
        .map(|(_, n)| *n)
        .expect("every mix has a count")
}

/// The repository's `corpora/` folder.
pub fn project_corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora")
}

/// The project corpus: [`PROJECT_CORPUS_FILES`] joined, each ending in a
/// newline (so that copies of it can be repeated without joining lines).
pub fn project_corpus() -> Vec<u8> {
    let dir = project_corpus_dir();
    let mut out = Vec::new();
    for name in PROJECT_CORPUS_FILES {
        let path = dir.join(name);
        let text =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        push_line_terminated(&mut out, &text);
    }
    out
}

/// `unit` repeated until the result holds at least `min_len` bytes; returns
/// the buffer and the number of copies.
pub fn repeat_to(unit: &[u8], min_len: usize) -> (Vec<u8>, usize) {
    assert!(!unit.is_empty());
    let copies = min_len.div_ceil(unit.len()).max(1);
    (unit.repeat(copies), copies)
}

/// The external corpus folder named by `IOCX_BENCH_CORPUS` (a folder like
/// `../shared/corpora`, holding `reports-part*.txt` and `feeds/`), or `None`
/// when the variable is unset or empty.
pub fn external_corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("IOCX_BENCH_CORPUS")?;
    if dir.is_empty() {
        return None;
    }
    let dir = PathBuf::from(dir);
    // Accept the feeds folder itself too (as the correlate bench does).
    if dir.file_name().is_some_and(|n| n == "feeds") && !dir.join("feeds").is_dir() {
        return dir.parent().map(Path::to_path_buf);
    }
    Some(dir)
}

/// The files in `dir` whose names start with `prefix` and end with
/// `suffix`, sorted by name.
pub fn files_matching(dir: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    files.sort();
    files
}

/// The files joined into one buffer, each ending in a newline.
pub fn concat_files(files: &[PathBuf]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for file in files {
        push_line_terminated(&mut out, &std::fs::read(file)?);
    }
    Ok(out)
}

fn push_line_terminated(out: &mut Vec<u8>, text: &[u8]) {
    out.extend_from_slice(text);
    if !text.ends_with(b"\n") {
        out.push(b'\n');
    }
}

/// A family of hostile input: a short unit repeated without newlines.
#[derive(Clone, Copy, Debug)]
pub struct Hostile {
    /// Name used in bench ids.
    pub name: &'static str,
    /// The repeated unit.
    pub unit: &'static [u8],
}

/// The hostile patterns of the linear-time bench. The first ten are the ones
/// issue 5 names; then rows of a table, two extra stresses for the domain
/// parser (long label chains whose every suffix is a public suffix, plain
/// and defanged), a long line of `.com` hosts for the table guard, and one
/// each for the later recognisers (nested and glued URLs, hyphen wraps,
/// version lists, glued hosts).
pub const HOSTILE: &[Hostile] = &[
    Hostile {
        name: "dots",
        unit: b".",
    },
    Hostile {
        name: "defanged-dots",
        unit: b"[.]",
    },
    Hostile {
        name: "hex-run",
        unit: b"0123456789abcdef",
    },
    Hostile {
        name: "at-signs",
        unit: b"@",
    },
    Hostile {
        name: "dotted-words",
        unit: b"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.",
    },
    Hostile {
        name: "digits-dots",
        unit: b"1.2.3.4.5.6.7.8.9.0.",
    },
    Hostile {
        name: "nested-brackets",
        unit: b"[(",
    },
    Hostile {
        name: "colons-hex",
        unit: b"1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:0:",
    },
    Hostile {
        name: "hxxp-schemes",
        unit: b"hxxp://",
    },
    Hostile {
        name: "pct-scheme",
        unit: b"%3A%2F%2F",
    },
    // Many lines, unlike the others: rows of a table whose header the
    // file-name column guard looks for above every `.com` candidate.
    Hostile {
        name: "csv-rows",
        unit: b"7,evil.com,x\n",
    },
    Hostile {
        name: "dotted-suffixes",
        unit: b"com.net.org.co.uk.io.",
    },
    Hostile {
        name: "defanged-labels",
        unit: b"evil[.]com[.]",
    },
    // One long line of prose naming `.com` hosts (a JSON blob, a minified
    // feed): the file-name column guard asks about each, and once rescanned
    // the line back to its start (or the look-back window) every time.
    Hostile {
        name: "com-hosts-one-line",
        unit: b"see evil.com and ",
    },
    // URLs nested in URLs' queries: each one is followed into only once, so
    // the run is read twice, not once per level.
    Hostile {
        name: "nested-urls",
        unit: b"http://a.com/?u=",
    },
    // URL lists run together (`/a.exehttp://…`): each URL ends where the
    // next one's glued scheme starts, which is read once.
    Hostile {
        name: "glued-urls",
        unit: b"http://a.com/x.exe",
    },
    // Lines that all end in a hyphen: one URL wraps across every one, and
    // no chunk may end at any of them.
    Hostile {
        name: "hyphen-wraps",
        unit: b"http://a.com/a-\nb-\n",
    },
    // A list of versions: each quad after `and` or a comma looks back at
    // the one before it, a bounded number of items deep.
    Hostile {
        name: "version-lists",
        unit: b"versions 1.2.3.4 and 1.2.3.5, 1.2.3.6, ",
    },
    // Host lists run together at a `www.` (`a.comwww.b.com…`) and
    // capitalised words glued to hosts: each token is cut once.
    Hostile {
        name: "glued-hosts",
        unit: b"a.comwww.b.comFigure.c.com.If ",
    },
    // Excel string joins with no end (`"a"&"b"&"c"…`, one name of
    // megabytes once refanged) and hyphens written as PDF exports do.
    Hostile {
        name: "excel-joins",
        unit: b"\"ab.c\"&\"o\"&",
    },
    Hostile {
        name: "pdf-hyphens",
        unit: "a-\u{AD}\u{2010}b.".as_bytes(),
    },
    // UNC paths to WebDAV hosts (`\\a.com@SSL@443\x`), one after another.
    Hostile {
        name: "webdav-hosts",
        unit: b"\\\\a.com@SSL@443\\x ",
    }, // Zero-width spaces in a name, a bracketed dot and a run of them: each
    // is dropped or left once, and a bracket looks through a few at most.
    Hostile {
        name: "zero-width",
        unit: "a.\u{200B}b[\u{200B}.\u{200B}]c\u{200B}\u{200B}\u{200B}\u{200B}[\u{200B}".as_bytes(),
    },
];

/// `pattern`'s unit repeated and cut to exactly `len` bytes (one line).
pub fn hostile_input(pattern: &Hostile, len: usize) -> Vec<u8> {
    pattern.unit.iter().copied().cycle().take(len).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use iocx_core::chunked::find_all_parallel;

    #[test]
    fn project_counts() {
        let text = project_corpus();
        let found: Vec<(Mix, usize)> = Mix::ALL
            .iter()
            .map(|&m| (m, m.extractor().find_iter(&text).count()))
            .collect();
        assert_eq!(
            found,
            PROJECT_COUNTS.to_vec(),
            "project corpus counts changed: paste the left side into PROJECT_COUNTS \
             in benches/lib.rs if the change is intended"
        );
    }

    #[test]
    fn repeated_project_corpus_counts_add_up_in_parallel() {
        // The parallel bench asserts copies × count: check that repeating the
        // corpus and cutting it into chunks changes nothing.
        let text = project_corpus();
        let (buf, copies) = repeat_to(&text, 8 * text.len());
        for mix in Mix::ALL {
            let ex = mix.extractor();
            let expected = copies * project_count(mix);
            assert_eq!(ex.find_all(&buf).len(), expected, "{mix:?} single");
            assert_eq!(
                find_all_parallel(&ex, &buf, 3 * text.len() / 2).len(),
                expected,
                "{mix:?} parallel"
            );
        }
    }

    #[test]
    fn hostile_inputs_are_one_line_of_the_right_length() {
        for p in HOSTILE {
            let input = hostile_input(p, 1000);
            assert_eq!(input.len(), 1000, "{}", p.name);
            assert_eq!(
                input.contains(&b'\n'),
                p.unit.contains(&b'\n'),
                "{}",
                p.name
            );
            assert!(input.starts_with(&p.unit[..p.unit.len().min(1000)]));
        }
    }

    #[test]
    fn repeat_to_reaches_the_length() {
        let (buf, copies) = repeat_to(b"abc\n", 10);
        assert_eq!(copies, 3);
        assert_eq!(buf, b"abc\nabc\nabc\n");
    }

    /// The version guard reads the word ending the line above a dotted quad
    /// (`version\n2.4.1.3`); chunks carry that context, so the parallel
    /// bench finds what the single-thread one finds (this once differed by
    /// one match on the repeated project corpus).
    #[test]
    fn parallel_equals_single_across_a_version_line() {
        let text = b"carries the file version\n2.4.1.3 in its resources\n";
        let ex = Extractor::new();
        assert_eq!(find_all_parallel(&ex, text, 8), ex.find_matches(text));
        let corpus = project_corpus();
        let (buf, _) = repeat_to(&corpus, 16 << 20);
        assert_eq!(
            find_all_parallel(&ex, &buf, iocx_core::chunked::DEFAULT_CHUNK_SIZE).len(),
            ex.find_all(&buf).len()
        );
    }
}
