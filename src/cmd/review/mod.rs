//! `storydrill [review]`: the daily session. This file is the loop — build the queue, show cards
//! until it is empty, the limit or a quit, undo, and the summary; `setup` decides what the session
//! drills (filters, readiness, the interview ahead) and why nothing comes; `ask` shows a card of
//! each kind and reads the answer; `grade` reads the grade and commits it before the next card
//! shows; `events` is `--json`. The rules of what comes next are `core::queue`'s.

mod ask;
mod events;
mod grade;
mod setup;

use anyhow::Context;
use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::ReviewArgs;
use crate::clock::Clock;
use crate::cmd::Ctx;
use crate::core::judge::CatalogEntry;
use crate::core::model::{Card, CardKind};
use crate::core::queue::{self, Filter, Pick, Present, Queued, Recent, Rng};
use crate::core::text::{sanitize, wrap};
use crate::core::types::{CardId, Quality, StudyDay};
use crate::edit::EditOutcome;
use crate::paint;
use crate::prompt::{Input, Prompt, MAX_ANSWER_CHARS};
use crate::settings::Settings;
use crate::store::Store;
use events::Event;
pub use setup::new_left_today;
use setup::Selection;

pub const SEED_VAR: &str = "STORYDRILL_SEED";

pub fn run(ctx: &mut Ctx, args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let seed = seed_from_env()?;
    // `--short` is a drill of tellings that moves no schedule, timed at 30 seconds.
    let short_args;
    let args = if args.short {
        short_args = ReviewArgs {
            cram: true,
            kind: Some(crate::core::model::CardKind::Recall),
            timed: args.timed.or(Some(crate::core::pace::SHORT_SECONDS)),
            ..args.clone()
        };
        &short_args
    } else {
        args
    };
    let mut input = crate::cmd::answers_from_stdin(args.json)?;
    let width = crate::cmd::screen_width();
    let mut stdout = std::io::stdout();
    let mut screen = std::io::sink();
    let mut events_out = std::io::stdout();
    let out: &mut dyn Write = if args.json { &mut screen } else { &mut stdout };
    let mut session = Session::new(
        &mut ctx.store,
        ctx.clock,
        ctx.settings,
        args.clone(),
        input.as_mut(),
        out,
        seed,
        width,
    )?;
    if args.json {
        session.events = Some(&mut events_out);
    }
    session.run()?;
    // The process ends here: handing the catalog's thousands of strings back to the allocator
    // one by one would cost more than building the day's queue. (Only plain memory is left.)
    std::mem::forget(std::mem::take(&mut session.catalog));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn seed_from_env() -> anyhow::Result<u64> {
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

/// A command typed at any prompt of the session instead of an answer: it interrupts the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interrupt {
    Undo,
    Skip,
    Edit,
    Quit,
    /// `:p N` at the grade prompt of a telling: flip key point N's tick (N from 1).
    Point(usize),
}

/// Why reading a card's answer stopped short: a command, or an error. Askers pass both up with `?`.
enum Stop {
    Command(Interrupt),
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Stop {
        Stop::Failed(e)
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Stop {
        Stop::Failed(e.into())
    }
}

/// What an asker returns.
type Asked<T> = Result<T, Stop>;

const HELP: &str = "\
commands (at any prompt):
  :u  undo the last grade        :s  skip this card until tomorrow
  :e  edit this card in $EDITOR  :q  quit (Ctrl-D, or Ctrl-C on an empty line)
  :h  this help                   :p N  tick or untick key point N (grade prompt of a telling)
answers: a story number, or part of a title or alias (Tab completes); ? for four choices;
         Enter alone means \"I don't know\" (match) or reveals the answer (others).
grades:  Enter takes the suggestion; 0-5 gives your own.";

/// How one card's turn ended.
enum Step {
    Graded,
    /// A new story was presented (read, not graded).
    Presented,
    Again,
    Quit,
}

/// A grade given in this session, for undo.
struct Graded {
    review_id: i64,
    queued: Queued,
    quality: Quality,
}

#[derive(Default)]
struct Summary {
    done: u32,
    right: u32,
    wrong: u32,
    presented: u32,
}

pub struct Session<'a> {
    store: &'a mut Store,
    clock: Clock,
    today: StudyDay,
    args: ReviewArgs,
    prompt: &'a mut dyn Prompt,
    out: &'a mut dyn Write,
    /// `--json`: where the events go.
    events: Option<&'a mut dyn Write>,
    selection: Selection,
    /// Catalog positions by story key, for labels.
    by_key: HashMap<String, usize>,
    catalog: Vec<CatalogEntry>,
    /// Whether `catalog`, `by_key` and `synonyms` hold what the store has (`need_catalog`).
    catalog_read: bool,
    /// The synonyms match answers are read with (built in and the decks').
    synonyms: crate::core::judge::synonyms::Synonyms,
    /// The catalog read for matching answers, kept between answers.
    matcher: crate::core::judge::Matcher,
    /// A telling's key points are on screen: `:p N` may tick them.
    points_open: bool,
    completions: std::rc::Rc<[String]>,
    queue: VecDeque<Queued>,
    recent: Recent,
    /// Re-drills of each card today (from the log, then this session).
    redrills: HashMap<CardId, u32>,
    /// When each card was last shown, for the pause before a lone re-drill.
    shown_at: HashMap<CardId, Instant>,
    graded: Vec<Graded>,
    summary: Summary,
    started: Instant,
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
        let today = clock.study_day(settings.rollover_hour);
        let selection = setup::select(store, &args, today)?;
        Ok(Session {
            store,
            clock,
            today,
            args,
            prompt,
            out,
            events: None,
            selection,
            by_key: HashMap::new(),
            catalog: Vec::new(),
            catalog_read: false,
            synonyms: Default::default(),
            matcher: Default::default(),
            points_open: false,
            completions: std::rc::Rc::from([]),
            queue: VecDeque::new(),
            recent: Recent::default(),
            redrills: HashMap::new(),
            shown_at: HashMap::new(),
            graded: Vec::new(),
            summary: Summary::default(),
            started: Instant::now(),
            rng: Rng::new(seed ^ 0x5eed),
            width,
            settings,
        })
    }

    /// Reads the story catalog that match answers and completions come from (titles only: a
    /// recall card reads its one story when it is shown), on first use: only a match card, or a
    /// cloze of no story, needs it, so a session that starts with another card does not read
    /// every story before its first card (issue 13); a match card reads it once its question is
    /// on screen. An edit sets `catalog_read` back.
    fn need_catalog(&mut self) -> anyhow::Result<()> {
        if self.catalog_read {
            return Ok(());
        }
        self.catalog = self.store.catalog()?;
        self.synonyms = self.store.synonyms_for_answers()?;
        self.matcher = Default::default();
        self.completions = std::rc::Rc::from([]);
        self.by_key = self
            .catalog
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.clone(), i))
            .collect();
        // Only once all of it is read: a failed read is tried again by the next card.
        self.catalog_read = true;
        Ok(())
    }

    /// Builds the queue: the store reads what is due and new today and what was done today; the
    /// rules of `core::queue` decide what comes, and in which order. Ok holds a line to show when
    /// the interview raised today's new cards; Err(why) when nothing comes.
    fn build_queue(&mut self, seed: u64) -> anyhow::Result<Result<Option<String>, String>> {
        let filter = self.selection.filter.clone();
        let mut done = queue::done_today(
            &self.store.answers_on(self.today)?,
            self.store.presented_on(self.today)?,
        );
        self.redrills = done.redrills.clone();
        if self.args.cram {
            let candidates = self.store.cram_candidates(&filter)?;
            self.queue = queue::cram(&candidates, seed);
            return Ok(if self.queue.is_empty() {
                Err("Nothing to drill: no card is in this selection.\n".to_string())
            } else {
                Ok(None)
            });
        }
        // Re-drills owed from earlier today obey this session's filters and `:s` (skip) too.
        let mut owed = Vec::with_capacity(done.pending_redrills.len());
        for (id, story) in std::mem::take(&mut done.pending_redrills) {
            if queue::may_show(&self.store.card_by_id(id)?, self.today, &filter) {
                owed.push((id, story));
            }
        }
        done.pending_redrills = owed;
        let (limits, raised) = setup::limits(
            self.store,
            &self.args,
            &self.settings,
            self.selection.interview,
            self.today,
            &done,
        )?;
        let (due_rows, new_rows) = queue::candidates_to_read(limits, &done);
        let (mut due, mut new) = self
            .store
            .session_candidates(self.today, &filter, due_rows, new_rows)?;
        self.selection.assess(
            self.store,
            due.iter().filter_map(|c| c.story.as_deref()),
            self.today,
        )?;
        for c in &mut due {
            c.readiness = c.story.as_deref().and_then(|s| self.selection.score(s));
        }
        // A new story is presented so that its other cards can come today, unless the session is
        // of recall cards only; a session of another kind reads the unseen stories' recall cards
        // to present them.
        let present = match filter.kind {
            None => Present::Yes,
            Some(CardKind::Recall) => Present::No,
            Some(_) => {
                let recall = Filter {
                    kind: Some(CardKind::Recall),
                    ..filter.clone()
                };
                let (_, unseen) = self
                    .store
                    .session_candidates(self.today, &recall, 0, new_rows)?;
                new.extend(unseen.into_iter().filter(|c| !c.recall_seen));
                Present::ForQuestions
            }
        };
        self.queue = queue::build(&due, &new, &done, limits, present, seed);
        if self.queue.is_empty() {
            let why = setup::explain_empty(self.store, &self.selection, limits, &done, self.today)?;
            return Ok(Err(why));
        }
        Ok(Ok(raised))
    }

    pub fn run(&mut self) -> anyhow::Result<()> {
        let seed = self.rng.next_u64();
        let raised = match self.build_queue(seed)? {
            Ok(raised) => raised,
            Err(why) => {
                self.event(&Event::Empty {
                    message: why.trim_end(),
                })?;
                self.say(&why)?;
                return self.event(&self.summary_event(0));
            }
        };
        let total = self.queue.len();
        let countdown = self
            .selection
            .interview
            .map(|i| format!(" · {}", i.countdown(self.today)))
            .unwrap_or_default();
        self.say(&format!(
            "{} {} card{} to review{}{countdown} · :h for help\n",
            paint::bold("storydrill"),
            total,
            if total == 1 { "" } else { "s" },
            if self.args.cram {
                " (cram: schedules stay as they are)"
            } else {
                ""
            }
        ))?;
        if let Some(line) = raised {
            self.say(&format!("{}\n", paint::dimmed(&line)))?;
        }
        loop {
            let shown = self.summary.done + self.summary.presented;
            if self.args.limit.is_some_and(|limit| shown >= limit) {
                // A person may still want to take the last grade back.
                if self.prompt.is_terminal() && !self.graded.is_empty() {
                    let prompt = "limit reached · Enter ends, :u takes back the last grade> ";
                    match self.read(prompt) {
                        Err(Stop::Command(Interrupt::Undo)) => {
                            self.undo_last(None)?;
                            continue;
                        }
                        Err(Stop::Failed(e)) => return Err(e),
                        Ok(_) | Err(Stop::Command(_)) => {}
                    }
                }
                self.say(&format!(
                    "Stopped after {shown} card{} (--limit).\n",
                    if shown == 1 { "" } else { "s" }
                ))?;
                break;
            }
            let queued = match queue::next(&mut self.queue, &self.recent) {
                None => {
                    self.say(&format!("\n{}\n", paint::green("All done for today.")))?;
                    break;
                }
                Some(Pick::Card(queued)) => queued,
                Some(Pick::Soon(queued)) => {
                    if !self.pause_before_redrill(&queued)? {
                        break;
                    }
                    queued
                }
            };
            match self.turn(&queued)? {
                Step::Graded | Step::Presented => {
                    self.recent.shown(&queued);
                    self.shown_at.insert(queued.id, Instant::now());
                }
                Step::Again => {}
                Step::Quit => break,
            }
        }
        self.print_summary()
    }

    /// Only re-drills are left and this one was just shown: a person gets a minute's pause (a
    /// repeat sticks better with one) and says when to go on; a script goes on at once. False when
    /// the user quits instead.
    fn pause_before_redrill(&mut self, queued: &Queued) -> anyhow::Result<bool> {
        if !self.prompt.is_terminal() {
            return Ok(true);
        }
        if self
            .shown_at
            .get(&queued.id)
            .is_none_or(|at| at.elapsed().as_secs() >= 60)
        {
            return Ok(true);
        }
        let prompt = format!(
            "only re-drills are left: #{} comes back after a minute's pause · Enter when ready, :q ends> ",
            queued.id
        );
        match self.read(&prompt) {
            Ok(_)
            | Err(Stop::Command(
                Interrupt::Undo | Interrupt::Skip | Interrupt::Edit | Interrupt::Point(_),
            )) => Ok(true),
            Err(Stop::Command(Interrupt::Quit)) => Ok(false),
            Err(Stop::Failed(e)) => Err(e),
        }
    }

    /// One card's turn: show it, read the answer and the grade, commit the grade (or, for a new
    /// story, present it). A command typed at any of its prompts comes here as `Stop::Command`.
    fn turn(&mut self, queued: &Queued) -> anyhow::Result<Step> {
        let card = self.store.card_by_id(queued.id)?;
        if queued.present {
            return match self.present(queued, &card) {
                Ok(()) => Ok(Step::Presented),
                Err(Stop::Command(command)) => self.interrupt(command, queued, &card),
                Err(Stop::Failed(e)) => Err(e),
            };
        }
        let result = self.answer(queued, &card).and_then(|mut answered| {
            let quality = self.ask_grade(&card, &mut answered);
            self.points_open = false;
            Ok((quality?, answered))
        });
        match result {
            Ok((quality, answered)) => {
                self.record(queued, &card, answered, quality)?;
                Ok(Step::Graded)
            }
            Err(Stop::Command(command)) => self.interrupt(command, queued, &card),
            Err(Stop::Failed(e)) => Err(e),
        }
    }

    fn interrupt(
        &mut self,
        command: Interrupt,
        queued: &Queued,
        card: &Card,
    ) -> anyhow::Result<Step> {
        match command {
            Interrupt::Quit => Ok(Step::Quit),
            Interrupt::Skip => {
                self.store.bury(card.id, self.today.plus_days(1))?;
                self.queue.retain(|e| e.id != card.id);
                if queued.present {
                    // Its questions were to follow the presentation: they wait with it.
                    self.queue
                        .retain(|e| e.redrill || e.story.is_none() || e.story != queued.story);
                }
                self.say("skipped until tomorrow\n")?;
                Ok(Step::Again)
            }
            Interrupt::Undo => {
                self.undo_last(Some(queued))?;
                Ok(Step::Again)
            }
            // Only the grade prompt reads it, and it never leaves there.
            Interrupt::Point(_) => Ok(Step::Again),
            Interrupt::Edit => {
                self.edit(card)?;
                self.queue.push_front(queued.clone());
                Ok(Step::Again)
            }
        }
    }

    /// Takes back the last grade of this session: its log row goes, the card's state is restored,
    /// and the card is asked again next (then `current`, the card that was on screen, if any).
    fn undo_last(&mut self, current: Option<&Queued>) -> anyhow::Result<()> {
        let Some(last) = self.graded.pop() else {
            if let Some(queued) = current {
                self.queue.push_front(queued.clone());
            }
            return self.say("nothing to undo yet\n");
        };
        self.store.undo_review(last.review_id)?;
        // Drop the re-drill the undone grade queued; the card is asked again now.
        if let Some(pos) = self
            .queue
            .iter()
            .rposition(|e| e.id == last.queued.id && e.redrill)
        {
            self.queue.remove(pos);
        }
        self.summary.done = self.summary.done.saturating_sub(1);
        if last.quality.is_pass() {
            self.summary.right = self.summary.right.saturating_sub(1);
        } else {
            self.summary.wrong = self.summary.wrong.saturating_sub(1);
        }
        if last.queued.redrill {
            if let Some(n) = self.redrills.get_mut(&last.queued.id) {
                *n = n.saturating_sub(1);
            }
        }
        // The card on screen goes back too, unless it is the re-drill the undone grade
        // queued: that card is asked again now, and asking it twice more would be wrong.
        if let Some(queued) = current.filter(|e| !(e.redrill && e.id == last.queued.id)) {
            self.queue.push_front(queued.clone());
        }
        self.queue.push_front(last.queued.clone());
        self.recent.clear();
        self.say(&format!(
            "undone: card #{} is back as it was\n",
            last.queued.id
        ))
    }

    /// Edits the card in `$EDITOR`; the session goes on whatever happens, and the card is shown again.
    fn edit(&mut self, card: &Card) -> anyhow::Result<()> {
        let message = match crate::edit::edit_card(self.store, card, &crate::edit::EnvEditor) {
            Ok(EditOutcome::Saved) => "saved; here it is again".to_string(),
            Ok(EditOutcome::Unchanged) => "unchanged".to_string(),
            Ok(EditOutcome::Abandoned) => "edit abandoned; nothing changed".to_string(),
            Err(e) => format!("could not edit: {}", crate::cmd::error_text(&e)),
        };
        // The edit may have changed a story's title or aliases: read again when next needed.
        self.catalog_read = false;
        self.say(&format!("{message}\n"))
    }

    /// Reads one answer line. A command comes back as `Stop::Command`; `:h`, unknown commands and
    /// answers over `MAX_ANSWER_CHARS` are answered here and read again.
    fn read(&mut self, prompt: &str) -> Asked<String> {
        loop {
            let line = match self.prompt.read(prompt, self.out)? {
                Input::Eof | Input::Interrupted => return Err(Stop::Command(Interrupt::Quit)),
                Input::Line(line) => line,
            };
            let command = match line.trim() {
                ":u" | ":undo" => Interrupt::Undo,
                ":s" | ":skip" => Interrupt::Skip,
                ":e" | ":edit" => Interrupt::Edit,
                ":q" | ":quit" => Interrupt::Quit,
                ":h" | ":help" | ":?" => {
                    self.say(&format!("{HELP}\n"))?;
                    continue;
                }
                t if t.starts_with(":p") && (t.len() == 2 || t[2..].starts_with(' ')) => {
                    match (self.points_open, t[2..].trim().parse::<usize>()) {
                        (true, Ok(n)) => Interrupt::Point(n),
                        (true, Err(_)) => {
                            self.say("type :p and the number of a key point, e.g. :p 3\n")?;
                            continue;
                        }
                        (false, _) => {
                            self.say(
                                ":p N ticks a key point, at the grade prompt after a telling\n",
                            )?;
                            continue;
                        }
                    }
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
                _ => return Ok(line),
            };
            return Err(Stop::Command(command));
        }
    }

    fn summary_event(&self, due_tomorrow: u32) -> Event<'static> {
        Event::Summary {
            cards: self.summary.done,
            right: self.summary.right,
            wrong: self.summary.wrong,
            presented: self.summary.presented,
            seconds: self.started.elapsed().as_secs(),
            due_tomorrow,
        }
    }

    fn print_summary(&mut self) -> anyhow::Result<()> {
        let secs = self.started.elapsed().as_secs();
        let tomorrow = self.store.count_due_by(self.today.plus_days(1))?;
        let presented = match self.summary.presented {
            0 => String::new(),
            1 => " · 1 story presented".to_string(),
            n => format!(" · {n} stories presented"),
        };
        self.say(&format!(
            "\n{} {} card{} · {} right · {} wrong{presented} · {} · due tomorrow: {}\n",
            paint::bold("session:"),
            self.summary.done,
            if self.summary.done == 1 { "" } else { "s" },
            self.summary.right,
            self.summary.wrong,
            duration(secs),
            tomorrow
        ))?;
        self.event(&self.summary_event(tomorrow))
    }

    /// `--json`: writes an event.
    fn event(&mut self, event: &Event<'_>) -> anyhow::Result<()> {
        match self.events.as_deref_mut() {
            Some(out) => events::write(out, event),
            None => Ok(()),
        }
    }

    fn story_label(&self, key: &str) -> String {
        match self.by_key.get(key).and_then(|i| self.catalog.get(*i)) {
            Some(s) => format!("{} {}", s.number, sanitize(&s.title)),
            None => sanitize(key),
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
mod tests;
