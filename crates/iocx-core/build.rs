//! Builds the Public Suffix List table from `data/public_suffix_list.dat`
//! once, at build time, with the same code the crate reads it with
//! (`src/psl/table.rs`), and writes it to `$OUT_DIR/psl.table`, which
//! `src/psl.rs` compiles in.

use std::path::PathBuf;

// Only the building half of the table is used here.
#[allow(dead_code)]
#[path = "src/psl/table.rs"]
mod table;

fn main() {
    let list_path = "data/public_suffix_list.dat";
    println!("cargo:rerun-if-changed={list_path}");
    println!("cargo:rerun-if-changed=src/psl/table.rs");
    let list =
        std::fs::read_to_string(list_path).unwrap_or_else(|err| panic!("{list_path}: {err}"));
    let table = table::Table::from_list(&list, |name| idna::domain_to_ascii(name).ok());
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("psl.table");
    std::fs::write(&out, table.to_bytes()).unwrap_or_else(|err| panic!("{}: {err}", out.display()));
}
