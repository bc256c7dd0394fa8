//! Defang-aware extraction of indicators of compromise (IoCs) from bytes.
//!
//! ```
//! use iocx_core::{Extractor, IndicatorKind};
//!
//! let text = b"C2 at hxxps://evil[.]com/gate.php, fallback 1.2.3[.]4:8080";
//! let found: Vec<_> = Extractor::new().find_iter(text).collect();
//! assert_eq!(found[0].kind, IndicatorKind::Url);
//! assert_eq!(found[0].value, "https://evil.com/gate.php");
//! assert_eq!(found[1].value, "1.2.3.4");
//! assert_eq!(found[1].port, Some(8080));
//! assert_eq!(found[1].raw(text), b"1.2.3[.]4:8080");
//! ```
//!
//! # Design
//!
//! Extraction is two steps over the input, both linear:
//!
//! 1. **The refanged view.** One SIMD classification pass (AVX-512BW or
//!    AVX2, with a scalar fallback) marks every byte that can start a defang token (`[`,
//!    `(`, `{`, `]`, `\`, ` dot `, ` AT `, `__`, `%`, wide dots, ESC, a
//!    `://` a space follows, zero-width characters and soft hyphens). Each
//!    mark is checked against the token table; the ones that are defang
//!    tokens become edits, as do invisible characters inside a name
//!    (`172.\u{200B}104.…`, which web pages write so long lists wrap). When there are edits the view is one copy of the
//!    input with them applied, plus a sorted edit list that maps view
//!    offsets back to input offsets in one forward walk. Input without
//!    defang tokens is not copied.
//! 2. **Anchors, then small parsers.** A classification pass marks `.`, `:`
//!    and `@`; each mark grows into the token around it and a hand-written
//!    parser decides what it is (URL at `://`, e-mail at `@`, IPv6/ssdeep at
//!    `:`, IPv4/CIDR/domain at `.`). Hex digests grow from 16-byte chunks
//!    that are all hex digits (a 32-digit run always covers one), and CVEs
//!    and ASNs from one pass marking `cve` and `AS` (with AVX-512, both
//!    are noted during the anchor pass instead). Each pass finds its
//!    candidates in output order, so they are merged rather than sorted and
//!    mapped back to input offsets in one forward walk. No regular
//!    expression runs over the input. The recognisers write the values
//!    into one buffer per search, which [`Extractor::find_matches`] hands
//!    over as [`Matches`] (two allocations per search, not one per match);
//!    [`Extractor::find_all`] and [`Extractor::find_iter`] copy them out
//!    into [`Match`]es that own their values.
//!
//! Domains must end in an explicit Public Suffix List entry (a snapshot ships
//! in `data/`, see [`psl`]) with a label before it; a name that is itself an
//! entry of the list's private section (`duckdns.org`, `s3.amazonaws.com`)
//! is its provider's own host and counts too. Undefanged candidates then
//! pass context guards against file names (`setup.zip`), code
//! (`System.Net.WebClient`, `document.write(`), antivirus detection names
//! (`Trojan.Win32.Explosion.ae`) and version numbers (`version 1.2.3.4`); a
//! defanged candidate skips them, because defanging is a statement of intent
//! (an escaped dot, `evil\.com`, is refanged but is no such statement:
//! regexes and escaped paths write every dot that way). The guards look at a
//! few bytes around a candidate; the one that asks whether it sits in a
//! table's file-name column carries what it learnt of the
//! current line and table from one candidate to the next, so a long line or
//! table is read once, not once per candidate.
//! Benign-but-valid values (`10.0.0.5`, `8.8.8.8`, `github.com`) are always
//! reported: deciding what is benign is a separate step (warninglists).
//!
//! # Costs and limits
//!
//! * The whole input must be in memory (or memory-mapped); [`chunked`] splits
//!   a large buffer at line ends to use several cores.
//! * Defang tokens never span a line end, but for a dot in brackets wrapped
//!   across one (`evil[.\n]com`), which every cut of [`chunked`] passes
//!   over; so line-aligned chunks give the same result as one pass.
//! * Input is bytes. UTF-8 is understood (IDNs, wide dots); UTF-16 input must
//!   go through [`decode::decode`] first, and spans then refer to the decoded
//!   text.
#![deny(missing_docs)]

pub mod chunked;
pub mod correlate;
pub mod decode;
pub mod extract;
mod fasthash;
mod kind;
pub mod matches;
pub mod psl;
pub mod refang;

pub use correlate::CorrelationIndex;
pub use extract::{Extractor, ExtractorBuilder, Strictness};
pub use kind::{IndicatorKind, UnknownKind};
pub use matches::{Match, MatchRef, Matches, Span};
pub use refang::{defang, refang, Refanger};
