//! Worker threads that read and batchify ahead of the training loop.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// Turns a batch of indices into a batch; shared by every worker.
pub(crate) type MakeBatch<B> = Arc<dyn Fn(Vec<usize>) -> B + Send + Sync>;

type Job = (usize, Vec<usize>);
type Outcome<B> = (usize, thread::Result<B>);

/// One epoch's batches, built by a pool of threads, at most `prefetch` ahead of the
/// consumer, and yielded in sampler order whatever order the workers finish in.
pub(crate) struct Prefetcher<B> {
    jobs: Option<Sender<Job>>,
    outcomes: Receiver<Outcome<B>>,
    /// The epoch's index batches not yet handed to a worker.
    waiting: std::vec::IntoIter<Vec<usize>>,
    submitted: usize,
    yielded: usize,
    total: usize,
    prefetch: usize,
    /// Batches that finished before their turn.
    ready: HashMap<usize, B>,
    cancelled: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl<B: Send + 'static> Prefetcher<B> {
    pub(crate) fn start(
        batches: Vec<Vec<usize>>,
        make_batch: MakeBatch<B>,
        num_workers: usize,
        prefetch: usize,
    ) -> Self {
        let (job_sender, job_receiver) = mpsc::channel::<Job>();
        let (outcome_sender, outcomes) = mpsc::channel::<Outcome<B>>();
        let job_receiver = Arc::new(Mutex::new(job_receiver));
        let cancelled = Arc::new(AtomicBool::new(false));

        let workers = (0..num_workers)
            .map(|_| {
                let jobs = Arc::clone(&job_receiver);
                let outcomes = outcome_sender.clone();
                let make_batch = Arc::clone(&make_batch);
                let cancelled = Arc::clone(&cancelled);
                thread::spawn(move || work(&jobs, &outcomes, &*make_batch, &cancelled))
            })
            .collect();

        let total = batches.len();
        let mut prefetcher = Prefetcher {
            jobs: Some(job_sender),
            outcomes,
            waiting: batches.into_iter(),
            submitted: 0,
            yielded: 0,
            total,
            prefetch: prefetch.max(1),
            ready: HashMap::new(),
            cancelled,
            workers,
        };
        prefetcher.submit();
        prefetcher
    }

    /// Hands batches to the workers until `prefetch` are in flight or none is left.
    fn submit(&mut self) {
        while self.submitted < self.yielded + self.prefetch {
            let Some(indices) = self.waiting.next() else {
                break;
            };
            if let Some(jobs) = &self.jobs {
                // A send fails only when every worker has exited, which `next` reports.
                let _ = jobs.send((self.submitted, indices));
            }
            self.submitted += 1;
        }
    }
}

fn work<B>(
    jobs: &Mutex<Receiver<Job>>,
    outcomes: &Sender<Outcome<B>>,
    make_batch: &(dyn Fn(Vec<usize>) -> B + Send + Sync),
    cancelled: &AtomicBool,
) {
    loop {
        let job = {
            let receiver = jobs.lock().unwrap_or_else(|p| p.into_inner());
            receiver.recv()
        };
        let Ok((position, indices)) = job else {
            return;
        };
        if cancelled.load(Ordering::Relaxed) {
            return;
        }
        // A panic in the dataset or batchify function is sent back and re-raised on the
        // consumer's thread, as it would be without workers.
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| make_batch(indices)));
        if outcomes.send((position, outcome)).is_err() {
            return;
        }
    }
}

impl<B: Send + 'static> Iterator for Prefetcher<B> {
    type Item = B;

    fn next(&mut self) -> Option<B> {
        if self.yielded == self.total {
            return None;
        }
        let batch = loop {
            if let Some(batch) = self.ready.remove(&self.yielded) {
                break batch;
            }
            match self.outcomes.recv() {
                Ok((position, Ok(batch))) => {
                    self.ready.insert(position, batch);
                }
                Ok((_, Err(payload))) => panic::resume_unwind(payload),
                Err(_) => panic!("DataLoader: every worker thread stopped before the epoch ended"),
            }
        };
        self.yielded += 1;
        self.submit();
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total - self.yielded;
        (left, Some(left))
    }
}

impl<B> Drop for Prefetcher<B> {
    fn drop(&mut self) {
        // Closing the job queue and raising the flag stops the workers after the item each
        // is reading; joining them keeps no thread alive past the epoch.
        self.cancelled.store(true, Ordering::Relaxed);
        self.jobs = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
