//! A counting semaphore: at most N requests in flight per provider.

use std::sync::{Condvar, Mutex};

/// Blocks callers beyond `max` concurrent holders.
#[derive(Debug)]
pub(crate) struct Semaphore {
    free: Mutex<usize>,
    freed: Condvar,
}

/// Held while a request is in flight; gives the slot back when dropped.
pub(crate) struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    pub(crate) fn new(max: usize) -> Self {
        Semaphore {
            free: Mutex::new(max.max(1)),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn acquire(&self) -> Permit<'_> {
        // A poisoned lock only means another thread panicked while counting; the count is
        // still right, so carry on.
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += 1;
        self.0.freed.notify_one();
    }
}
