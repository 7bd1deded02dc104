//! The main lane of the event list: a two-level calendar wheel (a calendar queue with a fixed
//! number of buckets, and a coarser one behind it) in front of a 4-ary heap.
//!
//! Time is cut into buckets of `width` minutes, and buckets into *pages* of [`PAGE`] buckets.
//! The near wheel holds the events of the current page and the next one, bucket `b` in slot
//! `b % NEAR_SLOTS`, each slot a short linked list in ascending key order, with a bitmap of
//! the slots in use. The far wheel holds the events of the [`FAR_SLOTS`] pages after those,
//! page `p` in slot `p % FAR_SLOTS`, each an unsorted list; when the clock enters a new page,
//! the far slot of the page after it moves to the near wheel (each event moves at most once,
//! by relinking its node). An event further ahead still goes to an overflow heap. Nodes of both
//! wheels live in one table (freed nodes are reused first, so the few hundred live ones stay in
//! cache). Scheduling is a multiply and a short insertion or a prepend; taking the first event
//! unlinks a list head and scans the bitmap for the next slot in use. A heap pays a sift
//! through its depth for both; most of a border model's service ends lie hours ahead, beyond
//! a single wheel of a few hundred buckets, and the far wheel keeps them off the heap.
//!
//! Every entry is still ordered by its whole key (time, then sequence number) and the overflow
//! heap is compared on every pop, so the order in which events leave is exactly that of a
//! heap: the width changes only the speed. The width follows the model: every
//! [`RETUNE_EVERY`] pops it is set to half the mean time between pops if it is more than
//! twice off.

use super::heap::{FourAryHeap, Key, NONE, key_time};

/// Buckets per page, as a power of two.
const PAGE_BITS: u32 = 8;
const PAGE: u64 = 1 << PAGE_BITS;
/// Slots of the near wheel: two pages (the clock's and the next), so that a window of buckets
/// that starts anywhere in the clock's page never wraps onto itself.
const NEAR_SLOTS: usize = 2 * PAGE as usize;
const NEAR_WORDS: usize = NEAR_SLOTS / 64;
/// Slots (pages) of the far wheel.
const FAR_SLOTS: usize = 256;
const FAR_WORDS: usize = FAR_SLOTS / 64;
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
    /// Next node of the same slot (larger key on the near wheel), or [`NIL`]; next free node
    /// when free.
    next: u32,
}

#[derive(Debug, Clone)]
pub(super) struct CalendarWheel<E> {
    /// Bucket width, **minutes**, and its inverse.
    width: f64,
    inv_width: f64,
    /// First (smallest-key) node of each near slot, or [`NIL`] (an array: a slot index masked
    /// to `NEAR_SLOTS` needs no bounds check).
    heads: [u32; NEAR_SLOTS],
    nodes: Vec<Node<E>>,
    /// First free node, or [`NIL`].
    free: u32,
    /// Bit `s` set when near slot `s` holds an entry.
    used: [u64; NEAR_WORDS],
    /// Entries on the near wheel.
    on_wheel: usize,
    /// Smallest key on the near wheel, or [`NONE`].
    head_key: Key,
    /// Slot of the smallest bucket in use (meaningful when `on_wheel > 0`).
    first_slot: usize,
    /// Bucket of that slot.
    first_bucket: u64,
    /// A bucket no pending near entry precedes: that of the last key popped, or the start of
    /// the page the wheel jumped to. Near entries lie in `base .. base + NEAR_SLOTS`.
    base: u64,
    /// The clock's page: near entries lie in pages `page` and `page + 1`, far entries in
    /// `page + 2 .. page + 2 + FAR_SLOTS`.
    page: u64,
    /// First node of each far slot (unsorted), or [`NIL`].
    far_heads: [u32; FAR_SLOTS],
    /// Bit `s` set when far slot `s` holds an entry.
    far_used: [u64; FAR_WORDS],
    /// Entries on the far wheel.
    on_far: usize,
    /// Events beyond both wheels when they were scheduled, and the smallest of their keys (or
    /// [`NONE`]), kept here because every pop compares with it.
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
            heads: [NIL; NEAR_SLOTS],
            nodes: Vec::with_capacity(capacity),
            free: NIL,
            used: [0; NEAR_WORDS],
            on_wheel: 0,
            head_key: NONE,
            first_slot: 0,
            first_bucket: 0,
            base: 0,
            page: 0,
            far_heads: [NIL; FAR_SLOTS],
            far_used: [0; FAR_WORDS],
            on_far: 0,
            overflow: FourAryHeap::with_capacity(capacity),
            overflow_head: NONE,
            pops: 0,
            retuned_at: 0.0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.on_wheel + self.on_far + self.overflow.len()
    }

    /// The entries of the list that starts at node `at` (in ascending key order on the near
    /// wheel).
    fn list(&self, mut at: u32) -> impl Iterator<Item = (Key, E)> + '_ {
        std::iter::from_fn(move || {
            let node = self.nodes.get(at as usize)?;
            at = node.next;
            Some((node.key, node.payload))
        })
    }

    /// Every entry of both wheels, in no particular order.
    fn wheel_entries(&self) -> impl Iterator<Item = (Key, E)> + '_ {
        (self.heads.iter().chain(&self.far_heads)).flat_map(|&h| self.list(h))
    }

    /// Every pending key, in no particular order.
    pub(super) fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        self.entries().map(|(k, _)| k)
    }

    /// Every pending entry, in no particular order.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Key, E)> + '_ {
        self.wheel_entries().chain(self.overflow.entries())
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
        // pages ahead of the clock's; a bucket before `base` (after a jump) wraps to a huge
        // number and goes to the heap
        let ahead = (bucket >> PAGE_BITS).wrapping_sub(self.page);
        if ahead >= 2 + FAR_SLOTS as u64 || bucket < self.base {
            self.overflow.push(key, payload);
            self.overflow_head = self.overflow.head();
            return;
        }
        let index = self.alloc(Node {
            key,
            payload,
            next: NIL,
        });
        if ahead < 2 {
            self.insert_near(index, key, bucket);
        } else {
            self.prepend_far(index, bucket >> PAGE_BITS);
            if self.on_wheel == 0 {
                // the near wheel must hold the smallest wheel key
                self.jump();
            }
        }
    }

    /// Stores `node` in a free node of the table and returns its index.
    #[inline(always)]
    fn alloc(&mut self, node: Node<E>) -> u32 {
        if self.free != NIL {
            let index = self.free;
            self.free = self.nodes[index as usize].next;
            self.nodes[index as usize] = node;
            index
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        }
    }

    /// Links node `index` (key `key`, in `bucket` of the near wheel's window) into its slot's
    /// list in key order.
    #[inline(always)]
    fn insert_near(&mut self, index: u32, key: Key, bucket: u64) {
        let slot = bucket as usize & (NEAR_SLOTS - 1);
        // find the link to rewrite: the slot's head, or the last node with a smaller key
        let mut prev = NIL;
        let mut at = self.heads[slot];
        while at != NIL && self.nodes[at as usize].key < key {
            prev = at;
            at = self.nodes[at as usize].next;
        }
        self.nodes[index as usize].next = at;
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

    /// Links node `index` at the front of the far slot of `page`.
    #[inline(always)]
    fn prepend_far(&mut self, index: u32, page: u64) {
        let slot = page as usize & (FAR_SLOTS - 1);
        self.nodes[index as usize].next = self.far_heads[slot];
        self.far_heads[slot] = index;
        self.far_used[slot / 64] |= 1 << (slot % 64);
        self.on_far += 1;
    }

    /// Moves the far slot of `page` (within the far wheel's pages) to the near wheel.
    fn migrate(&mut self, page: u64) {
        let slot = page as usize & (FAR_SLOTS - 1);
        let mut at = std::mem::replace(&mut self.far_heads[slot], NIL);
        self.far_used[slot / 64] &= !(1 << (slot % 64));
        while at != NIL {
            let next = self.nodes[at as usize].next;
            let key = self.nodes[at as usize].key;
            self.on_far -= 1;
            self.insert_near(at, key, self.bucket(key_time(key)));
            at = next;
        }
    }

    /// Moves the clock's page to `page` (> the current one): the far slots of `page` and
    /// `page + 1` move to the near wheel. Far pages before `page` are empty, because the key
    /// just popped was the smallest pending one. Once every [`PAGE`] buckets: out of line.
    #[cold]
    #[inline(never)]
    fn enter_page(&mut self, page: u64) {
        let far_from = self.page + 2;
        let far_to = far_from + FAR_SLOTS as u64;
        self.page = page;
        if self.on_far > 0 {
            for p in page.max(far_from)..(page + 2).min(far_to) {
                self.migrate(p);
            }
        }
    }

    /// With the near wheel empty and the far one not: moves the clock to the first page the
    /// far wheel holds, so that the near wheel again holds the smallest wheel key.
    #[cold]
    #[inline(never)]
    fn jump(&mut self) {
        let from = (self.page + 2) as usize & (FAR_SLOTS - 1);
        let slot = first_used(&self.far_used, from);
        let page =
            self.page + 2 + ((slot as u64).wrapping_sub(self.page + 2) & (FAR_SLOTS as u64 - 1));
        self.base = page << PAGE_BITS;
        self.enter_page(page);
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
            // an entry sent to the heap after a jump may precede `base`
            self.base = self.base.max(self.bucket(key_time(key)));
            (key, payload)
        };
        let page = self.base >> PAGE_BITS;
        if page != self.page {
            self.enter_page(page);
        }
        if self.on_wheel == 0 && self.on_far > 0 {
            self.jump();
        }
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
        let slot = first_used(&self.used, from);
        self.first_slot = slot;
        self.head_key = self.nodes[self.heads[slot] as usize].key;
        // every entry lies in the buckets `base .. base + NEAR_SLOTS`, so its slot names its
        // bucket
        self.first_bucket =
            self.base + ((slot as u64).wrapping_sub(self.base) & (NEAR_SLOTS as u64 - 1));
    }

    /// Sets the width to [`WIDTH_PER_GAP`] times the mean time between the last
    /// [`RETUNE_EVERY`] pops when the two differ by more than a factor of two, and re-buckets
    /// both wheels.
    #[cold]
    fn retune(&mut self, now: f64) {
        let gap = (now - self.retuned_at) / RETUNE_EVERY as f64;
        let target = gap * WIDTH_PER_GAP;
        self.pops = 0;
        self.retuned_at = now;
        if !(target > 0.0 && target.is_finite()) || (0.5..=2.0).contains(&(self.width / target)) {
            return;
        }
        let entries: Vec<(Key, E)> = self.wheel_entries().collect();
        self.heads = [NIL; NEAR_SLOTS];
        self.far_heads = [NIL; FAR_SLOTS];
        self.nodes.clear();
        self.free = NIL;
        self.used = [0; NEAR_WORDS];
        self.far_used = [0; FAR_WORDS];
        self.on_wheel = 0;
        self.on_far = 0;
        self.head_key = NONE;
        self.width = target;
        self.inv_width = 1.0 / target;
        self.base = self.bucket(now);
        self.page = self.base >> PAGE_BITS;
        for (key, payload) in entries {
            self.push(key, payload);
        }
        if self.on_wheel == 0 && self.on_far > 0 {
            self.jump();
        }
    }
}

/// The first slot in use from slot `from` onwards, cyclically, by the bitmap `used` (`from`
/// itself when none is).
#[inline(always)]
fn first_used<const WORDS: usize>(used: &[u64; WORDS], from: usize) -> usize {
    let word = from / 64;
    let above = used[word] & (!0u64 << (from % 64));
    if above != 0 {
        return word * 64 + above.trailing_zeros() as usize;
    }
    for step in 1..=WORDS {
        let w = (word + step) % WORDS;
        if used[w] != 0 {
            return w * 64 + used[w].trailing_zeros() as usize;
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::heap::key;
    use rand::{RngExt, SeedableRng};
    use std::collections::BTreeMap;

    /// Random schedules and pops, checked against a sorted map: the wheel must hand out
    /// exactly the smallest key every time, through both wheels, the overflow heap, jumps,
    /// retuning and wrap-around.
    #[test]
    fn pops_exactly_like_a_sorted_map_under_random_load() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let mut wheel = CalendarWheel::new(1.0, 16);
        let mut reference = BTreeMap::new();
        let (mut now, mut seq) = (0.0f64, 0u64);
        let (mut on_far, mut on_heap, mut jumped) = (0, 0, 0u32);
        for round in 0..200_000u64 {
            // phases: dense near-future events, far-future ones (overflow), equal times
            let push = reference.is_empty() || rng.random::<f64>() < 0.52;
            if push {
                // near wheel, far wheel, equal times, beyond both wheels (the heap), and
                // a mix in which the near wheel empties while the far one does not
                let ahead = match (round / 20_000) % 5 {
                    0 => rng.random::<f64>() * 3.0,
                    1 => rng.random::<f64>() * 5_000.0,
                    2 => (rng.random::<f64>() * 4.0).floor(),
                    3 => rng.random::<f64>() * 1e6,
                    _ => {
                        if rng.random::<f64>() < 0.5 {
                            rng.random::<f64>() * 2.0
                        } else {
                            rng.random::<f64>() * 60_000.0
                        }
                    }
                };
                let k = key(now + ahead, seq);
                seq += 1;
                wheel.push(k, seq);
                reference.insert(k, seq);
            } else {
                let expected = reference.pop_first().expect("non-empty");
                assert_eq!(wheel.head(), expected.0);
                let jumps = wheel.on_wheel == 1 && wheel.on_far > 0 && wheel.head_key == expected.0;
                assert_eq!(wheel.pop(), expected);
                jumped += jumps as u32;
                now = key_time(expected.0);
            }
            assert_eq!(wheel.len(), reference.len());
            on_far = on_far.max(wheel.on_far);
            on_heap = on_heap.max(wheel.overflow.len());
        }
        assert!(
            on_far > 1000 && on_heap > 1000 && jumped > 100,
            "{on_far} {on_heap} {jumped}"
        );
        while let Some(expected) = reference.pop_first() {
            assert_eq!(wheel.pop(), expected);
        }
        assert_eq!(wheel.head(), NONE);
    }

    /// Alone on the wheel, an event of the far wheel is the head; events then scheduled
    /// before it, behind the page the wheel jumped to, still leave first.
    #[test]
    fn a_far_event_alone_is_the_head_and_earlier_ones_still_leave_first() {
        let mut wheel = CalendarWheel::new(1.0, 4);
        let far = key(10_000.0, 0);
        wheel.push(far, 'f');
        assert_eq!(wheel.head(), far);
        wheel.push(key(5.0, 1), 'a');
        wheel.push(key(9_000.0, 2), 'b');
        wheel.push(key(10_000.5, 3), 'c');
        let order: Vec<char> =
            std::iter::from_fn(|| (wheel.len() > 0).then(|| wheel.pop().1)).collect();
        assert_eq!(order, vec!['a', 'b', 'f', 'c']);
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
