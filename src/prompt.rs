//! The one input layer: every command that asks the user something asks through `Prompt` — a line,
//! several lines, a yes/no, a choice. Three implementations: rustyline on a terminal (line editing,
//! history, Tab completion of story titles, Ctrl-C clears the line), plain lines from piped stdin
//! (echoed to the caller's writer, so a transcript reads like a session), and a script in tests.
//!
//! One UTF-8 policy: a piped line that is not UTF-8 is read with U+FFFD for the bad bytes.

use rustyline::completion::{Completer, Pair};
use rustyline::config::{Behavior, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{
    Cmd, ConditionalEventHandler, Editor, Event, EventContext, EventHandler, KeyEvent, Movement,
    RepeatCount,
};
use std::io::{BufRead, IsTerminal, Write};
use std::rc::Rc;

use crate::core::text::{fold, sanitize};

/// One read from the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    /// Ctrl-C on an empty line.
    Interrupted,
    /// Ctrl-D, end of piped input, or a closed terminal.
    Eof,
}

/// Most bytes of one piped line that are kept: enough for any answer the session takes (see
/// `MAX_ANSWER_CHARS`: 10,000 characters are at most 40,000 bytes), so a line longer than this is
/// refused there, and reading it costs no more memory than this.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Most characters an answer at a prompt may have.
pub const MAX_ANSWER_CHARS: usize = 10_000;

/// A telling's lines as they are read, `MAX_ANSWER_CHARS` at most in all.
#[derive(Debug, Default)]
pub struct Telling {
    lines: Vec<String>,
    chars: usize,
}

impl Telling {
    /// Adds a line; false, leaving it out, when it would take the telling past
    /// `MAX_ANSWER_CHARS`.
    pub fn take(&mut self, line: String) -> bool {
        let n = line.chars().count();
        if self.chars + n > MAX_ANSWER_CHARS {
            return false;
        }
        self.chars += n;
        self.lines.push(line);
        true
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Its characters (the pace is counted in them).
    pub fn chars(&self) -> usize {
        self.chars
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// Where answers come from.
pub trait Prompt {
    /// Shows `prompt` and reads one line. A piped prompt writes the prompt and the line it read to
    /// `transcript`; a terminal shows them itself.
    fn read(&mut self, prompt: &str, transcript: &mut dyn Write) -> anyhow::Result<Input>;

    /// Offer these completions (story titles) at the next reads; empty turns completion off.
    /// Shared, not copied: a catalog may hold thousands of titles.
    fn set_completions(&mut self, _candidates: Rc<[String]>) {}

    /// Whether a person at a terminal is answering (timings and confirmations make sense).
    fn is_terminal(&self) -> bool;

    /// Lines up to an empty line or the end of input. None on Ctrl-C.
    fn lines(
        &mut self,
        first_prompt: &str,
        more_prompt: &str,
        transcript: &mut dyn Write,
    ) -> anyhow::Result<Option<Vec<String>>> {
        let mut out = Vec::new();
        loop {
            let prompt = if out.is_empty() {
                first_prompt
            } else {
                more_prompt
            };
            match self.read(prompt, transcript)? {
                Input::Interrupted => return Ok(None),
                Input::Eof => return Ok(Some(out)),
                Input::Line(l) if l.trim().is_empty() => return Ok(Some(out)),
                Input::Line(l) => out.push(l),
            }
        }
    }

    /// A yes/no question; Enter gives `default`. Ctrl-C or the end of input is "no".
    fn confirm(
        &mut self,
        question: &str,
        default: bool,
        transcript: &mut dyn Write,
    ) -> anyhow::Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            match self.read(&format!("{} {hint} ", sanitize(question)), transcript)? {
                Input::Line(l) => match l.trim().to_lowercase().as_str() {
                    "" => return Ok(default),
                    "y" | "yes" => return Ok(true),
                    "n" | "no" => return Ok(false),
                    _ => continue,
                },
                Input::Eof | Input::Interrupted => return Ok(false),
            }
        }
    }

    /// One of `options`, by its number (1, 2, …); None on Ctrl-C or the end of input.
    fn choice(
        &mut self,
        question: &str,
        options: &[String],
        transcript: &mut dyn Write,
    ) -> anyhow::Result<Option<usize>> {
        let mut menu = format!("{}\n", sanitize(question));
        for (i, option) in options.iter().enumerate() {
            menu.push_str(&format!("  {}) {}\n", i + 1, sanitize(option)));
        }
        transcript.write_all(menu.as_bytes())?;
        loop {
            match self.read(&format!("1-{}> ", options.len()), transcript)? {
                Input::Line(l) => {
                    if let Some(n) = l
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=options.len()).contains(n))
                    {
                        return Ok(Some(n - 1));
                    }
                }
                Input::Eof | Input::Interrupted => return Ok(None),
            }
        }
    }
}

/// Standard input: rustyline when it is a terminal, plain lines otherwise.
pub fn stdin() -> anyhow::Result<Box<dyn Prompt>> {
    if std::io::stdin().is_terminal() {
        Ok(Box::new(TerminalPrompt::new()?))
    } else {
        Ok(Box::new(LinePrompt {
            input: Box::new(std::io::stdin().lock()),
        }))
    }
}

pub struct TerminalPrompt {
    editor: Editor<StoryCompleter, DefaultHistory>,
}

impl TerminalPrompt {
    pub fn new() -> anyhow::Result<TerminalPrompt> {
        // Prompts go to the terminal itself when standard output is redirected (`--json > file`).
        let behavior = if std::io::stdout().is_terminal() {
            Behavior::Stdio
        } else {
            Behavior::PreferTerm
        };
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(true)
            .behavior(behavior)
            .build();
        let mut editor = Editor::with_config(config)?;
        editor.set_helper(Some(StoryCompleter::default()));
        editor.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(ClearOrInterrupt)),
        );
        Ok(TerminalPrompt { editor })
    }
}

impl Prompt for TerminalPrompt {
    fn read(&mut self, prompt: &str, _transcript: &mut dyn Write) -> anyhow::Result<Input> {
        match self.editor.readline(&sanitize(prompt)) {
            Ok(line) => Ok(Input::Line(line)),
            Err(ReadlineError::Interrupted) => Ok(Input::Interrupted),
            Err(ReadlineError::Eof) => Ok(Input::Eof),
            // A closed terminal (SIGHUP, EIO) is a way of leaving, not a crash.
            Err(ReadlineError::Io(_)) => Ok(Input::Eof),
            Err(e) => Err(e.into()),
        }
    }

    fn set_completions(&mut self, candidates: Rc<[String]>) {
        if let Some(helper) = self.editor.helper_mut() {
            helper.candidates = candidates;
        }
    }

    fn is_terminal(&self) -> bool {
        true
    }
}

/// Ctrl-C clears a line that has text; on an empty line it interrupts (quits the session).
struct ClearOrInterrupt;

impl ConditionalEventHandler for ClearOrInterrupt {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext<'_>) -> Option<Cmd> {
        if ctx.line().is_empty() {
            Some(Cmd::Interrupt)
        } else {
            Some(Cmd::Kill(Movement::WholeLine))
        }
    }
}

/// Completes story titles from any fragment of them (or the start of a number).
#[derive(Default)]
pub struct StoryCompleter {
    candidates: Rc<[String]>,
}

impl StoryCompleter {
    pub fn matches(&self, typed: &str) -> Vec<String> {
        let typed = typed.trim();
        if typed.is_empty() {
            return self.candidates.to_vec();
        }
        let folded = fold(typed);
        self.candidates
            .iter()
            .filter(|c| c.starts_with(typed) || (!folded.is_empty() && fold(c).contains(&folded)))
            .cloned()
            .collect()
    }
}

impl Completer for StoryCompleter {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if self.candidates.is_empty() || line.starts_with(':') {
            return Ok((0, Vec::new()));
        }
        let found = self
            .matches(line.get(..pos).unwrap_or(line))
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((0, found))
    }
}

impl Hinter for StoryCompleter {
    type Hint = String;
}
impl Highlighter for StoryCompleter {}
impl Validator for StoryCompleter {}
impl rustyline::Helper for StoryCompleter {}

/// Reads one line, keeping at most `MAX_LINE_BYTES` of it; the rest of a longer line is read and
/// dropped. Returns the bytes read in all (0 at the end of the input).
fn read_bounded_line(input: &mut dyn BufRead, bytes: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(total);
        }
        let (taken, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..taken.min(room)]);
        input.consume(taken);
        total += taken;
        if done {
            return Ok(total);
        }
    }
}

/// Piped stdin: one line per read.
pub struct LinePrompt {
    pub input: Box<dyn BufRead>,
}

impl Prompt for LinePrompt {
    fn read(&mut self, prompt: &str, transcript: &mut dyn Write) -> anyhow::Result<Input> {
        let mut bytes = Vec::new();
        let read = read_bounded_line(self.input.as_mut(), &mut bytes)?;
        if read == 0 {
            return Ok(Input::Eof);
        }
        let line = String::from_utf8_lossy(&bytes)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        // The echo is for a transcript; what was piped in must not drive the terminal either.
        let _ = writeln!(transcript, "{}{}", sanitize(prompt), sanitize(&line));
        Ok(Input::Line(line))
    }

    fn is_terminal(&self) -> bool {
        false
    }
}

/// Answers from a list, for unit tests.
pub struct ScriptPrompt {
    pub lines: std::collections::VecDeque<Input>,
    /// Answer as a person at a terminal would (commands then offer what they offer people).
    pub terminal: bool,
}

impl ScriptPrompt {
    pub fn new(lines: &[&str]) -> ScriptPrompt {
        ScriptPrompt {
            lines: lines.iter().map(|l| Input::Line(l.to_string())).collect(),
            terminal: false,
        }
    }
}

impl Prompt for ScriptPrompt {
    fn read(&mut self, _prompt: &str, _transcript: &mut dyn Write) -> anyhow::Result<Input> {
        Ok(self.lines.pop_front().unwrap_or(Input::Eof))
    }

    fn is_terminal(&self) -> bool {
        self.terminal
    }
}

/// The points ticked in a checklist answer ("1 3 4", "1,3", "1-3", "all"), from 0; each once.
pub fn parse_ticks(typed: &str, total: usize) -> Result<Vec<usize>, String> {
    let typed = typed.trim();
    if typed.eq_ignore_ascii_case("all") || typed == "*" {
        return Ok((0..total).collect());
    }
    let mut ticked = Vec::new();
    for part in typed
        .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
        .filter(|p| !p.is_empty())
    {
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (a, b),
            None => (part, part),
        };
        let number = |s: &str| -> Result<usize, String> {
            match s.trim().parse::<usize>() {
                Ok(n) if (1..=total).contains(&n) => Ok(n),
                _ => Err(format!(
                    "“{}” is not a key point: type numbers from 1 to {total}, e.g. 1 3 4, or all",
                    sanitize(part)
                )),
            }
        };
        let (from, to) = (number(from)?, number(to)?);
        for n in from.min(to)..=from.max(to) {
            if !ticked.contains(&(n - 1)) {
                ticked.push(n - 1);
            }
        }
    }
    Ok(ticked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_matches_fragments_and_numbers() {
        let c = StoryCompleter {
            candidates: vec![
                "8 用 Redis 实现排行榜".to_string(),
                "9 用 Redis 做限流、抢号".into(),
                "18 使用消息队列做业务解耦".into(),
            ]
            .into(),
        };
        assert_eq!(c.matches("排行"), vec!["8 用 Redis 实现排行榜".to_string()]);
        assert_eq!(c.matches("redis").len(), 2);
        assert_eq!(
            c.matches("1"),
            vec!["18 使用消息队列做业务解耦".to_string()]
        );
        assert!(c.matches("kafka").is_empty());
    }

    #[test]
    fn a_very_long_piped_line_is_kept_only_in_part() {
        let text = format!("{}\nnext\n", "x".repeat(MAX_LINE_BYTES * 3));
        let mut p = LinePrompt {
            input: Box::new(std::io::Cursor::new(text)),
        };
        match p.read("", &mut std::io::sink()).unwrap() {
            Input::Line(l) => assert_eq!(l.len(), MAX_LINE_BYTES),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            p.read("", &mut std::io::sink()).unwrap(),
            Input::Line("next".into())
        );
    }

    #[test]
    fn piped_lines_end_with_eof_and_are_echoed_clean() {
        let mut p = LinePrompt {
            input: Box::new(std::io::Cursor::new(b"a\n\nb\xff\x1b[2J".to_vec())),
        };
        let mut out = Vec::new();
        assert_eq!(p.read("> ", &mut out).unwrap(), Input::Line("a".into()));
        assert_eq!(p.read("> ", &mut out).unwrap(), Input::Line("".into()));
        assert_eq!(
            p.read("> ", &mut out).unwrap(),
            Input::Line("b\u{fffd}\u{1b}[2J".into())
        );
        assert_eq!(p.read("> ", &mut out).unwrap(), Input::Eof);
        assert_eq!(String::from_utf8(out).unwrap(), "> a\n> \n> b\u{fffd}\n");
    }

    #[test]
    fn lines_confirm_and_choice() {
        let mut p = ScriptPrompt::new(&["a", "b", " ", "c"]);
        let sink = &mut std::io::sink();
        assert_eq!(
            p.lines("", "", sink).unwrap(),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(p.lines("", "", sink).unwrap(), Some(vec!["c".into()]));
        let mut p = ScriptPrompt {
            lines: [Input::Line("x".into()), Input::Interrupted].into(),
            terminal: false,
        };
        assert_eq!(p.lines("", "", sink).unwrap(), None);
        let mut p = ScriptPrompt::new(&["maybe", ""]);
        assert!(p.confirm("ok?", true, sink).unwrap());
        let mut p = ScriptPrompt::new(&["9", "two", "2"]);
        let options = vec!["first".to_string(), "second".to_string()];
        let mut shown = Vec::new();
        assert_eq!(p.choice("which?", &options, &mut shown).unwrap(), Some(1));
        assert!(String::from_utf8(shown).unwrap().contains("  2) second"));
    }
}

#[cfg(test)]
mod tick_tests {
    use super::parse_ticks;

    #[test]
    fn a_telling_takes_lines_up_to_its_limit() {
        let mut t = super::Telling::default();
        assert!(t.is_empty());
        assert!(t.take("第一行".into()));
        assert!(!t.take("长".repeat(super::MAX_ANSWER_CHARS)));
        assert!(t.take("second".into()));
        assert_eq!((t.chars(), t.text()), (9, "第一行\nsecond".to_string()));
    }

    #[test]
    fn checklist_answers() {
        assert_eq!(parse_ticks("1 3 4", 5), Ok(vec![0, 2, 3]));
        assert_eq!(parse_ticks("1,3，2-3", 5), Ok(vec![0, 2, 1]));
        assert_eq!(parse_ticks("", 5), Ok(vec![]));
        assert_eq!(parse_ticks("all", 3), Ok(vec![0, 1, 2]));
        assert!(parse_ticks("6", 5).is_err());
        assert!(parse_ticks("x", 5).is_err());
        assert!(parse_ticks("0", 5).is_err());
    }
}
