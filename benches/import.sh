#!/usr/bin/env bash
# Import speed of a 100,000-row Anki file (issue 4: ≤ 5 s), release build, into a fresh database
# and again into the same one (every row unchanged), then its CSV export re-imported.
#   bash benches/import.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
cargo build --release --quiet --bin storydrill --example search_synth
BIN=target/release/storydrill
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
echo "RUST_BACKTRACE=${RUST_BACKTRACE:-unset}"
target/release/examples/search_synth anki "$DIR/bulk.txt" "$N"
echo "file: $N rows, $(du -h "$DIR/bulk.txt" | cut -f1)"
"$BIN" --db "$DIR/b.db" decks > /dev/null   # create and migrate first: time the import alone
timed() { local t0 t1; t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N); echo "scale=2; ($t1 - $t0) / 1000000000" | bc; }
echo "import anki, fresh:      $(timed "$BIN" --db "$DIR/b.db" import "$DIR/bulk.txt") s"
echo "import anki, unchanged:  $(timed "$BIN" --db "$DIR/b.db" import "$DIR/bulk.txt") s"
"$BIN" --db "$DIR/b.db" export bulk --format csv -o "$DIR/bulk.csv"
"$BIN" --db "$DIR/c.db" decks > /dev/null
echo "import csv, fresh:       $(timed "$BIN" --db "$DIR/c.db" import "$DIR/bulk.csv") s"
echo "export anki:             $(timed "$BIN" --db "$DIR/b.db" export bulk --format anki -o "$DIR/out.txt") s"
