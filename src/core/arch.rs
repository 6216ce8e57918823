//! The server-architecture template's numbers must add up, because interviewers check them: from the
//! user's figures, compute what follows and flag every stated number that contradicts it. Pure.
//!
//! requests/day = active users × requests per user per day; average QPS = requests/day ÷ 86,400;
//! peak QPS = average × peak factor (default 3); machines = ⌈peak QPS ÷ per-machine capacity⌉ for
//! Nginx, the application servers and the database (every request is taken to reach the database
//! once: a conservative bound). The template counts users, requests/day and Nginx capacity in 万.

use crate::core::fill::{Slot, SlotKind};

pub const WAN: f64 = 10_000.0;
pub const SECONDS_PER_DAY: f64 = 86_400.0;
pub const DEFAULT_PEAK_FACTOR: f64 = 3.0;

/// The figures of a filled architecture template, as stated (None where not given or not a number).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Active users, in 万.
    pub active_wan: Option<f64>,
    pub requests_per_user: Option<f64>,
    /// Requests per day, in 万.
    pub daily_wan: Option<f64>,
    /// What one Nginx machine handles per second, in 万.
    pub nginx_capacity_wan: Option<f64>,
    pub nginx_machines: Option<f64>,
    /// What one application server handles per second (its concurrency).
    pub app_capacity: Option<f64>,
    pub app_servers: Option<f64>,
    /// What one database server handles per second.
    pub db_qps: Option<f64>,
    pub db_servers: Option<f64>,
    pub peak_factor: Option<f64>,
}

/// What follows from the figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Computed {
    pub requests_per_day: Option<f64>,
    pub average_qps: Option<f64>,
    pub peak_qps: Option<f64>,
    pub peak_factor: f64,
    pub nginx_machines: Option<u64>,
    pub app_servers: Option<u64>,
    pub db_servers: Option<u64>,
}

/// A stated number that contradicts the computed one.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub what: &'static str,
    pub stated: f64,
    pub expected: f64,
    /// How the expected number follows from the others.
    pub because: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: you said {}, but {} = {}",
            self.what,
            number(self.stated),
            self.because,
            number(self.expected)
        )
    }
}

/// Computes the chain and lists every stated number that does not fit it.
pub fn check(f: &Figures) -> (Computed, Vec<Mismatch>) {
    let mut out = Computed {
        peak_factor: f
            .peak_factor
            .filter(|p| *p > 0.0)
            .unwrap_or(DEFAULT_PEAK_FACTOR),
        ..Default::default()
    };
    let mut wrong = Vec::new();
    let from_users = match (f.active_wan, f.requests_per_user) {
        (Some(users), Some(per)) => Some(users * WAN * per),
        _ => None,
    };
    if let (Some(expected), Some(stated)) = (from_users, f.daily_wan) {
        // Stated in 万, so allow for rounding to the unit and to 1 %.
        let expected_wan = expected / WAN;
        if (stated - expected_wan).abs() > (expected_wan * 0.01).max(0.5) {
            wrong.push(Mismatch {
                what: "requests per day (万)",
                stated,
                expected: expected_wan,
                because: format!(
                    "{}万 active users × {} requests each",
                    number(f.active_wan.unwrap_or(0.0)),
                    number(f.requests_per_user.unwrap_or(0.0))
                ),
            });
        }
    }
    out.requests_per_day = from_users.or(f.daily_wan.map(|d| d * WAN));
    let Some(daily) = out.requests_per_day else {
        return (out, wrong);
    };
    let average = daily / SECONDS_PER_DAY;
    let peak = average * out.peak_factor;
    out.average_qps = Some(average);
    out.peak_qps = Some(peak);
    let peak_text = format!(
        "peak {} QPS ({} requests/day ÷ 86,400 × {})",
        number(peak),
        number(daily),
        number(out.peak_factor)
    );

    let mut machines = |what: &'static str,
                        capacity: Option<f64>,
                        unit: f64,
                        unit_name: &str,
                        stated: Option<f64>|
     -> Option<u64> {
        let capacity = capacity.filter(|c| *c > 0.0)?;
        let needed = needed_machines(peak, capacity * unit);
        if let Some(stated) = stated.filter(|s| (*s - needed as f64).abs() > 1e-9) {
            wrong.push(Mismatch {
                what,
                stated,
                expected: needed as f64,
                because: format!(
                    "⌈{peak_text} ÷ {}{unit_name} per machine⌉",
                    number(capacity)
                ),
            });
        }
        Some(needed)
    };
    out.nginx_machines = machines(
        "Nginx machines",
        f.nginx_capacity_wan,
        WAN,
        "万",
        f.nginx_machines,
    );
    out.app_servers = machines(
        "application servers",
        f.app_capacity,
        1.0,
        "",
        f.app_servers,
    );
    out.db_servers = machines("database servers", f.db_qps, 1.0, " QPS", f.db_servers);
    (out, wrong)
}

/// ⌈load ÷ capacity⌉, at least 1, without a float error turning 3.0000000001 into 4.
pub fn needed_machines(load: f64, capacity: f64) -> u64 {
    let ratio = load / capacity;
    ((ratio - 1e-9).ceil().max(1.0)) as u64
}

/// Reads a number the way people write it: "1,000", "约 500", "2.5万", "3k", "50次".
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let rest = &text[start..];
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '，'))
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let consumed = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '，')))
        .map_or(rest.len(), |(i, _)| i);
    let value: f64 = digits.trim_end_matches('.').parse().ok()?;
    let unit = rest[consumed..].trim_start().chars().next();
    let factor = match unit {
        Some('万' | 'w' | 'W') => WAN,
        Some('亿') => 1e8,
        Some('千' | 'k' | 'K') => 1e3,
        Some('百') => 1e2,
        _ => 1.0,
    };
    Some(value * factor)
}

/// Reads a number for a blank that the template already counts in 万 ("____万下载"): "500" and
/// "500万" both mean 500万.
pub fn parse_wan(text: &str) -> Option<f64> {
    let trimmed = text.trim().trim_end_matches('万');
    parse_number(trimmed).map(|v| if trimmed.contains('亿') { v / WAN } else { v })
}

/// The figures of a filled architecture template, found by the words around each blank (so a
/// reworded template still maps as long as those words stay).
pub fn figures(blanks: &[Slot], answers: &[String]) -> Figures {
    let mut f = Figures::default();
    for (blank, answer) in blanks.iter().zip(answers) {
        if answer.trim().is_empty() {
            continue;
        }
        let (before, after) = (blank.before.as_str(), blank.after.as_str());
        if blank.kind == SlotKind::Extra {
            f.peak_factor = parse_number(answer);
        } else if after.starts_with("万活跃用户") {
            f.active_wan = parse_wan(answer);
        } else if after.starts_with("次请求") {
            f.requests_per_user = parse_number(answer);
        } else if after.starts_with("万次") {
            f.daily_wan = parse_wan(answer);
        } else if after.starts_with("万的请求") {
            f.nginx_capacity_wan = parse_wan(answer);
        } else if after.starts_with("台Nginx") {
            f.nginx_machines = parse_number(answer);
        } else if before.ends_with("并发有") {
            f.app_capacity = parse_number(answer);
        } else if after.starts_with("台应用服务器") {
            f.app_servers = parse_number(answer);
        } else if before.ends_with("QPS有") {
            f.db_qps = parse_number(answer);
        } else if after.starts_with("台数据库") {
            f.db_servers = parse_number(answer);
        }
    }
    f
}

/// A number without a pointless ".0", with thousands separators, at most two decimals.
pub fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = format!("{}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if rounded < 0.0 {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100万 active × 50 = 5000万/day → 578.7 QPS average → 1736.1 peak (×3).
    fn consistent() -> Figures {
        Figures {
            active_wan: Some(100.0),
            requests_per_user: Some(50.0),
            daily_wan: Some(5000.0),
            nginx_capacity_wan: Some(1.0),
            nginx_machines: Some(1.0),
            app_capacity: Some(500.0),
            app_servers: Some(4.0),
            db_qps: Some(1000.0),
            db_servers: Some(2.0),
            peak_factor: None,
        }
    }

    #[test]
    fn numbers_that_add_up_give_no_warning() {
        let (computed, wrong) = check(&consistent());
        assert_eq!(wrong, vec![]);
        assert_eq!(computed.requests_per_day, Some(50_000_000.0));
        let avg = computed.average_qps.unwrap();
        assert!((avg - 578.7037).abs() < 1e-3, "{avg}");
        assert!((computed.peak_qps.unwrap() - 1736.111).abs() < 1e-2);
        assert_eq!(computed.peak_factor, 3.0);
        assert_eq!(
            (
                computed.nginx_machines,
                computed.app_servers,
                computed.db_servers
            ),
            (Some(1), Some(4), Some(2))
        );
    }

    #[test]
    fn every_contradicting_number_is_flagged_with_the_expected_one() {
        let mut f = consistent();
        f.daily_wan = Some(8000.0);
        f.app_servers = Some(10.0);
        f.db_servers = Some(1.0);
        let (_, wrong) = check(&f);
        let got: Vec<(&str, f64, f64)> = wrong
            .iter()
            .map(|m| (m.what, m.stated, m.expected))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests per day (万)", 8000.0, 5000.0),
                ("application servers", 10.0, 4.0),
                ("database servers", 1.0, 2.0),
            ]
        );
        assert!(
            wrong[1].to_string().contains("÷ 500 per machine⌉ = 4"),
            "{}",
            wrong[1]
        );
    }

    #[test]
    fn the_peak_factor_changes_the_machines_needed() {
        let mut f = consistent();
        f.peak_factor = Some(6.0);
        let (computed, wrong) = check(&f);
        assert_eq!(computed.app_servers, Some(7)); // 3472.2 / 500
        assert_eq!(computed.db_servers, Some(4));
        assert_eq!(wrong.len(), 2);
    }

    #[test]
    fn exact_ratios_do_not_round_up_by_float_error() {
        assert_eq!(needed_machines(1500.0, 500.0), 3);
        assert_eq!(needed_machines(0.1 * 3.0 * 10_000.0, 1000.0), 3);
        assert_eq!(needed_machines(1.0, 1000.0), 1);
        // 864万/day = 100 QPS average, ×3 = 300 → exactly 3 machines of 100.
        let f = Figures {
            daily_wan: Some(864.0),
            app_capacity: Some(100.0),
            app_servers: Some(3.0),
            ..Default::default()
        };
        let (computed, wrong) = check(&f);
        assert_eq!(computed.app_servers, Some(3));
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn rounding_of_the_daily_total_is_tolerated() {
        let mut f = Figures {
            active_wan: Some(33.0),
            requests_per_user: Some(30.0),
            daily_wan: Some(990.4),
            ..Default::default()
        };
        assert!(check(&f).1.is_empty());
        f.daily_wan = Some(1000.0);
        assert_eq!(check(&f).1.len(), 1);
    }

    #[test]
    fn numbers_are_read_as_people_write_them() {
        assert_eq!(parse_number("1,000"), Some(1000.0));
        assert_eq!(parse_number("约 500 次"), Some(500.0));
        assert_eq!(parse_number("2.5万"), Some(25_000.0));
        assert_eq!(parse_number("3k"), Some(3000.0));
        assert_eq!(parse_number("很多"), None);
        assert_eq!(parse_wan("500万"), Some(500.0));
        assert_eq!(parse_wan("500"), Some(500.0));
        assert_eq!(parse_wan("1亿"), Some(10_000.0));
        assert_eq!(number(1736.111), "1,736.11");
        assert_eq!(number(50_000_000.0), "50,000,000");
    }
}
