//! The session through the `Prompt` seam: scripted answers, a fresh database, a fixed clock.

use super::*;
use crate::cli::ReviewArgs;
use crate::core::model::CardKind;
use crate::core::queue::DayAnswer;
use crate::core::sm2::{self, ReviewKind};
use crate::core::types::{Quality, StudyDay};
use crate::store::Answer;
use chrono::Utc;

/// Runs a session on a fresh database at 2027-01-04 with scripted answers; returns the screen
/// and the day's review log.
fn scripted(lines: &[&str], terminal: bool, args: ReviewArgs) -> (String, Vec<DayAnswer>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let clock = Clock::parse("2027-01-04T09:30:00+08:00").unwrap();
    let mut prompt = crate::prompt::ScriptPrompt::new(lines);
    prompt.terminal = terminal;
    let settings = Settings::default();
    let today = clock.study_day(settings.rollover_hour);
    let screen = session(&mut store, clock, args, &mut prompt, 7);
    (screen, store.answers_on(today).unwrap())
}

/// Runs one session to its end; returns the screen.
fn session(
    store: &mut Store,
    clock: Clock,
    args: ReviewArgs,
    prompt: &mut dyn Prompt,
    seed: u64,
) -> String {
    let mut out: Vec<u8> = Vec::new();
    Session::new(
        store,
        clock,
        Settings::default(),
        args,
        prompt,
        &mut out,
        seed,
        80,
    )
    .unwrap()
    .run()
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_scripted_session_commits_each_grade_and_prints_a_summary() {
    let (text, log) = scripted(
        &["", "", "4", "", "", ":u", "", "", "2", ":q"],
        false,
        ReviewArgs {
            deck: Some("stories".into()),
            kind: Some(CardKind::Recall),
            ..Default::default()
        },
    );
    assert!(text.contains("undone: card #"), "{text}");
    assert!(
        text.contains("session: 1 card · 0 right · 1 wrong"),
        "{text}"
    );
    assert_eq!(log.len(), 1, "the undone grade is gone");
    assert_eq!(log[0].quality.get(), 2);
}

#[test]
fn undo_at_a_redrill_of_the_undone_card_asks_it_once_more_not_twice() {
    // One new card, graded 2 (it comes back as a re-drill); at the re-drill, undo; then 5.
    let (text, log) = scripted(
        &["", "", "2", ":u", "", "", "5"],
        false,
        ReviewArgs {
            deck: Some("stories".into()),
            kind: Some(CardKind::Recall),
            new: Some(1),
            ..Default::default()
        },
    );
    assert!(text.contains("All done for today."), "{text}");
    assert_eq!(text.matches("Tell the story:").count(), 3, "{text}");
    assert_eq!(log.len(), 1, "{text}");
    assert_eq!(log[0].quality.get(), 5);
}

#[test]
fn at_the_limit_a_person_can_still_take_the_last_grade_back() {
    let (text, log) = scripted(
        &["", "", "4", ":u", "", "", "2", ""],
        true,
        ReviewArgs {
            kind: Some(CardKind::Recall),
            limit: Some(1),
            ..Default::default()
        },
    );
    assert!(text.contains("undone: card #"), "{text}");
    assert!(text.contains("Stopped after 1 card (--limit)"), "{text}");
    assert_eq!(
        log.iter().map(|a| a.quality.get()).collect::<Vec<_>>(),
        vec![2]
    );
}

/// Answers from a script; before the `at`-th read, another storydrill grades every recall card
/// of the built-in stories (the one on screen among them).
struct Meddler {
    script: crate::prompt::ScriptPrompt,
    path: std::path::PathBuf,
    day: StudyDay,
    at: usize,
    reads: usize,
}

impl Prompt for Meddler {
    fn read(&mut self, prompt: &str, transcript: &mut dyn Write) -> anyhow::Result<Input> {
        self.reads += 1;
        let cards = if self.reads == self.at {
            Store::open(&self.path)?.cards(&crate::store::CardFilter {
                deck: Some("stories".into()),
                kind: Some(CardKind::Recall),
                ..Default::default()
            })?
        } else {
            vec![]
        };
        for card in cards {
            let mut other = Store::open(&self.path)?;
            let answer = Answer {
                quality: Quality::new(5).unwrap(),
                text: String::new(),
                answered_story: None,
                correct: None,
                ms: 0,
                judgement: None,
            };
            other.record_answer(card.id, answer, Utc::now(), self.day, false)?;
        }
        self.script.read(prompt, transcript)
    }

    fn is_terminal(&self) -> bool {
        false
    }
}

#[test]
fn a_card_graded_elsewhere_while_on_screen_is_recorded_against_its_new_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    let clock = Clock::parse("2027-01-04T09:30:00+08:00").unwrap();
    // One new recall card: told (Enter), then graded 4 at the second read, just after another
    // storydrill graded it 5.
    let settings = Settings::default();
    let today = clock.study_day(settings.rollover_hour);
    let mut prompt = Meddler {
        script: crate::prompt::ScriptPrompt::new(&["", "", "4"]),
        path: path.clone(),
        day: today,
        at: 3,
        reads: 0,
    };
    let args = ReviewArgs {
        deck: Some("stories".into()),
        kind: Some(CardKind::Recall),
        new: Some(1),
        ..Default::default()
    };
    let text = session(&mut store, clock, args, &mut prompt, 1);
    assert!(text.contains("graded by another storydrill"), "{text}");
    assert!(text.contains("session: 1 card"), "{text}");
    let log = store.answers_on(today).unwrap();
    let shown = log.last().unwrap().card_id;
    let mine: Vec<_> = log
        .iter()
        .filter(|a| a.card_id == shown)
        .map(|a| (a.quality.get(), a.kind))
        .collect();
    // The other grade was the day's scheduled review; this one counts as a re-drill of it.
    assert_eq!(
        mine,
        vec![(5, ReviewKind::Scheduled), (4, ReviewKind::Redrill)],
        "{text}"
    );
    let card = store.card_by_id(shown).unwrap();
    let replayed = sm2::replay(
        &store
            .history(card.id)
            .unwrap()
            .iter()
            .map(|r| (r.kind, r.quality, r.day))
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        replayed, card.state,
        "the log still replays to the stored state"
    );
}

#[test]
fn choices_are_letters_a_to_d() {
    use super::ask::choice_index;
    assert_eq!(choice_index("a"), Some(0));
    assert_eq!(choice_index("D"), Some(3));
    assert_eq!(choice_index("e"), None);
    assert_eq!(choice_index("ab"), None);
}
