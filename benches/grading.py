#!/usr/bin/env python3
"""Agreement of storydrill's grader with a labelled set (default: ../shared/grading-dev).

Runs the real binary: `storydrill check KEY - --json` on every telling of recall.json and
`storydrill which ANSWER --json` on every answer of match.json, on a fresh temporary database,
and prints how often the suggested grade lies in the labelled range (per kind), point-level
precision and recall, and right / refused / wrong resolutions (per form).

    python3 benches/grading.py [DIR] [--bin PATH] [--misses] [--points-at COMMIT]

The labels are per key point of the decks as they were at one commit (the set's README names it:
333b8db), so the tellings are judged against those points (`check --point`), read from git; the
decks may have changed since. Not part of the test suite: the set lives outside the repository.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(binary, db, args, stdin=None):
    env = dict(os.environ, STORYDRILL_NOW="2026-12-01T09:00:00+08:00", NO_COLOR="1")
    out = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"storydrill {' '.join(args)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def stories_at(commit):
    """The keys of the built-in stories at `commit` (None: no git)."""
    import tomllib
    keys = set()
    for deck in ("decks/stories.toml", "decks/templates.toml"):
        out = subprocess.run(["git", "show", f"{commit}:{deck}"], cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            return None
        keys.update(s["key"] for s in tomllib.loads(out.stdout).get("story", []))
    return keys


def points_at(commit):
    """The key points of every story of the built-in decks at `commit`, by key (None: no git).
    A point the deck still has with the same words keeps the ways to say it added since (`||`)."""
    import tomllib
    points = {}
    for deck in ("decks/stories.toml", "decks/templates.toml"):
        out = subprocess.run(["git", "show", f"{commit}:{deck}"], cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            return None
        with open(os.path.join(ROOT, deck), "rb") as f:
            now = {s["key"]: s.get("points", []) for s in tomllib.load(f).get("story", [])}
        for story in tomllib.loads(out.stdout).get("story", []):
            current = {p.split("||")[0].strip(): p for p in now.get(story["key"], [])}
            points[story["key"]] = [current.get(p.strip(), p) for p in story.get("points", [])]
    return points


def recall(binary, db, items, misses, pinned):
    kinds = collections.OrderedDict()
    tp = fp = fn = agree = total_points = 0
    for it in items:
        args = ["check", it["key"], "-", "--json"]
        for p in (pinned or {}).get(it["key"], []):
            args += ["--point", p]
        got = run(binary, db, args, stdin=it["text"])
        lo, hi = it["grade"]
        ok = lo <= got["suggested"] <= hi
        k = kinds.setdefault(it["kind"], [0, 0, []])
        k[0] += ok
        k[1] += 1
        k[2].append(got["suggested"])
        said = [p["covered"] for p in got["points"]]
        if len(said) != len(it["points"]):
            sys.exit(f"{it['key']}: the deck has {len(said)} points, the labels {len(it['points'])}")
        for s, want in zip(said, it["points"]):
            tp += s and want
            fp += s and not want
            fn += want and not s
            agree += s == want
            total_points += 1
        if misses and (not ok or said != it["points"]):
            print(f"-- {it['key']} {it['kind']}: suggested {got['suggested']}, labelled {lo}-{hi}")
            for p, want in zip(got["points"], it["points"]):
                mark = "  " if p["covered"] == want else "!!"
                print(f"   {mark} {'✓' if p['covered'] else '✗'} (label {'✓' if want else '✗'}) {p['text']} — {p['reason']}")
    print("| kind | in range | suggested grades |")
    print("|---|---|---|")
    for kind, (ok, n, grades) in kinds.items():
        print(f"| {kind} | {ok}/{n} ({100 * ok // n} %) | {' '.join(map(str, grades))} |")
    print()
    print(f"Points: {agree}/{total_points} labels agree; precision {tp / max(tp + fp, 1):.2f}, recall {tp / max(tp + fn, 1):.2f}")
    print()


def match(binary, db, items, misses):
    forms = collections.OrderedDict()
    totals = [0, 0, 0]
    for it in items:
        got = run(binary, db, ["which", it["answer"], "--json"])
        want = it["key"]
        resolved = got["resolved"]
        if resolved == want:
            outcome = 0  # right (a refusal of a null answer is right)
        elif resolved is None:
            outcome = 1  # refused
        else:
            outcome = 2  # wrong story
        f = forms.setdefault(it["form"], [0, 0, 0])
        f[outcome] += 1
        totals[outcome] += 1
        if misses and outcome:
            print(f"-- {it['answer']!r} ({it['form']}): want {want}, got {resolved} ambiguous={got['ambiguous']} suggestions={got['suggestions']}")
    n = sum(totals)
    print("| form | right | refused | wrong story |")
    print("|---|---|---|---|")
    for form, (r, u, w) in forms.items():
        print(f"| {form} | {r} | {u} | {w} |")
    print(f"| all | {totals[0]}/{n} ({100 * totals[0] / n:.1f} %) | {totals[1]} | {totals[2]} ({100 * totals[2] / n:.1f} %) |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=os.path.join(ROOT, "..", "shared", "grading-dev"))
    ap.add_argument("--bin", default=None, help="the storydrill binary [default: build target/release]")
    ap.add_argument("--misses", action="store_true", help="print every disagreement")
    ap.add_argument("--points-at", default="333b8db", help="judge against the key points at this commit [default: 333b8db, as labelled]")
    args = ap.parse_args()
    pinned = points_at(args.points_at)
    if pinned is None:
        print(f"(no git history for {args.points_at}: judging against the decks' current points)\n")
    binary = args.bin
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "storydrill")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "grading.db")
        # The answers were labelled against the catalog at that commit ("26" had no story then):
        # stories added since are deleted from this database.
        then = stories_at(args.points_at)
        if then is not None:
            for story in run(binary, db, ["stories", "--json"]):
                if story["key"] not in then and story["deck"] in ("stories", "templates"):
                    out = subprocess.run([binary, "--db", db, "delete", story["key"], "--yes"], capture_output=True, text=True)
                    if out.returncode != 0:
                        sys.exit(f"could not delete {story['key']}: {out.stderr.strip()}")
        print("## Tellings (recall.json)\n")
        recall(binary, db, load(os.path.join(args.dir, "recall.json")), args.misses, pinned)
        print("## Answers (match.json)\n")
        match(binary, db, load(os.path.join(args.dir, "match.json")), args.misses)


if __name__ == "__main__":
    main()
