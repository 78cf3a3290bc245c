//! Token-bucket rate limits, per key, in memory (per relay process).

use super::Rate;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets by key (agent id, clinic id).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: Rate,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `n` tokens for `key`; `false` when the bucket is empty (the request is refused).
    pub fn take(&self, key: &str, n: f64) -> bool {
        let now = Instant::now();
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 100_000 {
            // Keys come from authenticated callers only; this bounds memory all the same.
            m.clear();
        }
        let e = m.entry(key.to_string()).or_insert((self.rate.burst, now));
        let refill = now.duration_since(e.1).as_secs_f64() * self.rate.per_second;
        e.0 = (e.0 + refill).min(self.rate.burst);
        e.1 = now;
        if e.0 >= n {
            e.0 -= n;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refuses_then_refills() {
        let l = RateLimiter::new(Rate {
            per_second: 1000.0,
            burst: 3.0,
        });
        assert!(l.take("a", 1.0) && l.take("a", 1.0) && l.take("a", 1.0));
        assert!(!l.take("a", 1.0));
        assert!(l.take("b", 1.0), "buckets are per key");
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(l.take("a", 1.0));
    }
}
