//! Settings kept in the database and changed with `storydrill config`.

use anyhow::bail;

use crate::store::Store;

#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub default: u32,
    pub min: u32,
    pub max: u32,
    pub help: &'static str,
}

pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "rollover-hour",
        default: 4,
        min: 0,
        max: 23,
        help: "hour a new study day starts (reviews before it count for the day before)",
    },
    Setting {
        key: "new-per-day",
        default: 20,
        min: 0,
        max: 10_000,
        help: "new cards introduced per study day",
    },
    Setting {
        key: "reviews-per-day",
        default: 200,
        min: 0,
        max: 100_000,
        help: "due cards reviewed per study day",
    },
    Setting {
        key: "telling-seconds",
        default: 120,
        min: 10,
        max: 3_600,
        help: "the time a telling has in `review --timed`",
    },
];

/// The setting that is a date, not a number: the interview the schedule prepares for (kept with
/// the other interview dates, see `storydrill interview`).
pub const INTERVIEW_DATE: &str = "interview-date";
pub const INTERVIEW_DATE_HELP: &str =
    "the day of your interview (YYYY-MM-DD): every card is reviewed once more before it";

/// The settings as `config --help` lists them.
pub fn help_list() -> String {
    let mut out = String::from("Settings:\n");
    for s in SETTINGS {
        out.push_str(&format!(
            "  {:<16} {} ({}-{}, default {})\n",
            s.key, s.help, s.min, s.max, s.default
        ));
    }
    out.push_str(&format!(
        "  {INTERVIEW_DATE:<16} {INTERVIEW_DATE_HELP} (default: none)\n"
    ));
    out
}

/// A date as `config set interview-date` takes it.
pub fn parse_date(value: &str) -> anyhow::Result<crate::core::types::StudyDay> {
    crate::core::types::StudyDay::parse(value.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "{INTERVIEW_DATE} must be a date like 2027-01-25, got {}",
            crate::core::text::quote(value)
        )
    })
}

/// The settings a command runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub rollover_hour: u32,
    pub new_per_day: u32,
    pub reviews_per_day: u32,
    pub telling_seconds: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rollover_hour: 4,
            new_per_day: 20,
            reviews_per_day: 200,
            telling_seconds: 120,
        }
    }
}

pub fn lookup(key: &str) -> anyhow::Result<&'static Setting> {
    match SETTINGS.iter().find(|s| s.key == key) {
        Some(s) => Ok(s),
        None => {
            let mut known: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
            known.push(INTERVIEW_DATE);
            bail!(
                "unknown setting {key:?}; known settings: {}",
                known.join(", ")
            )
        }
    }
}

pub fn parse_value(setting: &Setting, value: &str) -> anyhow::Result<u32> {
    match value.trim().parse::<u32>() {
        Ok(v) if (setting.min..=setting.max).contains(&v) => Ok(v),
        _ => bail!(
            "{} must be a whole number from {} to {}, got {value:?}",
            setting.key,
            setting.min,
            setting.max
        ),
    }
}

pub fn get(store: &Store, key: &str) -> anyhow::Result<u32> {
    let setting = lookup(key)?;
    match store.setting(key)? {
        Some(v) => parse_value(setting, &v),
        None => Ok(setting.default),
    }
}

pub fn load(store: &Store) -> anyhow::Result<Settings> {
    Ok(Settings {
        rollover_hour: get(store, "rollover-hour")?,
        new_per_day: get(store, "new-per-day")?,
        reviews_per_day: get(store, "reviews-per-day")?,
        telling_seconds: get(store, "telling-seconds")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_struct_default() {
        let d = Settings::default();
        assert_eq!(lookup("rollover-hour").unwrap().default, d.rollover_hour);
        assert_eq!(lookup("new-per-day").unwrap().default, d.new_per_day);
        assert_eq!(
            lookup("reviews-per-day").unwrap().default,
            d.reviews_per_day
        );
    }

    #[test]
    fn values_are_checked() {
        let hour = lookup("rollover-hour").unwrap();
        assert_eq!(parse_value(hour, "5").unwrap(), 5);
        assert!(parse_value(hour, "24").is_err());
        assert!(parse_value(hour, "-1").is_err());
        assert!(lookup("nope")
            .unwrap_err()
            .to_string()
            .contains("rollover-hour"));
    }
}
