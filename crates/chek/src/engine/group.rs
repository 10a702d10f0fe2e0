//! Group commit: settles that arrive together from many threads share one transaction.
//!
//! A ledger commit costs far more than deciding a receipt (SQLite writes a dozen pages to its
//! WAL; PostgreSQL waits for its log), and SQLite takes one writer at a time anyway. So the
//! first thread to find no settle running becomes the leader: it takes every waiting settle
//! (its own included) and runs them in order in one
//! [`Ledger::settle_batch`](chek_store::Ledger::settle_batch), then hands the
//! lead to the next waiter, if any, and returns. Each caller still returns only after the
//! commit that holds its receipt, so `process` keeps its promise: an `Ok` outcome is durable.
//! Caps and budgets stay exact because a batch settles its items one after another inside the
//! transaction, each seeing the ones before.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use chek_store::StoreError;

/// Settles a batch in one transaction: per-item results, or the error that rolled it back.
pub(super) type Run<'a, T, O> =
    dyn Fn(&[Arc<T>]) -> Result<Vec<Result<O, StoreError>>, StoreError> + 'a;

/// Most settles in one transaction; the rest wait for the next leader.
pub(super) const MAX_GROUP: usize = 256;

/// Settles (jobs `T`, each settling to an `O`) waiting for a leader.
pub(super) struct Group<T, O> {
    queue: Mutex<Queue<T, O>>,
}

impl<T, O> Default for Group<T, O> {
    fn default() -> Self {
        Group {
            queue: Mutex::new(Queue {
                jobs: Vec::new(),
                leading: false,
            }),
        }
    }
}

type Job<T, O> = (Arc<T>, Arc<Slot<O>>);

struct Queue<T, O> {
    jobs: Vec<Job<T, O>>,
    /// A leader is running a batch (or has been named and is waking up).
    leading: bool,
}

/// Where a waiting caller learns what happened to its settle.
struct Slot<O> {
    state: Mutex<State<O>>,
    ready: Condvar,
}

enum State<O> {
    Waiting,
    /// This caller is the next leader.
    Lead,
    Done(Result<O, StoreError>),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here is left half-updated by a panic (see `Leader`'s drop).
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<O> Slot<O> {
    fn new() -> Self {
        Slot {
            state: Mutex::new(State::Waiting),
            ready: Condvar::new(),
        }
    }

    fn set(&self, s: State<O>) {
        *lock(&self.state) = s;
        self.ready.notify_one();
    }

    fn wait(&self) -> State<O> {
        let mut g = lock(&self.state);
        while matches!(*g, State::Waiting) {
            g = self.ready.wait(g).unwrap_or_else(PoisonError::into_inner);
        }
        std::mem::replace(&mut *g, State::Waiting)
    }
}

impl<T, O> Group<T, O> {
    /// Settles `job` in a shared transaction and returns its result once committed.
    pub(super) fn settle(&self, job: Arc<T>, run: &Run<'_, T, O>) -> Result<O, StoreError> {
        let slot = Arc::new(Slot::new());
        let lead = {
            let mut q = lock(&self.queue);
            q.jobs.push((job, Arc::clone(&slot)));
            !std::mem::replace(&mut q.leading, true)
        };
        if !lead {
            match slot.wait() {
                State::Done(r) => return r,
                State::Lead | State::Waiting => {}
            }
        }
        let jobs: Vec<_> = {
            let mut q = lock(&self.queue);
            let n = q.jobs.len().min(MAX_GROUP);
            q.jobs.drain(..n).collect()
        };
        let mut leader = Leader {
            group: self,
            jobs,
            delivered: false,
        };
        let items: Vec<Arc<T>> = leader.jobs.iter().map(|(r, _)| Arc::clone(r)).collect();
        let results = match run(&items) {
            Ok(v) => v.into_iter().map(Some).collect(),
            Err(e) => items.iter().map(|_| Some(Err(e.clone()))).collect(),
        };
        leader.deliver(results);
        drop(leader);
        match slot.wait() {
            State::Done(r) => r,
            // Our own job is always in the batch we ran.
            State::Lead | State::Waiting => Err(StoreError::Backend(
                "group commit lost a settle result".into(),
            )),
        }
    }
}

/// The running batch. Dropped normally after delivering, or during a panic unwinding out of
/// the batch: then every waiter gets an error instead of waiting forever, and the lead passes on.
struct Leader<'a, T, O> {
    group: &'a Group<T, O>,
    jobs: Vec<Job<T, O>>,
    delivered: bool,
}

impl<T, O> Leader<'_, T, O> {
    fn deliver(&mut self, results: Vec<Option<Result<O, StoreError>>>) {
        let mut results = results.into_iter();
        for (_, slot) in &self.jobs {
            let r = results.next().flatten().unwrap_or_else(|| {
                Err(StoreError::Backend(
                    "the ledger returned too few results".into(),
                ))
            });
            slot.set(State::Done(r));
        }
        self.delivered = true;
    }
}

impl<T, O> Drop for Leader<'_, T, O> {
    fn drop(&mut self) {
        if !self.delivered {
            for (_, slot) in &self.jobs {
                slot.set(State::Done(Err(StoreError::Backend(
                    "the settle batch panicked; nothing of it was committed".into(),
                ))));
            }
        }
        let mut q = lock(&self.group.queue);
        match q.jobs.first() {
            Some((_, next)) => next.set(State::Lead),
            None => q.leading = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    type Settles = Result<Vec<Result<u32, StoreError>>, StoreError>;

    /// A run that "settles" each job to itself and counts its batches.
    fn echo(batches: &AtomicUsize) -> impl Fn(&[Arc<u32>]) -> Settles + '_ {
        move |items: &[Arc<u32>]| {
            batches.fetch_add(1, Ordering::SeqCst);
            // Long enough for other threads to queue behind this batch.
            std::thread::sleep(std::time::Duration::from_millis(2));
            Ok(items.iter().map(|j| Ok(**j)).collect())
        }
    }

    #[test]
    fn every_caller_gets_its_own_result_and_batches_form() {
        let g: Group<u32, u32> = Group::default();
        let batches = AtomicUsize::new(0);
        let run = echo(&batches);
        std::thread::scope(|s| {
            for t in 0..16u32 {
                let (g, run) = (&g, &run);
                s.spawn(move || {
                    for k in 0..20u32 {
                        let job = t * 1000 + k;
                        assert_eq!(g.settle(Arc::new(job), run).ok(), Some(job));
                    }
                });
            }
        });
        let n = batches.load(Ordering::SeqCst);
        // 320 settles; with 16 threads waiting on each 2 ms batch, far fewer batches.
        assert!(n < 320 / 2, "{n} batches for 320 settles");
        assert!(!lock(&g.queue).leading && lock(&g.queue).jobs.is_empty());
    }

    #[test]
    fn a_failed_batch_fails_each_of_its_callers() {
        let g: Group<u32, u32> = Group::default();
        let run = |_: &[Arc<u32>]| -> Settles { Err(StoreError::Busy("locked".into())) };
        let r = g.settle(Arc::new(1), &run);
        assert!(matches!(r, Err(StoreError::Busy(_))));
        // The lead was released: the next settle runs.
        let ok = |i: &[Arc<u32>]| -> Settles { Ok(i.iter().map(|j| Ok(**j)).collect()) };
        assert_eq!(g.settle(Arc::new(2), &ok).ok(), Some(2));
    }

    #[test]
    fn a_panicking_batch_fails_its_waiters_instead_of_hanging_them() {
        let g: Group<u32, u32> = Group::default();
        let entered = AtomicUsize::new(0);
        let run = |items: &[Arc<u32>]| -> Settles {
            entered.fetch_add(1, Ordering::SeqCst);
            if items.iter().any(|j| **j == 0) {
                // Let the other threads queue up behind the doomed batch, then panic.
                std::thread::sleep(std::time::Duration::from_millis(50));
                panic!("evaluate panicked");
            }
            Ok(items.iter().map(|j| Ok(**j)).collect())
        };
        let results: Vec<Option<Result<u32, String>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u32)
                .map(|t| {
                    let (g, run) = (&g, &run);
                    s.spawn(move || {
                        if t > 0 {
                            std::thread::sleep(std::time::Duration::from_millis(10));
                        }
                        g.settle(Arc::new(t), run).map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().ok()).collect()
        });
        // The leader's own thread panicked; nobody hangs, and every other caller got an answer:
        // an error if it was in the panicking batch, its result if it settled after.
        assert!(results[0].is_none());
        for r in &results[1..] {
            assert!(r.is_some());
        }
        assert!(!lock(&g.queue).leading && lock(&g.queue).jobs.is_empty());
    }
}
