//! A timed telling (`review --timed`): the time it took against the time it had, and its pace.

/// The time a story's short version is told in (`review --short`).
pub const SHORT_SECONDS: u32 = 30;

/// How a timed telling went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub seconds: u64,
    /// Characters typed per minute (None when told aloud).
    pub per_minute: Option<u64>,
    /// Seconds past the time it had.
    pub over: Option<u64>,
}

/// The pace of a telling of `chars` characters (0: told aloud) that took `ms`, with `limit` seconds.
pub fn pace(chars: usize, ms: u64, limit: u32) -> Pace {
    let seconds = ms / 1000;
    // At least a second: a pasted telling takes no time at all.
    let per_minute = (chars > 0).then(|| chars as u64 * 60_000 / ms.max(1000));
    let over = (seconds > u64::from(limit)).then(|| seconds - u64::from(limit));
    Pace {
        seconds,
        per_minute,
        over,
    }
}

/// "1:05", "12:00".
pub fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The prompt of a telling's line: the time left when it is timed ("tell 1:45 left> ", then
/// "  .. 1:30 left> "), else "tell> " and "   .. ".
pub fn line_prompt(limit: Option<u32>, ms: u64, first: bool) -> String {
    match (limit, first) {
        (Some(limit), first) => {
            let left = match left(limit, ms) {
                Some(s) => format!("{} left", clock(s)),
                None => "time is up".to_string(),
            };
            format!("{} {left}> ", if first { "tell" } else { "  .." })
        }
        (None, true) => "tell> ".to_string(),
        (None, false) => "   .. ".to_string(),
    }
}

/// Seconds left of `limit` after `ms`, or None when the time is up.
pub fn left(limit: u32, ms: u64) -> Option<u64> {
    u64::from(limit).checked_sub(ms / 1000).filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_and_overrun() {
        assert_eq!(
            pace(300, 90_000, 120),
            Pace {
                seconds: 90,
                per_minute: Some(200),
                over: None
            }
        );
        assert_eq!(
            pace(0, 150_500, 120),
            Pace {
                seconds: 150,
                per_minute: None,
                over: Some(30)
            }
        );
        assert_eq!(
            pace(50, 10, 120).per_minute,
            Some(3000),
            "a pasted telling counts a second"
        );
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(720), "12:00");
        assert_eq!(left(120, 30_000), Some(90));
        assert_eq!(left(120, 120_000), None);
        assert_eq!(line_prompt(Some(120), 15_500, true), "tell 1:45 left> ");
        assert_eq!(line_prompt(Some(120), 130_000, false), "  .. time is up> ");
        assert_eq!(line_prompt(None, 0, false), "   .. ");
    }
}
