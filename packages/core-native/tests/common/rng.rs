//! The fuzz tiers' random numbers: xorshift64*, small and deterministic, so a seed names the same
//! mutants on every machine (a failure prints its seed; rerun with it to get the same case).

pub struct Rng(u64);

impl Rng {
    /// xorshift has a fixed point at 0, so a zero seed becomes 1.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn range(&mut self, lo: u32, hi_inclusive: u32) -> u32 {
        lo + (self.next() % (hi_inclusive - lo + 1) as u64) as u32
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
