//! Background load: one busy thread per allowed core, pinned, at the process's own priority
//! (nice 0 unless the whole process was reniced), doing arithmetic (never sleeping) while a
//! `background-load` cell runs and parked otherwise. Created with the [`Team`](crate::placement::Team),
//! before anything is timed.

use std::{
    hint::black_box,
    sync::{
        Arc, Condvar, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    thread,
};

use crate::cores::{Cores, PlacementError, count_thread};

/// What the hogs are told.
#[derive(Debug, Default)]
struct Orders {
    /// Work until it is false again.
    busy: AtomicBool,
    /// Leave (the team is dropped).
    exit: AtomicBool,
    /// Batches of [`ROUNDS`] done, by all hogs.
    done: AtomicU64,
    /// Parks the hogs while they are not busy.
    wake: (Mutex<()>, Condvar),
}

/// The hog threads, one pinned to each allowed core.
#[derive(Debug)]
pub struct Hogs {
    orders: Arc<Orders>,
    cores: Vec<usize>,
}

/// Iterations of the hog's arithmetic between looks at its orders.
const ROUNDS: u32 = 4_096;

impl Hogs {
    /// Starts one parked hog per core of `cores`.
    pub fn new(cores: &Cores) -> Result<Self, PlacementError> {
        let orders = Arc::new(Orders::default());
        for (index, &core) in cores.ids().iter().enumerate() {
            let orders = Arc::clone(&orders);
            count_thread();
            thread::Builder::new()
                .name(format!("chanbench-hog-{index}"))
                .spawn(move || {
                    core_affinity::set_for_current(core_affinity::CoreId { id: core });
                    hog(&orders);
                })
                .map_err(|source| PlacementError::Spawn { index, source })?;
        }
        Ok(Self {
            orders,
            cores: cores.ids().to_vec(),
        })
    }

    /// How many there are: one per allowed core.
    pub fn count(&self) -> usize {
        self.cores.len()
    }

    /// Batches of arithmetic the hogs have done so far (a few microseconds each).
    pub fn batches(&self) -> u64 {
        self.orders.done.load(Ordering::Relaxed)
    }

    /// Runs `work` with every hog busy; they are parked again when it returns.
    pub fn busy<R>(&self, work: impl FnOnce() -> R) -> R {
        self.set(true);
        let out = work();
        self.set(false);
        out
    }

    fn set(&self, busy: bool) {
        let (lock, wake) = &self.orders.wake;
        let _guard = lock.lock().expect("no hog panics holding it");
        self.orders.busy.store(busy, Ordering::SeqCst);
        wake.notify_all();
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        self.orders.exit.store(true, Ordering::SeqCst);
        self.set(false);
    }
}

/// A hog's life: parked until busy, then arithmetic until not.
fn hog(orders: &Orders) {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    loop {
        {
            let (lock, wake) = &orders.wake;
            let mut guard = lock.lock().expect("no hog panics holding it");
            while !orders.busy.load(Ordering::SeqCst) {
                if orders.exit.load(Ordering::SeqCst) {
                    return;
                }
                guard = wake.wait(guard).expect("no hog panics holding it");
            }
        }
        while orders.busy.load(Ordering::Relaxed) {
            for _ in 0..ROUNDS {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            }
            black_box(x);
            orders.done.fetch_add(1, Ordering::Relaxed);
        }
    }
}
