//! The main lane of the event list: a calendar wheel (a calendar queue with a fixed number of
//! buckets) in front of a 4-ary heap.
//!
//! Time is cut into buckets of `width` minutes; bucket `b` holds the events with
//! `floor(time / width) == b`. The wheel keeps the [`SLOTS`] buckets from the one that holds
//! the clock onwards, bucket `b` in slot `b % SLOTS`; an event further ahead goes to an
//! overflow heap. Each slot is a short linked list in ascending key order, its nodes in one
//! table (freed nodes are reused first, so the few hundred live ones stay in cache), and a
//! bitmap marks the slots in use. Scheduling is a multiply, a short insertion and a bit set;
//! taking the first event unlinks a list head and, when its slot empties, scans the bitmap for
//! the next slot in use. A heap pays a sift through its depth for both.
//!
//! Every entry is still ordered by its whole key (time, then sequence number) and the overflow
//! heap is compared on every pop, so the order in which events leave is exactly that of a
//! heap: the width changes only the speed. The width follows the model: every
//! [`RETUNE_EVERY`] pops it is set to half the mean time between pops if it is more than
//! twice off.

use super::heap::{FourAryHeap, Key, NONE, key_time};

/// Buckets on the wheel (a power of two).
const SLOTS: usize = 256;
const WORDS: usize = SLOTS / 64;
/// Bucket width as a share of the mean time between pops.
const WIDTH_PER_GAP: f64 = 0.5;
/// Pops between two looks at the bucket width.
const RETUNE_EVERY: u32 = 4096;
/// End of a list.
const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node<E> {
    key: Key,
    payload: E,
    /// Next node of the same slot (larger key), or [`NIL`]; next free node when free.
    next: u32,
}

#[derive(Debug, Clone)]
pub(super) struct CalendarWheel<E> {
    /// Bucket width, **minutes**, and its inverse.
    width: f64,
    inv_width: f64,
    /// First (smallest-key) node of each slot, or [`NIL`] (an array: a slot index masked to
    /// `SLOTS` needs no bounds check).
    heads: [u32; SLOTS],
    nodes: Vec<Node<E>>,
    /// First free node, or [`NIL`].
    free: u32,
    /// Bit `s` set when slot `s` holds an entry.
    used: [u64; WORDS],
    /// Entries on the wheel (not counting the overflow heap).
    on_wheel: usize,
    /// Smallest key on the wheel, or [`NONE`].
    head_key: Key,
    /// Slot of the smallest bucket in use (meaningful when `on_wheel > 0`).
    first_slot: usize,
    /// Bucket of that slot.
    first_bucket: u64,
    /// Bucket of the last key popped: no pending key is earlier, so the wheel covers the
    /// buckets `base .. base + SLOTS`.
    base: u64,
    /// Events beyond the wheel's reach when they were scheduled, and the smallest of their
    /// keys (or [`NONE`]), kept here because every pop compares with it.
    overflow: FourAryHeap<E>,
    overflow_head: Key,
    /// Pops since the last retune, and the clock then (**minutes**).
    pops: u32,
    retuned_at: f64,
}

impl<E: Copy> CalendarWheel<E> {
    /// An empty wheel with buckets of `width` minutes (retuned as the model runs).
    pub(super) fn new(width: f64, capacity: usize) -> Self {
        Self {
            width,
            inv_width: 1.0 / width,
            heads: [NIL; SLOTS],
            nodes: Vec::with_capacity(capacity),
            free: NIL,
            used: [0; WORDS],
            on_wheel: 0,
            head_key: NONE,
            first_slot: 0,
            first_bucket: 0,
            base: 0,
            overflow: FourAryHeap::with_capacity(capacity),
            overflow_head: NONE,
            pops: 0,
            retuned_at: 0.0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.on_wheel + self.overflow.len()
    }

    /// The entries of slot `slot`, in ascending key order.
    fn slot_entries(&self, slot: usize) -> impl Iterator<Item = (Key, E)> + '_ {
        let mut at = self.heads[slot];
        std::iter::from_fn(move || {
            let node = self.nodes.get(at as usize)?;
            at = node.next;
            Some((node.key, node.payload))
        })
    }

    /// Every pending key, in no particular order.
    pub(super) fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        (0..SLOTS)
            .flat_map(|s| self.slot_entries(s).map(|(k, _)| k))
            .chain(self.overflow.keys())
    }

    /// Every pending entry, in no particular order.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Key, E)> + '_ {
        (0..SLOTS)
            .flat_map(|s| self.slot_entries(s))
            .chain(self.overflow.entries())
    }

    #[inline(always)]
    fn bucket(&self, time: f64) -> u64 {
        // time ≥ 0; through i64 because x86 converts to a signed integer in one instruction;
        // a product too large saturates, which only crowds one bucket
        (time * self.inv_width) as i64 as u64
    }

    /// Smallest key, or [`NONE`] when empty.
    #[inline(always)]
    pub(super) fn head(&self) -> Key {
        self.head_key.min(self.overflow_head)
    }

    /// Adds an entry, whose key must not precede the last key popped.
    #[inline(always)]
    pub(super) fn push(&mut self, key: Key, payload: E) {
        let bucket = self.bucket(key_time(key));
        if bucket.wrapping_sub(self.base) >= SLOTS as u64 {
            self.overflow.push(key, payload);
            self.overflow_head = self.overflow.head();
            return;
        }
        let slot = bucket as usize & (SLOTS - 1);
        let mut node = Node {
            key,
            payload,
            next: NIL,
        };
        // find the link to rewrite: the slot's head, or the last node with a smaller key
        let mut prev = NIL;
        let mut at = self.heads[slot];
        while at != NIL && self.nodes[at as usize].key < key {
            prev = at;
            at = self.nodes[at as usize].next;
        }
        node.next = at;
        let index = if self.free != NIL {
            let index = self.free;
            self.free = self.nodes[index as usize].next;
            self.nodes[index as usize] = node;
            index
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        };
        if prev == NIL {
            self.heads[slot] = index;
        } else {
            self.nodes[prev as usize].next = index;
        }
        self.used[slot / 64] |= 1 << (slot % 64);
        if key < self.head_key {
            self.head_key = key;
            self.first_slot = slot;
            self.first_bucket = bucket;
        }
        self.on_wheel += 1;
    }

    /// Removes the smallest entry of a non-empty wheel.
    #[inline(always)]
    pub(super) fn pop(&mut self) -> (Key, E) {
        let (key, payload) = if self.head_key < self.overflow_head {
            let slot = self.first_slot;
            let index = self.heads[slot];
            let node = self.nodes[index as usize];
            self.base = self.first_bucket;
            self.heads[slot] = node.next;
            self.nodes[index as usize].next = self.free;
            self.free = index;
            self.on_wheel -= 1;
            // whether the slot emptied is a coin flip the processor cannot predict, so there
            // is no branch on it: its bit is cleared if so, and the scan from the slot finds
            // the slot itself again if not
            let emptied = (node.next == NIL) as u64;
            self.used[slot / 64] &= !(emptied << (slot % 64));
            if self.on_wheel > 0 {
                self.find_first(slot);
            } else {
                self.head_key = NONE;
            }
            (node.key, node.payload)
        } else {
            let (key, payload) = self.overflow.pop();
            self.overflow_head = self.overflow.head();
            self.base = self.bucket(key_time(key));
            (key, payload)
        };
        self.pops += 1;
        if self.pops == RETUNE_EVERY {
            self.retune(key_time(key));
        }
        (key, payload)
    }

    /// After a pop from slot `from`: the first slot in use from there, in bucket order
    /// (cyclically onwards; `from` itself if it still holds an entry).
    #[inline]
    fn find_first(&mut self, from: usize) {
        let word = from / 64;
        let above = self.used[word] & (!0u64 << (from % 64));
        let slot = if above != 0 {
            word * 64 + above.trailing_zeros() as usize
        } else {
            let mut found = from;
            for step in 1..=WORDS {
                let w = (word + step) % WORDS;
                if self.used[w] != 0 {
                    found = w * 64 + self.used[w].trailing_zeros() as usize;
                    break;
                }
            }
            found
        };
        self.first_slot = slot;
        self.head_key = self.nodes[self.heads[slot] as usize].key;
        // every entry lies in the buckets `base .. base + SLOTS`, so its slot names its bucket
        self.first_bucket =
            self.base + ((slot as u64).wrapping_sub(self.base) & (SLOTS as u64 - 1));
    }

    /// Sets the width to [`WIDTH_PER_GAP`] times the mean time between the last
    /// [`RETUNE_EVERY`] pops when the two differ by more than a factor of two, and re-buckets
    /// the wheel.
    #[cold]
    fn retune(&mut self, now: f64) {
        let gap = (now - self.retuned_at) / RETUNE_EVERY as f64;
        let target = gap * WIDTH_PER_GAP;
        self.pops = 0;
        self.retuned_at = now;
        if !(target > 0.0 && target.is_finite()) || (0.5..=2.0).contains(&(self.width / target)) {
            return;
        }
        let entries: Vec<(Key, E)> = (0..SLOTS).flat_map(|s| self.slot_entries(s)).collect();
        self.heads = [NIL; SLOTS];
        self.nodes.clear();
        self.free = NIL;
        self.used = [0; WORDS];
        self.on_wheel = 0;
        self.head_key = NONE;
        self.width = target;
        self.inv_width = 1.0 / target;
        self.base = self.bucket(now);
        for (key, payload) in entries {
            self.push(key, payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::heap::key;
    use rand::{RngExt, SeedableRng};
    use std::collections::BTreeMap;

    /// Random schedules and pops, checked against a sorted map: the wheel must hand out
    /// exactly the smallest key every time, through overflow, retuning and wrap-around.
    #[test]
    fn pops_exactly_like_a_sorted_map_under_random_load() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let mut wheel = CalendarWheel::new(1.0, 16);
        let mut reference = BTreeMap::new();
        let (mut now, mut seq) = (0.0f64, 0u64);
        for round in 0..200_000u64 {
            // phases: dense near-future events, far-future ones (overflow), equal times
            let push = reference.is_empty() || rng.random::<f64>() < 0.52;
            if push {
                let ahead = match (round / 20_000) % 3 {
                    0 => rng.random::<f64>() * 3.0,
                    1 => rng.random::<f64>() * 5_000.0,
                    _ => (rng.random::<f64>() * 4.0).floor(),
                };
                let k = key(now + ahead, seq);
                seq += 1;
                wheel.push(k, seq);
                reference.insert(k, seq);
            } else {
                let expected = reference.pop_first().expect("non-empty");
                assert_eq!(wheel.head(), expected.0);
                assert_eq!(wheel.pop(), expected);
                now = key_time(expected.0);
            }
            assert_eq!(wheel.len(), reference.len());
        }
        while let Some(expected) = reference.pop_first() {
            assert_eq!(wheel.pop(), expected);
        }
        assert_eq!(wheel.head(), NONE);
    }

    #[test]
    fn huge_times_share_a_bucket_and_still_leave_in_key_order() {
        let mut wheel = CalendarWheel::new(1e-300, 4);
        wheel.push(key(1e300, 2), 'b');
        wheel.push(key(1e299, 1), 'a');
        wheel.push(key(0.0, 3), 'z');
        assert_eq!(wheel.pop().1, 'z');
        assert_eq!(wheel.pop().1, 'a');
        assert_eq!(wheel.pop().1, 'b');
    }
}
