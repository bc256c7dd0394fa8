//! An ordered parallel map with a bounded window: worker threads take items
//! in turn and the calling thread consumes the results in item order.
//!
//! The pipeline used to scan a large file a piece (a few chunks per thread)
//! at a time, and every thread waited at the end of each piece for the
//! slowest chunk. Here a worker takes the next item as soon as it is free;
//! it only waits when it runs `window` items ahead of the consumer, which
//! bounds how many results are held at once.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// How far the consumer has got, shared with the workers.
struct Progress {
    /// Results consumed so far (so item `i` may start once
    /// `i < consumed + window`).
    consumed: Mutex<usize>,
    moved: Condvar,
    /// Set when the consumer gave up: workers stop taking items.
    stopped: AtomicBool,
}

/// Runs `work` over `items` on `threads` threads and hands each result to
/// `consume` in the order of `items`, on the calling thread. At most
/// `window` items are being worked on or waiting to be consumed at once.
///
/// When `consume` fails, no further result is consumed, the workers stop
/// taking items, and the error is returned.
pub fn ordered_map<T, R, E, W, C>(
    items: &[T],
    threads: usize,
    window: usize,
    work: W,
    mut consume: C,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    C: FnMut(R) -> Result<(), E>,
{
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    let progress = Progress {
        consumed: Mutex::new(0),
        moved: Condvar::new(),
        stopped: AtomicBool::new(false),
    };
    let (send, receive) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(items.len()) {
            let send = send.clone();
            let (next, progress, work) = (&next, &progress, &work);
            scope.spawn(move || {
                // Should `work` panic, the others must not wait for room
                // that its item will never make; the scope then re-raises
                // the panic on the calling thread.
                let _stop_on_panic = StopOnPanic(progress);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() || !progress.wait_for_room(i, window) {
                        return;
                    }
                    if send.send((i, work(&items[i]))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        let result = consume_in_order(&receive, items.len(), &progress, &mut consume);
        if result.is_err() {
            progress.stop();
        }
        // Dropping the receiver makes a worker's next send fail, so none
        // blocks the scope's end.
        drop(receive);
        result
    })
}

/// Stops the run when dropped during a panic.
struct StopOnPanic<'a>(&'a Progress);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

impl Progress {
    /// Waits until item `i` fits in the window; false when stopped.
    fn wait_for_room(&self, i: usize, window: usize) -> bool {
        let Ok(mut consumed) = self.consumed.lock() else {
            return false;
        };
        while i >= *consumed + window {
            if self.stopped.load(Ordering::Relaxed) {
                return false;
            }
            consumed = match self.moved.wait(consumed) {
                Ok(c) => c,
                Err(_) => return false,
            };
        }
        !self.stopped.load(Ordering::Relaxed)
    }

    fn advance(&self, to: usize) {
        if let Ok(mut consumed) = self.consumed.lock() {
            *consumed = to;
        }
        self.moved.notify_all();
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        // Taken so that no worker is between its check and its wait.
        drop(self.consumed.lock());
        self.moved.notify_all();
    }
}

/// Receives results in any order and consumes them in item order.
fn consume_in_order<R, E>(
    receive: &mpsc::Receiver<(usize, R)>,
    len: usize,
    progress: &Progress,
    consume: &mut impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let mut waiting = BTreeMap::new();
    let mut expected = 0;
    while expected < len {
        let Ok((i, result)) = receive.recv() else {
            // Every worker has ended before every item was sent: one of
            // them panicked, which the scope re-raises.
            break;
        };
        waiting.insert(i, result);
        while let Some(result) = waiting.remove(&expected) {
            consume(result)?;
            expected += 1;
            progress.advance(expected);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_come_in_item_order_whatever_the_threads() {
        let items: Vec<u64> = (0..500).collect();
        for threads in [1, 2, 3, 8] {
            for window in [1, 2, 7, 1000] {
                let mut seen = Vec::new();
                // Uneven work, so that results arrive out of order.
                let work = |&i: &u64| {
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    i * 3
                };
                ordered_map(&items, threads, window, work, |r| {
                    seen.push(r);
                    Ok::<(), ()>(())
                })
                .unwrap();
                let expected: Vec<u64> = items.iter().map(|i| i * 3).collect();
                assert_eq!(seen, expected, "threads {threads}, window {window}");
            }
        }
    }

    #[test]
    fn no_item_starts_more_than_a_window_ahead_of_the_consumer() {
        let items: Vec<usize> = (0..300).collect();
        let consumed = AtomicUsize::new(0);
        let window = 4;
        let mut n = 0;
        ordered_map(
            &items,
            3,
            window,
            |&i| {
                let done = consumed.load(Ordering::SeqCst);
                assert!(i < done + window, "item {i} started with {done} consumed");
                i
            },
            |r| {
                assert_eq!(r, n);
                n += 1;
                consumed.store(n, Ordering::SeqCst);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(n, items.len());
    }

    #[test]
    fn a_consumer_error_stops_the_run_and_is_returned() {
        let items: Vec<usize> = (0..10_000).collect();
        let worked = AtomicUsize::new(0);
        let mut consumed = Vec::new();
        let result = ordered_map(
            &items,
            2,
            8,
            |&i| {
                worked.fetch_add(1, Ordering::SeqCst);
                i
            },
            |r| {
                if r == 5 {
                    return Err("closed");
                }
                consumed.push(r);
                Ok(())
            },
        );
        assert_eq!(result, Err("closed"));
        assert_eq!(consumed, vec![0, 1, 2, 3, 4]);
        // The workers stopped within a window or so of the failure.
        assert!(worked.load(Ordering::SeqCst) < 5 + 8 + 2 + 1);
    }

    #[test]
    fn no_items_no_calls() {
        let items: Vec<u8> = Vec::new();
        ordered_map(
            &items,
            4,
            4,
            |_| panic!("no work"),
            |()| -> Result<(), ()> { panic!("nothing to consume") },
        )
        .unwrap();
    }
}
