//! `storydrill interview`: a mock first-round interview at the terminal, and `storydrill
//! interviews`, the list of past ones. This file runs the interview: it reads what may be asked,
//! lets `core::mock` plan it, asks each step (naming the story, then telling it under a timer)
//! and logs each answer as it is given; nothing is judged aloud until the end. `report` scores it
//! and prints what to work on.

mod list;
mod report;

pub use list::list;

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use crate::cli::InterviewArgs;
use crate::cmd::{print_json, Ctx};
use crate::core::deck::StoryKind;
use crate::core::judge::{self, CatalogEntry, Resolution, Verdict};
use crate::core::mock::{self, Part, Planned, PointResult, StepResult, StoryCandidate};
use crate::core::pace;
use crate::core::queue::Rng;
use crate::core::readiness::{self, EVIDENCE_DAYS};
use crate::core::text::{sanitize, wrap};
use crate::core::types::{CardId, Quality, StudyDay};
use crate::paint;
use crate::prompt::{Input, Prompt, Telling, MAX_ANSWER_CHARS};
use crate::store::{Answer, Judgement, MockStepRow, NewMock, Store};

const HELP: &str = "\
an interview shows nothing until its end: name the story you would tell (a number or part of a
title; Enter if none fits), then tell it (an empty line ends it; Enter at once: told aloud, and you
tick its key points at the end).
  :q  end the interview now (Ctrl-D, or Ctrl-C on an empty line); what you answered is kept
  :h  this help";

pub fn run(ctx: &mut Ctx, args: &InterviewArgs) -> anyhow::Result<()> {
    let seed = match args.seed {
        Some(seed) => seed,
        None => crate::cmd::review::seed_from_env()?,
    };
    let mut input = crate::cmd::answers_from_stdin(args.json)?;
    let width = crate::cmd::screen_width();
    // With --json the report is standard output's, and the interview itself (the questions, the
    // timer) goes to standard error: a person still sees what is asked, a script gets one object.
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let out: &mut dyn Write = if args.json { &mut stderr } else { &mut stdout };
    let today = ctx.today();
    let mut mock = Mock {
        store: &mut ctx.store,
        clock: ctx.clock,
        today,
        telling_seconds: ctx.settings.telling_seconds,
        prompt: input.as_mut(),
        out,
        catalog: Vec::new(),
        synonyms: Default::default(),
        matcher: Default::default(),
        rng: Rng::new(seed ^ 0x0b0e),
        width,
        started: Instant::now(),
    };
    mock.catalog = mock.store.catalog()?;
    mock.synonyms = mock.store.synonyms_for_answers()?;
    let planned = mock.plan(args.minutes)?;
    let questions = planned.len() + planned.iter().filter(|p| p.followup).count();
    let id = mock.store.start_mock(&NewMock {
        started_at: ctx.clock.now().to_rfc3339(),
        day: today,
        company: args.company.as_deref(),
        minutes: args.minutes,
        seed,
        planned: questions,
    })?;
    let (steps, finished) = mock.ask_all(id, &planned, args.minutes)?;
    let report = report::build(mock.store, id, args, seed, today, &steps, finished)?;
    mock.store
        .finish_mock(id, finished, report.score, &serde_json::to_string(&report)?)?;
    if args.json {
        print_json(&report)
    } else {
        let text = report::render(&report, &mock.catalog, width);
        mock.say(&text)
    }
}

/// An interview in progress.
struct Mock<'a> {
    store: &'a mut Store,
    clock: crate::clock::Clock,
    today: StudyDay,
    telling_seconds: u32,
    prompt: &'a mut dyn Prompt,
    out: &'a mut dyn Write,
    catalog: Vec<CatalogEntry>,
    synonyms: judge::synonyms::Synonyms,
    matcher: judge::Matcher,
    rng: Rng,
    width: usize,
    started: Instant,
}

/// A step as it was answered, before the report: its result, and a telling told aloud whose key
/// points are ticked at the end.
pub(super) struct Asked {
    pub result: StepResult,
    /// The card asked (a question card for a question), and the card told (its story's recall
    /// card), which the telling is logged on.
    pub asked_card: i64,
    pub card: i64,
    /// The key points' texts, as the deck has them (alternatives after `||`).
    pub point_texts: Vec<String>,
    pub review_id: Option<i64>,
    pub naming_review_id: Option<i64>,
}

impl Asked {
    /// A question answered by naming a story only: nothing was told.
    fn untold(result: StepResult, card: i64, naming_review_id: Option<i64>) -> Asked {
        Asked {
            result,
            asked_card: card,
            card,
            point_texts: Vec::new(),
            review_id: None,
            naming_review_id,
        }
    }
}

/// The user ended the interview.
struct Quit;

impl Mock<'_> {
    /// What may be asked, from the store, and the plan `core::mock` makes of it.
    fn plan(&mut self, minutes: u32) -> anyhow::Result<Vec<Planned>> {
        let from = self.today.minus_days(EVIDENCE_DAYS - 1);
        let interview = self.store.next_interview(self.today)?.map(|i| i.day);
        // Each story's readiness score, and whether it has question cards.
        let evidence: HashMap<String, (Option<f64>, bool)> = self
            .store
            .story_evidence(from, self.today, None)?
            .into_iter()
            .map(|s| {
                let score = readiness::assess(&s.evidence, self.today, interview).score;
                (s.key, (score, s.evidence.has_questions))
            })
            .collect();
        let mut confusions: HashMap<String, u32> = HashMap::new();
        for (asked, answered, times) in self.store.confusions(from, self.today)? {
            *confusions.entry(asked).or_default() += times;
            *confusions.entry(answered).or_default() += times;
        }
        let recent = self.store.recently_asked(mock::RECENT_MOCKS)?;
        let fixed: Vec<&str> = mock::OPENERS
            .iter()
            .map(|(k, _)| *k)
            .chain([mock::CLOSING])
            .chain(mock::NOT_ASKED)
            .collect();
        let mut stories: Vec<StoryCandidate> = Vec::new();
        for s in self.store.stories()? {
            if fixed.contains(&s.key.as_str()) || self.store.current_recall_card(&s.key)?.is_none()
            {
                continue;
            }
            let (score, has_questions) = evidence.get(&s.key).copied().unwrap_or_default();
            stories.push(StoryCandidate {
                design: s.kind == StoryKind::Template,
                score,
                confusions: confusions.get(&s.key).copied().unwrap_or(0),
                recently_asked: recent.stories.get(&s.key).copied().unwrap_or(0),
                has_questions,
                key: s.key,
            });
        }
        let openers = [
            self.store.current_recall_card(mock::OPENERS[0].0)?,
            self.store.current_recall_card(mock::OPENERS[1].0)?,
        ];
        let closing = self.store.current_recall_card(mock::CLOSING)?;
        // Only the drawn stories' questions are read (a story may have thousands).
        let current: std::collections::HashSet<String> =
            self.catalog.iter().map(|s| s.key.clone()).collect();
        let store = &*self.store;
        let mut failed: Option<anyhow::Error> = None;
        let mut questions_of = |story: &str| -> Vec<mock::QuestionCandidate> {
            match store.mock_questions(story, &current) {
                Ok(questions) => questions
                    .into_iter()
                    .map(|q| mock::QuestionCandidate {
                        card: q.card,
                        recently_asked: recent.cards.contains(&q.key),
                        fits: q.fits,
                    })
                    .collect(),
                Err(e) => {
                    failed.get_or_insert(e);
                    Vec::new()
                }
            }
        };
        let planned = mock::plan(
            openers,
            closing,
            &stories,
            minutes,
            &mut self.rng,
            &mut questions_of,
        );
        if let Some(e) = failed {
            return Err(e);
        }
        if !planned.iter().any(|p| p.part.names_a_story()) {
            anyhow::bail!(
                "nothing to ask: no story has a question card that is not suspended (see `storydrill stories`)"
            );
        }
        Ok(planned)
    }

    /// Asks every step, a follow-up after those marked for one, logging each answer as it is
    /// given; then the key points of what was told aloud. False with the steps answered so far
    /// when the user ended it early.
    fn ask_all(
        &mut self,
        mock_id: i64,
        planned: &[Planned],
        minutes: u32,
    ) -> anyhow::Result<(Vec<Asked>, bool)> {
        let questions = planned.len() + planned.iter().filter(|p| p.followup).count();
        self.say(&format!(
            "{} {minutes} minutes · about {questions} questions · nothing is shown until the end · :h for help\n",
            paint::bold("Mock interview")
        ))?;
        let mut steps: Vec<Asked> = Vec::new();
        let mut finished = true;
        for p in planned {
            let Ok(asked) = self.ask(p, steps.len() + 1, questions)? else {
                finished = false;
                break;
            };
            let told = asked.result.story.clone();
            self.keep(mock_id, steps.len() + 1, &asked)?;
            steps.push(asked);
            let Some(told) = told.filter(|_| p.followup) else {
                continue;
            };
            let followups = self.store.mock_followups(&told)?;
            let Some(card) = mock::pick_followup(&followups, &mut self.rng) else {
                continue;
            };
            let follow = Planned {
                part: Part::Followup,
                card,
                fits: vec![told],
                followup: false,
            };
            let Ok(asked) = self.ask(&follow, steps.len() + 1, questions)? else {
                finished = false;
                break;
            };
            self.keep(mock_id, steps.len() + 1, &asked)?;
            steps.push(asked);
        }
        let aloud = steps.iter().filter(|s| s.result.aloud).count();
        if aloud > 0 {
            self.say(&format!(
                "\n{} {aloud} answer{} you told aloud: tick the key points you said.\n",
                paint::bold("The interview is over."),
                if aloud == 1 { "" } else { "s" }
            ))?;
            for (i, step) in steps.iter_mut().enumerate() {
                if step.result.aloud && self.tick(step)?.is_ok() {
                    self.keep(mock_id, i + 1, step)?;
                } else if step.result.aloud {
                    break;
                }
            }
        } else {
            self.say(&format!("\n{}\n", paint::bold("The interview is over.")))?;
        }
        Ok((steps, finished))
    }

    /// Keeps a step answered (again, once its key points are ticked).
    fn keep(&mut self, mock_id: i64, position: usize, a: &Asked) -> anyhow::Result<()> {
        let card_key = self.store.card_by_id(CardId(a.asked_card))?.key;
        self.store.save_mock_step(
            mock_id,
            &MockStepRow {
                position,
                part: a.result.part,
                card_key: &card_key,
                asked: a.result.fits.first().map(String::as_str),
                told: a.result.story.as_deref(),
                target_seconds: a.result.target_seconds,
                ms: a.result.ms,
                points: a.result.points.len(),
                covered: a.result.covered(),
                review_id: a.review_id,
                naming_review_id: a.naming_review_id,
            },
        )
    }

    /// One step: the question, the story named (for a question card), the telling under its timer.
    fn ask(
        &mut self,
        p: &Planned,
        position: usize,
        total: usize,
    ) -> anyhow::Result<Result<Asked, Quit>> {
        let card = self.store.card_by_id(CardId(p.card))?;
        let elapsed = self.started.elapsed().as_secs();
        self.say(&format!(
            "\n{}\n",
            paint::dimmed(&format!(
                "── {position}/{total} · {} · {} in",
                part_label(p.part),
                pace::clock(elapsed)
            ))
        ))?;
        let asks = if p.part == Part::Followup {
            "面试官追问："
        } else {
            "面试官："
        };
        self.say(&format!(
            "{}\n",
            self.wrap(&format!("{asks}{}", card.front))
        ))?;
        let mut result = StepResult {
            part: p.part,
            card: card.key.clone(),
            question: card.front.clone(),
            fits: p.fits.clone(),
            named: None,
            story: None,
            target_seconds: self.target(p.part),
            ms: 0,
            naming_ms: 0,
            aloud: false,
            points: Vec::new(),
        };
        let mut naming_review_id = None;
        // The card told: a question's named story's recall card, else the card asked.
        let mut told_card = card.clone();
        if p.part.names_a_story() {
            self.say(&format!(
                "{}\n",
                paint::dimmed(
                    "which story will you tell? (a number or part of a title; Enter if none fits)"
                )
            ))?;
            let shown = Instant::now();
            let Ok((text, named)) = self.name_story()? else {
                return Ok(Err(Quit));
            };
            result.naming_ms = elapsed_ms(shown);
            // As a match card's answer in a session: "don't know" is neither right nor wrong.
            let correct = named.as_ref().map(|n| p.fits.contains(n));
            let quality = judge::suggest_match(correct, result.naming_ms as u64, false);
            naming_review_id = Some(self.log(
                p.card,
                Answer {
                    quality: grade(quality),
                    text: text.trim().to_string(),
                    answered_story: named.clone(),
                    correct,
                    ms: result.naming_ms,
                    judgement: None,
                },
            )?);
            result.named = named.clone();
            let Some(named) = named else {
                self.say("(the interviewer moves on)\n")?;
                return Ok(Ok(Asked::untold(result, p.card, naming_review_id)));
            };
            match self.store.current_recall_card(&named)? {
                Some(id) => told_card = self.store.card_by_id(CardId(id))?,
                None => {
                    self.say(
                        "(that story has no recall card to tell; the interviewer moves on)\n",
                    )?;
                    result.story = Some(named);
                    return Ok(Ok(Asked::untold(result, p.card, naming_review_id)));
                }
            }
            result.story = Some(named);
        } else {
            result.story = p.fits.first().cloned();
        }
        let point_texts = match p.part {
            Part::Followup => told_card.points.clone(),
            _ => match &told_card.story {
                Some(key) => self.store.story(key)?.map(|s| s.points).unwrap_or_default(),
                None => Vec::new(),
            },
        };
        let Ok((telling, ms)) = self.tell(result.target_seconds)? else {
            return Ok(Err(Quit));
        };
        result.ms = ms;
        let mut review_id = None;
        if telling.trim().is_empty() {
            result.aloud = !point_texts.is_empty();
            if point_texts.is_empty() {
                let answer = self.answer_of(&telling, ms, None, 3);
                review_id = Some(self.log(told_card.id.0, answer)?);
            }
        } else {
            let verdict = Verdict::of(&telling, &point_texts, &self.synonyms);
            result.points = points_of(&point_texts, &verdict.covered());
            let judgement = Judgement {
                spoken: false,
                suggested: verdict.suggested(),
                judged: Some(verdict.covered()),
                kept: verdict.covered(),
            };
            let answer = self.answer_of(&telling, ms, Some(judgement), verdict.suggested());
            review_id = Some(self.log(told_card.id.0, answer)?);
        }
        Ok(Ok(Asked {
            result,
            asked_card: p.card,
            card: told_card.id.0,
            point_texts,
            review_id,
            naming_review_id,
        }))
    }

    /// The seconds an answer has: the self-introduction 90, a follow-up half a telling, the
    /// closing question 60, any other telling the telling-seconds setting (120).
    fn target(&self, part: Part) -> u32 {
        match part {
            Part::Intro => mock::INTRO_SECONDS,
            Part::Followup => (self.telling_seconds / 2).max(1),
            Part::Closing => mock::CLOSING_SECONDS,
            Part::Project | Part::Question | Part::Design => self.telling_seconds,
        }
    }

    fn answer_of(
        &self,
        telling: &str,
        ms: i64,
        judgement: Option<Judgement>,
        suggested: u8,
    ) -> Answer {
        Answer {
            quality: grade(suggested),
            text: telling.to_string(),
            answered_story: None,
            correct: None,
            ms,
            judgement,
        }
    }

    /// Logs one answer (kind mock: no schedule moves), committed before the next question.
    fn log(&mut self, card: i64, answer: Answer) -> anyhow::Result<i64> {
        let at = self.clock.now().with_timezone(&chrono::Utc);
        self.store
            .record_mock_answer(CardId(card), answer, at, self.today)
    }

    /// Reads answers until one names a story or says "I don't know" (None); nothing tells whether
    /// it is the right one.
    fn name_story(&mut self) -> anyhow::Result<Result<(String, Option<String>), Quit>> {
        loop {
            let Ok(text) = self.read("story> ")? else {
                return Ok(Err(Quit));
            };
            let trimmed = text.trim();
            let mut resolution = self.matcher.resolve(trimmed, &self.catalog, &self.synonyms);
            if matches!(resolution, Resolution::Unknown { .. }) {
                if let Some(key) =
                    judge::resolve_by_points(trimmed, &self.store.story_points()?, &self.synonyms)
                {
                    resolution = Resolution::Story(key);
                }
            }
            match resolution {
                Resolution::Ambiguous(keys) => {
                    let list: Vec<String> = keys.iter().map(|k| self.label(k)).collect();
                    self.say(&format!("which one? {}\n", list.join(" · ")))?;
                }
                Resolution::Unknown { .. } => self.say(&format!(
                    "no story matches “{}”: type a number or part of a title, or Enter if none fits\n",
                    sanitize(trimmed)
                ))?,
                Resolution::DontKnow => return Ok(Ok((text, None))),
                Resolution::Story(key) => return Ok(Ok((text, Some(key)))),
            }
        }
    }

    /// A telling under its timer: the time left shows at each line, the time taken after; nothing
    /// else is shown. An empty line ends it (at once: told aloud).
    fn tell(&mut self, limit: u32) -> anyhow::Result<Result<(String, i64), Quit>> {
        self.say(&format!(
            "{}\n",
            paint::dimmed(&format!(
                "you have {} · type your answer (an empty line ends it), or press Enter now and answer aloud, then Enter when done",
                pace::clock(limit.into())
            ))
        ))?;
        let shown = Instant::now();
        let mut lines = Telling::default();
        loop {
            let prompt = pace::line_prompt(Some(limit), elapsed_ms(shown) as u64, lines.is_empty());
            let Ok(line) = self.read(&prompt)? else {
                return Ok(Err(Quit));
            };
            if line.trim().is_empty() {
                if lines.is_empty() {
                    // Told aloud: the clock runs until Enter.
                    let Ok(_) = self.read("answering aloud · Enter when done> ")? else {
                        return Ok(Err(Quit));
                    };
                }
                break;
            }
            if !lines.take(line) {
                self.say(&format!(
                    "an answer is at most {MAX_ANSWER_CHARS} characters; that line was not taken\n"
                ))?;
            }
        }
        let ms = elapsed_ms(shown);
        self.say(&format!(
            "{}\n",
            paint::dimmed(&format!(
                "answered in {} of {}",
                pace::clock(ms as u64 / 1000),
                pace::clock(limit.into())
            ))
        ))?;
        Ok(Ok((lines.text(), ms)))
    }

    /// After the interview: the key points of an answer told aloud, ticked by the user, and the
    /// answer logged with them.
    fn tick(&mut self, step: &mut Asked) -> anyhow::Result<Result<(), Quit>> {
        let heading = match &step.result.story {
            Some(key) => format!("{} · {}", part_label(step.result.part), self.label(key)),
            None => part_label(step.result.part).to_string(),
        };
        let mut list = String::new();
        for (i, p) in step.point_texts.iter().enumerate() {
            list.push_str(&format!(
                "  {:>2} ☐ {}\n",
                i + 1,
                sanitize(judge::recall::shown(p))
            ));
        }
        self.say(&format!(
            "\n{}\n{}\n{list}",
            paint::bold(&sanitize(&heading)),
            self.wrap(&step.result.question)
        ))?;
        let ticked = loop {
            let Ok(typed) =
                self.read("which did you say? (numbers, e.g. 1 3 4; all; Enter: none)> ")?
            else {
                return Ok(Err(Quit));
            };
            match crate::prompt::parse_ticks(&typed, step.point_texts.len()) {
                Ok(t) => break t,
                Err(message) => self.say(&format!("{message}\n"))?,
            }
        };
        let covered: Vec<bool> = (0..step.point_texts.len())
            .map(|i| ticked.contains(&i))
            .collect();
        step.result.points = points_of(&step.point_texts, &covered);
        let mut verdict = Verdict::spoken(step.point_texts.len());
        for i in &ticked {
            verdict.toggle(*i);
        }
        let judgement = Judgement {
            spoken: true,
            suggested: verdict.suggested(),
            judged: None,
            kept: verdict.covered(),
        };
        let answer = self.answer_of("", step.result.ms, Some(judgement), verdict.suggested());
        step.review_id = Some(self.log(step.card, answer)?);
        Ok(Ok(()))
    }

    /// Reads one line; `:q`, Ctrl-D and Ctrl-C end the interview, `:h` shows the help.
    fn read(&mut self, prompt: &str) -> anyhow::Result<Result<String, Quit>> {
        loop {
            let line = match self.prompt.read(prompt, self.out)? {
                Input::Eof | Input::Interrupted => return Ok(Err(Quit)),
                Input::Line(line) => line,
            };
            match line.trim() {
                ":q" | ":quit" => return Ok(Err(Quit)),
                ":h" | ":help" | ":?" => self.say(&format!("{HELP}\n"))?,
                t if t.starts_with(':') && t.len() > 1 && t.is_ascii() => {
                    self.say(&format!("unknown command {t}; :h lists them\n"))?
                }
                _ if line.chars().count() > MAX_ANSWER_CHARS => self.say(&format!(
                    "that answer is longer than {MAX_ANSWER_CHARS} characters; it was not taken\n"
                ))?,
                _ => return Ok(Ok(line)),
            }
        }
    }

    fn label(&self, key: &str) -> String {
        report::label(&self.catalog, key)
    }

    fn wrap(&self, text: &str) -> String {
        wrap(&sanitize(text), self.width)
    }

    fn say(&mut self, text: &str) -> anyhow::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }
}

/// The key points with whether each was covered.
fn points_of(texts: &[String], covered: &[bool]) -> Vec<PointResult> {
    texts
        .iter()
        .zip(covered)
        .map(|(t, c)| PointResult {
            text: judge::recall::shown(t).to_string(),
            covered: *c,
        })
        .collect()
}

pub(super) fn part_label(part: Part) -> &'static str {
    match part {
        Part::Intro => "self-introduction",
        Part::Project => "project",
        Part::Question => "question",
        Part::Followup => "follow-up",
        Part::Design => "business / architecture",
        Part::Closing => "your questions",
    }
}

fn grade(q: u8) -> Quality {
    Quality::at_most_5(q)
}

fn elapsed_ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}
