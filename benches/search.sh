#!/usr/bin/env bash
# Search speed at 100,000 cards (issue 4: ≤ 50 ms, whole process, median), release build.
#   bash benches/search.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
cargo build --release --quiet --bin storydrill --example search_synth
BIN=target/release/storydrill
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
DB="$DIR/search.db"
echo "RUST_BACKTRACE=${RUST_BACKTRACE:-unset}"
start=$(date +%s.%N)
target/release/examples/search_synth db "$DB" "$N"
echo "generated $N cards in $(echo "$(date +%s.%N) - $start" | bc) s ($(du -h "$DB" | cut -f1))"

median_ms() { # runs "$@" 21 times, prints the median wall time in ms
  local times=()
  for _ in $(seq 21); do
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 11p | awk '{printf "%.1f", $1/1000}'
}

printf '%-34s %10s %8s\n' "query" "median ms" "hits"
for q in "排行榜" "Redis" "慢查询 索引" "分布式锁" "主从分离" "t7" "限流" "zzz-not-there"; do
  hits=$("$BIN" --db "$DB" search $q --json | grep -c '"key"' || true)
  printf '%-34s %10s %8s\n' "search $q" "$(median_ms "$BIN" --db "$DB" search $q)" "$hits"
done
printf '%-34s %10s\n' "search 分布式锁 --deck synth" "$(median_ms "$BIN" --db "$DB" search 分布式锁 --deck synth)"
printf '%-34s %10s\n' "(startup: decks --json)" "$(median_ms "$BIN" --db "$DB" decks --json)"
