//! Words that say the same thing. A telling and a key point are both rewritten to one word of each
//! group before they are compared, so "落库" covers "入库" and "哈希" covers "hash".
//!
//! The built-in table holds common pairs of backend vocabulary (Chinese and English names of one
//! thing, spoken and written forms); a deck adds its own with a `[synonyms]` table.

use super::normal::fold_width;

/// Groups of equal words: the first of each is the one they are all rewritten to.
const BUILTIN: &[&[&str]] = &[
    // Storage and data.
    &[
        "入库",
        "落库",
        "写库",
        "存库",
        "写入数据库",
        "写进数据库",
        "存进数据库",
        "插入数据库",
    ],
    &["数据库", "db", "database"],
    &["哈希", "hash"],
    &["有序集合", "zset", "sorted set"],
    &["缓存", "cache"],
    &["索引", "index"],
    &["联合索引", "组合索引", "复合索引", "composite index"],
    &["主键", "primary key"],
    &["主从", "主从复制", "master-slave", "replication"],
    &["分库分表", "sharding", "分片"],
    &["日志", "log", "logs"],
    &["过期", "失效", "expire", "ttl"],
    &["删除", "删掉", "删", "delete", "del"],
    &["立即", "马上", "立刻", "立马"],
    &["更新", "update"],
    &["超发", "多发"],
    &["优化", "调优"],
    &["资深同事", "老同事", "老员工", "前辈"],
    &["查询", "select", "查"],
    &["插入", "insert"],
    &["检查", "核对", "检验"],
    &["校验", "比对", "verify"],
    &["自建", "自己搭建", "自己搭的", "自己搭"],
    &["只读从库", "从库", "只读库", "read replica"],
    &["预热", "灌进", "提前加载", "warm up"],
    &["活跃用户", "日活", "dau"],
    &["每人", "人均", "每个用户", "每个活跃用户"],
    &["事务", "transaction"],
    // Releasing and running.
    &["发布", "上线", "发版", "推到线上", "推上线", "release"],
    &["回滚", "撤回", "回退", "rollback"],
    &["部署", "deploy"],
    &["容器", "container"],
    &["镜像", "image"],
    &["服务器", "server"],
    &["负载均衡", "load balancing", "load balancer", "lb"],
    &["反向代理", "reverse proxy"],
    &["灰度", "灰度发布", "canary"],
    &["监控", "monitoring", "monitor"],
    &["告警", "报警", "alert", "alerting"],
    &["压测", "压力测试", "性能测试", "load test", "stress test"],
    &["单测", "单元测试", "unit test"],
    &["测试", "test"],
    &["脚本", "script"],
    &["超时", "timeout"],
    &["重试", "retry"],
    &["异步", "async"],
    &["并发", "concurrency", "concurrent"],
    &["限流", "rate limit", "rate limiting"],
    &["消息队列", "mq", "message queue"],
    &["接口", "api"],
    &["配置", "config", "configuration"],
    &["依赖", "dependency", "dependencies"],
    &["环境", "environment"],
    // Time and amounts, as people say them.
    &["每天", "每日", "一天"],
    &["每小时", "一小时", "每个小时"],
    &["峰值", "高峰"],
    &["用户", "user", "users"],
    &["手机号", "手机号码"],
];

/// Synonym groups, built in and from a deck, as one lookup.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// (variant, canonical), longest variant first, all folded.
    pairs: Vec<(String, String)>,
    /// Indexes into `pairs` by a variant's first character, longest first: a text is read in one
    /// pass, trying only the variants that start with the character at hand.
    by_first: std::collections::HashMap<char, Vec<usize>>,
}

impl Synonyms {
    /// The built-in table with `extra` groups (a deck's `[synonyms]`: word → its equals).
    pub fn with(extra: &[(String, Vec<String>)]) -> Synonyms {
        // A variant is taken once, the first time it is given (a deck's before the built-in
        // table); kept in a set, as a deck may give up to 100,000 of them.
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut seen: std::collections::HashSet<String> = Default::default();
        let mut add = |canonical: &str, variants: &mut dyn Iterator<Item = &str>| {
            let canonical = fold_width(canonical);
            for v in variants {
                let v = fold_width(v);
                if !v.is_empty() && v != canonical && seen.insert(v.clone()) {
                    pairs.push((v, canonical.clone()));
                }
            }
        };
        for (word, equals) in extra {
            add(word, &mut equals.iter().map(String::as_str));
        }
        for group in BUILTIN {
            add(group[0], &mut group[1..].iter().copied());
        }
        // Each group's own word maps to itself, so that "删除" is read whole before its "删".
        let words: Vec<String> = pairs.iter().map(|(_, c)| c.clone()).collect();
        for w in words {
            if seen.insert(w.clone()) {
                pairs.push((w.clone(), w));
            }
        }
        // Longest first, so "写入数据库" is rewritten before "数据库"; a deck's entry before a
        // built-in one of the same length.
        pairs.sort_by_key(|(v, _)| std::cmp::Reverse(v.chars().count()));
        let mut by_first: std::collections::HashMap<char, Vec<usize>> = Default::default();
        for (i, (v, _)) in pairs.iter().enumerate() {
            if let Some(c) = v.chars().next() {
                by_first.entry(c).or_default().push(i);
            }
        }
        Synonyms { pairs, by_first }
    }

    pub fn builtin() -> Synonyms {
        Synonyms::with(&[])
    }

    /// `text` (width-folded, lowercased) with every variant replaced by its group's word. A Latin
    /// variant is replaced only as a whole word ("db" not inside "mongodb").
    pub fn canonical(&self, text: &str) -> String {
        let text = fold_width(text);
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        'outer: while i < chars.len() {
            let candidates = self
                .by_first
                .get(&chars[i])
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for (variant, canonical) in candidates.iter().map(|&k| &self.pairs[k]) {
                let n = variant.chars().count();
                if i + n <= chars.len() && chars[i..i + n].iter().copied().eq(variant.chars()) {
                    let latin = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                    let word_like = variant
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric());
                    if word_like
                        && (latin(chars.get(i.wrapping_sub(1)).filter(|_| i > 0))
                            || latin(chars.get(i + n)))
                    {
                        continue;
                    }
                    out.push_str(canonical);
                    i += n;
                    continue 'outer;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_become_the_word_of_their_group() {
        let s = Synonyms::builtin();
        assert_eq!(s.canonical("数据直接落库"), "数据直接入库");
        assert_eq!(s.canonical("用 Hash 存"), "用 哈希 存");
        assert_eq!(s.canonical("写入数据库"), "入库");
        assert_eq!(s.canonical("mongodb"), "mongodb", "whole Latin words only");
        assert_eq!(s.canonical("ZSET"), "有序集合");
    }

    #[test]
    fn a_deck_adds_its_own_groups() {
        let s = Synonyms::with(&[("回滚".into(), vec!["退回去".into()])]);
        assert_eq!(s.canonical("出问题就退回去"), "出问题就回滚");
        assert_eq!(s.canonical("撤回"), "回滚");
    }
}
