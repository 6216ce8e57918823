//! `storydrill stats`: progress at a glance, drawn in 80 columns from `stats::compute`'s figures.
//!
//! Everything reads without colors (bars and shades are characters); colors only add emphasis.

use std::fmt::Write;

use super::{print, print_json, Ctx};
use crate::cli::StatsArgs;
use crate::core::stats::{self, CardLine, Stats, StatsOptions, WindowCounts};
use crate::core::text::{pad, sanitize, truncate, width};
use crate::core::types::StudyDay;
use crate::paint;

/// The screen is drawn for this many columns.
const COLUMNS: usize = 80;
/// Rows of the history chart.
const HISTORY_HEIGHT: usize = 6;
/// Story rows shown; `--json` has them all.
const STORIES_SHOWN: usize = 30;

pub fn run(ctx: &Ctx, args: &StatsArgs) -> anyhow::Result<()> {
    if let Some(deck) = &args.deck {
        ctx.store.require_deck(deck)?;
    }
    let today = ctx.today();
    let input = ctx
        .store
        .stats_input(today, args.deck.as_deref(), args.days)?;
    let stats = stats::compute(
        &input,
        today,
        &StatsOptions {
            deck: args.deck.clone(),
            window_days: args.days,
            new_left: super::review::new_left_today(&ctx.store, &ctx.settings, today)?,
            interview: ctx.store.next_interview(today)?.map(|i| i.day),
        },
    );
    if args.json {
        return print_json(&stats);
    }
    print(&render(&stats))
}

/// The whole screen.
pub fn render(s: &Stats) -> String {
    let mut out = String::new();
    let scope = match &s.deck {
        Some(deck) => format!("deck {deck}"),
        None => "all decks".to_string(),
    };
    let _ = writeln!(
        out,
        "{}",
        paint::bold(&format!("storydrill stats · {} · {scope}", s.date))
    );
    let countdown = s
        .interview
        .as_ref()
        .map(|i| match i.days_left {
            0 => " · interview today".to_string(),
            1 => " · interview tomorrow".to_string(),
            n => format!(" · interview in {n} days ({})", i.date),
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} of {} stories ready{countdown}",
        s.stories_ready, s.stories_total
    );
    out.push('\n');
    today(&mut out, s);
    retention(&mut out, s);
    forecast(&mut out, s);
    history(&mut out, s);
    heatmap(&mut out, s);
    cards(&mut out, s);
    readiness(&mut out, s);
    confusions(&mut out, s);
    missed_points(&mut out, s);
    grader(&mut out, s);
    mock_interviews(&mut out, s);
    out
}

fn mock_interviews(out: &mut String, s: &Stats) {
    let t = &s.mock_interviews;
    if t.recent.is_empty() {
        let _ = writeln!(
            out,
            "
Mock interviews: none yet (`storydrill interview` rehearses a first round)"
        );
        return;
    }
    let scores: Vec<String> = t.recent.iter().map(|m| m.score.to_string()).collect();
    let change = match t.change {
        Some(c) => format!(" ({c:+} over the last {})", t.recent.len()),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "
Mock interviews: {}{change} · `storydrill interviews` lists them",
        scores.join(" → ")
    );
}

fn grader(out: &mut String, s: &Stats) {
    let g = s.grader;
    if g.points == 0 {
        return;
    }
    let agree = 100.0 * f64::from(g.points - g.changed) / f64::from(g.points);
    let _ = writeln!(
        out,
        "\nGrader: you changed {} of {} key points the judge ticked, over your last {} (agreement {agree:.0} %)",
        g.changed,
        g.points,
        plural(g.tellings, "typed telling", "typed tellings")
    );
}

fn missed_points(out: &mut String, s: &Stats) {
    if s.missed_points.is_empty() {
        return;
    }
    heading(
        out,
        &format!(
            "Key points missed most, last {}",
            plural(s.days, "day", "days")
        ),
    );
    for m in s.missed_points.iter().take(10) {
        let _ = writeln!(
            out,
            "  {}: {} (missed in {} of {} tellings)",
            sanitize(&m.story),
            sanitize(&m.point),
            m.missed,
            m.tellings
        );
    }
}

fn heading(out: &mut String, text: &str) {
    let _ = writeln!(out, "\n{}", paint::bold(text));
}

/// "4m 05s", "1h 02m", "35s".
pub fn duration(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    match secs {
        s if s >= 3600 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{s}s"),
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// Colors a share: red below 60 %, yellow below 85 %, green above.
fn paint_share(text: &str, value: Option<f64>) -> String {
    match value {
        Some(v) if v < 0.6 => paint::red(text),
        Some(v) if v < 0.85 => paint::yellow(text),
        Some(_) => paint::green(text),
        None => paint::dimmed(text),
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn today(out: &mut String, s: &Stats) {
    let t = &s.today;
    let _ = writeln!(
        out,
        "Today    {} ({} right) · {} due · {} new · {}",
        paint::bold(&plural(t.reviewed, "answer", "answers")),
        t.right,
        t.due,
        t.new,
        duration(t.time_ms)
    );
    let _ = writeln!(
        out,
        "Streak   {} · longest {}",
        paint::bold(&plural(s.streak.current, "day", "days")),
        plural(s.streak.longest, "day", "days")
    );
}

fn retention(out: &mut String, s: &Stats) {
    heading(
        out,
        "Retention (q ≥ 3 in scheduled reviews of cards already learned)",
    );
    let c = &s.retention.counts;
    let windows = [&c.d7, &c.d30, &c.all];
    let pick = |label: &str, w: &WindowCounts| match label {
        "young" => (w.young_right, w.young),
        "mature" => (w.mature_right, w.mature),
        _ => (w.right(), w.total()),
    };
    // "right/total" as wide as the widest one, so the columns line up at any size.
    let counts_width = windows
        .iter()
        .map(|w| format!("{}/{}", w.right(), w.total()).len())
        .max()
        .unwrap_or(3);
    let cell_width = 5 + counts_width;
    let _ = writeln!(
        out,
        "{}{}{}all time",
        pad("", 10),
        pad("7 days", cell_width + 2),
        pad("30 days", cell_width + 2)
    );
    for label in ["young", "mature", "all"] {
        let mut line = format!("  {}", pad(label, 8));
        for (i, w) in windows.into_iter().enumerate() {
            let (right, total) = pick(label, w);
            let share = (total > 0).then(|| f64::from(right) / f64::from(total));
            let cell = if total == 0 {
                pad("   —", cell_width)
            } else {
                format!(
                    "{} {}",
                    paint_share(&format!("{:>4}", percent(share)), share),
                    pad(&format!("{right}/{total}"), counts_width)
                )
            };
            line.push_str(&cell);
            if i < 2 {
                line.push_str("  ");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// A horizontal bar of `value / max × columns` with eighth blocks.
fn hbar(value: u32, max: u32, columns: usize) -> String {
    if value == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((u64::from(value) * columns as u64 * 8).div_ceil(u64::from(max))).max(1);
    let mut bar = "█".repeat((eighths / 8) as usize);
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    bar.push_str(PARTS[(eighths % 8) as usize]);
    bar
}

fn weekday(day: StudyDay) -> String {
    day.date().format("%a").to_string()
}

fn short(day: StudyDay) -> String {
    day.date().format("%m-%d").to_string()
}

fn forecast(out: &mut String, s: &Stats) {
    heading(out, "Due, next 14 days (today includes overdue cards)");
    let max = s.forecast.iter().map(|f| f.due).max().unwrap_or(0);
    let number_width = max.to_string().len();
    for f in &s.forecast {
        let bar = hbar(f.due, max, COLUMNS - 14 - number_width - 2);
        let _ = writeln!(
            out,
            "  {} {}  {}{}{}",
            weekday(f.date),
            short(f.date),
            paint::cyan(&bar),
            if bar.is_empty() { "" } else { " " },
            f.due
        );
    }
}

fn history(out: &mut String, s: &Stats) {
    // Columns: one per day with a gap when they fit, else days grouped (the newest group ends today).
    let room = COLUMNS - 8;
    let (per, gap) = if s.history.len() * 2 <= room {
        (1, true)
    } else {
        (s.history.len().div_ceil(room).max(1), false)
    };
    let grouping = if per > 1 {
        format!(", {per} days a column")
    } else {
        String::new()
    };
    heading(
        out,
        &format!(
            "Answers, last {}{grouping}: █ right, ░ wrong",
            plural(s.days, "day", "days")
        ),
    );
    let newest_first: Vec<_> = s.history.iter().rev().collect();
    let mut columns: Vec<(u32, u32)> = newest_first
        .chunks(per)
        .map(|days| {
            days.iter()
                .fold((0, 0), |(n, r), d| (n + d.reviews, r + d.right))
        })
        .collect();
    columns.reverse();
    let max = columns.iter().map(|c| c.0).max().unwrap_or(0);
    if max == 0 {
        let _ = writeln!(out, "  no answers in these days");
        return;
    }
    let h = HISTORY_HEIGHT as u64;
    // Rows of each column: (right, wrong), from the bottom.
    let heights: Vec<(usize, usize)> = columns
        .iter()
        .map(|&(reviews, right)| {
            if max == 0 || reviews == 0 {
                return (0, 0);
            }
            let total = (u64::from(reviews) * h).div_ceil(u64::from(max)) as usize;
            let wrong = reviews - right;
            let mut wrong_rows = if wrong > 0 {
                ((u64::from(wrong) * h + u64::from(max) / 2) / u64::from(max)).max(1) as usize
            } else {
                0
            };
            wrong_rows = wrong_rows.min(total);
            if right > 0 && wrong_rows == total && total >= 2 {
                wrong_rows = total - 1;
            }
            (total - wrong_rows, wrong_rows)
        })
        .collect();
    let cell_width = if gap { 2 } else { 1 };
    for row in (0..HISTORY_HEIGHT).rev() {
        let label = if row + 1 == HISTORY_HEIGHT {
            format!("{max:>5} ┤")
        } else {
            "      │".to_string()
        };
        let mut line = label;
        for &(right, wrong) in &heights {
            let cell = if row < right {
                paint::green("█")
            } else if row < right + wrong {
                paint::red("░")
            } else {
                " ".to_string()
            };
            line.push_str(&cell);
            if gap {
                line.push(' ');
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let axis_width = heights.len() * cell_width;
    let _ = writeln!(out, "{:>5} └{}", 0, "─".repeat(axis_width));
    if let (Some(first), Some(last)) = (s.history.first(), s.history.last()) {
        let (a, b) = (first.date.to_string(), last.date.to_string());
        let spaces = (axis_width + 1).saturating_sub(a.len() + b.len() + usize::from(gap));
        let _ = writeln!(out, "       {a}{}{b}", " ".repeat(spaces.max(1)));
    }
}

const SHADES: [&str; 5] = ["·", "░", "▒", "▓", "█"];

fn heatmap(out: &mut String, s: &Stats) {
    use chrono::Datelike;
    heading(
        out,
        &format!("Last {} weeks, answers per day", stats::HEATMAP_WEEKS),
    );
    let Some(first) = s.heatmap.first() else {
        return;
    };
    let weeks = s.heatmap.len().div_ceil(7);
    // Month names over the week in which each month starts.
    let mut months = String::from("     ");
    let mut used = 0;
    for week in 0..weeks {
        let start = first.date.plus_days(week as u32 * 7);
        let new_month = (0..7).any(|d| start.plus_days(d).date().day() == 1) || week == 0;
        let column = week * 2;
        if new_month && column >= used {
            let month_day = (0..7)
                .map(|d| start.plus_days(d))
                .find(|d| d.date().day() == 1)
                .unwrap_or(start);
            let name = month_day.date().format("%b").to_string();
            months.push_str(&" ".repeat(column - used));
            months.push_str(&name);
            used = column + name.len();
        }
    }
    let _ = writeln!(out, "{}", months.trim_end());
    for weekday in 0..7 {
        let mut line = format!("{} ", first.date.plus_days(weekday).date().format("%a"));
        line.insert(0, ' ');
        for week in 0..weeks {
            match s.heatmap.get(week * 7 + weekday as usize) {
                Some(cell) => {
                    let shade = SHADES[usize::from(cell.level.min(4))];
                    line.push_str(&if cell.level == 0 {
                        paint::dimmed(shade)
                    } else {
                        paint::green(shade)
                    });
                    line.push(' ');
                }
                None => line.push_str("  "),
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let max = s.heatmap.iter().map(|c| c.reviews).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "     less {} more (busiest day: {})",
        SHADES.join(" "),
        plural(max, "answer", "answers")
    );
}

fn cards(out: &mut String, s: &Stats) {
    let c = &s.cards;
    heading(out, &format!("Cards ({} in all)", c.total));
    let cell = |label: &str, n: u32| format!("{} {:>6}", pad(label, 10), n);
    let _ = writeln!(
        out,
        "  {}   {}   {}   {}",
        cell("new", c.new),
        cell("learning", c.learning),
        cell("young", c.young),
        cell("mature", c.mature)
    );
    let _ = writeln!(
        out,
        "  {}   {}",
        cell("suspended", c.suspended),
        cell("retired", c.retired)
    );

    heading(out, "Easiness of reviewed cards");
    let max = s.easiness.iter().map(|b| b.cards).max().unwrap_or(0);
    let number_width = max.to_string().len();
    for b in &s.easiness {
        let label = match b.to {
            Some(to) => format!("{:.2}–{:.2}", b.from, to - 0.01),
            None => format!("{:.2}+", b.from),
        };
        let bar = hbar(b.cards, max, COLUMNS - 15 - number_width - 2);
        let _ = writeln!(
            out,
            "  {}  {}{}{}",
            pad(&label, 10),
            paint::cyan(&bar),
            if bar.is_empty() { "" } else { " " },
            b.cards
        );
    }

    heading(
        out,
        &format!(
            "Leeches ({}+ lapses): {}",
            stats::LEECH_LAPSES,
            s.leeches.total
        ),
    );
    let shown = s.leeches.cards.len().min(10);
    for line in &s.leeches.cards[..shown] {
        let _ = writeln!(out, "{}", card_line(line));
    }
    if s.leeches.total as usize > shown {
        let _ = writeln!(out, "  … and {} more", s.leeches.total as usize - shown);
    }

    heading(out, "Lowest easiness (below the starting 2.50)");
    if s.lowest_easiness.is_empty() {
        let _ = writeln!(
            out,
            "  none: no card has been answered badly enough to fall below it"
        );
    }
    for line in &s.lowest_easiness {
        let _ = writeln!(out, "{}", card_line(line));
    }
}

/// "  1.30  9 lapses  #123 sharding.q2  单表数据到了几千万…", in 80 columns.
fn card_line(c: &CardLine) -> String {
    let head = format!(
        "  {}  {}  #{} {}  ",
        c.easiness,
        pad(&plural(c.lapses, "lapse", "lapses"), 9),
        c.id,
        truncate(&c.key, 22)
    );
    let text = match &c.title {
        Some(title) if c.kind == "recall" => sanitize(title),
        _ => sanitize(&crate::core::cloze::full(&c.front)),
    };
    let rest = COLUMNS.saturating_sub(width(&head)).max(8);
    format!("{head}{}", truncate(&text, rest))
        .trim_end()
        .to_string()
}

fn readiness(out: &mut String, s: &Stats) {
    heading(
        out,
        &format!(
            "Interview readiness, last {}, weakest first ({} of {} ready)",
            plural(s.days, "day", "days"),
            s.stories_ready,
            s.stories_total
        ),
    );
    if s.stories.is_empty() {
        let _ = writeln!(out, "  no stories");
        return;
    }
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  {}  {}  next due",
        pad("   #", 4),
        pad("story", 24),
        pad("ready", 6),
        pad("match", 11),
        pad("recall", 6),
        pad("EF", 5)
    );
    for story in s.stories.iter().take(STORIES_SHOWN) {
        let ready = match (story.ready, story.readiness) {
            (true, Some(r)) => paint::green(&pad(&format!("✓ {:.0}", r * 100.0), 6)),
            (false, Some(r)) => pad(&format!("  {:.0}", r * 100.0), 6),
            (_, None) => pad("  —", 6),
        };
        let matched = match story.match_accuracy {
            Some(a) => {
                let text = pad(
                    &format!(
                        "{:>4} {}/{}",
                        percent(Some(a)),
                        story.match_right,
                        story.match_answers
                    ),
                    11,
                );
                paint_share(&text, Some(a))
            }
            None => pad("   —", 11),
        };
        let recall = match story.mean_recall_grade {
            Some(g) => {
                let text = pad(&format!("{g:.1}"), 6);
                match g {
                    g if g < 3.0 => paint::red(&text),
                    g if g < 4.0 => paint::yellow(&text),
                    _ => paint::green(&text),
                }
            }
            None => pad("—", 6),
        };
        let ef = story
            .easiness
            .map_or("—".to_string(), |e| format!("{e:.2}"));
        let due = match story.due {
            Some(d) if d <= s.date => paint::yellow("now"),
            Some(d) => d.to_string(),
            None if story.readiness.is_none() => paint::dimmed("never told"),
            None => "—".to_string(),
        };
        let line = format!(
            "{:>4}  {}  {}  {}  {}  {}  {}",
            story.number,
            pad(&truncate(&sanitize(&story.title), 24), 24),
            ready,
            matched,
            recall,
            pad(&ef, 5),
            due
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if s.stories.len() > STORIES_SHOWN {
        let _ = writeln!(
            out,
            "  … and {} more (`storydrill stats --json` lists them all)",
            s.stories.len() - STORIES_SHOWN
        );
    }
}

fn confusions(out: &mut String, s: &Stats) {
    heading(
        out,
        &format!("Confused stories, last {}", plural(s.days, "day", "days")),
    );
    if s.confusions.is_empty() {
        let _ = writeln!(
            out,
            "  none: no match question was answered with a wrong story"
        );
        return;
    }
    for c in &s.confusions {
        let (pair, of) = (&c.pair, c.of);
        let asked = format!("{} {}", pair.asked_number, sanitize(&pair.asked_title));
        let answered = match (pair.answered_number, &pair.answered_title) {
            (Some(n), Some(title)) => format!("{n} {}", sanitize(title)),
            _ => sanitize(&pair.answered),
        };
        let tail = format!(": {} of {of} times", pair.times);
        let one_line = format!("  asked for {asked}, you answered {answered}{tail}");
        if width(&one_line) <= COLUMNS {
            let _ = writeln!(out, "{one_line}");
            continue;
        }
        // Too long for one line: break after the comma, shortening a title only if still needed.
        let first = "  asked for ";
        let second = "      you answered ";
        let _ = writeln!(
            out,
            "{first}{},",
            truncate(&asked, COLUMNS - width(first) - 1)
        );
        let _ = writeln!(
            out,
            "{second}{}{tail}",
            truncate(&answered, COLUMNS - width(second) - width(&tail))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(35_400), "35s");
        assert_eq!(duration(245_000), "4m 05s");
        assert_eq!(duration(3_720_000), "1h 02m");
    }

    #[test]
    fn bars_use_eighth_blocks() {
        assert_eq!(hbar(0, 10, 8), "");
        assert_eq!(hbar(10, 10, 8), "████████");
        assert_eq!(hbar(1, 16, 8), "▌");
        assert_eq!(hbar(1, 1000, 8), "▏");
    }
}
