//! A synthetic database for the `stats` benchmark (benches/stats.sh): N cards in decks of Chinese
//! stories, questions, clozes and basic cards, imported through `Store::import_deck`, and M reviews
//! simulated with the real SM-2 code and inserted in one transaction through `Store::connection()`,
//! so the statistics triggers fill their aggregates exactly as in use.
//!
//!     cargo run --release --example stats_synth -- PATH [--cards N] [--reviews M] [--days D] [--today YYYY-MM-DD]

use anyhow::{bail, Context};
use rusqlite::params;
use std::path::PathBuf;
use std::time::Instant;

use storydrill::core::deck::{Basic, Cloze, Deck, Question, Source, Story, StoryKind};
use storydrill::core::sm2::{self, CardState, ReviewKind};
use storydrill::core::types::{Quality, StudyDay};
use storydrill::store::Store;

const STORIES_PER_DECK: usize = 100;
const CARDS_PER_DECK: usize = 5_000;

/// splitmix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const TOPICS: &[&str] = &[
    "数据库",
    "缓存",
    "消息队列",
    "负载均衡",
    "限流",
    "分库分表",
    "慢查询",
    "索引",
    "主从复制",
    "服务拆分",
    "灰度发布",
    "日志统计",
    "排行榜",
    "发号器",
    "秒杀",
    "容器部署",
    "监控告警",
    "接口幂等",
];
const PROBLEMS: &[&str] = &[
    "用户量上涨后访问越来越慢",
    "高峰期服务器扛不住",
    "线上偶发超时",
    "数据不一致",
    "内存持续增长",
    "接口被刷",
    "报表查询要几分钟",
    "发布后错误率升高",
    "磁盘很快写满",
];
const ACTIONS: &[&str] = &[
    "我们先定位瓶颈，再逐步优化",
    "查了网上的方案又请教了资深同事",
    "用压测复现了问题",
    "加了监控把问题量化",
    "改成异步处理",
    "按用户 ID 做 hash 拆分",
    "引入 Redis 做缓存",
];
const RESULTS: &[&str] = &[
    "响应时间从 2 秒降到 200 毫秒",
    "高峰期再也没有宕机",
    "成本降低了三成",
    "错误率降到万分之一",
];

fn story_text(rng: &mut Rng, topic: &str) -> String {
    format!(
        "我们的{topic}遇到了{}。{}，最后{}。",
        rng.pick(PROBLEMS),
        rng.pick(ACTIONS),
        rng.pick(RESULTS)
    )
}

fn synthetic_deck(rng: &mut Rng, index: usize, cards: usize) -> Deck {
    let name = format!("synth-{index:03}");
    let stories: Vec<Story> = (0..STORIES_PER_DECK)
        .map(|s| {
            let topic = rng.pick(TOPICS);
            Story {
                key: format!("{name}-s{s:03}"),
                number: None,
                title: format!("{topic}：{}", rng.pick(PROBLEMS)),
                kind: StoryKind::Story,
                source: Source::Written,
                aliases: vec![topic.to_string()],
                prompt: format!("讲讲你们{topic}的故事"),
                text: story_text(rng, topic),
                written: None,
                diagram: None,
                short: None,
                points_source: Source::Written,
                points: vec![rng.pick(ACTIONS).to_string(), rng.pick(RESULTS).to_string()],
                tags: vec![],
            }
        })
        .collect();
    let rest = cards.saturating_sub(stories.len());
    let (questions, clozes) = (rest / 2, rest * 3 / 10);
    let basics = rest - questions - clozes;
    let story_key = |i: usize| stories[i % stories.len()].key.clone();
    let deck_questions = (0..questions)
        .map(|q| {
            let mut answers = vec![story_key(q)];
            if q % 7 == 0 {
                answers.push(story_key(q + 1));
            }
            Question {
                key: format!("{name}-q{q:05}"),
                text: format!("{}的时候你会怎么处理？（{q}）", rng.pick(PROBLEMS)),
                answers,
                why: rng.pick(ACTIONS).to_string(),
                tags: vec![],
            }
        })
        .collect();
    let deck_clozes = (0..clozes)
        .map(|c| Cloze {
            key: format!("{name}-c{c:05}"),
            story: Some(story_key(c)),
            text: format!(
                "我们{}，最后{{{{c1::{}}}}}。",
                rng.pick(ACTIONS),
                rng.pick(RESULTS)
            ),
            tags: vec![],
        })
        .collect();
    let deck_basics = (0..basics)
        .map(|b| Basic {
            key: format!("{name}-b{b:05}"),
            front: format!("{}的关键点是什么？（{b}）", rng.pick(TOPICS)),
            back: rng.pick(ACTIONS).to_string(),
            tags: vec![],
        })
        .collect();
    Deck {
        name: name.clone(),
        title: format!("合成卡组 {index}"),
        stories,
        questions: deck_questions,
        clozes: deck_clozes,
        cards: deck_basics,
        followups: vec![],
        filled: vec![],
        synonyms: None,
    }
}

struct Args {
    path: PathBuf,
    cards: usize,
    reviews: usize,
    days: u32,
    today: StudyDay,
}

fn args() -> anyhow::Result<Args> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        path: PathBuf::new(),
        cards: 100_000,
        reviews: 1_000_000,
        days: 365,
        today: StudyDay::from_ymd(2027, 1, 4).unwrap(),
    };
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--cards" => args.cards = value()?.parse()?,
            "--reviews" => args.reviews = value()?.parse()?,
            "--days" => args.days = value()?.parse()?,
            "--today" => {
                let v = value()?;
                args.today = StudyDay::parse(&v).with_context(|| format!("bad day {v:?}"))?;
            }
            _ if args.path.as_os_str().is_empty() && !arg.starts_with('-') => {
                args.path = arg.into()
            }
            _ => bail!(
                "usage: stats_synth PATH [--cards N] [--reviews M] [--days D] [--today YYYY-MM-DD]"
            ),
        }
    }
    if args.path.as_os_str().is_empty() {
        bail!("usage: stats_synth PATH [--cards N] [--reviews M] [--days D] [--today YYYY-MM-DD]");
    }
    Ok(args)
}

struct SynthCard {
    id: i64,
    kind: String,
    story: Option<String>,
    deck_stories: (usize, usize),
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = args.path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let started = Instant::now();
    let mut store = Store::open(&args.path)?;
    let builtin: usize = store
        .connection()
        .query_row("SELECT count(*) FROM card", [], |r| r.get::<_, i64>(0))?
        as usize;
    let mut rng = Rng(0x5eed);
    let mut left = args.cards.saturating_sub(builtin);
    let mut index = 0;
    while left > 0 {
        let n = left.clamp(STORIES_PER_DECK + 1, CARDS_PER_DECK);
        store.import_deck(
            &synthetic_deck(&mut rng, index, n),
            storydrill::store::Retire::Allow,
        )?;
        left = left.saturating_sub(n);
        index += 1;
    }
    eprintln!(
        "imported {index} decks in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Every card, with the story keys of its deck (wrong match answers pick a neighbouring story).
    let (cards, story_keys) = {
        let conn = store.connection();
        let story_keys: Vec<String> = conn
            .prepare("SELECT key FROM story ORDER BY deck_id, position")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut ranges = std::collections::HashMap::new();
        let mut stmt =
            conn.prepare("SELECT deck_id, count(*) FROM story GROUP BY deck_id ORDER BY deck_id")?;
        let mut start = 0;
        for row in stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as usize))
        })? {
            let (deck, n) = row?;
            ranges.insert(deck, (start, start + n));
            start += n;
        }
        let cards: Vec<SynthCard> = conn
            .prepare("SELECT c.id, c.kind, s.key, c.deck_id FROM card c LEFT JOIN story s ON s.id = c.story_id ORDER BY c.id")?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?))
            })?
            .map(|r| {
                r.map(|(id, kind, story, deck)| SynthCard {
                    id,
                    kind,
                    story,
                    deck_stories: ranges.get(&deck).copied().unwrap_or((0, 0)),
                })
            })
            .collect::<Result<_, _>>()?;
        (cards, story_keys)
    };

    let started = Instant::now();
    let tx = store.connection().transaction()?;
    let mut written = 0usize;
    let mut reviewed_cards = 0usize;
    {
        let mut insert = tx.prepare(
            "INSERT INTO review (card_id, reviewed_at, day, quality, kind, answer, answered_story, correct, ms,
                before_repetitions, before_easiness, before_interval, before_due, before_lapses, before_reviews, before_last_review,
                after_repetitions, after_easiness, after_interval, after_due, after_lapses, after_reviews, after_last_review)
             VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        )?;
        let mut update = tx.prepare(
            "UPDATE card SET repetitions = ?2, easiness = ?3, interval_days = ?4, due = ?5, lapses = ?6,
                reviews = ?7, last_review = ?8 WHERE id = ?1",
        )?;
        // Cards in a shuffled order, so the new ones left at the end are spread over all decks.
        let mut order: Vec<usize> = (0..cards.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let first_day = args.today.minus_days(args.days);
        'cards: for &i in &order {
            let card = &cards[i];
            let mut state = CardState::NEW;
            // Each card is introduced on some day of the history and reviewed when due (or a day late).
            let mut day = first_day.plus_days(rng.below(u64::from(args.days)) as u32);
            // Some cards are harder than others.
            let skill = 0.84 + rng.below(15) as f64 / 100.0;
            let mut touched = false;
            while day < args.today && written < args.reviews {
                let pass = rng.chance(if state.repetitions == 0 { 0.85 } else { skill });
                let q = if pass {
                    3 + rng.below(3) as u8
                } else {
                    rng.below(3) as u8
                };
                let mut answers = vec![(ReviewKind::Scheduled, q)];
                if q < 4 {
                    answers.push((ReviewKind::Redrill, 4 + rng.below(2) as u8));
                }
                for (n, (kind, q)) in answers.into_iter().enumerate() {
                    if written >= args.reviews {
                        break;
                    }
                    let quality = Quality::new(q).unwrap();
                    let (got, after) = sm2::review(&state, quality, day, false);
                    debug_assert_eq!(got, kind);
                    let (answered, correct) = if card.kind == "match" {
                        let right = q >= 3;
                        let (lo, hi) = card.deck_stories;
                        let answered = if right || hi <= lo + 1 {
                            card.story.clone()
                        } else {
                            // A neighbouring story: the same few get confused again and again.
                            let own = story_keys[lo..hi]
                                .iter()
                                .position(|k| Some(k) == card.story.as_ref())
                                .unwrap_or(0);
                            let other = (own + 1 + rng.below(3) as usize) % (hi - lo);
                            Some(story_keys[lo + other].clone())
                        };
                        (answered, Some(right))
                    } else {
                        (None, None)
                    };
                    let b = state;
                    let secs = 9 * 3600 + rng.below(12 * 3600) + n as u64 * 40;
                    let at = format!(
                        "{}T{:02}:{:02}:{:02}.000Z",
                        day,
                        secs / 3600 % 24,
                        secs / 60 % 60,
                        secs % 60
                    );
                    insert.execute(params![
                        card.id,
                        at,
                        day,
                        quality,
                        kind.as_str(),
                        answered,
                        correct,
                        3_000 + rng.below(40_000) as i64,
                        b.repetitions,
                        b.easiness,
                        b.interval_days,
                        b.due,
                        b.lapses,
                        b.reviews,
                        b.last_review,
                        after.repetitions,
                        after.easiness,
                        after.interval_days,
                        after.due,
                        after.lapses,
                        after.reviews,
                        after.last_review,
                    ])?;
                    written += 1;
                    touched = true;
                    state = after;
                }
                day = state.due.unwrap_or(day).plus_days(rng.below(2) as u32);
            }
            if touched {
                reviewed_cards += 1;
                let s = state;
                update.execute(params![
                    card.id,
                    s.repetitions,
                    s.easiness,
                    s.interval_days,
                    s.due,
                    s.lapses,
                    s.reviews,
                    s.last_review
                ])?;
            }
            if written >= args.reviews {
                break 'cards;
            }
        }
    }
    tx.commit()?;
    let conn = store.connection();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    eprintln!(
        "{} cards ({reviewed_cards} reviewed), {written} reviews logged in {:.1} s; today is {}",
        cards.len(),
        started.elapsed().as_secs_f64(),
        args.today
    );
    if written < args.reviews {
        eprintln!(
            "note: only {written} of {} reviews fit in {} days; pass a larger --days",
            args.reviews, args.days
        );
    }
    Ok(())
}
