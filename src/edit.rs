//! Editing one card in `$EDITOR` as deck TOML: the card's entry (a story for a recall card, the
//! filled answers for a card made by `fill`) is written to a temporary file, checked on save with
//! the deck file's rules, and stored by its key, so the review history stays. `storydrill edit` and
//! the review session's `:e` both use `edit_card`.

use anyhow::{bail, Context};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::core::deck::{self, Deck};
use crate::core::model::{Card, CardKind};
use crate::store::Store;

/// Lets the user change a file.
pub trait Editor {
    /// Opens `path` and returns when the user is done with it.
    fn open(&self, path: &Path) -> anyhow::Result<()>;
    /// The saved text was refused for `problem`: show it; true to open the file again, false to give up.
    fn reopen(&self, problem: &str) -> anyhow::Result<bool>;
}

/// `$VISUAL`, else `$EDITOR`, else `vi`; run through `sh` so `EDITOR="code --wait"` works.
pub struct EnvEditor;

impl EnvEditor {
    pub fn command() -> String {
        ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "vi".into())
    }
}

impl Editor for EnvEditor {
    fn open(&self, path: &Path) -> anyhow::Result<()> {
        let editor = EnvEditor::command();
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("storydrill-editor")
            .arg(path)
            .status()
            .with_context(|| format!("could not start the editor {editor:?}"))?;
        if !status.success() {
            bail!("the editor {editor:?} failed ({status}); nothing was changed");
        }
        Ok(())
    }

    fn reopen(&self, problem: &str) -> anyhow::Result<bool> {
        eprintln!(
            "storydrill: {}",
            crate::core::text::escape_controls(problem)
        );
        if !std::io::stdin().is_terminal() {
            return Ok(false);
        }
        crate::prompt::stdin()?.confirm(
            "reopen the editor to fix it? (no abandons the edit)",
            true,
            &mut std::io::sink(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// Saved; the card's text changed, its history did not.
    Saved,
    /// The file was saved as it was.
    Unchanged,
    /// The user gave up after an error; nothing changed.
    Abandoned,
}

/// The entry of a deck a card comes from: what an edit changes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Story(String),
    Question(String),
    Cloze(String),
    Basic(String),
    Followup(String),
    Filled(String),
}

impl Target {
    fn of(deck: &Deck, card: &Card) -> anyhow::Result<Target> {
        if let Some(f) = deck::filled_template_of(&deck.name, &deck.filled, &card.key) {
            return Ok(Target::Filled(f.template.clone()));
        }
        let entry = match card.kind {
            CardKind::Recall => deck
                .stories
                .iter()
                .find(|s| s.recall_key() == card.key)
                .map(|s| Target::Story(s.key.clone())),
            CardKind::Match => Some(Target::Question(card.key.clone())),
            CardKind::Cloze => Some(Target::Cloze(card.key.clone())),
            CardKind::Basic => Some(Target::Basic(card.key.clone())),
            CardKind::Followup => Some(Target::Followup(card.key.clone())),
        };
        match entry {
            Some(e) if !card.retired => Ok(e),
            _ => bail!(
                "card {} is retired from deck {} (not in its deck file any more); nothing to edit",
                card.key,
                deck.name
            ),
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Story(k) => format!("story {k}"),
            Target::Question(k) => format!("question {k}"),
            Target::Cloze(k) => format!("cloze {k}"),
            Target::Basic(k) => format!("card {k}"),
            Target::Followup(k) => format!("follow-up {k}"),
            Target::Filled(t) => format!("filled template {t}"),
        }
    }

    /// A deck holding only this entry.
    fn extract(&self, deck: &Deck) -> Deck {
        let mut out = Deck {
            title: deck.title.clone(),
            ..Deck::empty(&deck.name)
        };
        match self {
            Target::Story(k) => {
                out.stories = deck
                    .stories
                    .iter()
                    .filter(|s| &s.key == k)
                    .cloned()
                    .collect()
            }
            Target::Question(k) => {
                out.questions = deck
                    .questions
                    .iter()
                    .filter(|q| &q.key == k)
                    .cloned()
                    .collect()
            }
            Target::Cloze(k) => {
                out.clozes = deck
                    .clozes
                    .iter()
                    .filter(|c| &c.key == k)
                    .cloned()
                    .collect()
            }
            Target::Basic(k) => {
                out.cards = deck.cards.iter().filter(|c| &c.key == k).cloned().collect()
            }
            Target::Followup(k) => {
                out.followups = deck
                    .followups
                    .iter()
                    .filter(|f| &f.key == k)
                    .cloned()
                    .collect()
            }
            Target::Filled(t) => {
                out.filled = deck
                    .filled
                    .iter()
                    .filter(|f| &f.template == t)
                    .cloned()
                    .collect()
            }
        }
        out
    }

    /// Checks that `edited` holds exactly this entry, same key, and puts it into `deck`.
    fn replace(&self, deck: &mut Deck, edited: Deck) -> Result<(), String> {
        if edited.name != deck.name {
            return Err(format!(
                "the deck name cannot change here (was {:?}, now {:?})",
                deck.name, edited.name
            ));
        }
        let count = edited.stories.len()
            + edited.questions.len()
            + edited.clozes.len()
            + edited.cards.len()
            + edited.followups.len()
            + edited.filled.len();
        let key_changed = |was: &str, now: &str| -> Result<(), String> {
            if was != now {
                return Err(format!(
                    "the key cannot change (it carries the review history): was {was:?}, now {now:?}"
                ));
            }
            Ok(())
        };
        let wrong = || format!("the file must hold exactly the {} it had", self.describe());
        if count != 1 {
            return Err(wrong());
        }
        fn put<T: Clone>(list: &mut [T], new: &T, same: impl Fn(&T) -> bool) {
            if let Some(slot) = list.iter_mut().find(|x| same(x)) {
                *slot = new.clone();
            }
        }
        match self {
            Target::Story(k) => {
                let s = edited.stories.first().ok_or_else(wrong)?;
                key_changed(k, &s.key)?;
                put(&mut deck.stories, s, |x| &x.key == k);
            }
            Target::Question(k) => {
                let q = edited.questions.first().ok_or_else(wrong)?;
                key_changed(k, &q.key)?;
                put(&mut deck.questions, q, |x| &x.key == k);
            }
            Target::Cloze(k) => {
                let c = edited.clozes.first().ok_or_else(wrong)?;
                key_changed(k, &c.key)?;
                put(&mut deck.clozes, c, |x| &x.key == k);
            }
            Target::Basic(k) => {
                let c = edited.cards.first().ok_or_else(wrong)?;
                key_changed(k, &c.key)?;
                put(&mut deck.cards, c, |x| &x.key == k);
            }
            Target::Followup(k) => {
                let f = edited.followups.first().ok_or_else(wrong)?;
                key_changed(k, &f.key)?;
                put(&mut deck.followups, f, |x| &x.key == k);
            }
            Target::Filled(t) => {
                let f = edited.filled.first().ok_or_else(wrong)?;
                key_changed(t, &f.template)?;
                put(&mut deck.filled, f, |x| &x.template == t);
            }
        }
        Ok(())
    }
}

const HEADER: &str =
    "# storydrill edit: change the text and save; keep the key (it carries the review history).\n\
                      # Save an unchanged file, or empty it, to cancel.\n";

/// Opens the card's entry in `editor` until it is saved valid or the user gives up.
pub fn edit_card(
    store: &mut Store,
    card: &Card,
    editor: &dyn Editor,
) -> anyhow::Result<EditOutcome> {
    let deck = store.export_deck(&card.deck)?;
    let entry = Target::of(&deck, card)?;
    let original = format!("{HEADER}{}", deck::to_toml(&entry.extract(&deck)));
    let dir = TempDir::new()?;
    let name = format!("{}.toml", card.key.replace(['/', ':'], "_"));
    let path = dir.write(&name, &original)?;
    loop {
        editor.open(&path)?;
        let bytes =
            std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
        let problem = match String::from_utf8(bytes) {
            Err(_) => format!("{name}: the file is not UTF-8 text"),
            Ok(text) if text == original || text.trim().is_empty() => {
                return Ok(EditOutcome::Unchanged)
            }
            Ok(text) => match save(store, &entry, &name, &text) {
                Ok(()) => return Ok(EditOutcome::Saved),
                Err(e) => format!("{e:#}"),
            },
        };
        if !editor.reopen(&problem)? {
            return Ok(EditOutcome::Abandoned);
        }
    }
}

fn save(store: &mut Store, entry: &Target, name: &str, text: &str) -> anyhow::Result<()> {
    let edited = {
        let s = &*store;
        deck::parse(name, text, &|k| s.story_exists(k).unwrap_or(false))?
    };
    let names = vec![edited.name.clone()];
    store.update_decks(&names, false, &mut |_, _| {}, |decks, _| {
        entry
            .replace(&mut decks[0], edited)
            .map_err(|m| anyhow::anyhow!("{name}: {m}"))
    })?;
    Ok(())
}

/// A private folder for the file being edited (only its owner may enter it: the file holds the
/// user's own stories), removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        let mut last = None;
        for attempt in 0..100u32 {
            let path = std::env::temp_dir().join(format!(
                "storydrill-edit-{}-{nanos}-{attempt}",
                std::process::id()
            ));
            match builder.create(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(path),
                Err(e) => {
                    return Err(e).with_context(|| format!("could not create {}", path.display()))
                }
            }
        }
        bail!(
            "could not create a private folder for editing (last tried {})",
            last.map(|p| p.display().to_string()).unwrap_or_default()
        )
    }

    /// Writes a new file in the folder that only its owner may read.
    fn write(&self, name: &str, text: &str) -> anyhow::Result<PathBuf> {
        use std::io::Write;
        let path = self.0.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&path)
            .with_context(|| format!("could not write {}", path.display()))?;
        file.write_all(text.as_bytes())
            .with_context(|| format!("could not write {}", path.display()))?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `initial` to a temporary file, lets the user edit it, and returns what they saved.
pub fn edit_text(editor: &dyn Editor, file_name: &str, initial: &str) -> anyhow::Result<String> {
    let dir = TempDir::new()?;
    let path = dir.write(file_name, initial)?;
    editor.open(&path)?;
    let bytes =
        std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("the text you wrote is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    type Change = Box<dyn Fn(&str) -> String>;

    /// An editor that applies one change per opening and never reopens past its changes.
    struct Scripted {
        changes: RefCell<Vec<Change>>,
        problems: RefCell<Vec<String>>,
    }

    impl Editor for Scripted {
        fn open(&self, path: &Path) -> anyhow::Result<()> {
            let change = self.changes.borrow_mut().remove(0);
            let text = std::fs::read_to_string(path)?;
            std::fs::write(path, change(&text))?;
            Ok(())
        }
        fn reopen(&self, problem: &str) -> anyhow::Result<bool> {
            self.problems.borrow_mut().push(problem.to_string());
            Ok(!self.changes.borrow().is_empty())
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    #[cfg(unix)]
    #[test]
    fn the_file_being_edited_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new().unwrap();
        let path = dir.write("x.toml", "text").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.0), 0o700);
        assert_eq!(mode(&path), 0o600);
        let folder = dir.0.clone();
        drop(dir);
        assert!(!folder.exists());
    }

    #[test]
    fn a_broken_save_is_shown_and_can_be_fixed() {
        let (_dir, mut store) = store();
        let card = store.card("sharding.q1").unwrap();
        let editor = Scripted {
            changes: RefCell::new(vec![
                Box::new(|t: &str| t.replace("text = ", "text = \n")),
                Box::new(|t: &str| {
                    let t = t.replace("text = \n", "text = ");
                    t.replace(&text_line(&t), "text = \"改过的问题？\"")
                }),
            ]),
            problems: RefCell::new(vec![]),
        };
        assert_eq!(
            edit_card(&mut store, &card, &editor).unwrap(),
            EditOutcome::Saved
        );
        assert_eq!(editor.problems.borrow().len(), 1);
        assert!(editor.problems.borrow()[0].starts_with("sharding.q1.toml:"));
        let after = store.card("sharding.q1").unwrap();
        assert_eq!(after.front, "改过的问题？");
        assert_eq!(after.id, card.id);
    }

    fn text_line(t: &str) -> String {
        t.lines()
            .find(|l| l.starts_with("text = "))
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_key_cannot_change_and_giving_up_changes_nothing() {
        let (_dir, mut store) = store();
        let card = store.card("sharding").unwrap();
        let editor = Scripted {
            changes: RefCell::new(vec![Box::new(|t: &str| {
                t.replace("key = \"sharding\"", "key = \"sharding2\"")
            })]),
            problems: RefCell::new(vec![]),
        };
        assert_eq!(
            edit_card(&mut store, &card, &editor).unwrap(),
            EditOutcome::Abandoned
        );
        assert!(editor.problems.borrow()[0].contains("the key cannot change"));
        assert_eq!(store.card("sharding").unwrap(), card);
    }
}
