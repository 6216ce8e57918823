#!/usr/bin/env python3
"""How storydrill's cost grows with the collection (issue 13): the same figures at 10,000, 100,000
and 1,000,000 cards, and the growth from the smallest to the largest.

    python3 benches/scale.py [--sizes 10000,100000,1000000] [--runs 10] [--overdue]

The collections are realistic (examples/synth.rs: about a tenth due, a learner's tens to hundreds
of stories; `--overdue` the worst case, most cards long overdue), made once into target/scale/
(delete a file to make it again). Every figure is a whole process of the release build, the median
of `--runs` runs, on a copy of the collection:

- first card on screen: from the start of `review` to the first card's header on its output
  (not to the exit: the summary at the end is timed by "review to exit");
- grade: `grade ID 4` of a different due card each run (a scheduled review, not a re-drill);
- search: hit and no hit, a 2-character term (LIKE) and a 4-character one (FTS5);
- WAL bytes per answer: the growth of the write-ahead log over 10 grades from an empty log, of
  the due cards a session shows next (and, not a target, of cards of any deck: each deck's first
  answer of the day adds a row to its daily statistics);
- an answer in a session: 100 grades on one open database through the store's write path
  (examples/answers.rs), the mean time of one less its time in fdatasync, and the fdatasync calls
  per answer (both under strace, when it is installed);
- pages read: the pread64 calls of one run (one a page, under strace): the cost without the
  machine's noise, not a target;
- peak memory: GNU time's maximum resident set size.

Exits 1 when a figure at the largest size is more than 1.5 times the smallest (the flat target)
or a peak passes 30 MB. Not part of the test suite (it takes minutes and gigabytes).
"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/storydrill")
SYNTH = os.path.join(ROOT, "target/release/examples/synth")
DIR = os.path.join(ROOT, "target/scale")
TODAY = "2027-01-04"
ENV = dict(os.environ, STORYDRILL_NOW=f"{TODAY}T09:30:00+08:00", TZ="Asia/Shanghai",
           NO_COLOR="1", STORYDRILL_SEED="7")
ENV.pop("STORYDRILL_DB", None)
FLAT = 1.5
MEMORY_MB = 30


def collection(n, overdue):
    db = os.path.join(DIR, f"{'overdue' if overdue else 'real'}-{n}.db")
    if not os.path.exists(db):
        args = [SYNTH, "--db", db, "--cards", str(n), "--days", "365", "--today", TODAY]
        if overdue:
            args.append("--overdue")
        info = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        open(db + ".info", "w").write(info)
    # Migrated and checkpointed once, so no timed run pays for either.
    subprocess.run([BIN, "--db", db, "decks"], env=ENV, capture_output=True, check=True)
    for f in os.listdir(DIR):
        if f.startswith(os.path.basename(db) + ".bak-v"):
            os.remove(os.path.join(DIR, f))
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    return db


def fresh_copy(db, name="work"):
    work = db.replace(".db", f"-{name}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copyfile(db, work)
    # The copy's dirty pages on disk first: the first fdatasync would otherwise wait for them.
    os.sync()
    return work


def median_ms(run, runs):
    run()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def whole(args, stdin=None):
    def run():
        subprocess.run([BIN, *args], input=stdin, env=ENV, capture_output=True, check=True)
    return run


def first_card(db):
    """Start `review`, read its output until the first card's header, then quit it."""
    def run():
        p = subprocess.Popen([BIN, "--db", db, "review"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
        seen = b""
        while b"\xe2\x94\x80\xe2\x94\x80 " not in seen:  # "── ", the card header
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            seen += chunk
        elapsed = time.perf_counter()
        p.stdin.write(b":q\n")
        p.stdin.close()
        p.wait()
        return elapsed
    def timed(runs):
        times = []
        run()
        for _ in range(runs):
            t = time.perf_counter()
            shown = run()
            times.append((shown - t) * 1000)
        return statistics.median(times)
    return timed


def peak_mb(args, stdin=None):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, *args], input=stdin, env=ENV,
                         capture_output=True, check=True)
    return int(out.stderr.decode().strip().splitlines()[-1]) / 1024


def pages_read(args, stdin=None):
    """Pages read from the file (pread64 calls, one a page): what a figure costs without the
    machine's noise. None without strace."""
    if not shutil.which("strace"):
        return None
    out = subprocess.run(["strace", "-f", "-c", "-e", "trace=pread64", BIN, *args], input=stdin,
                         env=ENV, capture_output=True, check=True)
    for line in out.stderr.decode().splitlines():
        f = line.split()
        if f and f[-1] == "pread64":
            return int(f[3])
    return 0


def due_cards(db, k):
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute(
        "SELECT id FROM card WHERE due IS NOT NULL AND due <= ? AND retired = 0 AND suspended = 0 "
        "ORDER BY (id * 2654435761) % 1000003 LIMIT ?", (TODAY, k))]
    con.close()
    return ids


ANSWERS = os.path.join(ROOT, "target/release/examples/answers")


def session_answers(db, runs):
    """One answer in a session: examples/answers.rs records a grade for due cards through the
    store's one write path, on one open database, each committed and synced before the next. The
    mean time of an answer (100 of them, untraced) less its time in fdatasync, and the fdatasync
    calls an answer adds (100 answers against 20 under strace, so the opening of the database is
    not counted; the example leaves without the closing checkpoint)."""
    # One copy for all the runs: each grades cards still due (the earlier runs' are not). Its own
    # copy: `measure` goes on with its copy afterwards (peak memory, pages read).
    work = fresh_copy(db, "answers")

    def once(cards, strace):
        args = [ANSWERS, "--db", work, "--cards", str(cards), "--today", TODAY]
        trace = work + ".strace"
        if strace:
            args = ["strace", "-f", "-c", "-e", "trace=fdatasync,fsync", "-o", trace, *args]
        out = subprocess.run(args, env=ENV, capture_output=True, check=True)
        calls, secs = 0, 0.0
        if strace:
            for line in open(trace):
                f = line.split()
                if len(f) >= 5 and f[-1] in ("fdatasync", "fsync"):
                    secs, calls = secs + float(f[1]), calls + int(f[3])
            os.remove(trace)
        return json.loads(out.stdout)["mean_us"], calls, secs
    mean_us = statistics.median(once(100, False)[0] for _ in range(3))
    if not shutil.which("strace"):
        print("strace not found: an answer's fdatasync is not counted", file=sys.stderr)
        return mean_us / 1000, None
    syncs, sync_us = [], []
    for _ in range(2):
        _, few, few_s = once(20, True)
        _, many, many_s = once(100, True)
        syncs.append((many - few) / 80)
        sync_us.append((many_s - few_s) / 80 * 1e6)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    return (mean_us - statistics.median(sync_us)) / 1000, statistics.median(syncs)


def session_order(db, k):
    """The next `k` due cards in the order a session shows them."""
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute(
        "SELECT id FROM card WHERE due IS NOT NULL AND due <= ? AND retired = 0 AND suspended = 0 "
        "ORDER BY due, deck_id, id LIMIT ?", (TODAY, k))]
    con.close()
    return ids


def measure(db, runs):
    work = fresh_copy(db)
    base = ["--db", work]
    quit_ = b":q\n"
    figures = {}
    figures["first card on screen"] = first_card(work)(runs)
    figures["review to exit"] = median_ms(whole(base + ["review"], quit_), runs)
    for name, args in [("stats", ["stats"]), ("stats --json", ["stats", "--json"]),
                       ("decks", ["decks"]), ("plan", ["plan"]),
                       ("search 2 chars, hits (LIKE)", ["search", "缓存"]),
                       ("search 2 chars, no hit (LIKE)", ["search", "龘龘"]),
                       ("search 4 chars, hits (FTS5)", ["search", "消息队列"]),
                       ("search 4 chars, no hit (FTS5)", ["search", "龘龘龘龘"])]:
        figures[name] = median_ms(whole(base + args), runs)
    ids = iter(due_cards(work, runs + 1 + 10))
    figures["grade (a different due card each run)"] = median_ms(
        lambda: subprocess.run([BIN, *base, "grade", str(next(ids)), "4"], env=ENV,
                               capture_output=True, check=True), runs)
    # The log's growth over 10 answers, from an empty log: the due cards a session takes next (in
    # its order: due day, deck), and, for comparison, cards of any deck (each the first answer of
    # the day in its deck, which adds that day's row to the deck's statistics).
    def wal_per_answer(cards):
        sqlite3.connect(work).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        wal = work + "-wal"
        before = os.path.getsize(wal) if os.path.exists(wal) else 0
        for card in cards:
            subprocess.run([BIN, *base, "grade", str(card), "4"], env=ENV, capture_output=True,
                           check=True)
        return (os.path.getsize(wal) - before) / len(cards) / 1024
    figures["WAL bytes per answer, in a session's order (KB)"] = wal_per_answer(
        session_order(work, 10))
    figures["WAL bytes per answer, cards of any deck (KB, not a target)"] = wal_per_answer(
        [next(ids) for _ in range(10)])
    per_answer, syncs = session_answers(db, runs)
    figures["answer in a session, beyond its fdatasync"] = per_answer
    if syncs is not None:
        figures["fdatasyncs per answer in a session (count)"] = syncs
    for name, args, stdin in [("review to exit", ["review"], quit_), ("stats", ["stats"], None),
                              ("plan", ["plan"], None), ("decks", ["decks"], None),
                              ("search 2 chars, hits", ["search", "缓存"], None)]:
        pages = pages_read(base + args, stdin)
        if pages is not None:
            figures[f"pages read, {name} (count, not a target)"] = pages
    figures["peak memory, review to exit (MB)"] = peak_mb(base + ["review"], quit_)
    figures["peak memory, stats --json (MB)"] = peak_mb(base + ["stats", "--json"])
    figures["peak memory, search 2 chars (MB)"] = peak_mb(base + ["search", "缓存"])
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    return figures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--overdue", action="store_true")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "storydrill", "--example",
                    "synth", "--example", "answers"], cwd=ROOT, check=True)
    os.makedirs(DIR, exist_ok=True)
    results = {}
    for n in sizes:
        db = collection(n, a.overdue)
        print(f"{n} cards: {open(db + '.info').read().strip()}", file=sys.stderr)
        results[n] = measure(db, a.runs)
    failed = False
    head = "| figure (release, whole process, median) | " + " | ".join(
        f"{n // 1000}k" for n in sizes) + f" | {sizes[-1] // 1000}k ÷ {sizes[0] // 1000}k | target |"
    print(head)
    print("|---" * (len(sizes) + 3) + "|")
    for name in results[sizes[0]]:
        values = [results[n][name] for n in sizes]
        unit = "" if name.endswith(("(KB)", "(MB)", "(count)", "not a target)")) else " ms"
        ratio = values[-1] / values[0] if values[0] else float("inf")
        if "memory" in name:
            target, ok = f"≤ {MEMORY_MB} MB", max(values) <= MEMORY_MB
        elif "not a target" in name:
            target, ok = "-", True
        elif "WAL" in name:
            target, ok = "≤ 12 KB", max(values) <= 12
        elif "fdatasync" in name and "count" in name:
            target, ok = "≤ 1", max(values) <= 1
        elif "beyond its fdatasync" in name:
            target, ok = "≤ 0.5 ms", max(values) <= 0.5
        else:
            target, ok = f"÷ ≤ {FLAT}", ratio <= FLAT
        failed |= not ok
        cells = " | ".join(f"{v:.1f}{unit}" for v in values)
        print(f"| {name} | {cells} | {ratio:.2f}× | {target} {'ok' if ok else 'MISSED'} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
