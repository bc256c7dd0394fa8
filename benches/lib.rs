//! Shared fixtures for the iocx benchmarks.
