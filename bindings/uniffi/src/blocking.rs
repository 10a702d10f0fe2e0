//! Work that may take long (decoding a 12 MP photo, re-running a draw over a million entries),
//! run off the caller's thread for the `async` exports (Kotlin `suspend`, Swift `async`).
//!
//! uniffi polls a Rust future on the thread of the foreign caller (the coroutine's, the task's),
//! so an `async fn` that computed inside `poll` would still block that thread: the UI thread,
//! on a phone. [`off_thread`] runs the work on a thread of its own and the future only waits
//! for its result, so a coroutine on `Dispatchers.Main` suspends instead of freezing. No async
//! runtime is involved (none is linked into the mobile library). If the future is dropped (the
//! coroutine is cancelled), the work still finishes and its result is discarded.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;

type Outcome<T> = thread::Result<T>;

struct Slot<T> {
    outcome: Option<Outcome<T>>,
    waker: Option<Waker>,
}

/// The result of [`off_thread`]: ready when the worker thread has finished.
pub(crate) struct OffThread<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// Runs `work` on a new thread; the returned future resolves to its result. A panic in `work`
/// resumes on the polling side, where uniffi turns it into the foreign `InternalException`.
/// When no thread can be started, `work` runs at once on the calling thread (slower for the
/// caller, same result).
pub(crate) fn off_thread<T, F>(work: F) -> OffThread<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = Arc::new(Mutex::new(Slot {
        outcome: None,
        waker: None,
    }));
    let theirs = Arc::clone(&slot);
    let work = Arc::new(Mutex::new(Some(work)));
    let job = Arc::clone(&work);
    let run = move || {
        let f = job.lock().unwrap_or_else(PoisonError::into_inner).take();
        let outcome = match f {
            Some(f) => catch_unwind(AssertUnwindSafe(f)),
            None => return,
        };
        let waker = {
            let mut s = theirs.lock().unwrap_or_else(PoisonError::into_inner);
            s.outcome = Some(outcome);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    };
    if thread::Builder::new()
        .name("chek-work".into())
        .spawn(run)
        .is_err()
    {
        // A failed spawn drops the closure unrun; the work is still in `work`: run it here.
        if let Some(f) = work.lock().unwrap_or_else(PoisonError::into_inner).take() {
            slot.lock().unwrap_or_else(PoisonError::into_inner).outcome =
                Some(catch_unwind(AssertUnwindSafe(f)));
        }
    }
    OffThread { slot }
}

impl<T> Future for OffThread<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match s.outcome.take() {
            Some(Ok(v)) => Poll::Ready(v),
            Some(Err(panic)) => {
                drop(s);
                resume_unwind(panic)
            }
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Polls until ready.
    fn block_on<T>(f: &mut OffThread<T>, count: &Arc<Count>) -> T {
        let waker = Waker::from(Arc::clone(count));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = Pin::new(&mut *f).poll(&mut cx) {
                return v;
            }
            thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    #[test]
    fn runs_on_another_thread_and_wakes_the_poller() {
        let caller = thread::current().id();
        let gate = Arc::new(Mutex::new(()));
        let held = gate.lock().unwrap();
        let g = Arc::clone(&gate);
        let mut f = off_thread(move || {
            let _wait = g.lock();
            (
                thread::current().id(),
                thread::current().name().map(str::to_owned),
            )
        });
        // The work cannot finish while the gate is held: the first poll is pending and leaves
        // the waker for the worker.
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&count));
        assert!(
            Pin::new(&mut f)
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        drop(held);
        // No poll until the worker has woken the waker the pending poll left.
        let start = std::time::Instant::now();
        while count.0.load(Ordering::SeqCst) == 0 {
            assert!(start.elapsed().as_secs() < 30, "never woken");
            thread::sleep(std::time::Duration::from_millis(1));
        }
        let Poll::Ready((id, name)) = Pin::new(&mut f).poll(&mut Context::from_waker(&waker))
        else {
            panic!("woken but not ready");
        };
        assert_ne!(id, caller);
        assert_eq!(name.as_deref(), Some("chek-work"));
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_panic_resumes_on_the_polling_side() {
        let mut f = off_thread(|| -> u8 { panic!("boom") });
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let r = catch_unwind(AssertUnwindSafe(|| block_on(&mut f, &count)));
        let msg = r.unwrap_err();
        assert_eq!(msg.downcast_ref::<&str>(), Some(&"boom"));
    }
}
