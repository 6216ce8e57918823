//! Builds a large synthetic storydrill database for the benchmark (`benches/run.sh`): N cards of
//! story-like Chinese text and D days of SM-2 review history (~10 reviews a card), written through
//! the library's own store code so the data has exactly the shape storydrill writes.
//!
//! ```text
//! cargo run --release --example synth -- --db target/bench/big.db [--cards 100000] [--days 365]
//!     [--today 2027-01-04] [--seed 1] [--away 10] [--overdue] [--deck-file target/bench/deck10k.toml --deck-cards 10000]
//! ```
//!
//! A realistic collection by default: every card is reviewed whenever it is due (a little late
//! or early at times) up to today, so about a tenth is due today, as in a collection kept up;
//! a learner's tens to hundreds of stories (one per 2,000 cards, 20 to 500), not one per ten
//! cards; `--away DAYS` (10) is how long ago the last session was, which sets how much is
//! due (about 10 %). `--overdue` is the worst case: histories stop after 9–13 reviews, most of the
//! collection long overdue.
//!
//! - Cards go in through `Store::import_deck`, in decks of at most 10,000 cards (`synth-0`, `synth-1`…),
//!   each a realistic mix: stories (each with its recall card), match questions, clozes, basic cards.
//! - Reviews go in through `Store::record_reviews`: the same INSERT and state UPDATE as
//!   `Store::record_review` (each review checked against the stored state), but one transaction per
//!   deck instead of one per answer, so a million reviews take seconds, not an hour of fsyncs.
//!   Every review is computed by `sm2::review`, so the log replays to the stored state.
//! - `--deck-file` also writes a separate deck file of `--deck-cards` cards (deck `bench-import`),
//!   not imported: the benchmark times `storydrill import` of it.

use anyhow::{bail, Context};
use chrono::{Duration, TimeZone, Utc};
use std::path::PathBuf;
use std::time::Instant;

use storydrill::core::deck::{self, Basic, Cloze, Deck, Question, Source, Story, StoryKind};
use storydrill::core::sm2::{self, CardState, ReviewKind};
use storydrill::core::types::{Quality, StudyDay};
use storydrill::store::{CardFilter, NewReview, Store};

const DECK_SIZE: usize = 10_000;

struct Options {
    db: PathBuf,
    cards: usize,
    days: u32,
    today: StudyDay,
    seed: u64,
    deck_file: Option<PathBuf>,
    deck_cards: usize,
    overdue: bool,
    away: u32,
}

fn options() -> anyhow::Result<Options> {
    let mut o = Options {
        db: PathBuf::from("target/bench/big.db"),
        cards: 100_000,
        days: 365,
        today: StudyDay::from_ymd(2027, 1, 4).unwrap(),
        seed: 1,
        deck_file: None,
        deck_cards: 10_000,
        overdue: false,
        away: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => o.db = value()?.into(),
            "--cards" => o.cards = value()?.parse()?,
            "--days" => o.days = value()?.parse()?,
            "--today" => {
                let text = value()?;
                o.today = StudyDay::parse(&text).with_context(|| format!("bad day {text}"))?
            }
            "--seed" => o.seed = value()?.parse()?,
            "--deck-file" => o.deck_file = Some(value()?.into()),
            "--deck-cards" => o.deck_cards = value()?.parse()?,
            "--overdue" => o.overdue = true,
            "--away" => o.away = value()?.parse()?,
            "-h" | "--help" => {
                println!("see the top of examples/synth.rs");
                std::process::exit(0);
            }
            other => bail!("unknown option {other}"),
        }
    }
    Ok(o)
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const CONNECTORS: &[&str] = &[
    "当时",
    "后来",
    "接着",
    "于是",
    "最后",
    "一开始",
    "上线之后",
    "排查时",
    "复盘时",
];
const SUBJECTS: &[&str] = &[
    "我们",
    "我",
    "团队",
    "运维同事",
    "产品经理",
    "测试同学",
    "后端组",
    "DBA",
    "架构师",
];
const ACTIONS: &[&str] = &[
    "发现",
    "排查了",
    "优化了",
    "重构了",
    "上线了",
    "回滚了",
    "监控到",
    "压测了",
    "拆分了",
    "迁移了",
    "加了缓存给",
    "做了限流给",
    "写了脚本统计",
];
const OBJECTS: &[&str] = &[
    "订单接口",
    "用户表",
    "缓存集群",
    "消息队列",
    "支付回调",
    "搜索服务",
    "Redis 主从",
    "MySQL 慢查询",
    "Nginx 配置",
    "Docker 镜像",
    "日志统计任务",
    "秒杀库存",
    "好友排行榜",
    "发号器",
    "短信验证码接口",
    "数据库连接池",
    "定时任务",
    "商品详情页",
];
const RESULTS: &[&str] = &[
    "响应时间从 800ms 降到 120ms",
    "QPS 提升了三倍",
    "故障恢复时间缩短到五分钟",
    "再也没有出现超卖",
    "每天节省两个小时人工",
    "数据库 CPU 从 90% 降到 30%",
    "用户投诉基本消失了",
    "上线过程没有再出过事故",
    "机器成本省了一半",
];
const QUESTION_FORMS: &[&str] = &[
    "你们的{}出过什么问题？怎么解决的？",
    "如果{}突然变慢，你会怎么排查？",
    "讲讲你做过的和{}有关的优化。",
    "{}的设计上你踩过什么坑？",
    "面试官追问：{}为什么要这样设计？",
];

fn sentence(rng: &mut Rng) -> String {
    format!(
        "{}{}{}{}，{}。",
        rng.pick(CONNECTORS),
        rng.pick(SUBJECTS),
        rng.pick(ACTIONS),
        rng.pick(OBJECTS),
        rng.pick(RESULTS)
    )
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences).map(|_| sentence(rng)).collect()
}

/// A deck of `size` cards: `stories_n` stories (each also a recall card), half questions, a fifth
/// clozes, and basic cards for the rest.
fn synth_deck(name: &str, prefix: &str, size: usize, stories_n: usize, rng: &mut Rng) -> Deck {
    let stories_n = stories_n.clamp(1, size.max(1));
    let questions_n = size / 2;
    let clozes_n = size / 5;
    let basics_n = size - stories_n - questions_n - clozes_n;
    let stories: Vec<Story> = (0..stories_n)
        .map(|i| {
            let object = rng.pick(OBJECTS);
            let sentences = 4 + rng.below(5);
            Story {
                key: format!("{prefix}-s{i}"),
                number: None,
                title: format!("{}{}的故事 {i}", rng.pick(ACTIONS), object),
                kind: StoryKind::Story,
                source: Source::Written,
                aliases: vec![object.to_string()],
                prompt: format!("讲讲你{}{}的经历。", rng.pick(ACTIONS), object),
                text: paragraph(rng, sentences),
                written: None,
                diagram: None,
                short: None,
                points_source: Source::Written,
                points: (0..5).map(|_| sentence(rng)).collect(),
                tags: vec![],
            }
        })
        .collect();
    let questions = (0..questions_n)
        .map(|i| {
            let story = format!("{prefix}-s{}", rng.below(stories_n));
            let mut answers = vec![story];
            if rng.chance(20) {
                let other = format!("{prefix}-s{}", rng.below(stories_n));
                if !answers.contains(&other) {
                    answers.push(other);
                }
            }
            Question {
                key: format!("{prefix}-q{i}"),
                text: rng.pick(QUESTION_FORMS).replace("{}", rng.pick(OBJECTS)),
                answers,
                why: sentence(rng),
                tags: vec![],
            }
        })
        .collect();
    let clozes = (0..clozes_n)
        .map(|i| Cloze {
            key: format!("{prefix}-c{i}"),
            story: Some(format!("{prefix}-s{}", rng.below(stories_n))),
            text: format!(
                "{}{}{{{{c1::{}}}}}，{}。",
                rng.pick(SUBJECTS),
                rng.pick(ACTIONS),
                rng.pick(OBJECTS),
                rng.pick(RESULTS)
            ),
            tags: vec![],
        })
        .collect();
    let cards = (0..basics_n)
        .map(|i| Basic {
            key: format!("{prefix}-b{i}"),
            front: format!("{}的关键指标是什么？", rng.pick(OBJECTS)),
            back: paragraph(rng, 2),
            tags: vec!["synth".into()],
        })
        .collect();
    Deck {
        name: name.to_string(),
        title: format!("合成数据 {name}"),
        stories,
        questions,
        clozes,
        cards,
        followups: vec![],
        filled: vec![],
        synonyms: None,
    }
}

/// One card's history: graded when due (sometimes early or late) from a random start in the
/// window up to today (`overdue`: only its first 9–13 reviews); a grade below 4 is re-drilled the
/// same day, as step 7 asks.
fn history(
    card: storydrill::core::types::CardId,
    first: StudyDay,
    today: StudyDay,
    overdue: bool,
    rng: &mut Rng,
) -> Vec<NewReview> {
    let mut out = Vec::new();
    let mut state = CardState::NEW;
    let mut day = first;
    let target = if overdue { 9 + rng.below(5) } else { 1_000 };
    while day < today && out.len() < target {
        // A collection kept up is mostly recalled (about 90 %); the worst case fails more.
        let grades = if overdue {
            [0, 1, 2, 3, 3, 4, 4, 4, 5, 5]
        } else {
            [1, 3, 4, 4, 4, 4, 4, 5, 5, 5]
        };
        let q = grades[rng.below(10)];
        let quality = Quality::new(q).unwrap();
        let minutes = 60 + rng.below(14 * 60) as i64; // 09:00–23:00 in UTC+8
        let at = Utc.from_utc_datetime(&day.date().and_hms_opt(0, 0, 0).unwrap())
            + Duration::minutes(minutes);
        let (kind, after) = sm2::review(&state, quality, day, false);
        out.push(NewReview {
            card_id: card,
            at,
            day,
            quality,
            kind,
            answer: String::new(),
            answered_story: None,
            correct: Some(q >= 3),
            ms: 2_000 + rng.below(60_000) as i64,
            before: state,
            after,
        });
        state = after;
        if q < 4 && out.len() < target {
            let (kind, after) = sm2::review(&state, Quality::new(4).unwrap(), day, false);
            debug_assert_eq!(kind, ReviewKind::Redrill);
            out.push(NewReview {
                card_id: card,
                at: at + Duration::minutes(5),
                day,
                quality: Quality::new(4).unwrap(),
                kind,
                answer: String::new(),
                answered_story: None,
                correct: Some(true),
                ms: 2_000 + rng.below(30_000) as i64,
                before: state,
                after,
            });
        }
        let due = state.due.expect("reviewed");
        // Most reviews on the due day; some a day or two late, a few a day early.
        let shift = [0, 0, 0, 0, 0, 1, 1, 2, 3, 0][rng.below(10)];
        day = if rng.chance(5) && due.days_until(day) < -1 {
            due.minus_days(1)
        } else {
            due.plus_days(shift)
        };
    }
    out
}

fn main() -> anyhow::Result<()> {
    let o = options()?;
    let started = Instant::now();
    let mut rng = Rng::new(o.seed);

    if let Some(file) = &o.deck_file {
        let deck = synth_deck(
            "bench-import",
            "imp",
            o.deck_cards,
            o.deck_cards / 10,
            &mut rng,
        );
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, deck::to_toml(&deck))?;
        eprintln!(
            "wrote {} ({} cards) in {:.1?}",
            file.display(),
            o.deck_cards,
            started.elapsed()
        );
    }
    if o.cards == 0 {
        return Ok(());
    }

    for suffix in ["", "-wal", "-shm"] {
        let mut name = o.db.clone().into_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    let mut store = Store::open(&o.db)?;
    // Bulk load: the benchmark rebuilds the file if this is interrupted, so no fsync per commit.
    store
        .connection()
        .pragma_update(None, "synchronous", "OFF")?;
    let first_day = o.today.minus_days(o.days);
    let (mut cards, mut reviews) = (0usize, 0usize);
    let mut deck_index = 0;
    let decks = o.cards.div_ceil(DECK_SIZE);
    // The worst case keeps the old density (a story per ten cards): the most stories to rank.
    let stories_per_deck = if o.overdue {
        DECK_SIZE / 10
    } else {
        (o.cards / 2_000).clamp(20, 500).div_ceil(decks)
    };
    while cards < o.cards {
        let size = DECK_SIZE.min(o.cards - cards);
        let name = format!("synth-{deck_index}");
        let deck = synth_deck(
            &name,
            &format!("d{deck_index}"),
            size,
            stories_per_deck,
            &mut rng,
        );
        store.import_deck(&deck, storydrill::store::Retire::Allow)?;
        let ids: Vec<_> = store
            .cards(&CardFilter {
                deck: Some(name.clone()),
                ..Default::default()
            })?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let mut log = Vec::with_capacity(ids.len() * 11);
        for id in ids {
            // Started somewhere in the first part of the window, so most cards have a full history.
            let start = first_day.plus_days(rng.below((o.days as usize / 4).max(1)) as u32);
            // The learner was away the last `away` days: what fell due then is due today.
            let last = o.today.minus_days(o.away);
            log.extend(history(id, start, last, o.overdue, &mut rng));
        }
        store.record_reviews(&log)?;
        cards += size;
        reviews += log.len();
        deck_index += 1;
        eprintln!(
            "{name}: {cards} cards, {reviews} reviews, {:.1?}",
            started.elapsed()
        );
    }
    store
        .connection()
        .execute_batch("PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE);")?;
    let due: i64 = store.connection().query_row(
        "SELECT count(*) FROM card WHERE due IS NOT NULL AND due <= ?1",
        [o.today],
        |r| r.get(0),
    )?;
    drop(store);
    let size = std::fs::metadata(&o.db)?.len();
    println!(
        "{}: {cards} cards ({:.0} % due), {reviews} reviews ({:.1} per card) over {} days up to {}, {:.0} MB, in {:.1?}",
        o.db.display(),
        100.0 * due as f64 / cards as f64,
        reviews as f64 / cards as f64,
        o.days,
        o.today,
        size as f64 / 1e6,
        started.elapsed()
    );
    Ok(())
}
