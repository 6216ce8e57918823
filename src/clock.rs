//! "Now": the wall clock, or the instant in `STORYDRILL_NOW` so tests and rehearsals can move in time.

use chrono::{DateTime, Local};

use crate::core::types::StudyDay;

pub const NOW_VAR: &str = "STORYDRILL_NOW";

/// The instant a command runs at, in the system's local time zone (`TZ`).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: DateTime<Local>,
}

impl Clock {
    /// Reads `STORYDRILL_NOW` (RFC 3339); an unparsable value is an error, never ignored.
    pub fn from_env() -> anyhow::Result<Clock> {
        match std::env::var(NOW_VAR) {
            Ok(text) => Clock::parse(&text),
            Err(std::env::VarError::NotPresent) => Ok(Clock { now: Local::now() }),
            Err(std::env::VarError::NotUnicode(_)) => {
                anyhow::bail!("{NOW_VAR} is not valid UTF-8; expected an RFC 3339 instant like 2027-01-04T09:30:00+08:00")
            }
        }
    }

    pub fn parse(text: &str) -> anyhow::Result<Clock> {
        let instant = DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
            anyhow::anyhow!(
                "{NOW_VAR}={text:?} is not an RFC 3339 instant ({e}); expected e.g. 2027-01-04T09:30:00+08:00"
            )
        })?;
        Ok(Clock {
            now: instant.with_timezone(&Local),
        })
    }

    pub fn now(&self) -> DateTime<Local> {
        self.now
    }

    pub fn study_day(&self, rollover_hour: u32) -> StudyDay {
        StudyDay::of(&self.now, rollover_hour)
    }

    /// A clock `ms` milliseconds later (the session's clock moves while the user thinks).
    pub fn later_ms(&self, ms: i64) -> Clock {
        Clock {
            now: self.now + chrono::Duration::milliseconds(ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_and_refuses_anything_else() {
        let clock = Clock::parse("2027-01-04T09:30:00+08:00").unwrap();
        assert_eq!(clock.now().timestamp(), 1_799_026_200);
        let err = Clock::parse("yesterday").unwrap_err().to_string();
        assert!(err.contains("STORYDRILL_NOW"), "{err}");
        assert!(Clock::parse("2027-01-04 09:30").is_err());
    }
}
