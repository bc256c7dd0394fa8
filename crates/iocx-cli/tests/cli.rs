//! End-to-end tests of the `iocx` binary: each test runs the real executable
//! and checks its exact output and exit status.
//!
//! One test binary for the whole CLI (faster to link than one per file);
//! each subcommand's tests live in a module under `tests/cli/`.

// A test crate's root resolves `mod` next to itself (tests/), so the
// modules under tests/cli/ are named by path.
#[path = "cli/correlation.rs"]
mod correlation;
#[path = "cli/correlation_errors.rs"]
mod correlation_errors;
#[path = "cli/correlation_rules.rs"]
mod correlation_rules;
#[path = "cli/correlation_store.rs"]
mod correlation_store;
#[path = "cli/extract.rs"]
mod extract;
#[path = "cli/large_input.rs"]
mod large_input;
#[path = "cli/lookup.rs"]
mod lookup;
#[path = "cli/misp_check.rs"]
mod misp_check;
#[path = "cli/store_support.rs"]
mod store_support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A finished run of `iocx`.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            code: out.status.code(),
        }
    }
}

/// A command for the `iocx` binary under test, with the test-only
/// environment variables cleared so the caller's shell cannot leak in.
pub fn iocx(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iocx"));
    cmd.current_dir(cwd)
        .env_remove("IOCX_CHUNK_SIZE")
        .env_remove("IOCX_MAX_LINE")
        .env_remove("IOCX_DB");
    cmd
}

/// Runs `cmd` with `stdin` as its standard input.
pub fn run_with_stdin(cmd: &mut Command, stdin: &[u8]) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iocx starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // Written from a thread so a large input cannot deadlock against a full
    // stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("iocx runs");
    writer.join().expect("stdin writer finishes");
    out.into()
}

/// Runs `iocx ARGS` in `cwd` with `stdin` as standard input.
pub fn run(cwd: &Path, args: &[&str], stdin: &[u8]) -> Run {
    run_with_stdin(iocx(cwd).args(args), stdin)
}

/// A scratch directory holding `files` (relative path, content).
pub fn scratch(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, content).expect("write fixture");
    }
    dir
}

/// Asserts a run's exit status, stdout and stderr at once, so a failure
/// shows all three.
#[track_caller]
pub fn assert_run(run: &Run, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(code), stdout, stderr),
        "(exit code, stdout, stderr)"
    );
}
