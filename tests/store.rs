//! The store through the library and the binary: newer databases refused untouched, built-in deck
//! updates that keep history, and a review built on a stale state refused.

use crate::util::Env;

use chrono::{TimeZone, Utc};
use storydrill::core::sm2::{self, CardState};
use storydrill::core::types::{Quality, StudyDay};
use storydrill::store::{NewReview, Store};

fn day(d: u32) -> StudyDay {
    StudyDay::from_ymd(2027, 1, d).unwrap()
}

/// A scheduled review of `card` as `grade` logs it.
fn review_of(store: &Store, card: &str, q: u8, on: StudyDay) -> NewReview {
    let card = store.card(card).unwrap();
    let quality = Quality::new(q).unwrap();
    let (kind, after) = sm2::review(&card.state, quality, on, false);
    NewReview {
        card_id: card.id,
        at: Utc.with_ymd_and_hms(2027, 1, 4, 1, 30, 0).unwrap(),
        day: on,
        quality,
        kind,
        answer: String::new(),
        answered_story: None,
        correct: None,
        ms: 1200,
        before: card.state,
        after,
    }
}

#[test]
fn a_database_from_a_newer_storydrill_is_refused_untouched() {
    let env = Env::new();
    env.ok(&["grade", "sharding", "4"]);
    {
        let conn = env.sql();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        conn.pragma_update(None, "user_version", storydrill::store::LATEST_VERSION + 1)
            .unwrap();
    }
    let before = std::fs::read(&env.db).unwrap();
    for args in [
        &["show", "sharding", "--json"][..],
        &["grade", "sharding", "5"],
        &["decks"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = crate::util::stderr(&out);
        assert!(
            err.contains(&format!(
                "unsupported schema version {} (this storydrill supports up to {})",
                storydrill::store::LATEST_VERSION + 1,
                storydrill::store::LATEST_VERSION
            )),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&env.db).unwrap(),
            before,
            "{args:?} touched the file"
        );
    }
    let backups = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".bak-")
        })
        .count();
    assert_eq!(backups, 0, "no backup either: nothing was migrated");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let env = Env::new();
    std::fs::write(&env.db, "not a database, just text\n".repeat(200)).unwrap();
    let before = std::fs::read(&env.db).unwrap();
    let err = env.fails(&["list"], 1);
    assert!(err.contains("not a storydrill database"), "{err}");
    assert_eq!(std::fs::read(&env.db).unwrap(), before);
}

#[test]
fn changed_builtin_decks_are_reloaded_by_key_keeping_history() {
    let env = Env::new();
    let mut store = Store::open(&env.db).unwrap();
    store
        .record_review(&review_of(&store, "sharding", 5, day(4)))
        .unwrap();
    store
        .record_review(&review_of(&store, "sharding", 5, day(5)))
        .unwrap();
    let graded = store.card("sharding").unwrap();
    let fingerprints: Vec<(String, String)> = {
        let conn = store.connection();
        // What an older storydrill would have left: another text, and a card it no longer ships.
        conn.execute_batch(
            "UPDATE meta SET value = 'old' WHERE key = 'builtin-deck:stories';
             UPDATE card SET front = 'an old wording', back = 'old' WHERE key = 'sharding.recall';
             UPDATE story SET title = 'old title' WHERE key = 'sharding';
             INSERT INTO card (key, deck_id, kind, front, position)
                 SELECT 'dropped.q1', id, 'basic', 'a card the new version dropped', 999 FROM deck WHERE name = 'stories';",
        )
        .unwrap();
        conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'builtin-deck:%' ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(fingerprints[0].1, "old");
    drop(store);

    let store = Store::open(&env.db).unwrap();
    let card = store.card("sharding").unwrap();
    assert_eq!(card.id, graded.id);
    assert!(
        card.front.contains("分库分表"),
        "text reloaded: {}",
        card.front
    );
    assert!(card.back.contains("hash(username)"));
    assert_eq!(card.state, graded.state, "scheduling state kept");
    assert_eq!(card.state.reviews, 2);
    assert_eq!(store.history(card.id).unwrap().len(), 2, "history kept");
    assert_eq!(
        store.story("sharding").unwrap().unwrap().title,
        "数据库 Sharding"
    );
    let dropped = store.card("dropped.q1").unwrap();
    assert!(dropped.retired, "a card the new deck lacks is retired");
    assert_eq!(
        store
            .cards(&Default::default())
            .unwrap()
            .iter()
            .filter(|c| c.deck == "stories")
            .count(),
        crate::util::STORY_DECK_CARDS
    );
    drop(store);
    let mut store = Store::open(&env.db).unwrap();
    let conn = store.connection();
    let value: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'builtin-deck:stories'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        value,
        storydrill::core::text::fingerprint(storydrill::core::builtin::DECKS[0].text)
    );
}

#[test]
fn a_review_built_on_a_stale_state_is_refused() {
    let env = Env::new();
    let mut first = Store::open(&env.db).unwrap();
    let mut second = Store::open(&env.db).unwrap();
    // Both read the new card; the second logs its review first.
    let stale = review_of(&first, "docker", 5, day(4));
    let fresh = review_of(&second, "docker", 5, day(4));
    second.record_review(&fresh).unwrap();
    let err = first.record_review(&stale).unwrap_err().to_string();
    assert!(err.contains("changed"), "{err}");
    let card = first.card("docker").unwrap();
    assert_eq!(card.state, fresh.after);
    assert_eq!(first.history(card.id).unwrap().len(), 1);
    // Read again, the same grade is a re-drill and is logged.
    let redrill = review_of(&first, "docker", 5, day(4));
    assert_eq!(redrill.kind, sm2::ReviewKind::Redrill);
    first.record_review(&redrill).unwrap();
    let log: Vec<_> = first
        .history(card.id)
        .unwrap()
        .iter()
        .map(|r| (r.kind, r.quality, r.day))
        .collect();
    assert_eq!(sm2::replay(&log), first.card("docker").unwrap().state);
    assert_ne!(first.card("docker").unwrap().state, CardState::NEW);
}

#[test]
fn review_card_builds_on_the_state_inside_its_transaction() {
    let env = Env::new();
    let mut first = Store::open(&env.db).unwrap();
    let mut second = Store::open(&env.db).unwrap();
    let card = first.card("docker").unwrap(); // read before the other process grades it
    second
        .record_review(&review_of(&second, "docker", 5, day(4)))
        .unwrap();
    let (_, logged) = first
        .review_card(card.id, |before| {
            let q = Quality::new(5).unwrap();
            let (kind, after) = sm2::review(before, q, day(4), false);
            NewReview {
                card_id: card.id,
                at: Utc.with_ymd_and_hms(2027, 1, 4, 2, 0, 0).unwrap(),
                day: day(4),
                quality: q,
                kind,
                answer: String::new(),
                answered_story: None,
                correct: None,
                ms: 0,
                before: *before,
                after,
            }
        })
        .unwrap();
    assert_eq!(logged.kind, sm2::ReviewKind::Redrill);
    assert_ne!(logged.before, card.state);
    assert_eq!(first.history(card.id).unwrap().len(), 2);
    assert_eq!(first.card("docker").unwrap().state.reviews, 1);
}

#[test]
fn the_wal_never_outgrows_its_limit_across_processes() {
    let env = Env::new();
    let mut peak = 0;
    // Each Store::open … drop is what one storydrill command does.
    for i in 0..120u32 {
        let mut store = Store::open(&env.db).unwrap();
        let card = ["sharding", "docker", "teamwork"][i as usize % 3];
        store
            .record_review(&review_of(&store, card, 4, day(4)))
            .unwrap();
        let wal = store.wal_path();
        drop(store);
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        peak = peak.max(size);
    }
    assert!(
        peak <= storydrill::store::WAL_CHECKPOINT_BYTES + 64 * 1024,
        "the WAL grew to {peak} bytes"
    );
    let store = Store::open(&env.db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let reviews: usize = ["sharding", "docker", "teamwork"]
        .iter()
        .map(|c| store.history(store.card(c).unwrap().id).unwrap().len())
        .sum();
    assert_eq!(reviews, 120, "every answer survived the checkpoints");
}

#[test]
fn a_refused_database_and_its_wal_are_left_as_they_were() {
    let env = Env::new();
    env.ok(&["grade", "sharding", "4"]);
    {
        let conn = env.sql();
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .unwrap();
        conn.pragma_update(None, "user_version", storydrill::store::LATEST_VERSION + 1)
            .unwrap();
        conn.execute("UPDATE card SET front = 'in the WAL only' WHERE id = 1", [])
            .unwrap();
    }
    let wal = env.path("test.db-wal");
    let (db_before, wal_before) = (
        std::fs::read(&env.db).unwrap(),
        std::fs::read(&wal).unwrap(),
    );
    assert!(!wal_before.is_empty());
    let err = env.fails(&["show", "1"], 1);
    assert!(err.contains("unsupported schema version"), "{err}");
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        db_before,
        "database file touched"
    );
    assert_eq!(std::fs::read(&wal).unwrap(), wal_before, "WAL touched");
}

#[test]
fn record_reviews_is_all_or_nothing() {
    let env = Env::new();
    let mut store = Store::open(&env.db).unwrap();
    let first = review_of(&store, "docker", 5, day(4));
    let mut second = first.clone();
    second.day = day(5);
    second.before = first.after;
    second.after = sm2::schedule(&first.after, Quality::new(3).unwrap(), day(5));
    let mut stale = second.clone();
    stale.day = day(6);
    stale.before = first.after; // should be second.after
    let err = store
        .record_reviews(&[first.clone(), second.clone(), stale])
        .unwrap_err();
    assert!(err.to_string().contains("does not start from"), "{err}");
    let card = store.card("docker").unwrap();
    assert_eq!(card.state, CardState::NEW, "nothing was written");
    assert!(store.history(card.id).unwrap().is_empty());

    store.record_reviews(&[first, second.clone()]).unwrap();
    let card = store.card("docker").unwrap();
    assert_eq!(card.state, second.after);
    assert_eq!(store.history(card.id).unwrap().len(), 2);
}

#[test]
fn undo_refuses_when_the_card_was_graded_again_since() {
    let env = Env::new();
    let mut store = Store::open(&env.db).unwrap();
    let first = store
        .record_review(&review_of(&store, "sharding", 5, day(4)))
        .unwrap();
    // Another storydrill grades the same card the next day.
    store
        .record_review(&review_of(&store, "sharding", 2, day(5)))
        .unwrap();
    let before = store.card("sharding").unwrap().state;
    let err = store.undo_review(first).unwrap_err().to_string();
    assert!(err.contains("graded again since"), "{err}");
    assert_eq!(store.card("sharding").unwrap().state, before);
    assert_eq!(
        store
            .history(store.card("sharding").unwrap().id)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_built_in_story_yields_a_number_your_own_story_already_has() {
    let env = Env::new();
    let text = env.write("story.txt", "一个我自己的故事");
    env.ok(&[
        "add",
        "story",
        "--title",
        "我的故事",
        "--text-file",
        text.to_str().unwrap(),
        "--point",
        "要点",
        "--question",
        "问题？",
    ]);
    let mine = env
        .json(&["stories", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["deck"] == "mine")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    // As when a newer storydrill brings a built-in story whose number the user's story already
    // holds: here hardest-advice (25) was at 99, the user's story at 25, and the templates deck
    // is loaded again.
    {
        let conn = env.sql();
        conn.execute(
            "UPDATE story SET number = 99 WHERE key = 'hardest-advice'",
            [],
        )
        .unwrap();
        conn.execute("UPDATE story SET number = 25 WHERE key = ?1", [&mine])
            .unwrap();
        conn.execute("DELETE FROM meta WHERE key = 'builtin-deck:templates'", [])
            .unwrap();
    }
    let stories = env.json(&["stories", "--json"]);
    let number = |key: &str| {
        stories
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap()["number"]
            .clone()
    };
    assert_eq!(number(&mine), 25, "the user's story keeps its number");
    assert_eq!(
        number("hardest-advice"),
        99,
        "the built-in one keeps the number it had"
    );
}
