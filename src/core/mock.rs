//! A mock interview (`storydrill interview`): which questions come, in a first-round interviewer's
//! order, and what the report says afterwards. Pure: the command reads the candidates from the
//! store, asks, and hands the answers back here to be scored.
//!
//! The order: the self-introduction, the project introduction, then questions about stories
//! (weighted towards the weakest and most confused stories, and away from what the last mock
//! interviews asked), a follow-up (追问) after the weaker half of them, one business or
//! architecture question, and last "你有什么想问我的？".

use serde::Serialize;

use crate::core::queue::Rng;
use crate::core::types::StudyDay;

/// The stories the interview opens with, in order (the built-in templates).
pub const OPENERS: [(&str, Part); 2] = [("self-intro", Part::Intro), ("project", Part::Project)];
/// The story of the closing question, "你有什么想问我的？".
pub const CLOSING: &str = "ask-back";
/// Templates that are advice on answering, never asked as a question of their own.
pub const NOT_ASKED: [&str; 1] = ["hardest-advice"];

/// `--minutes`: the length planned for, and the lengths allowed.
pub const DEFAULT_MINUTES: u32 = 30;
pub const MIN_MINUTES: u32 = 10;
pub const MAX_MINUTES: u32 = 90;
/// Questions after the two introductions, the business or architecture one included.
pub const MIN_QUESTIONS: usize = 4;
pub const MAX_QUESTIONS: usize = 8;
/// The self-introduction's time: an interviewer expects 60–90 seconds.
pub const INTRO_SECONDS: u32 = 90;
/// The closing question's time.
pub const CLOSING_SECONDS: u32 = 60;
/// The minutes that are not questions: the introductions (1.5 + 2) and the closing (1).
const FIXED_MINUTES: f64 = 4.5;
/// The minutes a question takes: naming the story, two minutes of telling, and a follow-up after
/// every other one.
const MINUTES_PER_QUESTION: f64 = 3.0;
/// How many of the last mock interviews count as "asked lately".
pub const RECENT_MOCKS: usize = 3;
/// Things to work on listed in the report.
pub const ADVICE_LISTED: usize = 3;

/// A part of the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Intro,
    Project,
    Question,
    Followup,
    Design,
    Closing,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Intro => "intro",
            Part::Project => "project",
            Part::Question => "question",
            Part::Followup => "followup",
            Part::Design => "design",
            Part::Closing => "closing",
        }
    }

    /// Whether the user names the story before telling it (a question card).
    pub fn names_a_story(self) -> bool {
        matches!(self, Part::Question | Part::Design)
    }
}

/// A story questions may be asked about, with what the store knows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryCandidate {
    pub key: String,
    /// A business, architecture or API template: the one design question comes from these.
    pub design: bool,
    /// Readiness score, 0–1 (None: never reviewed).
    pub score: Option<f64>,
    /// Times it was confused with another story lately (asked and another named, or named when
    /// another was asked).
    pub confusions: u32,
    /// In how many of the last `RECENT_MOCKS` mock interviews it was asked about.
    pub recently_asked: u32,
    /// Whether it has question cards (its questions are read only when it is drawn).
    pub has_questions: bool,
}

/// A question card.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionCandidate {
    pub card: i64,
    /// The stories that fit it, best first.
    pub fits: Vec<String>,
    /// Asked in one of the last `RECENT_MOCKS` mock interviews.
    pub recently_asked: bool,
}

/// A follow-up card of a story.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowupCandidate {
    pub card: i64,
    /// Its last grade (None: never answered).
    pub last_grade: Option<u8>,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub part: Part,
    /// The card asked.
    pub card: i64,
    /// The stories that fit (one for the introductions and the closing).
    pub fits: Vec<String>,
    /// Ask a follow-up on the story told.
    pub followup: bool,
}

/// How many questions (after the introductions) fit in `minutes`.
pub fn questions_for(minutes: u32) -> usize {
    let n = ((f64::from(minutes) - FIXED_MINUTES) / MINUTES_PER_QUESTION).round();
    (n.max(0.0) as usize).clamp(MIN_QUESTIONS, MAX_QUESTIONS)
}

/// How strongly a story is drawn: weaker, more confused and not asked lately draws more. A story
/// never reviewed counts as the weakest; each recent mock interview that asked it quarters it.
pub fn weight(s: &StoryCandidate) -> f64 {
    let weakness = 1.0 - s.score.unwrap_or(0.0).clamp(0.0, 1.0);
    let confused = 1.0 + f64::from(s.confusions.min(4)) / 2.0;
    let fresh = 0.25_f64.powi(s.recently_asked.min(RECENT_MOCKS as u32) as i32);
    (0.2 + weakness) * confused * fresh
}

/// The plan: the openers (self-introduction and project card ids, when the decks have them),
/// `questions_for(minutes)` questions drawn from `stories` (one of them a design question when a
/// design story has one), follow-ups marked on the weaker half, and the closing card.
/// `questions_of` gives a drawn story's question cards (not retired or suspended); a story drawn
/// with none is put aside and another drawn.
pub fn plan(
    openers: [Option<i64>; 2],
    closing: Option<i64>,
    stories: &[StoryCandidate],
    minutes: u32,
    rng: &mut Rng,
    questions_of: &mut dyn FnMut(&str) -> Vec<QuestionCandidate>,
) -> Vec<Planned> {
    let mut steps = Vec::new();
    for (card, (key, part)) in openers.iter().zip(OPENERS) {
        if let Some(card) = card {
            steps.push(Planned {
                part,
                card: *card,
                fits: vec![key.to_string()],
                followup: false,
            });
        }
    }
    let askable = |s: &&StoryCandidate| s.has_questions;
    let design: Vec<&StoryCandidate> = stories
        .iter()
        .filter(|s| s.design)
        .filter(askable)
        .collect();
    let told: Vec<&StoryCandidate> = stories
        .iter()
        .filter(|s| !s.design)
        .filter(askable)
        .collect();
    let wanted = questions_for(minutes);
    let design_pick = draw(&design, 1, rng, questions_of);
    let story_picks = draw(&told, wanted - design_pick.len(), rng, questions_of);
    // The follow-ups go after the weaker half of the story questions.
    let mut by_weakness: Vec<&StoryCandidate> = story_picks.iter().map(|(s, _)| *s).collect();
    by_weakness.sort_by(|a, b| {
        a.score
            .unwrap_or(0.0)
            .total_cmp(&b.score.unwrap_or(0.0))
            .then(a.key.cmp(&b.key))
    });
    let followed: Vec<&str> = by_weakness
        .iter()
        .take(story_picks.len().div_ceil(2))
        .map(|s| s.key.as_str())
        .collect();
    for (s, questions) in &story_picks {
        let q = question_of(questions, rng);
        steps.push(Planned {
            part: Part::Question,
            card: q.card,
            fits: q.fits.clone(),
            followup: followed.contains(&s.key.as_str()),
        });
    }
    for (_, questions) in &design_pick {
        let q = question_of(questions, rng);
        steps.push(Planned {
            part: Part::Design,
            card: q.card,
            fits: q.fits.clone(),
            followup: false,
        });
    }
    if let Some(card) = closing {
        steps.push(Planned {
            part: Part::Closing,
            card,
            fits: vec![CLOSING.to_string()],
            followup: false,
        });
    }
    steps
}

/// `n` stories drawn by `weight`, without putting any back, each with its questions (one drawn
/// with none is put aside).
fn draw<'a>(
    pool: &[&'a StoryCandidate],
    n: usize,
    rng: &mut Rng,
    questions_of: &mut dyn FnMut(&str) -> Vec<QuestionCandidate>,
) -> Vec<(&'a StoryCandidate, Vec<QuestionCandidate>)> {
    let mut left: Vec<&StoryCandidate> = pool.to_vec();
    let mut out = Vec::new();
    while out.len() < n && !left.is_empty() {
        let weights: Vec<f64> = left.iter().map(|s| weight(s)).collect();
        let total: f64 = weights.iter().sum();
        // A draw in [0, total): a 53-bit fraction of the next number.
        let mut at = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let mut i = 0;
        while i + 1 < left.len() && at >= weights[i] {
            at -= weights[i];
            i += 1;
        }
        let story = left.remove(i);
        let questions = questions_of(&story.key);
        if !questions.is_empty() {
            out.push((story, questions));
        }
    }
    out
}

/// One of a story's questions (never empty), one not asked lately when there is one.
fn question_of<'a>(questions: &'a [QuestionCandidate], rng: &mut Rng) -> &'a QuestionCandidate {
    let fresh: Vec<&QuestionCandidate> = questions.iter().filter(|q| !q.recently_asked).collect();
    let pool: Vec<&QuestionCandidate> = if fresh.is_empty() {
        questions.iter().collect()
    } else {
        fresh
    };
    pool[rng.below(pool.len())]
}

/// The follow-up to ask on a story just told: one never answered or last graded below 4 when
/// there is one, else any; None when the story has none.
pub fn pick_followup(followups: &[FollowupCandidate], rng: &mut Rng) -> Option<i64> {
    let weak: Vec<&FollowupCandidate> = followups
        .iter()
        .filter(|f| f.last_grade.is_none_or(|g| g < 4))
        .collect();
    let pool: Vec<&FollowupCandidate> = if weak.is_empty() {
        followups.iter().collect()
    } else {
        weak
    };
    (!pool.is_empty()).then(|| pool[rng.below(pool.len())].card)
}

/// How one step was answered, as the report reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepResult {
    pub part: Part,
    /// The card asked, and its question.
    pub card: String,
    pub question: String,
    /// The stories that fit it.
    pub fits: Vec<String>,
    /// The story the user named (question and design parts; None: they did not know).
    pub named: Option<String>,
    /// The story whose key points judged the answer (the one named, or the one asked).
    pub story: Option<String>,
    /// The seconds the answer had.
    pub target_seconds: u32,
    /// How long the answer took, and naming the story before it.
    pub ms: i64,
    pub naming_ms: i64,
    /// Told aloud: the key points are those the user ticked at the end.
    pub aloud: bool,
    /// The key points, and whether each was covered (empty: none, or not judged).
    pub points: Vec<PointResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointResult {
    pub text: String,
    pub covered: bool,
}

impl StepResult {
    /// Whether the named story is one that fits (None: nothing to name).
    pub fn named_right(&self) -> Option<bool> {
        self.part.names_a_story().then(|| {
            self.named
                .as_ref()
                .is_some_and(|n| self.fits.iter().any(|f| f == n))
        })
    }

    /// Whether it can be scored: not told aloud with its key points left unticked.
    pub fn judged(&self) -> bool {
        !(self.aloud && self.points.is_empty())
    }

    pub fn covered(&self) -> usize {
        self.points.iter().filter(|p| p.covered).count()
    }

    /// Seconds past the answer's time (0 when within it).
    pub fn over_seconds(&self) -> u64 {
        (self.ms.max(0) as u64 / 1000).saturating_sub(u64::from(self.target_seconds))
    }

    /// 0–1: the story named (0.3 of a question's score), the key points covered (0.5; 0.7 when
    /// nothing is named) and the time kept (0.2; 0.3), losing the time share in proportion to
    /// the overrun (nothing left at twice the time). A question no story was named for scores 0.
    pub fn score(&self) -> f64 {
        // No story named: nothing was told.
        if self.named_right() == Some(false) && self.named.is_none() {
            return 0.0;
        }
        let points = if self.points.is_empty() {
            1.0
        } else {
            self.covered() as f64 / self.points.len() as f64
        };
        let target = f64::from(self.target_seconds.max(1));
        let time = (1.0 - self.over_seconds() as f64 / target).max(0.0);
        match self.named_right() {
            Some(right) => 0.3 * f64::from(u8::from(right)) + 0.5 * points + 0.2 * time,
            None => 0.7 * points + 0.3 * time,
        }
    }
}

/// The interview's score, 0–100: the mean of its judged steps' (None when none was). A step told
/// aloud whose key points were not ticked (the user left before) is not judged.
pub fn score(steps: &[StepResult]) -> Option<u32> {
    let judged: Vec<&StepResult> = steps.iter().filter(|s| s.judged()).collect();
    (!judged.is_empty()).then(|| {
        let mean = judged.iter().map(|s| s.score()).sum::<f64>() / judged.len() as f64;
        (mean * 100.0).round() as u32
    })
}

/// One thing to work on, with the command that drills it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    pub story: String,
    /// What went wrong, in a few words the report completes with story titles.
    pub problem: Problem,
    pub command: String,
    #[serde(skip)]
    severity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// Another story was named for a question `story` fits.
    NamedAnother { named: String, question: String },
    /// No story was named for a question `story` fits.
    NoStory { question: String },
    /// Few key points of `story` were covered.
    FewPoints {
        part: Part,
        covered: usize,
        total: usize,
    },
    /// Over the time.
    OverTime {
        part: Part,
        seconds: u64,
        target: u32,
    },
}

/// The things to work on, worst first, at most `ADVICE_LISTED`, one per story: a wrong or missing
/// story first (a telling of the wrong story is lost however well it is told), then tellings that
/// covered under 60 % of their key points, then tellings over their time by more than a fifth.
pub fn advice(steps: &[StepResult]) -> Vec<Advice> {
    let mut all: Vec<Advice> = Vec::new();
    for s in steps {
        let best = s.fits.first().cloned().unwrap_or_default();
        match (s.named_right(), &s.named) {
            (Some(false), Some(named)) => all.push(Advice {
                story: best.clone(),
                problem: Problem::NamedAnother {
                    named: named.clone(),
                    question: s.question.clone(),
                },
                // The answer logged the confusion, so the pair is among the most confused.
                command: "storydrill review --confused".to_string(),
                severity: 3.0,
            }),
            (Some(false), None) => all.push(Advice {
                story: best.clone(),
                problem: Problem::NoStory {
                    question: s.question.clone(),
                },
                command: format!("storydrill review --story {best}"),
                severity: 3.0,
            }),
            _ => {}
        }
        let Some(story) = s.story.clone() else {
            continue;
        };
        if !s.points.is_empty() {
            let ratio = s.covered() as f64 / s.points.len() as f64;
            if ratio < 0.6 {
                let kind = if s.part == Part::Followup {
                    " --kind followup"
                } else {
                    ""
                };
                all.push(Advice {
                    story: story.clone(),
                    problem: Problem::FewPoints {
                        part: s.part,
                        covered: s.covered(),
                        total: s.points.len(),
                    },
                    command: format!("storydrill review --story {story}{kind}"),
                    severity: 1.5 + (1.0 - ratio),
                });
            }
        }
        let over = s.over_seconds();
        if over as f64 > f64::from(s.target_seconds) / 5.0 {
            all.push(Advice {
                story: story.clone(),
                problem: Problem::OverTime {
                    part: s.part,
                    seconds: s.ms.max(0) as u64 / 1000,
                    target: s.target_seconds,
                },
                command: format!(
                    "storydrill review --story {story} --timed {}",
                    s.target_seconds
                ),
                severity: 1.0 + (over as f64 / f64::from(s.target_seconds.max(1))).min(0.5),
            });
        }
    }
    // Worst first; the order of the interview breaks ties (a stable sort).
    all.sort_by(|a, b| b.severity.total_cmp(&a.severity));
    let mut out: Vec<Advice> = Vec::new();
    for a in all {
        if out.len() < ADVICE_LISTED && !out.iter().any(|o| o.story == a.story) {
            out.push(a);
        }
    }
    out
}

/// Scores listed in the trend (`stats`).
pub const TREND_LISTED: usize = 5;

/// A past mock interview's score, for the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MockScore {
    pub id: i64,
    pub day: StudyDay,
    pub score: u32,
}

/// The last mock interviews' scores, oldest first, and the change from the first of them to the
/// last (None with fewer than two).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Trend {
    pub recent: Vec<MockScore>,
    pub change: Option<i64>,
}

/// The trend of the scored mock interviews among `mocks` (oldest first).
pub fn trend(mocks: &[MockScore]) -> Trend {
    let recent: Vec<MockScore> = mocks[mocks.len().saturating_sub(TREND_LISTED)..].to_vec();
    let change = match (recent.first(), recent.last()) {
        (Some(a), Some(b)) if recent.len() >= 2 => Some(i64::from(b.score) - i64::from(a.score)),
        _ => None,
    };
    Trend { recent, change }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A story and its question cards.
    fn story(key: &str, score: Option<f64>, design: bool, questions: &[i64]) -> StoryCandidate {
        QUESTIONS.with(|q| {
            q.borrow_mut().insert(
                key.to_string(),
                questions
                    .iter()
                    .map(|&card| QuestionCandidate {
                        card,
                        fits: vec![key.to_string()],
                        recently_asked: false,
                    })
                    .collect(),
            )
        });
        StoryCandidate {
            key: key.to_string(),
            design,
            score,
            confusions: 0,
            recently_asked: 0,
            has_questions: !questions.is_empty(),
        }
    }

    thread_local! {
        static QUESTIONS: std::cell::RefCell<std::collections::HashMap<String, Vec<QuestionCandidate>>> =
            Default::default();
    }

    fn questions_of(key: &str) -> Vec<QuestionCandidate> {
        QUESTIONS.with(|q| q.borrow().get(key).cloned().unwrap_or_default())
    }

    fn pool() -> Vec<StoryCandidate> {
        let mut stories: Vec<StoryCandidate> = (0..12)
            .map(|i: i32| {
                story(
                    &format!("s{i}"),
                    Some(f64::from(i) / 12.0),
                    false,
                    &[100 + i64::from(i)],
                )
            })
            .collect();
        stories.push(story("arch", Some(0.5), true, &[900]));
        stories.push(story("biz", None, true, &[901, 902]));
        stories.push(story("lonely", Some(0.0), false, &[]));
        // Its question cards are all suspended: drawn, it is put aside.
        stories.push(StoryCandidate {
            has_questions: true,
            ..story("suspended", Some(0.0), false, &[])
        });
        stories
    }

    #[test]
    fn the_length_sets_the_number_of_questions() {
        assert_eq!(questions_for(10), 4);
        assert_eq!(questions_for(20), 5);
        assert_eq!(questions_for(30), 8);
        assert_eq!(questions_for(90), 8);
    }

    #[test]
    fn the_order_is_an_interviewers() {
        let mut rng = Rng::new(7);
        let steps = plan(
            [Some(1), Some(2)],
            Some(3),
            &pool(),
            30,
            &mut rng,
            &mut questions_of,
        );
        let parts: Vec<Part> = steps.iter().map(|s| s.part).collect();
        assert_eq!(parts[..2], [Part::Intro, Part::Project]);
        assert_eq!(parts[2..9], [Part::Question; 7]);
        assert_eq!(parts[9..], [Part::Design, Part::Closing]);
        // No story twice; the story without questions never comes.
        let mut asked: Vec<&str> = steps[2..9].iter().map(|s| s.fits[0].as_str()).collect();
        asked.sort();
        asked.dedup();
        assert_eq!(asked.len(), 7);
        assert!(!asked.contains(&"lonely") && !asked.contains(&"suspended"));
        // Follow-ups after the weaker half (4 of 7), and after no other part.
        let followed: Vec<&Planned> = steps.iter().filter(|s| s.followup).collect();
        assert_eq!(followed.len(), 4);
        assert!(followed.iter().all(|s| s.part == Part::Question));
        let stories = pool();
        let score_of = |step: &Planned| {
            let s = stories.iter().find(|s| s.key == step.fits[0]).unwrap();
            s.score.unwrap_or(0.0)
        };
        let followed_max = followed.iter().map(|s| score_of(s)).fold(0.0, f64::max);
        let others_min = steps[2..9]
            .iter()
            .filter(|s| !s.followup)
            .map(score_of)
            .fold(1.0, f64::min);
        assert!(followed_max <= others_min, "{steps:?}");
        // The same seed, the same interview.
        assert_eq!(
            plan(
                [Some(1), Some(2)],
                Some(3),
                &pool(),
                30,
                &mut Rng::new(7),
                &mut questions_of
            ),
            steps
        );
    }

    #[test]
    fn weak_confused_and_unasked_stories_come_more_often() {
        let mut stories = vec![
            story("strong", Some(1.0), false, &[1]),
            story("weak", Some(0.1), false, &[2]),
        ];
        let count = |stories: &[StoryCandidate]| {
            let mut weak = 0;
            for seed in 0..2000 {
                let mut rng = Rng::new(seed);
                let drawn = draw(
                    &stories.iter().collect::<Vec<_>>(),
                    1,
                    &mut rng,
                    &mut questions_of,
                );
                weak += u32::from(drawn[0].0.key == "weak");
            }
            weak
        };
        let base = count(&stories);
        assert!(base > 1600, "{base}");
        stories[1].recently_asked = 2;
        let asked = count(&stories);
        assert!(asked < 1000, "{asked}");
        stories[0].confusions = 4;
        stories[1].recently_asked = 0;
        let confused = count(&stories);
        assert!(confused < base, "{confused} {base}");
    }

    #[test]
    fn a_followup_not_yet_good_comes_first() {
        let f = |card, last_grade| FollowupCandidate { card, last_grade };
        for seed in 0..50 {
            let mut rng = Rng::new(seed);
            assert_eq!(
                pick_followup(&[f(1, Some(5)), f(2, Some(2)), f(3, Some(4))], &mut rng),
                Some(2)
            );
            assert!(pick_followup(&[f(1, Some(5)), f(3, Some(4))], &mut rng).is_some());
        }
        assert_eq!(pick_followup(&[], &mut Rng::new(1)), None);
    }

    fn result(
        part: Part,
        fits: &[&str],
        named: Option<&str>,
        covered: usize,
        of: usize,
        secs: i64,
    ) -> StepResult {
        StepResult {
            part,
            card: "c".into(),
            question: "q".into(),
            fits: fits.iter().map(|s| s.to_string()).collect(),
            named: named.map(str::to_string),
            story: named.or(fits.first().copied()).map(str::to_string),
            target_seconds: 120,
            ms: secs * 1000,
            naming_ms: 3000,
            aloud: false,
            points: (0..of)
                .map(|i| PointResult {
                    text: format!("p{i}"),
                    covered: i < covered,
                })
                .collect(),
        }
    }

    #[test]
    fn steps_score_the_story_the_points_and_the_time() {
        let perfect = result(Part::Question, &["a", "b"], Some("b"), 4, 4, 100);
        assert_eq!(perfect.named_right(), Some(true));
        assert!((perfect.score() - 1.0).abs() < 1e-9);
        let wrong = result(Part::Question, &["a"], Some("x"), 4, 4, 100);
        assert!((wrong.score() - 0.7).abs() < 1e-9);
        // Half the points, 60 s over 120: 0.5 × 0.7 + 0.5 × 0.3.
        let intro = result(Part::Intro, &["self-intro"], None, 2, 4, 180);
        assert_eq!(intro.named_right(), None);
        assert!((intro.score() - 0.5).abs() < 1e-9);
        let unticked = StepResult {
            aloud: true,
            points: Vec::new(),
            ..intro.clone()
        };
        assert!(!unticked.judged());
        assert_eq!(score(&[perfect, wrong, unticked.clone()]), Some(85));
        assert_eq!(score(&[unticked]), None);
        assert_eq!(score(&[]), None);
    }

    #[test]
    fn advice_puts_the_wrong_story_first_one_line_a_story() {
        let steps = vec![
            result(Part::Question, &["a"], Some("a"), 1, 5, 100),
            result(Part::Project, &["project"], None, 5, 5, 200),
            result(Part::Question, &["b"], Some("c"), 4, 4, 100),
            result(Part::Followup, &["a"], None, 0, 3, 30),
            result(Part::Question, &["d"], None, 3, 4, 50),
        ];
        let advice = advice(&steps);
        let lines: Vec<(&str, &str)> = advice
            .iter()
            .map(|a| (a.story.as_str(), a.command.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("b", "storydrill review --confused"),
                ("d", "storydrill review --story d"),
                ("a", "storydrill review --story a --kind followup"),
            ]
        );
        let over = advice_of_one(result(Part::Project, &["project"], None, 5, 5, 200));
        assert_eq!(over, ["storydrill review --story project --timed 120"]);
        assert!(advice_of_one(result(Part::Intro, &["self-intro"], None, 5, 5, 130)).is_empty());
    }

    #[test]
    fn the_trend_is_the_last_five_and_their_change() {
        let m = |id: i64, score| MockScore {
            id,
            day: StudyDay::parse("2027-01-04").unwrap(),
            score,
        };
        assert_eq!(trend(&[]), Trend::default());
        assert_eq!(trend(&[m(1, 50)]).change, None);
        let t = trend(&[m(1, 10), m(2, 50), m(3, 55), m(4, 60), m(5, 58), m(6, 72)]);
        assert_eq!(t.recent.len(), 5);
        assert_eq!(t.recent[0].id, 2);
        assert_eq!(t.change, Some(22));
    }

    fn advice_of_one(step: StepResult) -> Vec<String> {
        advice(&[step]).into_iter().map(|a| a.command).collect()
    }
}
