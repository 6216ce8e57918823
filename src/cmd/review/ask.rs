//! Showing a card and reading its answer, one asker per kind. Each ends with what the answer was
//! and the grade it suggests; a command typed instead comes back as `Stop::Command` through `?`.

use std::rc::Rc;
use std::time::Instant;

use super::events::Event;
use super::grade::{Answered, Judgement};
use super::{elapsed_ms, Asked, Session};
use crate::core::cloze;
use crate::core::judge::{self, Resolution};
use crate::core::model::{Card, CardKind};
use crate::core::pace;
use crate::core::queue::Queued;
use crate::core::text::sanitize;
use crate::paint;
use crate::prompt::{parse_ticks, Telling, MAX_ANSWER_CHARS};

impl Session<'_> {
    /// Shows the card's header and the card, and reads the answer.
    pub(super) fn answer(&mut self, queued: &Queued, card: &Card) -> Asked<Answered> {
        self.header(queued, card)?;
        let answered = match card.kind {
            CardKind::Match => self.ask_match(card),
            CardKind::Recall => self.ask_recall(card),
            CardKind::Cloze => self.ask_cloze(card),
            CardKind::Basic => self.ask_basic(card),
            CardKind::Followup => self.ask_followup(card),
        }?;
        let points = answered
            .judgement
            .as_ref()
            .map(Judgement::points)
            .unwrap_or_default();
        self.event(&Event::Judged {
            id: card.id.0,
            correct: answered.correct,
            answered_story: answered.answered_story.as_deref(),
            points: &points,
            suggested: answered.suggestion,
        })?;
        Ok(answered)
    }

    /// The line above every card: how many are left, which card, what kind.
    fn header(&mut self, queued: &Queued, card: &Card) -> anyhow::Result<()> {
        let left = self.queue.len() + 1;
        self.event(&Event::card(card, queued.present, queued.redrill, left))?;
        let tag = if queued.present {
            " · new story"
        } else if queued.redrill {
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
        ))
    }

    /// A new story, shown to be read before its questions come: its text, model answer and key
    /// points. Nothing is graded; its recall card is told on a later day.
    pub(super) fn present(&mut self, queued: &Queued, card: &Card) -> Asked<()> {
        self.header(queued, card)?;
        let (story, title) = self.story_of(card)?;
        self.say(&format!(
            "{} {}\n{}\n",
            paint::bold("A new story:"),
            sanitize(&title),
            paint::dimmed(&self.wrap(&format!("asked as: {}", card.front)))
        ))?;
        let mut text = String::new();
        if let Some(s) = &story {
            text.push_str(&self.model_answer(s));
            if !s.points.is_empty() {
                text.push_str(&format!("\n\n{}\n", points_heading(Some(s))));
                for p in &s.points {
                    text.push_str(&format!("  • {}\n", sanitize(judge::recall::shown(p))));
                }
            }
        } else {
            text.push_str(&self.wrap(&card.back));
        }
        self.say(&format!("\n{text}\n"))?;
        self.read("read it, then Enter (its questions follow; you tell it another day)> ")?;
        if let Some(key) = &card.story {
            self.store.present(key, self.today)?;
        }
        self.summary.presented += 1;
        self.event(&Event::Presented {
            id: card.id.0,
            story: card.story.as_deref(),
        })?;
        Ok(())
    }

    /// The card's story and the title it is shown by ("8 用 Redis 实现排行榜"; the card's key when
    /// it has no story).
    fn story_of(
        &self,
        card: &Card,
    ) -> anyhow::Result<(Option<crate::core::model::CatalogStory>, String)> {
        let story = match &card.story {
            Some(key) => self.store.story(key)?,
            None => None,
        };
        let title = story
            .as_ref()
            .map(|s| format!("{} {}", s.number, s.title))
            .unwrap_or_else(|| card.key.clone());
        Ok((story, title))
    }

    /// A story's text, its written model answer and its diagram, as shown after a telling.
    fn model_answer(&self, s: &crate::core::model::CatalogStory) -> String {
        let mut model = self.wrap(&s.text);
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
        model
    }

    fn ask_match(&mut self, card: &Card) -> Asked<Answered> {
        self.say(&format!(
            "{}\n{}\n",
            paint::bold("Which story fits?"),
            self.wrap(&card.front)
        ))?;
        // Read while the question is on screen: the user reads it, the catalog is ready before
        // the first key of the answer.
        self.need_catalog()?;
        let shown = Instant::now();
        let mut choices: Option<Vec<String>> = None;
        // Tab completion is for a person at a terminal: a piped session never builds the list.
        let completing = self.prompt.is_terminal();
        if completing {
            if self.completions.is_empty() {
                self.completions = self
                    .catalog
                    .iter()
                    .map(|s| format!("{} {}", s.number, sanitize(&s.title)))
                    .collect();
            }
            self.prompt.set_completions(self.completions.clone());
        }
        let named = self.read_story(card, &mut choices);
        if completing {
            self.prompt.set_completions(Rc::from([]));
        }
        let (text, story) = named?;
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
        // The story just named (when right) or the best fit was shown; the others follow, the
        // best fit first when a right answer was not it.
        let shown = match (correct, story.as_deref()) {
            (Some(true), Some(named)) => named,
            _ => best.as_str(),
        };
        if shown != best {
            self.say(&format!("best fit: {}\n", self.story_label(&best)))?;
        }
        let others: Vec<String> = card
            .answers
            .iter()
            .filter(|k| k.as_str() != shown && **k != best)
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
        self.tell_apart(card)?;
        let suggestion = judge::suggest_match(correct, ms as u64, choices.is_some());
        Ok(Answered {
            answer: text.trim().to_string(),
            answered_story: story,
            correct,
            suggestion: Some(suggestion),
            ms,
            judgement: None,
        })
    }

    /// `--confused`: after a question of a confused pair, one line on how to tell the two apart.
    fn tell_apart(&mut self, card: &Card) -> anyhow::Result<()> {
        let Some(story) = card.story.as_deref() else {
            return Ok(());
        };
        let Some((a, b)) = self
            .selection
            .pairs
            .iter()
            .find(|(a, b)| a == story || b == story)
            .cloned()
        else {
            return Ok(());
        };
        let hint = |key: &str| {
            let why = self
                .selection
                .hints
                .get(key)
                .map(String::as_str)
                .unwrap_or("");
            format!("{}: {}", self.story_label(key), sanitize(why))
        };
        let line = format!("tell apart: {} · {}", hint(&a), hint(&b));
        self.say(&format!("{}\n", paint::yellow(&self.wrap(&line))))
    }

    /// Reads answers until one names a story or says "I don't know" (None); `?` shows four choices.
    fn read_story(
        &mut self,
        card: &Card,
        choices: &mut Option<Vec<String>>,
    ) -> Asked<(String, Option<String>)> {
        loop {
            let text = self.read("story> ")?;
            let trimmed = text.trim();
            if trimmed == "?" {
                if choices.is_none() {
                    *choices = Some(self.choices_for(card));
                }
                self.print_choices(choices.as_deref().unwrap_or_default())?;
                continue;
            }
            let picked = choices
                .as_ref()
                .and_then(|c| choice_index(trimmed).and_then(|i| c.get(i).cloned()));
            let mut resolution = match picked {
                Some(key) => Resolution::Story(key),
                None => self.matcher.resolve(trimmed, &self.catalog, &self.synonyms),
            };
            if matches!(resolution, Resolution::Unknown { .. }) {
                if let Some(key) =
                    judge::resolve_by_points(trimmed, &self.store.story_points()?, &self.synonyms)
                {
                    resolution = Resolution::Story(key);
                }
            }
            match resolution {
                Resolution::Ambiguous(keys) => {
                    let list: Vec<String> = keys.iter().map(|k| self.story_label(k)).collect();
                    self.say(&format!("which one? {}\n", list.join(" · ")))?;
                }
                Resolution::Unknown { suggestions } => {
                    let guess = match suggestions.as_slice() {
                        [] => String::new(),
                        keys => format!(
                            "did you mean {}? ",
                            keys.iter()
                                .map(|k| self.story_label(k))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    };
                    self.say(&format!(
                        "no story matches “{}”: {guess}type a number, part of a title, ? for choices, or Enter if you don't know\n",
                        sanitize(trimmed)
                    ))?;
                }
                Resolution::DontKnow => return Ok((text, None)),
                Resolution::Story(key) => return Ok((text, Some(key))),
            }
        }
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

    fn ask_recall(&mut self, card: &Card) -> Asked<Answered> {
        let (story, title) = self.story_of(card)?;
        let short = story
            .as_ref()
            .and_then(|s| s.short.as_deref())
            .filter(|_| self.args.short);
        let (heading, model) = match (short, &story) {
            (Some(short), _) => (
                "Tell it in 30 seconds:",
                format!(
                    "{}\n{}",
                    paint::dimmed("(30-second version written by storydrill)"),
                    self.wrap(short)
                ),
            ),
            (None, Some(s)) => ("Tell the story:", self.model_answer(s)),
            (None, None) => ("Tell the story:", self.wrap(&card.back)),
        };
        let points = story.as_ref().map(|s| s.points.clone()).unwrap_or_default();
        self.tell(
            card,
            Told {
                heading: format!("{} {}", paint::bold(heading), sanitize(&title)),
                model,
                points,
                points_heading: points_heading(story.as_ref()),
                rivals: true,
                share: 1,
            },
        )
    }

    /// A follow-up (追问): answered like a telling, judged by its own key points, in half a
    /// telling's time when timed. A telling of another story is not looked for: a follow-up's
    /// answer may well go beyond its story.
    fn ask_followup(&mut self, card: &Card) -> Asked<Answered> {
        let (_, title) = self.story_of(card)?;
        let mut model = self.wrap(&card.back);
        if let Some(why) = &card.why {
            model.push_str(&format!(
                "\n{}",
                paint::dimmed(&self.wrap(&format!("what it probes: {why}")))
            ));
        }
        self.tell(
            card,
            Told {
                heading: format!(
                    "{} {}",
                    paint::bold("Follow-up (追问) on"),
                    sanitize(&title)
                ),
                model,
                points: card.points.clone(),
                points_heading: points_heading(None),
                rivals: false,
                share: 2,
            },
        )
    }

    /// Reads a telling (typed, or told aloud and ticked from a checklist), shows the model answer
    /// and judges the key points.
    fn tell(&mut self, card: &Card, told_card: Told) -> Asked<Answered> {
        let Told {
            heading,
            model,
            points,
            points_heading,
            rivals,
            share,
        } = told_card;
        self.say(&format!(
            "{heading}\n{}\n{}\n",
            self.wrap(&card.front),
            paint::dimmed(
                "type your telling (an empty line ends it), or press Enter now to tell it aloud"
            )
        ))?;
        let timed = self.args.timed.map(|s| match s {
            0 => self.settings.telling_seconds,
            s => s,
        });
        let timed = timed.map(|s| (s / share).max(1));
        if let Some(limit) = timed {
            self.say(&format!(
                "{}\n",
                paint::dimmed(&format!(
                    "you have {} (press Enter when done if you tell it aloud)",
                    pace::clock(limit.into())
                ))
            ))?;
        }
        let shown = Instant::now();
        let mut lines = Telling::default();
        loop {
            // Timed: the time left at each line.
            let prompt = pace::line_prompt(timed, elapsed_ms(shown) as u64, lines.is_empty());
            let line = self.read(&prompt)?;
            if line.trim().is_empty() {
                break;
            }
            if !lines.take(line) {
                self.say(&format!(
                    "a telling is at most {MAX_ANSWER_CHARS} characters; that line was not taken (an empty line ends the telling)\n"
                ))?;
            }
        }
        let told = lines.chars();
        let ms = elapsed_ms(shown);
        let telling = lines.text();
        if let Some(limit) = timed {
            let p = pace::pace(told, ms as u64, limit);
            let mut line = match p.per_minute {
                Some(pm) => format!(
                    "told in {} · {pm} characters a minute",
                    pace::clock(p.seconds)
                ),
                None => format!("told aloud in {}", pace::clock(p.seconds)),
            };
            if let Some(over) = p.over {
                line.push_str(&format!(
                    " · {} over your {}: an interviewer's attention fades after about two minutes, so lead with the result",
                    pace::clock(over),
                    pace::clock(limit.into())
                ));
            }
            self.say(&format!("{}\n", paint::yellow(&line)))?;
        }
        self.say(&format!("\n{}\n{model}\n", paint::cyan("model answer")))?;
        let judgement = if points.is_empty() {
            None
        } else if telling.trim().is_empty() {
            Some(self.checklist(card, points, &points_heading)?)
        } else {
            let synonyms = match &card.story {
                Some(key) => self.store.synonyms_for_story(key)?,
                None => Default::default(),
            };
            let mut verdict = judge::Verdict::of(&telling, &points, &synonyms);
            if let (true, true, Some(key)) = (rivals, verdict.may_tell_another(), &card.story) {
                let rivals = self.store.rival_points(key, judge::RIVALS)?;
                verdict.against(&telling, &rivals, &synonyms);
            }
            let mut list = String::new();
            for (i, (text, j)) in points.iter().zip(&verdict.points).enumerate() {
                list.push_str(&crate::cmd::check::point_line(i + 1, text, j));
            }
            let covered = verdict.covered().iter().filter(|c| **c).count();
            let contradicted = match verdict.contradicted() {
                0 => String::new(),
                n => format!(", {n} contradicted"),
            };
            self.say(&format!(
                "\n{}\n{list}covered {covered} of {} key points{contradicted}\n",
                points_heading,
                points.len()
            ))?;
            if let Some(other) = &verdict.instead {
                let line = crate::cmd::check::instead_text(self.store, other)?;
                self.say(&format!("{line}\n"))?;
            }
            Some(Judgement {
                texts: points,
                judged: Some(verdict.covered()),
                verdict,
            })
        };
        Ok(Answered {
            answer: telling,
            answered_story: None,
            correct: None,
            suggestion: judgement.as_ref().map(|j| j.verdict.suggested()),
            ms,
            judgement,
        })
    }

    /// A telling told aloud: the key points as a checklist, and the ones the user says they said.
    fn checklist(&mut self, card: &Card, points: Vec<String>, heading: &str) -> Asked<Judgement> {
        let shown: Vec<String> = points
            .iter()
            .map(|p| judge::recall::shown(p).to_string())
            .collect();
        self.event(&Event::Checklist {
            id: card.id.0,
            points: &shown,
        })?;
        let mut list = String::new();
        for (i, p) in points.iter().enumerate() {
            list.push_str(&format!(
                "  {:>2} ☐ {}\n",
                i + 1,
                sanitize(judge::recall::shown(p))
            ));
        }
        self.say(&format!("\n{heading}\n{list}"))?;
        let mut verdict = judge::Verdict::spoken(points.len());
        loop {
            let typed = self.read("which did you say? (numbers, e.g. 1 3 4; Enter: none)> ")?;
            match parse_ticks(&typed, points.len()) {
                Ok(ticked) => {
                    for i in ticked {
                        verdict.toggle(i);
                    }
                    break;
                }
                Err(message) => self.say(&format!("{message}\n"))?,
            }
        }
        let covered = verdict.covered().iter().filter(|c| **c).count();
        self.say(&format!("said {covered} of {} key points\n", points.len()))?;
        Ok(Judgement {
            texts: points,
            verdict,
            judged: None,
        })
    }

    fn ask_cloze(&mut self, card: &Card) -> Asked<Answered> {
        let number = cloze::asked_number(&card.front);
        self.say(&format!(
            "{}\n{}\n",
            paint::bold("Fill the blank:"),
            self.wrap(&cloze::question(&card.front, number))
        ))?;
        let shown = Instant::now();
        let typed = self.read("blank> ")?;
        let ms = elapsed_ms(shown);
        let expected = cloze::answers(&card.front, number);
        let synonyms = match &card.story {
            Some(key) => self.store.synonyms_for_story(key)?,
            None => {
                self.need_catalog()?;
                self.synonyms.clone()
            }
        };
        let correct = cloze::is_correct(&typed, &expected, &synonyms);
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
        Ok(Answered {
            answer: typed.trim().to_string(),
            answered_story: None,
            correct: Some(correct),
            suggestion: Some(suggestion),
            ms,
            judgement: None,
        })
    }

    fn ask_basic(&mut self, card: &Card) -> Asked<Answered> {
        self.say(&format!("{}\n", self.wrap(&card.front)))?;
        let shown = Instant::now();
        let typed = self.read("(Enter shows the answer) ")?;
        let ms = elapsed_ms(shown);
        self.say(&format!(
            "{}\n{}\n",
            paint::cyan("answer"),
            self.wrap(&card.back)
        ))?;
        Ok(Answered {
            answer: typed.trim().to_string(),
            answered_story: None,
            correct: None,
            suggestion: None,
            ms,
            judgement: None,
        })
    }
}

/// "key points", and who wrote them when the story's text is the document's but its key points
/// are not.
fn points_heading(story: Option<&crate::core::model::CatalogStory>) -> String {
    use crate::core::deck::Source;
    let written =
        story.is_some_and(|s| s.source == Source::Seed && s.points_source == Source::Written);
    if written {
        format!(
            "{} {}",
            paint::cyan("key points"),
            paint::dimmed("(written by storydrill)")
        )
    } else {
        paint::cyan("key points")
    }
}

/// What a telling is asked and judged with.
struct Told {
    heading: String,
    /// Shown after the telling.
    model: String,
    points: Vec<String>,
    /// The line above them.
    points_heading: String,
    /// Whether to look for a telling of another story.
    rivals: bool,
    /// The share of the telling time it gets (2: half).
    share: u32,
}

/// `a`–`d`: which of the four choices.
pub(super) fn choice_index(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let c = chars.next()?.to_ascii_lowercase();
    if chars.next().is_some() || !('a'..='d').contains(&c) {
        return None;
    }
    Some(c as usize - 'a' as usize)
}
