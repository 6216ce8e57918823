#!/usr/bin/env bash
# Times `storydrill stats` and `stats --json` (whole process, release build) on a synthetic
# database of 100,000 cards and 1,000,000 reviews built by examples/stats_synth.rs, and prints the
# medians. Target (issue 5): both <= 100 ms.
#
#   benches/stats.sh              # builds the database once (~1-2 min), then reuses it
#   REBUILD=1 benches/stats.sh    # builds it again
#   CARDS=10000 REVIEWS=100000 DB=/tmp/small.db benches/stats.sh
#
# Uses hyperfine when installed (apt-get install -y hyperfine), else a plain loop.
set -euo pipefail
cd "$(dirname "$0")/.."

CARDS=${CARDS:-100000}
REVIEWS=${REVIEWS:-1000000}
DB=${DB:-target/stats-bench/stats-${CARDS}-${REVIEWS}.db}
RUNS=${RUNS:-30}
BIN=target/release/storydrill

cargo build --release --quiet --bin storydrill --example stats_synth
mkdir -p "$(dirname "$DB")"
if [[ ! -f "$DB" || "${REBUILD:-0}" == 1 ]]; then
    echo "building $DB: $CARDS cards, $REVIEWS reviews"
    target/release/examples/stats_synth "$DB" --cards "$CARDS" --reviews "$REVIEWS"
fi

# The synthetic history ends on 2027-01-03; "today" is the 4th.
export STORYDRILL_DB="$DB" STORYDRILL_NOW=2027-01-04T12:00:00+08:00 TZ=Asia/Shanghai NO_COLOR=1
"$BIN" stats >/dev/null # migrate if needed, warm the page cache

echo "database: $DB ($(du -h "$DB" | cut -f1)), $(sqlite3 "$DB" 'SELECT count(*) FROM card' 2>/dev/null || echo "$CARDS") cards"
echo "RUST_BACKTRACE=${RUST_BACKTRACE:-unset} (anyhow captures a backtrace per error while set; stats makes none)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

median_ms() { # command... -> median wall time in ms over $RUNS runs
    local times=()
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

if command -v hyperfine >/dev/null; then
    json=$(mktemp)
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" \
        "$BIN stats" "$BIN stats --json" >&2
    python3 - "$json" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    cmd = r["command"].split("storydrill ", 1)[1]
    print(f"{'storydrill ' + cmd:<26} median {r['median'] * 1000:6.1f} ms   (min {r['min'] * 1000:.1f}, max {r['max'] * 1000:.1f})")
EOF
    rm -f "$json"
else
    echo "(hyperfine not found: plain loop of $RUNS runs)"
    printf '%-26s median %6s ms\n' "storydrill stats" "$(median_ms "$BIN" stats)"
    printf '%-26s median %6s ms\n' "storydrill stats --json" "$(median_ms "$BIN" stats --json)"
fi
