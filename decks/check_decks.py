#!/usr/bin/env python3.11
"""Validate the built-in storydrill decks (decks/stories.toml, decks/templates.toml).

Usage (from the repo root):
    python3 decks/check_decks.py [--seed PATH] [--decks DIR]

Exits 0 and prints a summary when everything is fine; otherwise prints every
problem found (one per line) and exits 1.  Standard library only (tomllib).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

DEFAULT_SEED = "/work/shared/seed/000_9a9f7f87e6713b08.txt"
DECK_FILES = {"stories": "stories.toml", "templates": "templates.toml"}

KEY_RE = re.compile(r"[a-z0-9.-]+")
STORY_KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)\}\}", re.S)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
LATIN_RE = re.compile(r"[A-Za-z]")

TEMPLATE_KEYS = {
    19: "self-intro",
    20: "project",
    21: "sms",
    22: "verify-code",
    23: "architecture",
    24: "business",
    25: "hardest-advice",
}
# Stories whose text the document leaves (almost) empty: model answers written by us.
WRITTEN_STORY_NUMBERS = {4, 14, 15, 16, 17, 18}

ALLOWED_FIELDS = {
    "story": {"key", "number", "title", "kind", "source", "aliases", "prompt",
              "text", "written", "diagram", "points"},
    "question": {"key", "text", "answers", "why"},
    "cloze": {"key", "story", "text"},
}


class Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")


def nonempty_str(v) -> bool:
    return isinstance(v, str) and v.strip() != ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", default=DEFAULT_SEED, help="seed document (default: %(default)s)")
    ap.add_argument("--decks", default=str(Path(__file__).resolve().parent),
                    help="directory holding stories.toml and templates.toml (default: this script's directory)")
    args = ap.parse_args()

    c = Checker()
    try:
        seed = Path(args.seed).read_text(encoding="utf-8")
    except OSError as e:
        print(f"error: cannot read seed document {args.seed}: {e}", file=sys.stderr)
        return 2
    seed_lines_rstripped = {ln.rstrip() for ln in seed.split("\n")}

    decks: dict[str, dict] = {}
    for name, fname in DECK_FILES.items():
        path = Path(args.decks) / fname
        try:
            with open(path, "rb") as f:
                decks[name] = tomllib.load(f)
        except OSError as e:
            c.err(fname, f"cannot read: {e}")
        except tomllib.TOMLDecodeError as e:
            c.err(fname, f"TOML parse error: {e}")
    if c.errors:
        return report(c)

    stories: dict[str, tuple[str, dict]] = {}
    questions: list[tuple[str, dict]] = []
    clozes: list[tuple[str, dict]] = []
    all_keys: Counter[str] = Counter()

    for name, fname in DECK_FILES.items():
        doc = decks[name]
        deck = doc.get("deck")
        if not isinstance(deck, dict):
            c.err(fname, "missing [deck] table")
        else:
            if deck.get("name") != name:
                c.err(fname, f"[deck].name must be {name!r}, got {deck.get('name')!r}")
            if not nonempty_str(deck.get("title")):
                c.err(fname, "[deck].title is empty")
        unknown_top = set(doc) - {"deck", "story", "question", "cloze"}
        if unknown_top:
            c.err(fname, f"unknown top-level keys: {sorted(unknown_top)}")
        for table in ("story", "question", "cloze"):
            entries = doc.get(table, [])
            if not isinstance(entries, list):
                c.err(fname, f"{table} must be an array of tables ([[{table}]])")
                continue
            for i, e in enumerate(entries):
                where = f"{fname} [[{table}]] #{i + 1} ({e.get('key', '?')})"
                extra = set(e) - ALLOWED_FIELDS[table]
                if extra:
                    c.err(where, f"unknown fields {sorted(extra)}")
                key = e.get("key")
                if not isinstance(key, str) or not KEY_RE.fullmatch(key):
                    c.err(where, f"key {key!r} must match [a-z0-9.-]+")
                    continue
                all_keys[key] += 1
                if table == "story":
                    stories[key] = (fname, e)
                elif table == "question":
                    questions.append((fname, e))
                else:
                    clozes.append((fname, e))
        if not doc.get("story"):
            c.err(fname, "no [[story]] entries")

    for key, n in all_keys.items():
        if n > 1:
            c.err(key, f"key used {n} times (keys must be unique across both decks)")

    # ---- catalog entries -------------------------------------------------
    numbers: dict[int, str] = {}
    for key, (fname, s) in stories.items():
        where = f"{fname} story {key}"
        if not STORY_KEY_RE.fullmatch(key):
            c.err(where, "story key must be lowercase letters/digits joined by '-' (no '.')")
        for f in ("title", "prompt", "text"):
            if not nonempty_str(s.get(f)):
                c.err(where, f"{f} is missing or empty")
        num = s.get("number")
        if not isinstance(num, int) or isinstance(num, bool):
            c.err(where, f"number must be an integer, got {num!r}")
            num = None
        elif num in numbers:
            c.err(where, f"number {num} already used by {numbers[num]}")
        else:
            numbers[num] = key
        kind = s.get("kind")
        if kind not in ("story", "template"):
            c.err(where, f"kind must be 'story' or 'template', got {kind!r}")
        expected_kind = "story" if fname == DECK_FILES["stories"] else "template"
        if kind != expected_kind:
            c.err(where, f"entries in {fname} must have kind = {expected_kind!r}")
        if num is not None:
            if kind == "story" and not 1 <= num <= 18:
                c.err(where, f"stories are numbered 1-18, got {num}")
            if kind == "template":
                if TEMPLATE_KEYS.get(num) != key:
                    c.err(where, f"template number {num} must have key {TEMPLATE_KEYS.get(num)!r}")
        source = s.get("source")
        if source not in ("seed", "written"):
            c.err(where, f"source must be 'seed' or 'written', got {source!r}")
        if kind == "story" and num is not None and source in ("seed", "written"):
            want = "written" if num in WRITTEN_STORY_NUMBERS else "seed"
            if source != want:
                c.err(where, f"story {num} should have source = {want!r}")
        if kind == "template" and source != "seed":
            c.err(where, "templates must have source = 'seed'")
        title = s.get("title")
        if isinstance(title, str) and title.rstrip().endswith(("：", ":")):
            c.err(where, "title must not end with a colon")

        # aliases
        aliases = s.get("aliases")
        if not isinstance(aliases, list) or not all(nonempty_str(a) for a in aliases):
            c.err(where, "aliases must be a list of non-empty strings")
        else:
            if not 3 <= len(aliases) <= 6:
                c.err(where, f"needs 3-6 aliases, has {len(aliases)}")
            if not any(CJK_RE.search(a) for a in aliases):
                c.err(where, "aliases need at least one Chinese name")
            if not any(LATIN_RE.search(a) for a in aliases):
                c.err(where, "aliases need at least one latin/english name")
            if len({a.casefold() for a in aliases}) != len(aliases):
                c.err(where, "duplicate aliases")

        # points
        points = s.get("points")
        if not isinstance(points, list) or not all(nonempty_str(p) for p in points):
            c.err(where, "points must be a list of non-empty strings")
        else:
            if not 5 <= len(points) <= 8:
                c.err(where, f"needs 5-8 points, has {len(points)}")
            for p in points:
                if not 6 <= len(p) <= 25:
                    c.err(where, f"point {p!r} is {len(p)} chars (want 6-25)")

        # optional fields
        for f in ("written", "diagram"):
            if f in s and not nonempty_str(s[f]):
                c.err(where, f"{f} is present but empty")
        if key == "window-sql" and "written" not in s:
            c.err(where, "story 6 needs a `written` field with the window-function details")
        if key in ("sms", "verify-code") and "written" not in s:
            c.err(where, "needs a `written` model answer for the 5 steps")
        if "diagram" in s and key != "architecture":
            c.err(where, "only the architecture template has a diagram")

        # verbatim check against the seed
        text = s.get("text")
        if source == "seed" and isinstance(text, str):
            for ln_no, ln in enumerate(text.split("\n"), 1):
                stripped = ln.strip()
                if stripped and stripped not in seed:
                    c.err(where, f"text line {ln_no} is not verbatim from the seed: {stripped[:40]!r}...")
        if source == "written" and isinstance(text, str) and kind == "story":
            n = len(CJK_RE.findall(text))
            if not 150 <= n <= 300:
                c.err(where, f"written story has {n} Chinese characters (want 150-300)")

    if "architecture" in stories:
        arch = stories["architecture"][1]
        diagram = arch.get("diagram")
        if not nonempty_str(diagram):
            c.err("architecture", "missing diagram")
        else:
            lines = diagram.split("\n")
            if len(lines) < 4:
                c.err("architecture", f"diagram has {len(lines)} lines, expected the seed's 4 diagram lines")
            for ln_no, ln in enumerate(lines, 1):
                if ln.rstrip() not in seed_lines_rstripped:
                    c.err("architecture", f"diagram line {ln_no} is not a verbatim seed line: {ln!r}")

    want_numbers = set(range(1, 26))
    got_numbers = set(numbers)
    if got_numbers != want_numbers:
        missing = sorted(want_numbers - got_numbers)
        extra = sorted(got_numbers - want_numbers)
        c.err("numbers", f"story numbers must be exactly 1-25; missing {missing}, unexpected {extra}")

    # ---- questions -------------------------------------------------------
    answered_by: dict[str, int] = defaultdict(int)
    seen_q_text: dict[str, str] = {}
    for fname, q in questions:
        key = q["key"]
        where = f"{fname} question {key}"
        m = re.fullmatch(r"([a-z0-9-]+)\.q(\d+)", key)
        if not m:
            c.err(where, "question key must look like <story key>.q<N>")
        elif m.group(1) not in stories:
            c.err(where, f"key prefix {m.group(1)!r} is not a defined story")
        text = q.get("text")
        if not nonempty_str(text):
            c.err(where, "text is empty")
        else:
            norm = text.strip()
            if norm in seen_q_text:
                c.err(where, f"same question text as {seen_q_text[norm]}")
            seen_q_text[norm] = key
        why = q.get("why")
        if not nonempty_str(why):
            c.err(where, "why is empty")
        elif len(why) > 40:
            c.err(where, f"why is {len(why)} chars (max 40)")
        answers = q.get("answers")
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            c.err(where, "answers must be a list of story keys")
            continue
        if not 1 <= len(answers) <= 3:
            c.err(where, f"needs 1-3 answers, has {len(answers)}")
        if len(set(answers)) != len(answers):
            c.err(where, "duplicate answers")
        for a in answers:
            if a not in stories:
                c.err(where, f"answer {a!r} is not a defined story/template key")
        for a in set(answers):
            answered_by[a] += 1
    for key in stories:
        if answered_by[key] < 3:
            c.err(f"story {key}", f"only {answered_by[key]} questions accept it (need >= 3)")

    # ---- clozes ----------------------------------------------------------
    cloze_per_deck: Counter[str] = Counter()
    for fname, z in clozes:
        key = z["key"]
        where = f"{fname} cloze {key}"
        story = z.get("story")
        if story not in stories:
            c.err(where, f"story {story!r} is not defined")
        m = re.fullmatch(r"([a-z0-9-]+)\.c(\d+)", key)
        if not m:
            c.err(where, "cloze key must look like <story key>.c<N>")
        elif m.group(1) != story:
            c.err(where, f"key prefix {m.group(1)!r} differs from story {story!r}")
        text = z.get("text")
        if not nonempty_str(text):
            c.err(where, "text is empty")
            continue
        holes = CLOZE_RE.findall(text)
        if not any(num == "1" for num, _ in holes):
            c.err(where, "no {{c1::...}} blank")
        elif len(holes) > 2:
            c.err(where, f"{len(holes)} blanks (want 1-2)")
        for num, ans in holes:
            if num != "1":
                c.err(where, f"uses c{num}; only c1 is allowed")
            if "::" in ans:
                c.err(where, "cloze hints ({{c1::answer::hint}}) are not used")
            if not 1 <= len(ans.strip()) <= 15:
                c.err(where, f"blank answer {ans!r} is {len(ans.strip())} chars (want 1-15)")
        rest = CLOZE_RE.sub("", text)
        if "{{" in rest or "}}" in rest:
            c.err(where, "malformed cloze markup")
        cloze_per_deck[fname] += 1

    if c.errors:
        return report(c)

    n_story = sum(1 for _, s in stories.values() if s["kind"] == "story")
    n_tmpl = sum(1 for _, s in stories.values() if s["kind"] == "template")
    n_seed = sum(1 for _, s in stories.values() if s["source"] == "seed")
    n_written = sum(1 for _, s in stories.values() if s["source"] == "written")
    n_extra = sum(1 for _, s in stories.values() if "written" in s)
    print("decks OK")
    print(f"  catalog:   {len(stories)} entries ({n_story} stories, {n_tmpl} templates; "
          f"{n_seed} seed, {n_written} written; {n_extra} with a written model answer)")
    print(f"  questions: {len(questions)} "
          f"(min per entry {min(answered_by[k] for k in stories)}, "
          f"multi-answer {sum(1 for _, q in questions if len(q['answers']) > 1)})")
    print(f"  clozes:    {len(clozes)} "
          + ", ".join(f"{f}: {cloze_per_deck[f]}" for f in DECK_FILES.values()))
    return 0


def report(c: Checker) -> int:
    print(f"decks INVALID: {len(c.errors)} problem(s)", file=sys.stderr)
    for e in c.errors:
        print("  - " + e, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
