//! The priority queue of the timeout and source lanes of the event list, and of the main
//! lane's far future (behind its calendar wheel): a 4-ary min-heap keyed by one `u128`
//! ([`Key`]). (Alternatives measured against it: docs/performance.md.)

const ARITY: usize = 4;

/// Orders by time, then sequence number: the IEEE-754 bits of a time ≥ +0.0 order like the
/// number, so the time bits (high 64) and the sequence number (low 64) make one integer whose
/// comparison is branch-free.
pub(super) type Key = u128;

/// Key of an empty lane: after every real key.
pub(super) const NONE: Key = Key::MAX;

/// The key of an event at `time` (≥ 0, finite) with sequence number `seq`.
#[inline(always)]
pub(super) fn key(time: f64, seq: u64) -> Key {
    // `+ 0.0` turns -0.0 into +0.0, whose bits order correctly
    ((time + 0.0).to_bits() as Key) << 64 | seq as Key
}

#[inline(always)]
pub(super) fn key_time(key: Key) -> f64 {
    f64::from_bits((key >> 64) as u64)
}

#[inline(always)]
pub(super) fn key_seq(key: Key) -> u64 {
    key as u64
}

/// One lane: a 4-ary min-heap with keys and payloads in separate arrays, so the four children
/// compared at each level are four adjacent keys, without payloads in between.
#[derive(Debug, Clone)]
pub(super) struct FourAryHeap<E> {
    keys: Vec<Key>,
    payloads: Vec<E>,
}

impl<E: Copy> FourAryHeap<E> {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            keys: Vec::with_capacity(capacity),
            payloads: Vec::with_capacity(capacity),
        }
    }

    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Smallest key, or [`NONE`] when empty.
    #[inline(always)]
    pub(super) fn head(&self) -> Key {
        self.keys.first().copied().unwrap_or(NONE)
    }

    #[inline(always)]
    pub(super) fn push(&mut self, key: Key, payload: E) {
        let mut i = self.keys.len();
        self.keys.push(key);
        self.payloads.push(payload);
        let keys = &mut self.keys[..=i];
        let payloads = &mut self.payloads[..=i];
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if key < keys[parent] {
                keys[i] = keys[parent];
                payloads[i] = payloads[parent];
                i = parent;
            } else {
                break;
            }
        }
        keys[i] = key;
        payloads[i] = payload;
    }

    /// Every pending key, in no particular order.
    pub(super) fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        self.keys.iter().copied()
    }

    /// Every pending entry, in no particular order.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Key, E)> + '_ {
        self.keys.iter().copied().zip(self.payloads.iter().copied())
    }

    /// Removes the minimum of a non-empty heap: the last entry moves into the hole at the
    /// root and sinks below every smaller child. Where a node has all four children the
    /// smallest is picked by a branch-free tournament.
    #[inline(always)]
    pub(super) fn pop(&mut self) -> (Key, E) {
        let top = (self.keys[0], self.payloads[0]);
        let (Some(last), Some(last_payload)) = (self.keys.pop(), self.payloads.pop()) else {
            return top;
        };
        let n = self.keys.len();
        if n == 0 {
            return top;
        }
        // both of length n, so an index checked against one is in bounds for the other
        let keys = &mut self.keys[..n];
        let payloads = &mut self.payloads[..n];
        let mut hole = 0;
        loop {
            let first = ARITY * hole + 1;
            let (best, best_key) = if first + ARITY <= n {
                let c = &keys[first..first + ARITY];
                let (a, ka) = if c[1] < c[0] { (1, c[1]) } else { (0, c[0]) };
                let (b, kb) = if c[3] < c[2] { (3, c[3]) } else { (2, c[2]) };
                if kb < ka { (b, kb) } else { (a, ka) }
            } else if first < n {
                let c = &keys[first..n];
                let mut best = 0;
                for k in 1..c.len() {
                    if c[k] < c[best] {
                        best = k;
                    }
                }
                (best, c[best])
            } else {
                break;
            };
            if best_key >= last {
                break;
            }
            keys[hole] = best_key;
            payloads[hole] = payloads[first + best];
            hole = first + best;
        }
        keys[hole] = last;
        payloads[hole] = last_payload;
        top
    }
}
