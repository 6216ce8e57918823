//! Reading answers: rustyline on a terminal (line editing, history, Tab completion of story titles,
//! Ctrl-C clears the line), plain lines from piped stdin, or a script in tests.

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

use crate::core::text::fold;

/// One read from the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    /// Ctrl-C on an empty line.
    Interrupted,
    /// Ctrl-D, end of piped input, or a closed terminal.
    Eof,
}

/// Where answers come from.
pub trait Prompt {
    fn read(&mut self, prompt: &str) -> anyhow::Result<Input>;
    /// Offer these completions (story titles) at the next reads; empty turns completion off.
    fn set_completions(&mut self, _candidates: Vec<String>) {}
    /// Whether a person at a terminal is answering (timings and confirmations make sense).
    fn is_terminal(&self) -> bool;
}

/// Picks rustyline on a terminal, plain lines otherwise.
pub fn for_stdin() -> anyhow::Result<Box<dyn Prompt>> {
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
    fn read(&mut self, prompt: &str) -> anyhow::Result<Input> {
        match self.editor.readline(prompt) {
            Ok(line) => Ok(Input::Line(line)),
            Err(ReadlineError::Interrupted) => Ok(Input::Interrupted),
            Err(ReadlineError::Eof) => Ok(Input::Eof),
            // A closed terminal (SIGHUP, EIO) is a way of leaving, not a crash.
            Err(ReadlineError::Io(_)) => Ok(Input::Eof),
            Err(e) => Err(e.into()),
        }
    }

    fn set_completions(&mut self, candidates: Vec<String>) {
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
    candidates: Vec<String>,
}

impl StoryCompleter {
    pub fn matches(&self, typed: &str) -> Vec<String> {
        let typed = typed.trim();
        if typed.is_empty() {
            return self.candidates.clone();
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

/// Piped stdin: one line per read, echoed after the prompt so a transcript reads like a session.
pub struct LinePrompt {
    pub input: Box<dyn BufRead>,
}

/// Most bytes of one piped line that are kept: enough for any answer the session takes (see
/// `MAX_ANSWER_CHARS`: 10,000 characters are at most 40,000 bytes), so a line longer than this is
/// refused there, and reading it costs no more memory than this.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Most characters an answer at a prompt may have.
pub const MAX_ANSWER_CHARS: usize = 10_000;

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

impl Prompt for LinePrompt {
    fn read(&mut self, prompt: &str) -> anyhow::Result<Input> {
        let mut bytes = Vec::new();
        let read = read_bounded_line(self.input.as_mut(), &mut bytes)?;
        if read == 0 {
            return Ok(Input::Eof);
        }
        let line = String::from_utf8_lossy(&bytes)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        let mut out = std::io::stdout().lock();
        // The echo is for a transcript; what was piped in must not drive the terminal either.
        let _ = writeln!(out, "{prompt}{}", crate::core::text::sanitize(&line));
        Ok(Input::Line(line))
    }

    fn is_terminal(&self) -> bool {
        false
    }
}

/// Answers from a list, for unit tests of the session.
pub struct ScriptPrompt {
    pub lines: std::collections::VecDeque<Input>,
    /// Answer as a person at a terminal would (the session then offers what it offers people).
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
    fn read(&mut self, _prompt: &str) -> anyhow::Result<Input> {
        Ok(self.lines.pop_front().unwrap_or(Input::Eof))
    }

    fn is_terminal(&self) -> bool {
        self.terminal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_matches_fragments_and_numbers() {
        let c = StoryCompleter {
            candidates: vec![
                "8 用 Redis 实现排行榜".into(),
                "9 用 Redis 做限流、抢号".into(),
                "18 使用消息队列做业务解耦".into(),
            ],
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
        match p.read("").unwrap() {
            Input::Line(l) => assert_eq!(l.len(), MAX_LINE_BYTES),
            other => panic!("{other:?}"),
        }
        assert_eq!(p.read("").unwrap(), Input::Line("next".into()));
    }

    #[test]
    fn piped_lines_end_with_eof() {
        let mut p = LinePrompt {
            input: Box::new(std::io::Cursor::new("a\n\nb")),
        };
        assert_eq!(p.read("").unwrap(), Input::Line("a".into()));
        assert_eq!(p.read("").unwrap(), Input::Line("".into()));
        assert_eq!(p.read("").unwrap(), Input::Line("b".into()));
        assert_eq!(p.read("").unwrap(), Input::Eof);
    }
}
