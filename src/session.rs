//! The daily review session: shows each card, reads the answer, suggests a grade, and commits every
//! grade to the database before the next card shows.

use anyhow::Context;
use chrono::Utc;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::ReviewArgs;
use crate::clock::Clock;
use crate::cmd::Ctx;
use crate::core::cloze;
use crate::core::judge::{self, CatalogEntry, Resolution};
use crate::core::model::{Card, CardKind};
use crate::core::queue::{self, DoneToday, Entry, Limits, Rng};
use crate::core::sm2::{self, ReviewKind};
use crate::core::text::{sanitize, wrap};
use crate::core::types::{CardId, Quality, StudyDay};
use crate::edit::EditOutcome;
use crate::paint;
use crate::prompt::{self, Input, Prompt, MAX_ANSWER_CHARS};
use crate::settings::Settings;
use crate::store::{NewReview, Store};

pub const SEED_VAR: &str = "STORYDRILL_SEED";

pub fn run(ctx: &mut Ctx, args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let seed = seed_from_env()?;
    let mut input = prompt::for_stdin()?;
    if !input.is_terminal() {
        paint::disable();
    }
    let mut stdout = std::io::stdout();
    let width = terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .unwrap_or(80)
        .clamp(40, 100);
    let mut session = Session::new(
        &mut ctx.store,
        ctx.clock,
        ctx.settings,
        args.clone(),
        input.as_mut(),
        &mut stdout,
        seed,
        width,
    )?;
    session.run()?;
    Ok(ExitCode::SUCCESS)
}

fn seed_from_env() -> anyhow::Result<u64> {
    match std::env::var(SEED_VAR) {
        Ok(text) => text
            .trim()
            .parse()
            .with_context(|| format!("{SEED_VAR}={text:?} is not a whole number")),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)),
    }
}

/// What the user typed at a prompt.
enum Reply {
    Text(String),
    Command(Command),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Undo,
    Skip,
    Edit,
    Quit,
}

const HELP: &str = "\
commands (at any prompt):
  :u  undo the last grade        :s  skip this card until tomorrow
  :e  edit this card in $EDITOR  :q  quit (Ctrl-D, or Ctrl-C on an empty line)
  :h  this help
answers: a story number, or part of a title or alias (Tab completes); ? for four choices;
         Enter alone means \"I don't know\" (match) or reveals the answer (others).
grades:  Enter takes the suggestion; 0-5 gives your own.";

/// How a card was answered, before grading.
struct Answered {
    answer: String,
    answered_story: Option<String>,
    correct: Option<bool>,
    suggestion: Option<u8>,
    ms: i64,
}

enum Step {
    Graded,
    Again,
    Quit,
}

struct Graded {
    review_id: i64,
    entry: Entry,
    quality: Quality,
}

#[derive(Default)]
struct Summary {
    done: u32,
    right: u32,
    wrong: u32,
}

pub struct Session<'a> {
    store: &'a mut Store,
    clock: Clock,
    today: StudyDay,
    args: ReviewArgs,
    prompt: &'a mut dyn Prompt,
    out: &'a mut dyn Write,
    /// Catalog positions by story key, for labels.
    by_key: HashMap<String, usize>,
    catalog: Vec<CatalogEntry>,
    completions: Vec<String>,
    queue: VecDeque<Entry>,
    graded: Vec<Graded>,
    summary: Summary,
    started: Instant,
    last_story: Option<String>,
    rng: Rng,
    width: usize,
    settings: Settings,
}

impl<'a> Session<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: &'a mut Store,
        clock: Clock,
        settings: Settings,
        args: ReviewArgs,
        prompt: &'a mut dyn Prompt,
        out: &'a mut dyn Write,
        seed: u64,
        width: usize,
    ) -> anyhow::Result<Session<'a>> {
        if let Some(deck) = &args.deck {
            if !store.deck_exists(deck)? {
                anyhow::bail!("no deck named {deck:?} (see `storydrill decks`)");
            }
        }
        let today = clock.study_day(settings.rollover_hour);
        Ok(Session {
            store,
            clock,
            today,
            args,
            prompt,
            out,
            by_key: HashMap::new(),
            catalog: Vec::new(),
            completions: Vec::new(),
            queue: VecDeque::new(),
            graded: Vec::new(),
            summary: Summary::default(),
            started: Instant::now(),
            last_story: None,
            rng: Rng::new(seed ^ 0x5eed),
            width,
            settings,
        })
    }

    /// Reads the story catalog that match answers and completions come from (titles only: a
    /// recall card reads its one story when it is shown).
    fn load_catalog(&mut self) -> anyhow::Result<()> {
        self.catalog = self.store.catalog()?;
        self.completions.clear();
        self.by_key = self
            .catalog
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.clone(), i))
            .collect();
        Ok(())
    }

    /// Builds the queue from the store: what is due and new today, less what was done today.
    fn build_queue(&mut self, seed: u64) -> anyhow::Result<()> {
        let deck = self.args.deck.as_deref();
        if self.args.cram {
            let candidates = self.store.cram_candidates(deck, self.args.kind)?;
            self.queue = queue::cram(&candidates, seed);
            return Ok(());
        }
        let mut done = done_today(&self.store.answers_on(self.today)?);
        // Re-drills owed from earlier today obey this session's filters and `:s` (skip) too.
        let mut owed = Vec::with_capacity(done.pending_redrills.len());
        for (id, story) in std::mem::take(&mut done.pending_redrills) {
            let card = self.store.card_by_id(id)?;
            let shown = !card.retired
                && !card.suspended
                && card.buried_until.is_none_or(|until| until <= self.today)
                && deck.is_none_or(|d| d == card.deck)
                && self.args.kind.is_none_or(|k| k == card.kind);
            if shown {
                owed.push((id, story));
            }
        }
        done.pending_redrills = owed;
        let new_allowed = match self.args.new {
            Some(n) => n,
            None => self.settings.new_per_day.saturating_sub(done.new_cards),
        };
        let limits = Limits {
            new: new_allowed,
            reviews: self.settings.reviews_per_day,
        };
        // Read more than the limits: some candidates wait for a sibling or a recall card.
        let reviews_left = limits.reviews.saturating_sub(done.reviews);
        let (due, new) = self.store.session_candidates(
            self.today,
            deck,
            self.args.kind,
            reviews_left.saturating_mul(2).saturating_add(100),
            new_allowed.saturating_mul(10).saturating_add(100),
        )?;
        self.queue = queue::build(&due, &new, &done, limits, seed);
        Ok(())
    }

    pub fn run(&mut self) -> anyhow::Result<()> {
        let seed = self.rng.next_u64();
        self.load_catalog()?;
        self.build_queue(seed)?;
        if self.queue.is_empty() {
            return self.nothing_due();
        }
        let total = self.queue.len();
        self.say(&format!(
            "{} {} card{} to review{} · :h for help\n",
            paint::bold("storydrill"),
            total,
            if total == 1 { "" } else { "s" },
            if self.args.cram {
                " (cram: schedules stay as they are)"
            } else {
                ""
            }
        ))?;
        let mut current: Option<Entry> = None;
        loop {
            if self
                .args
                .limit
                .is_some_and(|limit| self.summary.done >= limit)
            {
                // A person may still want to take the last grade back.
                if self.prompt.is_terminal() && !self.graded.is_empty() {
                    let prompt = "limit reached · Enter ends, :u takes back the last grade> ";
                    if let Reply::Command(Command::Undo) = self.read(prompt)? {
                        self.undo_last(None)?;
                        continue;
                    }
                }
                self.say(&format!(
                    "Stopped after {} card{} (--limit).\n",
                    self.summary.done,
                    if self.summary.done == 1 { "" } else { "s" }
                ))?;
                break;
            }
            let entry = match current
                .take()
                .or_else(|| queue::next(&mut self.queue, self.last_story.as_deref()))
            {
                Some(entry) => entry,
                None => {
                    self.say(&format!("\n{}\n", paint::green("All done for today.")))?;
                    break;
                }
            };
            match self.show(&entry)? {
                Step::Graded => self.last_story = entry.story.clone(),
                Step::Again => {}
                Step::Quit => break,
            }
        }
        self.print_summary()
    }

    fn nothing_due(&mut self) -> anyhow::Result<()> {
        let next = self.store.next_due_after(self.today)?;
        let when = match next {
            Some(day) => {
                let days = self.today.days_until(day);
                let plural = if days == 1 { "" } else { "s" };
                format!("The next card is due on {day} (in {days} day{plural}).")
            }
            None => "No card has a due date yet.".to_string(),
        };
        self.say(&format!(
            "Nothing is due today. {when}\nTo go on: `storydrill review --new 10` for more new cards, or `storydrill review --cram` to drill any cards without changing their schedule.\n"
        ))
    }

    /// Shows one card, reads the answer and the grade, and commits the grade.
    fn show(&mut self, entry: &Entry) -> anyhow::Result<Step> {
        let card = self.store.card_by_id(entry.id)?;
        let left = self.queue.len() + 1;
        let tag = if entry.redrill {
            " · re-drill"
        } else if self.args.cram {
            " · cram"
        } else {
            ""
        };
        self.say(&format!(
            "\n{}\n",
            paint::dimmed(&format!(
                "── {left} left · #{} {} · {}{tag}",
                card.id,
                card.deck,
                card.kind.as_str()
            ))
        ))?;
        let answered = match card.kind {
            CardKind::Match => self.ask_match(&card)?,
            CardKind::Recall => self.ask_recall(&card)?,
            CardKind::Cloze => self.ask_cloze(&card)?,
            CardKind::Basic => self.ask_basic(&card)?,
        };
        let answered = match answered {
            Ok(a) => a,
            Err(command) => return self.command(command, entry, &card),
        };
        let quality = match self.ask_grade(&card, answered.suggestion)? {
            Ok(q) => q,
            Err(command) => return self.command(command, entry, &card),
        };
        self.record(entry, &card, answered, quality)?;
        Ok(Step::Graded)
    }

    fn command(&mut self, command: Command, entry: &Entry, card: &Card) -> anyhow::Result<Step> {
        match command {
            Command::Quit => Ok(Step::Quit),
            Command::Skip => {
                self.store.bury(card.id, self.today.plus_days(1))?;
                self.queue.retain(|e| e.id != card.id);
                self.say("skipped until tomorrow\n")?;
                Ok(Step::Again)
            }
            Command::Undo => {
                self.undo_last(Some(entry))?;
                Ok(Step::Again)
            }
            Command::Edit => {
                self.edit(card)?;
                self.queue.push_front(entry.clone());
                Ok(Step::Again)
            }
        }
    }

    /// Takes back the last grade of this session: its log row goes, the card's state is restored,
    /// and the card is asked again next (then `current`, the card that was on screen, if any).
    fn undo_last(&mut self, current: Option<&Entry>) -> anyhow::Result<()> {
        let Some(last) = self.graded.pop() else {
            if let Some(entry) = current {
                self.queue.push_front(entry.clone());
            }
            return self.say("nothing to undo yet\n");
        };
        self.store.undo_review(last.review_id)?;
        // Drop the re-drill the undone grade queued; the card is asked again now.
        if let Some(pos) = self
            .queue
            .iter()
            .rposition(|e| e.id == last.entry.id && e.redrill)
        {
            self.queue.remove(pos);
        }
        self.summary.done = self.summary.done.saturating_sub(1);
        if last.quality.is_pass() {
            self.summary.right = self.summary.right.saturating_sub(1);
        } else {
            self.summary.wrong = self.summary.wrong.saturating_sub(1);
        }
        // The card on screen goes back too, unless it is the re-drill the undone grade
        // queued: that card is asked again now, and asking it twice more would be wrong.
        if let Some(entry) = current.filter(|e| !(e.redrill && e.id == last.entry.id)) {
            self.queue.push_front(entry.clone());
        }
        self.queue.push_front(last.entry.clone());
        self.last_story = None;
        self.say(&format!(
            "undone: card #{} is back as it was\n",
            last.entry.id
        ))
    }

    /// Edits the card in `$EDITOR`; the session goes on whatever happens, and the card is shown again.
    fn edit(&mut self, card: &Card) -> anyhow::Result<()> {
        let message = match crate::edit::edit_card(self.store, card, &crate::edit::EnvEditor) {
            Ok(EditOutcome::Saved) => "saved; here it is again".to_string(),
            Ok(EditOutcome::Unchanged) => "unchanged".to_string(),
            Ok(EditOutcome::Abandoned) => "edit abandoned; nothing changed".to_string(),
            Err(e) => format!("could not edit: {e:#}"),
        };
        self.load_catalog()?;
        self.say(&format!("{message}\n"))
    }

    /// Reads one reply; `:h` and unknown commands are handled here and read again.
    fn read(&mut self, prompt: &str) -> anyhow::Result<Reply> {
        loop {
            match self.prompt.read(prompt)? {
                Input::Eof | Input::Interrupted => return Ok(Reply::Command(Command::Quit)),
                Input::Line(line) => {
                    let trimmed = line.trim();
                    let command = match trimmed {
                        ":u" | ":undo" => Command::Undo,
                        ":s" | ":skip" => Command::Skip,
                        ":e" | ":edit" => Command::Edit,
                        ":q" | ":quit" => Command::Quit,
                        ":h" | ":help" | ":?" => {
                            self.say(&format!("{HELP}\n"))?;
                            continue;
                        }
                        t if t.starts_with(':') && t.len() > 1 && t.is_ascii() => {
                            self.say(&format!("unknown command {t}; :h lists them\n"))?;
                            continue;
                        }
                        _ if line.chars().count() > MAX_ANSWER_CHARS => {
                            self.say(&format!(
                                "that answer is longer than {MAX_ANSWER_CHARS} characters; it was not taken, try a shorter one\n"
                            ))?;
                            continue;
                        }
                        _ => return Ok(Reply::Text(line)),
                    };
                    return Ok(Reply::Command(command));
                }
            }
        }
    }

    fn ask_match(&mut self, card: &Card) -> anyhow::Result<Result<Answered, Command>> {
        self.say(&format!(
            "{}\n{}\n",
            paint::bold("Which story fits?"),
            self.wrap(&card.front)
        ))?;
        let shown = Instant::now();
        let mut choices: Option<Vec<String>> = None;
        if self.completions.is_empty() {
            self.completions = self
                .catalog
                .iter()
                .map(|s| format!("{} {}", s.number, sanitize(&s.title)))
                .collect();
        }
        self.prompt.set_completions(self.completions.clone());
        let result = loop {
            let reply = self.read("story> ")?;
            let text = match reply {
                Reply::Command(c) => break Err(c),
                Reply::Text(t) => t,
            };
            let trimmed = text.trim();
            if trimmed == "?" {
                if choices.is_none() {
                    choices = Some(self.choices_for(card));
                }
                self.print_choices(choices.as_deref().unwrap_or_default())?;
                continue;
            }
            let picked = choices
                .as_ref()
                .and_then(|c| choice_index(trimmed).and_then(|i| c.get(i).cloned()));
            let resolution = match picked {
                Some(key) => Resolution::Story(key),
                None => judge::resolve(trimmed, &self.catalog),
            };
            match resolution {
                Resolution::Ambiguous(keys) => {
                    let list: Vec<String> = keys.iter().map(|k| self.story_label(k)).collect();
                    self.say(&format!("which one? {}\n", list.join(" · ")))?;
                }
                Resolution::Unknown => {
                    self.say(&format!(
                        "no story matches “{}”: type a number, part of a title, ? for choices, or Enter if you don't know\n",
                        sanitize(trimmed)
                    ))?;
                }
                Resolution::DontKnow => break Ok((text, None)),
                Resolution::Story(key) => break Ok((text, Some(key))),
            }
        };
        self.prompt.set_completions(Vec::new());
        let (text, story) = match result {
            Err(command) => return Ok(Err(command)),
            Ok(answer) => answer,
        };
        let ms = elapsed_ms(shown);
        let correct = story.as_ref().map(|s| card.answers.contains(s));
        let best = card.answers.first().cloned().unwrap_or_default();
        let verdict = match (&story, correct) {
            (None, _) => format!("{} it is {}", paint::yellow("?"), self.story_label(&best)),
            (Some(_), Some(true)) => format!(
                "{} {}",
                paint::green("✓ right:"),
                self.story_label(story.as_deref().unwrap_or(&best))
            ),
            (Some(s), _) => format!(
                "{} you said {}; it is {}",
                paint::red("✗ wrong:"),
                self.story_label(s),
                self.story_label(&best)
            ),
        };
        self.say(&format!("{verdict}\n"))?;
        let others: Vec<String> = card
            .answers
            .iter()
            .skip(1)
            .map(|k| self.story_label(k))
            .collect();
        if !others.is_empty() {
            self.say(&format!("also fits: {}\n", others.join(" · ")))?;
        }
        if !card.back.trim().is_empty() {
            self.say(&format!(
                "{}\n",
                paint::dimmed(&self.wrap(&format!("why: {}", card.back)))
            ))?;
        }
        let suggestion = judge::suggest_match(correct, ms as u64, choices.is_some());
        Ok(Ok(Answered {
            answer: text.trim().to_string(),
            answered_story: story,
            correct,
            suggestion: Some(suggestion),
            ms,
        }))
    }

    /// Four stories to choose from: the right one and three others, shuffled.
    fn choices_for(&mut self, card: &Card) -> Vec<String> {
        let right = card.answers.first().cloned().unwrap_or_default();
        let mut others: Vec<String> = self
            .catalog
            .iter()
            .map(|e| e.key.clone())
            .filter(|k| !card.answers.contains(k))
            .collect();
        self.rng.shuffle(&mut others);
        let mut choices: Vec<String> = std::iter::once(right)
            .chain(others.into_iter().take(3))
            .collect();
        self.rng.shuffle(&mut choices);
        choices
    }

    fn print_choices(&mut self, choices: &[String]) -> anyhow::Result<()> {
        let lines: Vec<String> = choices
            .iter()
            .enumerate()
            .map(|(i, k)| format!("  {}) {}", (b'a' + i as u8) as char, self.story_label(k)))
            .collect();
        self.say(&format!("{}\n", lines.join("\n")))
    }

    fn ask_recall(&mut self, card: &Card) -> anyhow::Result<Result<Answered, Command>> {
        let story = match &card.story {
            Some(key) => self.store.story(key)?,
            None => None,
        };
        let title = story
            .as_ref()
            .map(|s| format!("{} {}", s.number, s.title))
            .unwrap_or_else(|| card.key.clone());
        self.say(&format!(
            "{} {}\n{}\n{}\n",
            paint::bold("Tell the story:"),
            sanitize(&title),
            self.wrap(&card.front),
            paint::dimmed(
                "type your telling (an empty line ends it), or press Enter now to tell it aloud"
            )
        ))?;
        let shown = Instant::now();
        let mut lines: Vec<String> = Vec::new();
        let mut told = 0;
        loop {
            let prompt = if lines.is_empty() { "tell> " } else { "   .. " };
            match self.read(prompt)? {
                Reply::Command(c) => return Ok(Err(c)),
                Reply::Text(t) if t.trim().is_empty() => break,
                Reply::Text(t) if told + t.chars().count() > MAX_ANSWER_CHARS => {
                    self.say(&format!(
                        "a telling is at most {MAX_ANSWER_CHARS} characters; that line was not taken (an empty line ends the telling)\n"
                    ))?;
                }
                Reply::Text(t) => {
                    told += t.chars().count();
                    lines.push(t);
                }
            }
        }
        let ms = elapsed_ms(shown);
        let telling = lines.join("\n");
        let mut model = String::new();
        match &story {
            Some(s) => {
                model.push_str(&self.wrap(&s.text));
                if let Some(written) = &s.written {
                    model.push_str(&format!(
                        "\n{}\n{}",
                        paint::dimmed("(model answer written by storydrill)"),
                        self.wrap(written)
                    ));
                }
                if let Some(diagram) = &s.diagram {
                    // Verbatim, never wrapped: the alignment is the point.
                    model.push_str(&format!("\n\n{}", sanitize(diagram)));
                }
            }
            None => model.push_str(&self.wrap(&card.back)),
        }
        self.say(&format!("\n{}\n{model}\n", paint::cyan("model answer")))?;
        let points = story.as_ref().map(|s| s.points.clone()).unwrap_or_default();
        let mut suggestion = None;
        if !points.is_empty() {
            let covered = judge::coverage(&telling, &points);
            let mut list = String::new();
            for (point, hit) in points.iter().zip(&covered) {
                let mark = if telling.is_empty() {
                    "•".to_string()
                } else if *hit {
                    paint::green("✓")
                } else {
                    paint::red("✗")
                };
                list.push_str(&format!("  {mark} {}\n", sanitize(point)));
            }
            self.say(&format!("\n{}\n{list}", paint::cyan("key points")))?;
            if !telling.is_empty() {
                let n = covered.iter().filter(|c| **c).count();
                self.say(&format!("covered {n} of {} key points\n", points.len()))?;
                suggestion = Some(judge::suggest_recall(n, points.len()));
            }
        }
        Ok(Ok(Answered {
            answer: telling,
            answered_story: None,
            correct: None,
            suggestion,
            ms,
        }))
    }

    fn ask_cloze(&mut self, card: &Card) -> anyhow::Result<Result<Answered, Command>> {
        let number = cloze::asked_number(&card.front);
        self.say(&format!(
            "{}\n{}\n",
            paint::bold("Fill the blank:"),
            self.wrap(&cloze::question(&card.front, number))
        ))?;
        let shown = Instant::now();
        let typed = match self.read("blank> ")? {
            Reply::Command(c) => return Ok(Err(c)),
            Reply::Text(t) => t,
        };
        let ms = elapsed_ms(shown);
        let expected = cloze::answers(&card.front, number);
        let correct = cloze::is_correct(&typed, &expected);
        let verdict = if typed.trim().is_empty() {
            format!(
                "{} {}",
                paint::yellow("answer:"),
                sanitize(&expected.join(" / "))
            )
        } else if correct {
            paint::green("✓ right")
        } else {
            format!(
                "{} it is {}",
                paint::red("✗ wrong:"),
                sanitize(&expected.join(" / "))
            )
        };
        self.say(&format!(
            "{verdict}\n{}\n",
            self.wrap(&cloze::full(&card.front))
        ))?;
        let suggestion = judge::suggest_cloze(&typed, correct, ms as u64);
        Ok(Ok(Answered {
            answer: typed.trim().to_string(),
            answered_story: None,
            correct: Some(correct),
            suggestion: Some(suggestion),
            ms,
        }))
    }

    fn ask_basic(&mut self, card: &Card) -> anyhow::Result<Result<Answered, Command>> {
        self.say(&format!("{}\n", self.wrap(&card.front)))?;
        let shown = Instant::now();
        let typed = match self.read("(Enter shows the answer) ")? {
            Reply::Command(c) => return Ok(Err(c)),
            Reply::Text(t) => t,
        };
        let ms = elapsed_ms(shown);
        self.say(&format!(
            "{}\n{}\n",
            paint::cyan("answer"),
            self.wrap(&card.back)
        ))?;
        Ok(Ok(Answered {
            answer: typed.trim().to_string(),
            answered_story: None,
            correct: None,
            suggestion: None,
            ms,
        }))
    }

    /// The grade prompt: each grade's meaning and the interval it would give; Enter takes the suggestion.
    fn ask_grade(
        &mut self,
        card: &Card,
        suggestion: Option<u8>,
    ) -> anyhow::Result<Result<Quality, Command>> {
        let mut lines = String::new();
        for quality in (0..=5).rev().filter_map(Quality::new) {
            let q = quality.get();
            let (kind, after) = sm2::review(&card.state, quality, self.today, self.args.cram);
            let effect = match kind {
                ReviewKind::Scheduled => format!("{} d", after.interval_days),
                ReviewKind::Redrill => "re-drill, schedule stays".into(),
                ReviewKind::Cram => "cram, schedule stays".into(),
            };
            let marker = if suggestion == Some(q) {
                paint::bold("›")
            } else {
                " ".into()
            };
            lines.push_str(&format!("{marker}{q} · {} → {effect}\n", quality.meaning()));
        }
        self.say(&lines)?;
        let prompt = match suggestion {
            Some(s) => format!("grade [{s}]> "),
            None => "grade 0-5> ".to_string(),
        };
        loop {
            match self.read(&prompt)? {
                Reply::Command(c) => return Ok(Err(c)),
                Reply::Text(t) => {
                    let t = t.trim();
                    if t.is_empty() {
                        if let Some(q) = suggestion.and_then(Quality::new) {
                            return Ok(Ok(q));
                        }
                        self.say("type a grade 0-5\n")?;
                        continue;
                    }
                    match t.parse::<Quality>() {
                        Ok(q) => return Ok(Ok(q)),
                        Err(e) => self.say(&format!("{e}\n"))?,
                    }
                }
            }
        }
    }

    /// Commits the grade, then says when the card comes back.
    fn record(
        &mut self,
        entry: &Entry,
        card: &Card,
        answered: Answered,
        quality: Quality,
    ) -> anyhow::Result<()> {
        let at = self
            .clock
            .later_ms(self.started.elapsed().as_millis() as i64)
            .now()
            .with_timezone(&Utc);
        let (today, cram) = (self.today, self.args.cram);
        // The state is read again in the transaction that logs the answer: another storydrill may
        // have graded this card while it was on screen. The answer then counts from that state.
        let (review_id, review) = self.store.review_card(card.id, |before| {
            let (kind, after) = sm2::review(before, quality, today, cram);
            NewReview {
                card_id: card.id,
                at,
                day: today,
                quality,
                kind,
                answer: answered.answer,
                answered_story: answered.answered_story,
                correct: answered.correct,
                ms: answered.ms,
                before: *before,
                after,
            }
        })?;
        if review.before != card.state {
            self.say(&format!(
                "card #{} was graded by another storydrill while it was on screen; your grade counts from that state\n",
                card.id
            ))?;
        }
        let (kind, after) = (review.kind, review.after);
        self.graded.push(Graded {
            review_id,
            entry: entry.clone(),
            quality,
        });
        self.summary.done += 1;
        if quality.is_pass() {
            self.summary.right += 1;
        } else {
            self.summary.wrong += 1;
        }
        let again = quality.get() < 4;
        if again {
            self.queue.push_back(Entry {
                id: card.id,
                story: card.story.clone(),
                redrill: !self.args.cram,
            });
        }
        let next = match (kind, after.due) {
            (ReviewKind::Scheduled, Some(due)) => {
                let days = after.interval_days;
                format!(
                    "next: in {days} day{} ({due})",
                    if days == 1 { "" } else { "s" }
                )
            }
            (ReviewKind::Cram, _) => "cram: schedule unchanged".to_string(),
            _ => "re-drill: schedule unchanged".to_string(),
        };
        let tail = if again {
            " · comes back at the end until you score 4"
        } else {
            ""
        };
        self.say(&format!("{}{tail}\n", paint::dimmed(&next)))
    }

    fn print_summary(&mut self) -> anyhow::Result<()> {
        let secs = self.started.elapsed().as_secs();
        let tomorrow = self.store.count_due_by(self.today.plus_days(1))?;
        self.say(&format!(
            "\n{} {} card{} · {} right · {} wrong · {} · due tomorrow: {}\n",
            paint::bold("session:"),
            self.summary.done,
            if self.summary.done == 1 { "" } else { "s" },
            self.summary.right,
            self.summary.wrong,
            duration(secs),
            tomorrow
        ))
    }

    fn story_label(&self, key: &str) -> String {
        match self.by_key.get(key).and_then(|i| self.catalog.get(*i)) {
            Some(s) => format!("{} {}", s.number, sanitize(&s.title)),
            None => key.to_string(),
        }
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

/// What today's log says was done: counts against the limits, stories shown, re-drills still owed.
pub fn done_today(answers: &[crate::store::TodayAnswer]) -> DoneToday {
    let mut done = DoneToday::default();
    let mut last_quality: HashMap<CardId, (Quality, Option<String>)> = HashMap::new();
    let mut order: Vec<CardId> = Vec::new();
    for a in answers {
        if let Some(story) = &a.story {
            done.stories.insert(story.clone());
        }
        if a.kind == ReviewKind::Cram {
            continue;
        }
        if a.kind == ReviewKind::Scheduled {
            if a.was_new {
                done.new_cards += 1;
            } else {
                done.reviews += 1;
            }
        }
        if !last_quality.contains_key(&a.card_id) {
            order.push(a.card_id);
        }
        last_quality.insert(a.card_id, (a.quality, a.story.clone()));
    }
    let mut seen = HashSet::new();
    for id in order {
        if let Some((q, story)) = last_quality.get(&id) {
            if q.get() < 4 && seen.insert(id) {
                done.pending_redrills.push((id, story.clone()));
            }
        }
    }
    done
}

fn choice_index(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let c = chars.next()?.to_ascii_lowercase();
    if chars.next().is_some() || !('a'..='d').contains(&c) {
        return None;
    }
    Some(c as usize - 'a' as usize)
}

fn elapsed_ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

fn duration(secs: u64) -> String {
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TodayAnswer;

    fn answer(id: i64, story: Option<&str>, q: u8, kind: ReviewKind, was_new: bool) -> TodayAnswer {
        TodayAnswer {
            card_id: CardId(id),
            story: story.map(String::from),
            quality: Quality::new(q).unwrap(),
            kind,
            was_new,
        }
    }

    #[test]
    fn done_today_counts_limits_stories_and_owed_redrills() {
        let log = vec![
            answer(1, Some("a"), 2, ReviewKind::Scheduled, true),
            answer(2, Some("b"), 5, ReviewKind::Scheduled, false),
            answer(3, None, 3, ReviewKind::Scheduled, false),
            answer(1, Some("a"), 3, ReviewKind::Redrill, false),
            answer(3, None, 4, ReviewKind::Redrill, false),
            answer(4, Some("c"), 0, ReviewKind::Cram, false),
        ];
        let done = done_today(&log);
        assert_eq!((done.new_cards, done.reviews), (1, 2));
        assert_eq!(
            done.stories,
            ["a", "b", "c"].iter().map(|s| s.to_string()).collect()
        );
        // Card 1 still below 4 after its re-drill; card 3 reached 4; cram answers owe nothing.
        assert_eq!(
            done.pending_redrills,
            vec![(CardId(1), Some("a".to_string()))]
        );
    }

    /// Runs a session on a fresh database at 2027-01-04 with scripted answers; returns the screen
    /// and the day's review log.
    fn scripted(lines: &[&str], terminal: bool, args: ReviewArgs) -> (String, Vec<TodayAnswer>) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let clock = Clock::parse("2027-01-04T09:30:00+08:00").unwrap();
        let mut prompt = crate::prompt::ScriptPrompt::new(lines);
        prompt.terminal = terminal;
        let mut out: Vec<u8> = Vec::new();
        let settings = Settings::default();
        let today = clock.study_day(settings.rollover_hour);
        Session::new(
            &mut store,
            clock,
            settings,
            args,
            &mut prompt,
            &mut out,
            7,
            80,
        )
        .unwrap()
        .run()
        .unwrap();
        (
            String::from_utf8(out).unwrap(),
            store.answers_on(today).unwrap(),
        )
    }

    #[test]
    fn a_scripted_session_commits_each_grade_and_prints_a_summary() {
        let (text, log) = scripted(
            &["", "4", "", ":u", "", "2", ":q"],
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
            &["", "2", ":u", "", "5"],
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
            &["", "4", ":u", "", "2", ""],
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
        fn read(&mut self, prompt: &str) -> anyhow::Result<Input> {
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
                let day = self.day;
                let q = Quality::new(5).unwrap();
                other.review_card(card.id, |before| {
                    let (kind, after) = sm2::review(before, q, day, false);
                    NewReview {
                        card_id: card.id,
                        at: Utc::now(),
                        day,
                        quality: q,
                        kind,
                        answer: String::new(),
                        answered_story: None,
                        correct: None,
                        ms: 0,
                        before: *before,
                        after,
                    }
                })?;
            }
            self.script.read(prompt)
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
            script: crate::prompt::ScriptPrompt::new(&["", "4"]),
            path: path.clone(),
            day: today,
            at: 2,
            reads: 0,
        };
        let mut out: Vec<u8> = Vec::new();
        let args = ReviewArgs {
            deck: Some("stories".into()),
            kind: Some(CardKind::Recall),
            new: Some(1),
            ..Default::default()
        };
        Session::new(
            &mut store,
            clock,
            settings,
            args,
            &mut prompt,
            &mut out,
            1,
            80,
        )
        .unwrap()
        .run()
        .unwrap();
        let text = String::from_utf8(out).unwrap();
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
        assert_eq!(choice_index("a"), Some(0));
        assert_eq!(choice_index("D"), Some(3));
        assert_eq!(choice_index("e"), None);
        assert_eq!(choice_index("ab"), None);
    }
}
