//! Where report timestamps come from: the system clock, or a fixed instant for tests and
//! golden files. Timestamps are UTC, RFC 3339, millisecond precision (`2026-01-02T03:04:05.678Z`).

use jiff::Timestamp;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Always the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl FixedClock {
    /// The instant `seconds` after 1970-01-01T00:00:00Z.
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Self(Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// `2026-01-02T03:04:05.678Z`.
pub fn utc_string(t: Timestamp) -> String {
    format!("{t:.3}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_milliseconds() {
        let t = Timestamp::from_millisecond(1_767_323_045_678).expect("in range");
        assert_eq!(utc_string(t), "2026-01-02T03:04:05.678Z");
        assert_eq!(
            utc_string(FixedClock::from_unix_seconds(0).now()),
            "1970-01-01T00:00:00.000Z"
        );
    }
}
