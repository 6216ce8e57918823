#!/usr/bin/env bash
# storydrill's speed figures, whole process, release build, on a synthetic database of N cards
# with ~10 reviews each over D days (examples/synth.rs), and (issue 4) the import of an N-row Anki
# and CSV file and search at N cards (examples/search_synth.rs). Prints one table of medians and
# peak memory against the targets; exits 1 when a target is missed.
#
#   benches/run.sh                      # N=100000 D=365, 20 runs per figure
#   N=20000 RUNS=10 benches/run.sh      # smaller and quicker
#   REBUILD=1 benches/run.sh            # regenerate the synthetic database
#   SECTIONS=personal benches/run.sh    # only some sections (foundation, session, stats, personal)
#
# Uses hyperfine when installed (apt-get install hyperfine), else a loop over `date +%s%N`;
# peak memory from GNU time (`/usr/bin/time`, apt-get install time).
#
# Sections: each `section_*` function measures one area and adds rows with `row`. To add figures
# (e.g. the review session, issue 3), write a function like `section_foundation` and call it at the
# bottom; `median_ms`, `peak_mb` and `row` do the measuring and the bookkeeping.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
D=${D:-365}
RUNS=${RUNS:-20}
DIR=${BENCH_DIR:-target/bench}
BIN=target/release/storydrill
SYNTH=target/release/examples/synth

# A fixed clock at the end of the synthetic history, and the test suite's time zone.
export STORYDRILL_NOW=2027-01-04T09:30:00+08:00 TZ=Asia/Shanghai NO_COLOR=1
unset STORYDRILL_DB

mkdir -p "$DIR"
echo "== storydrill benchmark"
echo "machine: $(uname -srm), $(nproc) cores; N=$N cards, D=$D days, $RUNS runs per figure"
if [[ -n ${RUST_BACKTRACE+x} ]]; then
    echo "RUST_BACKTRACE=$RUST_BACKTRACE is set (anyhow then captures a backtrace for every error it creates;"
    echo "  the measured paths create none, and the figures are taken with it as it is)"
else
    echo "RUST_BACKTRACE is not set"
fi

echo "== build (release)"
cargo build --release --quiet --bin storydrill --example synth --example search_synth

HYPERFINE=$(command -v hyperfine || true)
GNU_TIME=/usr/bin/time
[[ -x $GNU_TIME ]] || GNU_TIME=""
echo "timing with: ${HYPERFINE:-a shell loop (install hyperfine for better figures)}"
[[ -n $GNU_TIME ]] || echo "no /usr/bin/time: peak memory not measured (apt-get install time)"

ROWS=()
FAILED=0

# row LABEL VALUE UNIT TARGET: one line of the table; VALUE "" means not measured.
row() {
    local label=$1 value=$2 unit=$3 target=$4 verdict
    if [[ -z $value ]]; then
        verdict="n/a"
        value="-"
    elif awk -v v="$value" -v t="$target" 'BEGIN { exit !(v <= t) }'; then
        verdict="ok"
    else
        verdict="MISSED"
        FAILED=1
    fi
    # Padded to 58 columns on screen (printf counts bytes; a Chinese character is 3 bytes, 2 columns).
    local width
    width=$(printf '%s' "$label" | LC_ALL=C.UTF-8 wc -L)
    label="$label$(printf '%*s' $((58 - width)) '')"
    ROWS+=("$(printf '| %s | %10s %-2s | ≤ %5s %-2s | %-6s |' "$label" "$value" "$unit" "$target" "$unit" "$verdict")")
}

# median_ms PREPARE COMMAND: median wall time of COMMAND in milliseconds; PREPARE (shell, may be
# ":") runs before every run, untimed.
# MEDIAN_RUNS and MEDIAN_WARMUP (default 2) override RUNS and the warm-up runs for one call.
median_ms() {
    local prepare=$1 command=$2 runs=${MEDIAN_RUNS:-$RUNS}
    sync # start with no writeback pending from earlier steps (this disk's fsyncs wait for it)
    if [[ -n $HYPERFINE ]]; then
        local json="$DIR/hyperfine.json" how=(--prepare "$prepare")
        # Without a prepare step, no shell at all (-N): a few-ms command is measured exactly.
        [[ $prepare == ":" ]] && how=(-N)
        "$HYPERFINE" --style none --warmup "${MEDIAN_WARMUP:-2}" --runs "$runs" "${how[@]}" \
            --export-json "$json" "$command" >/dev/null
        grep -o '"median": *[0-9.e+-]*' "$json" | head -1 | awk '{ printf "%.1f", $2 * 1000 }'
    else
        local times=() i start end
        for ((i = 0; i < runs; i++)); do
            bash -c "$prepare"
            start=$(date +%s%N)
            bash -c "$command" >/dev/null
            end=$(date +%s%N)
            times+=($(((end - start) / 1000)))
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END {
            m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
    fi
}

# peak_mb PREPARE COMMAND: the largest maximum resident set size over 5 runs, in MB.
peak_mb() {
    local prepare=$1 command=$2 peak=0 kb i
    [[ -n $GNU_TIME ]] || return 0
    for ((i = 0; i < 5; i++)); do
        bash -c "$prepare"
        kb=$("$GNU_TIME" -f '%M' bash -c "exec $command" 2>&1 >/dev/null | tail -1)
        ((kb > peak)) && peak=$kb
    done
    awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }'
}

# The synthetic data, kept between runs (keyed by N and D), made by the sections that use it.
BIG="$DIR/big-$N-$D.db"
DECK="$DIR/deck10k.toml"

# The synthetic database of $1 cards over D days, generated once (REBUILD=1 regenerates).
synthetic() {
    local db="$DIR/big-$1-$D.db"
    if [[ ${REBUILD:-0} == 1 || ! -f $db ]]; then
        echo "== generating $db (examples/synth.rs)" >&2
        # The worst case (most cards long overdue, a story per ten cards), as these targets were
        # set on; benches/scale.py measures realistic collections at 10k, 100k and 1M cards.
        "$SYNTH" --db "$db" --cards "$1" --days "$D" --today 2027-01-04 --overdue >"$db.info"
        cat "$db.info" >&2
    fi
    # Migrated once here, so no measured run pays for a migration (or its backup copy); then the
    # log is checkpointed into the file, as the runs copy the file alone.
    "$BIN" --db "$db" decks >/dev/null
    rm -f "$db".bak-v*
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$db"
    echo "$db"
}

section_foundation() {
    echo "== foundation (issue 2 §5): show, grade, first run, import"
    synthetic "$N" >/dev/null
    if [[ ${REBUILD:-0} == 1 || ! -f $DECK ]]; then
        "$SYNTH" --cards 0 --deck-file "$DECK" --deck-cards 10000
    fi
    # A match card in the middle of the data, with its ~10 reviews.
    local card=d$(((N / 10000) / 2))-q2500
    [[ $N -ge 10000 ]] || card=d0-q$((N / 4))
    local work="$DIR/work.db"
    # A fresh copy, flushed to disk: otherwise the copy's writeback competes with grade's fsync.
    local fresh="rm -f $work $work-wal $work-shm && cp $BIG $work && sync"
    bash -c "$fresh"
    "$BIN" --db "$work" show "$card" >/dev/null # the card exists

    local show grade
    show=$(median_ms ":" "$BIN --db $work show $card")
    row "show (median)" "$show" ms 15
    # Every run logs one review of the same card on the same study day: the first is the
    # scheduled review, the rest re-drills; each is one transaction (INSERT + UPDATE), synced.
    grade=$(median_ms ":" "$BIN --db $work grade $card 4")
    row "grade (median)" "$grade" ms 15

    local first="$DIR/first.db"
    row "first run on an empty path (create, migrate, load decks)" \
        "$(median_ms "rm -f $first $first-wal $first-shm" "$BIN --db $first decks")" ms 150

    row "import of a 10,000-card deck into the $((N / 1000))k database" \
        "$(median_ms "$fresh" "$BIN --db $work import $DECK")" ms 1000

    bash -c "$fresh"
    row "peak memory of show" "$(peak_mb ":" "$BIN --db $work show $card")" MB 30
    row "peak memory of grade" "$(peak_mb ":" "$BIN --db $work grade $card 4")" MB 30
    rm -f "$work" "$work-wal" "$work-shm" "$first" "$first-wal" "$first-shm"
}

section_session() {
    echo "== review session (issues 3, 10): first card on screen at several sizes, per-answer latency"
    local work="$DIR/work.db" answers=${ANSWERS:-40}
    local quit="$DIR/quit.txt" graded="$DIR/graded.txt"
    printf ':q\n' >"$quit"
    # Per card: an empty answer (don't know / tell aloud / reveal), an empty checklist (a recall
    # card told aloud asks which key points were said), then grade 4. A match or cloze card reads
    # the checklist's line as its grade, so the lines drift between cards: twice as many as
    # needed, and --limit stops the session after $answers grades either way.
    : >"$graded"
    for ((i = 0; i < 2 * answers; i++)); do printf '\n\n4\n' >>"$graded"; done
    printf ':q\n' >>"$graded"

    # Start, build the day's queue, show the first card, read ":q", print the summary: the cost
    # must not grow with the collection (it reads the due and new cards through their indexes),
    # so it is measured at N/10 cards too.
    local size db fresh first
    for size in $((N / 10)) "$N"; do
        db=$(synthetic "$size")
        fresh="rm -f $work $work-wal $work-shm && cp $db $work && sync"
        first=$(median_ms "$fresh" "$BIN --db $work review < $quit")
        row "session: start to first card on screen, $((size / 1000))k cards" "$first" ms 30
    done
    fresh="rm -f $work $work-wal $work-shm && cp $BIG $work && sync"

    # The same, answering $answers cards: each answer is rendered, graded and committed (synced).
    local many per fsync
    many=$(median_ms "$fresh" "$BIN --db $work review --limit $answers < $graded")
    per=$(awk -v a="$many" -v b="$first" -v n="$answers" 'BEGIN { printf "%.2f", (a - b) / n }')
    # One synced 4 KiB write on this disk, the cost SQLite pays per commit in synchronous=FULL.
    fsync=$(python3 -c '
import os, statistics, sys, time
path = sys.argv[1]
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
times = []
for _ in range(30):
    os.write(fd, b"x" * 4096)
    t = time.perf_counter(); os.fdatasync(fd); times.append((time.perf_counter() - t) * 1000)
os.close(fd); os.remove(path)
print(f"{statistics.median(times):.2f}")' "$DIR/fsync.probe")
    echo "one fdatasync of 4 KiB on this disk: $fsync ms (median of 30)"
    row "session: each answer shown, graded, committed (mean)" "$per" ms "$(awk -v f="$fsync" 'BEGIN { printf "%.1f", 5 + f }')"
    rm -f "$work" "$work-wal" "$work-shm" "$quit" "$graded"
}

section_personal() {
    echo "== your own cards (issue 4): import of $N rows, search at $N cards"
    # examples/search_synth.rs: a deck "synth" of N basic cards (beside the built-in decks), and
    # the same N cards as an Anki file (deck "bulk"); the CSV file is that deck's CSV export.
    local synth=target/release/examples/search_synth
    local search_db="$DIR/search-$N.db" anki="$DIR/bulk-$N.txt" csv="$DIR/bulk-$N.csv"
    if [[ ${REBUILD:-0} == 1 || ! -f $search_db ]]; then
        "$synth" db "$search_db" "$N"
    fi
    if [[ ${REBUILD:-0} == 1 || ! -f $csv ]]; then
        "$synth" anki "$anki" "$N"
        local tmp="$DIR/bulk-export.db"
        rm -f "$tmp" "$tmp-wal" "$tmp-shm"
        "$BIN" --db "$tmp" import "$anki" >/dev/null
        "$BIN" --db "$tmp" export bulk --format csv -o "$csv"
        rm -f "$tmp" "$tmp-wal" "$tmp-shm"
    fi

    # Into a fresh database, created and migrated beforehand so that the import alone is timed.
    local work="$DIR/import.db"
    local fresh="rm -f $work $work-wal $work-shm && $BIN --db $work decks >/dev/null && sync"
    local runs=${IMPORT_RUNS:-5}
    row "import of a $((N / 1000))k-row Anki file into a new database" \
        "$(MEDIAN_RUNS=$runs MEDIAN_WARMUP=1 median_ms "$fresh" "$BIN --db $work import $anki")" ms 5000
    row "import of a $((N / 1000))k-row CSV file into a new database" \
        "$(MEDIAN_RUNS=$runs MEDIAN_WARMUP=1 median_ms "$fresh" "$BIN --db $work import $csv")" ms 5000
    # The same file again: every row compared, none written.
    bash -c "$fresh && $BIN --db $work import $anki >/dev/null"
    row "the same Anki file again (all $((N / 1000))k rows unchanged)" \
        "$(MEDIAN_RUNS=$runs MEDIAN_WARMUP=1 median_ms "sync" "$BIN --db $work import $anki")" ms 5000
    rm -f "$work" "$work-wal" "$work-shm"

    # 分布式锁 is in about one card in five, Redis in one in six: ~20,000 matches to rank.
    "$BIN" --db "$search_db" decks >/dev/null
    local q
    for q in "分布式锁 (FTS5)" "Redis (FTS5)" "限流 (LIKE: under 3 characters)"; do
        row "search $q" \
            "$(median_ms ":" "$BIN --db $search_db search ${q%% *}")" ms 50
        row "search ${q%% *} --deck synth" \
            "$(median_ms ":" "$BIN --db $search_db search ${q%% *} --deck synth")" ms 50
    done
    PERSONAL_INFO="$N cards in $search_db ($(du -h "$search_db" | cut -f1)); $N rows in $anki ($(du -h "$anki" | cut -f1)) and $csv"
}

section_stats() {
    echo "== statistics (issue 5): stats and stats --json over the synthetic history"
    synthetic "$N" >/dev/null
    local work="$DIR/work.db"
    rm -f "$work" "$work-wal" "$work-shm" && cp "$BIG" "$work" && sync
    "$BIN" --db "$work" stats >/dev/null # migrated and warm
    row "stats (median)" "$(median_ms ":" "$BIN --db $work stats")" ms 100
    row "stats --json (median)" "$(median_ms ":" "$BIN --db $work stats --json")" ms 100
    rm -f "$work" "$work-wal" "$work-shm"
}

for section in ${SECTIONS:-foundation session stats personal}; do
    "section_$section"
done

echo
if [[ " ${SECTIONS:-foundation} " == *" foundation "* ]]; then
    echo "data: $(cat "$BIG.info" 2>/dev/null || echo "$BIG")"
fi
if [[ -n ${PERSONAL_INFO:-} ]]; then
    echo "data (issue 4): $PERSONAL_INFO"
fi
printf '| %-58s | %13s | %10s | %-6s |\n' "figure (release build, whole process)" "measured" "target" ""
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "$(printf -- '-%.0s' {1..15})" "$(printf -- '-%.0s' {1..12})" "--------"
printf '%s\n' "${ROWS[@]}"
exit "$FAILED"
