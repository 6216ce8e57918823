//! `storydrill [review]`: the daily session. This file is the loop — build the queue, show cards
//! until it is empty, the limit or a quit, undo, and the summary; `ask` shows a card of each kind
//! and reads the answer; `grade` reads the grade and commits it before the next card shows. The
//! rules of what comes next are `core::queue`'s.

mod ask;
mod grade;

use anyhow::Context;
use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::ReviewArgs;
use crate::clock::Clock;
use crate::cmd::Ctx;
use crate::core::judge::CatalogEntry;
use crate::core::model::Card;
use crate::core::queue::{self, Filter, Queued, Rng};
use crate::core::text::{sanitize, wrap};
use crate::core::types::{Quality, StudyDay};
use crate::edit::EditOutcome;
use crate::paint;
use crate::prompt::{self, Input, Prompt, MAX_ANSWER_CHARS};
use crate::settings::Settings;
use crate::store::Store;

pub const SEED_VAR: &str = "STORYDRILL_SEED";

pub fn run(ctx: &mut Ctx, args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let seed = seed_from_env()?;
    let mut input = prompt::stdin()?;
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

/// A command typed at any prompt of the session instead of an answer: it interrupts the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interrupt {
    Undo,
    Skip,
    Edit,
    Quit,
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
  :h  this help
answers: a story number, or part of a title or alias (Tab completes); ? for four choices;
         Enter alone means \"I don't know\" (match) or reveals the answer (others).
grades:  Enter takes the suggestion; 0-5 gives your own.";

/// How one card's turn ended.
enum Step {
    Graded,
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
    queue: VecDeque<Queued>,
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
            store.require_deck(deck)?;
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

    fn filter(&self) -> Filter {
        Filter {
            deck: self.args.deck.clone(),
            kind: self.args.kind,
        }
    }

    /// Builds the queue: the store reads what is due and new today and what was done today; the
    /// rules of `core::queue` decide what comes, and in which order.
    fn build_queue(&mut self, seed: u64) -> anyhow::Result<()> {
        let filter = self.filter();
        if self.args.cram {
            let candidates = self.store.cram_candidates(&filter)?;
            self.queue = queue::cram(&candidates, seed);
            return Ok(());
        }
        let mut done = queue::done_today(&self.store.answers_on(self.today)?);
        // Re-drills owed from earlier today obey this session's filters and `:s` (skip) too.
        let mut owed = Vec::with_capacity(done.pending_redrills.len());
        for (id, story) in std::mem::take(&mut done.pending_redrills) {
            if queue::may_show(&self.store.card_by_id(id)?, self.today, &filter) {
                owed.push((id, story));
            }
        }
        done.pending_redrills = owed;
        let limits = queue::limits(
            self.args.new,
            self.settings.new_per_day,
            self.settings.reviews_per_day,
            &done,
        );
        let (due_rows, new_rows) = queue::candidates_to_read(limits, &done);
        let (due, new) = self
            .store
            .session_candidates(self.today, &filter, due_rows, new_rows)?;
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
        loop {
            if self
                .args
                .limit
                .is_some_and(|limit| self.summary.done >= limit)
            {
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
                    "Stopped after {} card{} (--limit).\n",
                    self.summary.done,
                    if self.summary.done == 1 { "" } else { "s" }
                ))?;
                break;
            }
            let Some(queued) = queue::next(&mut self.queue, self.last_story.as_deref()) else {
                self.say(&format!("\n{}\n", paint::green("All done for today.")))?;
                break;
            };
            match self.turn(&queued)? {
                Step::Graded => self.last_story = queued.story.clone(),
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

    /// One card's turn: show it, read the answer and the grade, commit the grade. A command typed
    /// at any of its prompts comes here as `Stop::Command`.
    fn turn(&mut self, queued: &Queued) -> anyhow::Result<Step> {
        let card = self.store.card_by_id(queued.id)?;
        let result = self
            .answer(queued, &card)
            .and_then(|answered| Ok((self.ask_grade(&card, answered.suggestion)?, answered)));
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
                self.say("skipped until tomorrow\n")?;
                Ok(Step::Again)
            }
            Interrupt::Undo => {
                self.undo_last(Some(queued))?;
                Ok(Step::Again)
            }
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
        // The card on screen goes back too, unless it is the re-drill the undone grade
        // queued: that card is asked again now, and asking it twice more would be wrong.
        if let Some(queued) = current.filter(|e| !(e.redrill && e.id == last.queued.id)) {
            self.queue.push_front(queued.clone());
        }
        self.queue.push_front(last.queued.clone());
        self.last_story = None;
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
        self.load_catalog()?;
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
