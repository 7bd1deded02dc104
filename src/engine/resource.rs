//! Server pools, waiting lines and finite buffers.
//!
//! Items are `u32` handles chosen by the model (for example a slot in its table of entities).
//!
//! **Closing time.** When a pool's capacity drops (a shift ends, the site closes), services in
//! progress run to completion; no new service starts while `busy ≥ capacity`. When capacity
//! rises again, the model starts waiting items at once (see [`ServerPool::can_start`]).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// How a waiting line orders its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discipline {
    /// First in, first out.
    Fifo,
    /// Lower priority number first; FIFO among equals.
    Priority,
}

/// A waiting line: FIFO or priority (FIFO within a priority level).
#[derive(Debug, Clone)]
pub enum WaitQueue {
    /// First in, first out.
    Fifo(VecDeque<u32>),
    /// Priority, then arrival order.
    Priority(BinaryHeap<Reverse<(u8, u64, u32)>>, u64),
}

impl WaitQueue {
    /// An empty line with the given discipline.
    pub fn new(discipline: Discipline) -> Self {
        match discipline {
            Discipline::Fifo => WaitQueue::Fifo(VecDeque::with_capacity(64)),
            Discipline::Priority => WaitQueue::Priority(BinaryHeap::with_capacity(64), 0),
        }
    }

    /// Adds an item; `priority` is ignored by a FIFO line.
    #[inline]
    pub fn push(&mut self, item: u32, priority: u8) {
        match self {
            WaitQueue::Fifo(q) => q.push_back(item),
            WaitQueue::Priority(h, seq) => {
                *seq += 1;
                h.push(Reverse((priority, *seq, item)));
            }
        }
    }

    /// Removes the next item to serve.
    #[inline]
    pub fn pop(&mut self) -> Option<u32> {
        match self {
            WaitQueue::Fifo(q) => q.pop_front(),
            WaitQueue::Priority(h, _) => h.pop().map(|Reverse((_, _, i))| i),
        }
    }

    /// Items in the line (including any the model has marked as gone but not yet popped).
    pub fn len(&self) -> usize {
        match self {
            WaitQueue::Fifo(q) => q.len(),
            WaitQueue::Priority(h, _) => h.len(),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A pool of identical servers with a waiting line.
#[derive(Debug, Clone)]
pub struct ServerPool {
    /// Servers available now.
    pub capacity: u32,
    /// Servers busy now (may exceed `capacity` right after a capacity drop).
    pub busy: u32,
    /// Items waiting for a server.
    pub queue: WaitQueue,
}

impl ServerPool {
    /// A pool with `capacity` servers and an empty line.
    pub fn new(capacity: u32, discipline: Discipline) -> Self {
        Self {
            capacity,
            busy: 0,
            queue: WaitQueue::new(discipline),
        }
    }

    /// True when a new service may start now.
    #[inline]
    pub fn can_start(&self) -> bool {
        self.busy < self.capacity
    }

    /// Marks one server busy.
    #[inline]
    pub fn start(&mut self) {
        debug_assert!(self.busy < self.capacity);
        self.busy += 1;
    }

    /// Marks one server free.
    #[inline]
    pub fn finish(&mut self) {
        debug_assert!(self.busy > 0);
        self.busy -= 1;
    }
}

/// A finite buffer (a holding yard): items occupy a place until they leave; when it is full,
/// newcomers wait upstream, in arrival order, until a place frees.
#[derive(Debug, Clone)]
pub struct Buffer {
    /// Places in the buffer.
    pub capacity: u32,
    /// Places taken.
    pub occupied: u32,
    /// Items blocked upstream, oldest first.
    pub blocked: VecDeque<u32>,
}

impl Buffer {
    /// A buffer with `capacity` places (use `u32::MAX` for unlimited).
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            occupied: 0,
            blocked: VecDeque::new(),
        }
    }

    /// Takes a place if one is free and nobody is already blocked; otherwise the item joins
    /// the blocked line and `false` is returned.
    #[inline]
    pub fn arrive(&mut self, item: u32) -> bool {
        if self.occupied < self.capacity && self.blocked.is_empty() {
            self.occupied += 1;
            true
        } else {
            self.blocked.push_back(item);
            false
        }
    }

    /// Frees one place.
    #[inline]
    pub fn leave(&mut self) {
        debug_assert!(self.occupied > 0);
        self.occupied -= 1;
    }

    /// If a place is free, moves the oldest blocked item in and returns it.
    #[inline]
    pub fn admit_next(&mut self) -> Option<u32> {
        if self.occupied < self.capacity {
            let item = self.blocked.pop_front()?;
            self.occupied += 1;
            Some(item)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_line_is_fifo_within_a_level() {
        let mut q = WaitQueue::new(Discipline::Priority);
        q.push(1, 1);
        q.push(2, 0);
        q.push(3, 1);
        q.push(4, 0);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![2, 4, 1, 3]);
    }

    #[test]
    fn buffer_blocks_when_full_and_admits_in_order() {
        let mut b = Buffer::new(2);
        assert!(b.arrive(1));
        assert!(b.arrive(2));
        assert!(!b.arrive(3));
        assert!(!b.arrive(4));
        assert_eq!(b.admit_next(), None, "still full");
        b.leave();
        assert_eq!(b.admit_next(), Some(3));
        assert_eq!(b.admit_next(), None);
        b.leave();
        b.leave();
        assert_eq!(b.admit_next(), Some(4));
        assert_eq!(b.occupied, 1);
    }

    #[test]
    fn pool_does_not_start_above_capacity_after_a_drop() {
        let mut p = ServerPool::new(2, Discipline::Fifo);
        p.start();
        p.start();
        p.capacity = 1; // closing: both services continue
        assert_eq!(p.busy, 2);
        p.finish();
        assert!(!p.can_start(), "busy == capacity: nothing new starts");
        p.finish();
        assert!(p.can_start());
    }
}
