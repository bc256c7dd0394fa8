//! glibc's allocator settings for a batch run.
//!
//! Each chunk an extraction scans allocates a few buffers of a megabyte or
//! so (the matches and their values, the rendered output) and frees them
//! when it is written. With glibc's defaults, freed memory at the top of the
//! heap beyond a threshold that adapts to these sizes is given back to the
//! kernel, and the next chunk's buffers fault the same pages in again:
//! 28,000 page faults over 200 MB of reports instead of 7,000, and 8 % of
//! the time of `iocx extract --threads 1` on 1 GB. Raising both
//! thresholds above any buffer the pipeline holds keeps that memory in the
//! process, warm, for the next chunk; the peak barely moves (1 GB: 16 MB
//! beyond the map with one thread, 27 → 31 MB with two).

/// Applies the settings; a no-op where the allocator is not glibc's.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Allocations up to 64 MiB come from the heap rather than their own
        // mapping, and up to 256 MiB of free heap is kept.
        const MMAP_THRESHOLD: libc::c_int = 64 << 20;
        const TRIM_THRESHOLD: libc::c_int = 256 << 20;
        // SAFETY: `mallopt` only changes allocator parameters; it is called
        // before any other thread exists. A refused setting (0) leaves the
        // default, which is only slower.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
        }
    }
}
