//! Domain newtypes: study days, grades, easiness and card ids, each stored in SQLite as itself.

use chrono::{DateTime, Duration, NaiveDate, TimeZone};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use std::fmt;

/// A local calendar day shifted by the rollover hour: a review at 01:30 belongs to the day before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StudyDay(NaiveDate);

impl StudyDay {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<StudyDay> {
        NaiveDate::from_ymd_opt(y, m, d).map(StudyDay)
    }

    /// The study day an instant belongs to, in the given time zone, with days starting at `rollover_hour`.
    pub fn of<Tz: TimeZone>(instant: &DateTime<Tz>, rollover_hour: u32) -> StudyDay {
        let shifted = instant.naive_local() - Duration::hours(i64::from(rollover_hour));
        StudyDay(shifted.date())
    }

    /// The last study day: due days are stored as `YYYY-MM-DD` text and compared as text, which
    /// only orders them right while the year has four digits.
    pub const LAST: StudyDay = match NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(d) => StudyDay(d),
        None => panic!("9999-12-31 is a date"),
    };

    /// `days` later, at most `StudyDay::LAST`.
    pub fn plus_days(self, days: u32) -> StudyDay {
        self.0
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .map_or(StudyDay::LAST, |d| StudyDay(d).min(StudyDay::LAST))
    }

    pub fn minus_days(self, days: u32) -> StudyDay {
        StudyDay(
            self.0
                .checked_sub_days(chrono::Days::new(u64::from(days)))
                .unwrap_or(NaiveDate::MIN),
        )
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: StudyDay) -> i64 {
        (later.0 - self.0).num_days()
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    pub fn parse(s: &str) -> Option<StudyDay> {
        // The stored form, YYYY-MM-DD, read by hand: `stats` reads tens of thousands of days, and
        // chrono's format parser costs ten times as much. Anything else goes to chrono.
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
                return NaiveDate::from_ymd_opt(y as i32, m, d).map(StudyDay);
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(StudyDay)
    }
}

impl fmt::Display for StudyDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        if (0..=9999).contains(&y) {
            // By hand, like `parse`: `stats --json` writes tens of thousands of days.
            let y = y as u32;
            let digit = |n: u32| b'0' + (n % 10) as u8;
            let text = [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ];
            f.pad(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}

impl serde::Serialize for StudyDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ToSql for StudyDay {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for StudyDay {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        StudyDay::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("bad study day {text:?}").into()))
    }
}

/// A grade 0–5: 5 perfect, 3 correct with difficulty, below 3 a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quality(u8);

impl Quality {
    pub fn new(q: u8) -> Option<Quality> {
        (q <= 5).then_some(Quality(q))
    }

    /// A grade the judge suggested, 5 at most.
    pub fn at_most_5(q: u8) -> Quality {
        Quality(q.min(5))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// q ≥ 3: the card was recalled.
    pub fn is_pass(self) -> bool {
        self.0 >= 3
    }

    /// Short meaning shown at the grade prompt.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0 => "blackout",
            1 => "wrong, remembered when shown",
            2 => "wrong, seemed easy when shown",
            3 => "correct, with serious difficulty",
            4 => "correct after hesitation",
            _ => "perfect",
        }
    }
}

impl std::str::FromStr for Quality {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse::<u8>()
            .ok()
            .and_then(Quality::new)
            .ok_or_else(|| format!("grade must be a whole number 0-5, got {:?}", s.trim()))
    }
}

impl ToSql for Quality {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.0)))
    }
}

impl FromSql for Quality {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        u8::try_from(n)
            .ok()
            .and_then(Quality::new)
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// The SM-2 easiness factor in hundredths (250 = 2.5), never below 1.30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Easiness(u16);

impl Easiness {
    pub const INITIAL: Easiness = Easiness(250);
    pub const FLOOR: Easiness = Easiness(130);

    pub fn from_hundredths(h: u16) -> Easiness {
        Easiness(h.max(Self::FLOOR.0))
    }

    pub fn hundredths(self) -> u16 {
        self.0
    }

    /// Adds `delta` hundredths, floored at 1.30.
    pub fn adjusted(self, delta: i32) -> Easiness {
        let value =
            (i32::from(self.0) + delta).clamp(i32::from(Self::FLOOR.0), i32::from(u16::MAX));
        Easiness(value as u16)
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for Easiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl ToSql for Easiness {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(i64::from(self.0)))
    }
}

impl FromSql for Easiness {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = value.as_i64()?;
        u16::try_from(n)
            .ok()
            .filter(|h| *h >= Self::FLOOR.0)
            .map(Easiness)
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// The enums stored by name: written as their name, read back only when the name is one of
/// theirs (a value no storydrill writes is an error, never a default).
macro_rules! stored_by_name {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                <$t>::parse(text).ok_or_else(|| {
                    FromSqlError::Other(format!("unknown {} {text:?}", stringify!($t)).into())
                })
            }
        }
    )*};
}

stored_by_name!(
    crate::core::model::CardKind,
    crate::core::deck::StoryKind,
    crate::core::deck::Source,
    crate::core::sm2::ReviewKind
);

/// A card's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct CardId(pub i64);

impl fmt::Display for CardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ToSql for CardId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for CardId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_i64().map(CardId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use rusqlite::Connection;

    fn round_trip<T: ToSql + FromSql + PartialEq + fmt::Debug>(value: T) {
        let conn = Connection::open_in_memory().unwrap();
        let back: T = conn.query_row("SELECT ?1", [&value], |r| r.get(0)).unwrap();
        assert_eq!(back, value);
    }

    /// The hand-written reading and writing of days agree with chrono's on every form.
    #[test]
    fn days_read_and_write_as_chrono_does() {
        let chrono_parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(StudyDay);
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..800 {
            let text = StudyDay(day).to_string();
            assert_eq!(text, day.format("%Y-%m-%d").to_string());
            assert_eq!(StudyDay::parse(&text), Some(StudyDay(day)));
            day = day.succ_opt().unwrap();
        }
        for s in [
            "2027-02-29",
            "2028-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-01-32",
            "0000-01-01",
            "9999-12-31",
            "2027-1-04",
            "2027-01-4",
            "2027/01/04",
            "２027-01-04",
            "2027-01-04 ",
            "+2027-01-04",
            "-001-01-01",
            "",
            "abcd-ef-gh",
            "2027-０1-04",
        ] {
            assert_eq!(StudyDay::parse(s), chrono_parse(s), "{s:?}");
        }
    }

    #[test]
    fn newtypes_round_trip_through_sqlite() {
        round_trip(StudyDay::from_ymd(2027, 1, 4).unwrap());
        round_trip(Quality::new(3).unwrap());
        round_trip(Easiness::from_hundredths(138));
        round_trip(CardId(42));
    }

    #[test]
    fn stored_enums_round_trip_and_refuse_unknown_names() {
        use crate::core::deck::{Source, StoryKind};
        use crate::core::model::CardKind;
        use crate::core::sm2::ReviewKind;
        round_trip(CardKind::Cloze);
        round_trip(StoryKind::Template);
        round_trip(Source::Seed);
        round_trip(ReviewKind::Redrill);
        round_trip(ReviewKind::Mock);
        let conn = Connection::open_in_memory().unwrap();
        let k: rusqlite::Result<CardKind> = conn.query_row("SELECT 'essay'", [], |r| r.get(0));
        assert!(k.is_err());
        let r: rusqlite::Result<ReviewKind> = conn.query_row("SELECT 'exam'", [], |r| r.get(0));
        assert!(r.is_err());
    }

    #[test]
    fn bad_sql_values_are_refused() {
        let conn = Connection::open_in_memory().unwrap();
        let q: rusqlite::Result<Quality> = conn.query_row("SELECT 6", [], |r| r.get(0));
        assert!(q.is_err());
        let e: rusqlite::Result<Easiness> = conn.query_row("SELECT 129", [], |r| r.get(0));
        assert!(e.is_err());
        let d: rusqlite::Result<StudyDay> = conn.query_row("SELECT '2027-13-01'", [], |r| r.get(0));
        assert!(d.is_err());
    }

    #[test]
    fn study_day_rolls_over_at_the_rollover_hour() {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let late = tz.with_ymd_and_hms(2027, 1, 5, 1, 30, 0).unwrap();
        assert_eq!(StudyDay::of(&late, 4).to_string(), "2027-01-04");
        let morning = tz.with_ymd_and_hms(2027, 1, 5, 4, 0, 0).unwrap();
        assert_eq!(StudyDay::of(&morning, 4).to_string(), "2027-01-05");
        assert_eq!(StudyDay::of(&late, 0).to_string(), "2027-01-05");
    }

    #[test]
    fn quality_parses_only_0_to_5() {
        assert_eq!("4".parse::<Quality>().unwrap().get(), 4);
        assert!("6".parse::<Quality>().is_err());
        assert!("-1".parse::<Quality>().is_err());
        assert!("x".parse::<Quality>().is_err());
    }

    #[test]
    fn easiness_floor_and_display() {
        assert_eq!(
            Easiness::from_hundredths(150).adjusted(-80).hundredths(),
            130
        );
        assert_eq!(Easiness::INITIAL.to_string(), "2.50");
        assert_eq!(Easiness::from_hundredths(138).to_string(), "1.38");
    }
}
