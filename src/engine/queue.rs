//! The event list: three lanes keyed by (time, sequence number): the main lane a calendar
//! wheel in front of a 4-ary heap (`wheel.rs`), the others 4-ary heaps (`heap.rs`).
//!
//! Events at equal times leave in the order they were scheduled (the sequence number breaks
//! ties), so a run never depends on the lanes' internals. The wheel makes scheduling and
//! taking the next event O(1) for the tens to few hundred events a border model keeps
//! pending within its reach; a 4-ary heap is shallower than a binary one and keeps siblings
//! on one cache line, which makes `pop` cheaper for the rest.
//!
//! Cancellation is lazy: [`EventQueue::cancel`] remembers the key in its lane's set and the
//! entry is dropped when it reaches the top. A lane whose set is empty (the main lane of most
//! models: they cancel only timeouts) pays one branch per pop.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroU64;

use super::EngineError;
use super::heap::{FourAryHeap, Key, NONE, key, key_seq, key_time};
use super::wheel::CalendarWheel;

/// Hashes the (unique, dense) sequence numbers of cancelled events with one multiplication:
/// SipHash cost about 10 % of a model run in which most entities' timeouts are
/// cancelled before they fire.
#[derive(Default)]
struct SeqHasher(u64);

impl Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type SeqSet = HashSet<u64, BuildHasherDefault<SeqHasher>>;

/// Handle to a scheduled event, used to cancel it. Holds the sequence number plus one in its
/// low 62 bits and the event's lane above them, so that an `Option<EventKey>` is as
/// small as the key itself and a cancel knows the lane without a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKey(NonZeroU64);

/// Bits of an [`EventKey`] that hold the sequence number (plus one).
const SEQ_BITS: u32 = 62;

impl EventKey {
    fn new(seq: u64, lane: Lane) -> Self {
        debug_assert!(seq < (1 << SEQ_BITS) - 1);
        Self(NonZeroU64::MIN.saturating_add(seq | (lane as u64) << SEQ_BITS))
    }

    /// The event's sequence number.
    fn seq(self) -> u64 {
        (self.0.get() - 1) & ((1 << SEQ_BITS) - 1)
    }

    /// The lane the event is stored in.
    fn lane(self) -> Lane {
        match (self.0.get() - 1) >> SEQ_BITS {
            0 => Lane::Main,
            1 => Lane::Timeouts,
            _ => Lane::Sources,
        }
    }
}

/// Which lane an event is stored in (the index of its set of cancelled keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Main = 0,
    Timeouts = 1,
    Sources = 2,
}

/// Pending events of type `E` (a model's own small `Copy` enum), with the simulation clock.
///
/// Events live in one of three lanes that share the clock, the sequence numbers and the
/// ordering, so which lane holds an event never changes when it fires:
/// - the main lane (a calendar wheel, with a heap for the far future);
/// - a *timeout* lane for events that are usually cancelled before they fire (a perishable
///   load's shelf life, a customer's patience): keeping those out of the main lane keeps it
///   small and in cache, and a cancelled timeout costs nothing until its time;
/// - a *source* lane for the one pending event of each recurring source (an arrival stream
///   schedules its next arrival when one fires): a handful of entries, so an arrival costs a
///   push and pop in a tiny heap instead of in the main one.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    main: CalendarWheel<E>,
    timeouts: FourAryHeap<E>,
    sources: FourAryHeap<E>,
    /// Smallest key of the timeout and source lanes (or [`NONE`]), kept here so that a pop
    /// from the main lane compares two fields instead of reading three lanes.
    side_head: Key,
    next_seq: u64,
    now: f64,
    /// Sequence numbers of cancelled events still stored, one set per lane (by [`Lane`]).
    cancelled: [SeqSet; 3],
    popped: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty list with the clock at 0 minutes.
    pub fn new() -> Self {
        Self::with_capacity(1024)
    }

    /// An empty list with room for `capacity` pending events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            main: CalendarWheel::new(1.0, capacity),
            timeouts: FourAryHeap::with_capacity(0),
            sources: FourAryHeap::with_capacity(16),
            side_head: NONE,
            next_seq: 0,
            now: 0.0,
            cancelled: Default::default(),
            popped: 0,
        }
    }

    /// Current simulation time (minutes): the time of the last event popped.
    #[inline]
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Number of pending events, cancelled ones excluded.
    pub fn len(&self) -> usize {
        let cancelled: usize = self.cancelled.iter().map(SeqSet::len).sum();
        self.main.len() + self.timeouts.len() + self.sources.len() - cancelled
    }

    /// True when no live event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events popped so far (cancelled ones not counted).
    pub fn popped(&self) -> u64 {
        self.popped
    }

    #[inline(always)]
    fn check(&self, at: f64) -> Result<(), EngineError> {
        // one comparison pair on the common path: NaN fails both, +∞ the second
        if at >= self.now && at < f64::INFINITY {
            return Ok(());
        }
        Err(if at.is_nan() || at == f64::INFINITY {
            EngineError::NotFinite(at)
        } else {
            EngineError::InThePast { at, now: self.now }
        })
    }

    #[inline(always)]
    fn schedule_in_lane(
        &mut self,
        lane: Lane,
        at: f64,
        payload: E,
    ) -> Result<EventKey, EngineError> {
        self.check(at)?;
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = key(at, seq);
        match lane {
            Lane::Main => self.main.push(key, payload),
            side => {
                let heap = if side == Lane::Timeouts {
                    &mut self.timeouts
                } else {
                    &mut self.sources
                };
                heap.push(key, payload);
                self.side_head = self.side_head.min(key);
            }
        }
        Ok(EventKey::new(seq, lane))
    }

    /// Schedules `payload` at absolute time `at` (minutes). Errors if `at` is NaN, infinite or
    /// earlier than [`now`](Self::now).
    #[inline]
    pub fn schedule(&mut self, at: f64, payload: E) -> Result<EventKey, EngineError> {
        self.schedule_in_lane(Lane::Main, at, payload)
    }

    /// Schedules `payload` after `delay` minutes (`delay` ≥ 0, finite).
    #[inline]
    pub fn schedule_in(&mut self, delay: f64, payload: E) -> Result<EventKey, EngineError> {
        self.schedule(self.now + delay, payload)
    }

    /// Schedules a timeout: an event expected to be cancelled before it fires. It is ordered
    /// exactly like any other event; only its storage differs.
    #[inline]
    pub fn schedule_timeout(&mut self, at: f64, payload: E) -> Result<EventKey, EngineError> {
        self.schedule_in_lane(Lane::Timeouts, at, payload)
    }

    /// Schedules the next event of a recurring source (an arrival stream, which has one
    /// pending arrival at a time). It is ordered exactly like any other event; only its
    /// storage differs.
    #[inline]
    pub fn schedule_source(&mut self, at: f64, payload: E) -> Result<EventKey, EngineError> {
        self.schedule_in_lane(Lane::Sources, at, payload)
    }

    /// Cancels a pending event. Returns false if it was already popped or cancelled.
    pub fn cancel(&mut self, key: EventKey) -> bool {
        let (seq, lane) = (key.seq(), key.lane());
        if seq >= self.next_seq || self.cancelled[lane as usize].contains(&seq) {
            return false;
        }
        let pending = match lane {
            Lane::Main => self.main.keys().any(|k| key_seq(k) == seq),
            Lane::Timeouts => self.timeouts.keys().any(|k| key_seq(k) == seq),
            Lane::Sources => self.sources.keys().any(|k| key_seq(k) == seq),
        };
        if pending {
            self.cancelled[lane as usize].insert(seq);
        }
        pending
    }

    /// Every live pending event as `(key, time, payload)`, in no particular order: O(pending),
    /// for inspecting a paused simulation, not for its event loop.
    pub fn pending(&self) -> impl Iterator<Item = (EventKey, f64, E)> + '_ {
        (self.main.entries().map(|e| (Lane::Main, e)))
            .chain(self.timeouts.entries().map(|e| (Lane::Timeouts, e)))
            .chain(self.sources.entries().map(|e| (Lane::Sources, e)))
            .filter(|&(lane, (k, _))| !self.cancelled[lane as usize].contains(&key_seq(k)))
            .map(|(lane, (k, p))| (EventKey::new(key_seq(k), lane), key_time(k), p))
    }

    /// Cancels an event the caller knows is still pending (no search; O(1)).
    ///
    /// Use when the model tracks the key's state itself, as it does for timeouts.
    #[inline]
    pub fn cancel_pending(&mut self, key: EventKey) {
        self.cancelled[key.lane() as usize].insert(key.seq());
    }

    /// Removes and returns the earliest live event, advancing the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        self.pop_before(f64::INFINITY)
    }

    /// Like [`pop`](Self::pop) but only if the earliest event is strictly before `horizon`.
    #[inline(always)]
    pub fn pop_before(&mut self, horizon: f64) -> Option<(f64, E)> {
        loop {
            let main = self.main.head();
            let first = main.min(self.side_head);
            // the time of [`NONE`] is NaN, which is before no horizon
            let due = key_time(first) < horizon;
            if !due {
                return None;
            }
            let (key, payload, lane) = if first == main {
                let (key, payload) = self.main.pop();
                (key, payload, Lane::Main)
            } else {
                let (key, payload, lane) = if first == self.sources.head() {
                    let (key, payload) = self.sources.pop();
                    (key, payload, Lane::Sources)
                } else {
                    let (key, payload) = self.timeouts.pop();
                    (key, payload, Lane::Timeouts)
                };
                self.side_head = self.sources.head().min(self.timeouts.head());
                (key, payload, lane)
            };
            let cancelled = &mut self.cancelled[lane as usize];
            if !cancelled.is_empty() && cancelled.remove(&key_seq(key)) {
                continue;
            }
            self.now = key_time(key);
            self.popped += 1;
            return Some((self.now, payload));
        }
    }

    /// Time of the earliest pending entry (cancelled entries may be reported).
    pub fn peek_time(&self) -> Option<f64> {
        let first = self
            .main
            .head()
            .min(self.timeouts.head())
            .min(self.sources.head());
        (first != NONE).then(|| key_time(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_leave_in_scheduling_order() {
        let mut q = EventQueue::new();
        for i in 0..100u32 {
            q.schedule(5.0, i).unwrap();
        }
        q.schedule(1.0, 1000).unwrap();
        assert_eq!(q.pop(), Some((1.0, 1000)));
        for i in 0..100u32 {
            assert_eq!(q.pop(), Some((5.0, i)));
        }
        assert!(q.pop().is_none());
    }

    #[test]
    fn pops_in_time_order_for_random_input() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut q = EventQueue::new();
        for i in 0..10_000u32 {
            let t = (rng.next_u64() % 1000) as f64;
            q.schedule(t, i).unwrap();
        }
        let mut last = (f64::NEG_INFINITY, 0u32);
        let mut seen_at_time: Vec<u32> = Vec::new();
        while let Some((t, p)) = q.pop() {
            assert!(t >= last.0);
            if t == last.0 {
                assert!(
                    p > *seen_at_time.last().unwrap(),
                    "ties must keep scheduling order"
                );
            } else {
                seen_at_time.clear();
            }
            seen_at_time.push(p);
            last = (t, p);
        }
    }

    #[test]
    fn past_nan_and_infinite_times_are_errors() {
        let mut q = EventQueue::new();
        q.schedule(10.0, 0u8).unwrap();
        q.pop();
        assert!(matches!(
            q.schedule(9.0, 1),
            Err(EngineError::InThePast { .. })
        ));
        assert!(matches!(
            q.schedule(f64::NAN, 1),
            Err(EngineError::NotFinite(_))
        ));
        assert!(matches!(
            q.schedule(f64::INFINITY, 1),
            Err(EngineError::NotFinite(_))
        ));
        assert!(q.schedule(10.0, 1).is_ok(), "now itself is allowed");
    }

    #[test]
    fn cancelled_events_never_fire() {
        let mut q = EventQueue::new();
        let a = q.schedule(1.0, 'a').unwrap();
        let _b = q.schedule(2.0, 'b').unwrap();
        let c = q.schedule(3.0, 'c').unwrap();
        assert!(q.cancel(a));
        assert!(!q.cancel(a), "second cancel is a no-op");
        q.cancel_pending(c);
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop(), Some((2.0, 'b')));
        assert_eq!(q.pop(), None);
        assert_eq!(q.popped(), 1);
    }

    #[test]
    fn timeouts_interleave_with_events_in_time_then_sequence_order() {
        let mut q = EventQueue::new();
        q.schedule(2.0, 'a').unwrap();
        q.schedule_timeout(1.0, 't').unwrap();
        let dead = q.schedule_timeout(1.5, 'x').unwrap();
        q.schedule_timeout(2.0, 'u').unwrap(); // same time as 'a', scheduled later
        q.schedule(3.0, 'b').unwrap();
        q.cancel_pending(dead);
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['t', 'a', 'u', 'b']);
        assert!(
            q.schedule_timeout(0.5, 'z').is_err(),
            "the past is an error for timeouts too"
        );
    }

    #[test]
    fn sources_interleave_with_events_and_timeouts_in_time_then_sequence_order() {
        let mut q = EventQueue::new();
        q.schedule_source(2.0, 's').unwrap();
        q.schedule(2.0, 'a').unwrap(); // same time, scheduled later
        q.schedule_timeout(1.0, 't').unwrap();
        q.schedule_source(0.5, 'r').unwrap();
        assert_eq!(q.len(), 4);
        assert_eq!(q.peek_time(), Some(0.5));
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['r', 't', 's', 'a']);
        assert!(q.is_empty());
        assert!(q.schedule_source(f64::NAN, 'n').is_err());
    }

    #[test]
    fn pending_lists_live_events_in_every_lane() {
        let mut q = EventQueue::new();
        let a = q.schedule(1.0, 1).unwrap();
        q.schedule(9_999.0, 2).unwrap(); // beyond the wheel: the overflow heap
        q.schedule_timeout(3.0, 3).unwrap();
        q.schedule_source(4.0, 4).unwrap();
        q.cancel(a);
        let mut seen: Vec<(f64, i32)> = q.pending().map(|(_, t, p)| (t, p)).collect();
        seen.sort_by(|x, y| x.0.total_cmp(&y.0));
        assert_eq!(seen, vec![(3.0, 3), (4.0, 4), (9_999.0, 2)]);
        let (key, _, _) = q.pending().find(|&(_, _, p)| p == 4).unwrap();
        q.cancel_pending(key);
        assert_eq!(q.pop(), Some((3.0, 3)));
        assert_eq!(q.pop(), Some((9_999.0, 2)));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn pop_before_respects_horizon_and_skips_cancelled() {
        let mut q = EventQueue::new();
        let a = q.schedule(1.0, 1).unwrap();
        q.schedule(2.0, 2).unwrap();
        q.schedule(5.0, 5).unwrap();
        q.cancel(a);
        assert_eq!(q.pop_before(4.0), Some((2.0, 2)));
        assert_eq!(q.pop_before(4.0), None);
        assert_eq!(q.now(), 2.0);
    }
}
