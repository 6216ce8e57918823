//! Synthetic data for the search and import benchmarks (benches/search.sh, benches/import.sh).
//!
//!   search_synth db PATH N     a database with the built-in decks and N more cards (deck "synth")
//!   search_synth anki FILE N   an Anki "Notes in Plain Text" file of N notes
//!
//! Text is realistic Chinese interview material: phrases drawn with a fixed seed.

use std::collections::HashMap;

use storydrill::core::deck::{Basic, Deck};
use storydrill::core::exchange::{self, Row};
use storydrill::core::model::CardKind;
use storydrill::store::Store;

const PHRASES: &[&str] = &[
    "我们用 Redis 做缓存",
    "接口响应变慢",
    "数据库主从分离",
    "按用户 ID 分库分表",
    "Nginx 负载均衡",
    "消息队列削峰填谷",
    "线上出现慢查询",
    "加了联合索引",
    "秒杀库存扣减",
    "用 zset 实现排行榜",
    "日志写到网络磁盘",
    "凌晨备份占满带宽",
    "Docker 打包镜像",
    "灰度发布新功能",
    "回滚到上一个版本",
    "压测到 500 QPS",
    "缓存穿透和雪崩",
    "分布式锁",
    "幂等性设计",
    "订单状态机",
    "支付回调重试",
    "短信验证码限流",
    "每天两千万请求",
    "峰值是平均的三倍",
    "团队协作和沟通",
    "代码评审",
    "监控报警",
    "链路追踪",
    "读写分离",
    "连接池耗尽",
    "内存泄漏",
    "垃圾回收停顿",
];

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn sentence(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| PHRASES[self.next() % PHRASES.len()])
            .collect::<Vec<_>>()
            .join("，")
    }
}

fn cards(n: usize) -> Vec<Basic> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|i| Basic {
            key: format!("synth.{i}"),
            front: format!("{}？", rng.sentence(2)),
            back: format!("{}。", rng.sentence(6)),
            tags: vec![format!("t{}", i % 50)],
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path, n) = match args.as_slice() {
        [_, mode, path, n] => (mode.as_str(), path.as_str(), n.parse::<usize>()?),
        _ => anyhow::bail!("usage: search_synth db PATH N | search_synth anki FILE N"),
    };
    match mode {
        "db" => {
            let _ = std::fs::remove_file(path);
            let mut store = Store::open(std::path::Path::new(path))?;
            let deck = Deck {
                name: "synth".into(),
                title: "synthetic".into(),
                stories: vec![],
                questions: vec![],
                clozes: vec![],
                cards: cards(n),
                followups: vec![],
                filled: vec![],
                synonyms: None,
            };
            store.import_deck(&deck, storydrill::store::Retire::Allow)?;
        }
        "anki" => {
            let rows: Vec<Row> = cards(n)
                .into_iter()
                .map(|b| Row {
                    line: 0,
                    deck: "bulk".into(),
                    kind: CardKind::Basic,
                    key: b.key.replace("synth.", "bulk."),
                    front: b.front,
                    back: b.back,
                    tags: b.tags,
                    story: None,
                    answers: vec![],
                    points: vec![],
                })
                .collect();
            std::fs::write(path, exchange::to_anki(&rows, &HashMap::new()))?;
        }
        _ => anyhow::bail!("unknown mode {mode:?}"),
    }
    Ok(())
}
