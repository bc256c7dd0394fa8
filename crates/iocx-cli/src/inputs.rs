//! Turning command-line paths into an ordered list of inputs (directories
//! walked recursively in sorted order) and opening each one: regular files
//! are read (small ones) or memory-mapped (large ones), anything else is
//! streamed.

use std::fs::{self, File};
use std::io::{self, Read};
use std::ops::Deref;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

/// One thing to extract from, in output order.
#[derive(Debug)]
pub enum Input {
    /// Standard input (`-` or no path at all).
    Stdin,
    /// A file; `source` is the path as given, or joined from the directory
    /// given. `size` is its length when it is a regular file (`None` for
    /// pipes and devices, whose length is unknown).
    File {
        source: String,
        path: PathBuf,
        size: Option<u64>,
    },
    /// A path that could not be listed; reported in its place in the order.
    Unreadable { source: String, error: io::Error },
}

/// Expands the paths given on the command line into inputs, in order.
pub fn expand(paths: &[PathBuf]) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Stdin];
    }
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        // Paths on the command line are followed even when they are symlinks
        // to directories: the user named them.
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut inputs),
            Ok(meta) => inputs.push(file_input(path, &meta)),
            Err(error) => inputs.push(Input::Unreadable {
                source: path.display().to_string(),
                error,
            }),
        }
    }
    inputs
}

fn file_input(path: &Path, meta: &fs::Metadata) -> Input {
    Input::File {
        source: path.display().to_string(),
        path: path.to_path_buf(),
        size: meta.is_file().then_some(meta.len()),
    }
}

/// Appends the regular files under `dir`, depth first, each directory's
/// entries sorted by name. Symlinks to files are followed; symlinks to
/// directories are not (they could loop), nor are devices, FIFOs or sockets
/// (reading them could block).
fn walk(dir: &Path, inputs: &mut Vec<Input>) {
    let entries = match fs::read_dir(dir).and_then(|rd| rd.collect::<io::Result<Vec<_>>>()) {
        Ok(entries) => entries,
        Err(error) => {
            inputs.push(Input::Unreadable {
                source: dir.display().to_string(),
                error,
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.into_iter().map(|e| e.file_name()).collect();
    entries.sort();
    for name in entries {
        let path = dir.join(&name);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(error) => {
                inputs.push(Input::Unreadable {
                    source: path.display().to_string(),
                    error,
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk(&path, inputs);
        } else if meta.is_file() {
            inputs.push(file_input(&path, &meta));
        } else if meta.file_type().is_symlink() {
            match fs::metadata(&path) {
                Ok(target) if target.is_file() => inputs.push(file_input(&path, &target)),
                Ok(_) => {}
                Err(error) => inputs.push(Input::Unreadable {
                    source: path.display().to_string(),
                    error,
                }),
            }
        }
    }
}

/// The bytes of a whole file, mapped or read.
pub enum Contents {
    /// A memory map of a regular file.
    Mapped(Mmap),
    /// Bytes held in memory (an empty file).
    Owned(Vec<u8>),
}

impl Deref for Contents {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Contents::Mapped(map) => map,
            Contents::Owned(bytes) => bytes,
        }
    }
}

/// An opened input file.
pub enum Opened {
    /// The whole file is available at once.
    Whole(Contents),
    /// A pipe, device or other non-regular file, to be read as a stream.
    Stream(File),
}

/// Files from this size on are memory-mapped rather than read, when they
/// are read together with others: mapping costs more than the copy for a
/// small file then, since every unmap while other threads run makes each
/// core flush its TLB.
pub const MAP_FROM: u64 = 1 << 20;

/// Files from this size on are memory-mapped when read alone: the one unmap
/// costs nothing, and a 1 MB file mapped rather than read takes about 250
/// page faults fewer (3.9 instead of 4.4 ms for the whole run).
pub const MAP_ALONE_FROM: u64 = 64 << 10;

/// Opens `path`: a regular file of `map_from` bytes or more is
/// memory-mapped, a smaller one read (which also spares mapping zero bytes,
/// which fails on some systems), anything else is returned for streaming.
pub fn open(path: &Path, map_from: u64) -> io::Result<Opened> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Opened::Stream(file));
    }
    if meta.len() == 0 || meta.len() < map_from {
        let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
        let mut file = file;
        file.read_to_end(&mut bytes)?;
        return Ok(Opened::Whole(Contents::Owned(bytes)));
    }
    // SAFETY: the map is only read. Another process truncating or rewriting
    // the file while we scan it could make the bytes change under us (or
    // raise SIGBUS on truncation); that is the accepted trade-off of mapping
    // input files, as grep-like tools do, in exchange for no copy.
    let map = unsafe { Mmap::map(&file)? };
    Ok(Opened::Whole(Contents::Mapped(map)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match i {
                Input::Stdin => "-".to_string(),
                Input::File { source, .. } => source.clone(),
                Input::Unreadable { source, .. } => format!("!{source}"),
            })
            .collect()
    }

    #[test]
    fn no_path_is_stdin() {
        assert!(matches!(expand(&[])[..], [Input::Stdin]));
    }

    #[test]
    fn directories_are_walked_sorted_depth_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/inner")).unwrap();
        for f in ["c.txt", "a.txt", "b/z.txt", "b/inner/m.txt", "b/a.txt"] {
            fs::write(root.join(f), "x").unwrap();
        }
        let given = root.join("");
        let got = sources(&expand(&[given.clone(), PathBuf::from("-")]));
        let base = given.display().to_string();
        let expected: Vec<String> = ["a.txt", "b/a.txt", "b/inner/m.txt", "b/z.txt", "c.txt"]
            .iter()
            .map(|f| Path::new(&base).join(f).display().to_string())
            .chain(["-".to_string()])
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn missing_path_is_reported_in_place() {
        let got = sources(&expand(&[PathBuf::from("/nonexistent/iocx-test")]));
        assert_eq!(got, vec!["!/nonexistent/iocx-test".to_string()]);
    }

    #[test]
    fn a_file_is_mapped_from_the_size_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mid");
        fs::write(&path, vec![b'x'; MAP_ALONE_FROM as usize]).unwrap();
        let mapped = |map_from| match open(&path, map_from).unwrap() {
            Opened::Whole(contents) => {
                assert_eq!(contents.len(), MAP_ALONE_FROM as usize);
                matches!(contents, Contents::Mapped(_))
            }
            Opened::Stream(_) => panic!("a regular file is whole"),
        };
        assert!(mapped(MAP_ALONE_FROM));
        assert!(!mapped(MAP_FROM));
        let empty = dir.path().join("empty");
        fs::write(&empty, "").unwrap();
        assert!(matches!(
            open(&empty, 0).unwrap(),
            Opened::Whole(Contents::Owned(_))
        ));
    }

    #[test]
    fn empty_file_opens_without_mapping() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        fs::write(&path, "").unwrap();
        match open(&path, MAP_FROM).unwrap() {
            Opened::Whole(contents) => assert!(contents.is_empty()),
            Opened::Stream(_) => panic!("an empty regular file is whole"),
        }
        fs::write(&path, "abc").unwrap();
        match open(&path, MAP_FROM).unwrap() {
            Opened::Whole(contents) => assert_eq!(&*contents, b"abc"),
            Opened::Stream(_) => panic!("a regular file is whole"),
        }
    }
}
