//! Reading answers for `add` and `fill`: rustyline on a terminal, plain lines from piped stdin.

use anyhow::Context;
use std::collections::VecDeque;
use std::io::{BufRead, IsTerminal};

use crate::core::text::sanitize;

/// One reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Line(String),
    /// Ctrl-D on a terminal, or the end of piped input.
    Eof,
    /// Ctrl-C on a terminal.
    Interrupted,
}

enum Source {
    Terminal(Box<rustyline::DefaultEditor>),
    Piped {
        reader: Box<dyn BufRead>,
        line: usize,
    },
    Script(VecDeque<Reply>),
}

pub struct Input {
    source: Source,
}

impl Input {
    /// Standard input: rustyline when it is a terminal, lines otherwise.
    pub fn stdin() -> anyhow::Result<Input> {
        let source = if std::io::stdin().is_terminal() {
            let config = rustyline::Config::builder()
                .auto_add_history(true)
                .behavior(rustyline::Behavior::PreferTerm)
                .build();
            let editor = rustyline::DefaultEditor::with_config(config)
                .context("could not set up the terminal for input")?;
            Source::Terminal(Box::new(editor))
        } else {
            Source::Piped {
                reader: Box::new(std::io::BufReader::new(std::io::stdin())),
                line: 0,
            }
        };
        Ok(Input { source })
    }

    /// Replies from a list, for tests.
    pub fn script(replies: impl IntoIterator<Item = Reply>) -> Input {
        Input {
            source: Source::Script(replies.into_iter().collect()),
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.source, Source::Terminal(_))
    }

    /// Reads one line; on a terminal `prompt` is shown first (its text sanitized).
    pub fn line(&mut self, prompt: &str) -> anyhow::Result<Reply> {
        match &mut self.source {
            Source::Terminal(editor) => match editor.readline(&sanitize(prompt)) {
                Ok(line) => Ok(Reply::Line(line)),
                Err(rustyline::error::ReadlineError::Eof) => Ok(Reply::Eof),
                Err(rustyline::error::ReadlineError::Interrupted) => Ok(Reply::Interrupted),
                Err(e) => Err(e).context("could not read from the terminal"),
            },
            Source::Piped { reader, line } => {
                let mut bytes = Vec::new();
                let n = reader
                    .read_until(b'\n', &mut bytes)
                    .context("could not read standard input")?;
                if n == 0 {
                    return Ok(Reply::Eof);
                }
                *line += 1;
                if bytes.ends_with(b"\n") {
                    bytes.pop();
                    if bytes.ends_with(b"\r") {
                        bytes.pop();
                    }
                }
                let text = String::from_utf8(bytes)
                    .map_err(|_| anyhow::anyhow!("standard input line {line} is not UTF-8 text"))?;
                Ok(Reply::Line(text))
            }
            Source::Script(replies) => Ok(replies.pop_front().unwrap_or(Reply::Eof)),
        }
    }

    /// Lines up to an empty line (or the end of input), joined with newlines. None on Ctrl-C.
    pub fn lines(
        &mut self,
        first_prompt: &str,
        more_prompt: &str,
    ) -> anyhow::Result<Option<Vec<String>>> {
        let mut out = Vec::new();
        loop {
            let prompt = if out.is_empty() {
                first_prompt
            } else {
                more_prompt
            };
            match self.line(prompt)? {
                Reply::Interrupted => return Ok(None),
                Reply::Eof => return Ok(Some(out)),
                Reply::Line(l) if l.trim().is_empty() => return Ok(Some(out)),
                Reply::Line(l) => out.push(l),
            }
        }
    }

    /// A yes/no question; Enter gives `default`. Ctrl-C or the end of input is "no".
    pub fn confirm(&mut self, question: &str, default: bool) -> anyhow::Result<bool> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            match self.line(&format!("{question} {hint} "))? {
                Reply::Line(l) => match l.trim().to_lowercase().as_str() {
                    "" => return Ok(default),
                    "y" | "yes" => return Ok(true),
                    "n" | "no" => return Ok(false),
                    _ => continue,
                },
                Reply::Eof | Reply::Interrupted => return Ok(false),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_an_empty_line_or_the_end() {
        let mut input = Input::script([
            Reply::Line("a".into()),
            Reply::Line("b".into()),
            Reply::Line(" ".into()),
            Reply::Line("c".into()),
        ]);
        assert_eq!(
            input.lines("", "").unwrap(),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(input.lines("", "").unwrap(), Some(vec!["c".into()]));
        let mut input = Input::script([Reply::Line("x".into()), Reply::Interrupted]);
        assert_eq!(input.lines("", "").unwrap(), None);
        let mut input = Input::script([Reply::Line("maybe".into()), Reply::Line("".into())]);
        assert!(input.confirm("ok?", true).unwrap());
    }
}
