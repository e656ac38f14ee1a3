#!/usr/bin/env bash
# Kill-and-resume demonstration: `kill -9` a `newsgraph extract` run part-way, run the same command again,
# and check that it resumes from the result cache and writes exactly the output of a clean run. While the
# first run is going, a second run on the same output folder shows the lock (exit code 2).
#
# Usage: bash benchmarks/resume_demo.sh [ARTICLES=150] [WORKERS=1] [ENGINE=local|dask]
# Reads the first ARTICLES articles of ../shared/data/de/news/10kgnad/articles.jsonl (into a temp folder;
# another file with DATA=...).
set -euo pipefail
ARTICLES=${1:-150}
WORKERS=${2:-1}
ENGINE=${3:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NEWSGRAPH=${NEWSGRAPH:-$ROOT/.venv/bin/newsgraph}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
TMP=$(mktemp -d /tmp/newsgraph-resume-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
DATA=${DATA:-$ROOT/../shared/data/de/news/10kgnad/articles.jsonl}
head -n "$ARTICLES" "$DATA" > "$TMP/in.jsonl"
ARGS=("$TMP/in.jsonl" --set batch_size=16 --workers "$WORKERS" --engine "$ENGINE")
cached() { "$PYTHON" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM results').fetchone()[0])" "$1" 2>/dev/null || echo 0; }

echo "== clean run ($ARTICLES articles, --no-cache, --workers $WORKERS --engine $ENGINE)"
"$NEWSGRAPH" extract "${ARGS[@]}" -q -o "$TMP/clean" --no-cache

echo "== run to be killed"
"$NEWSGRAPH" extract "${ARGS[@]}" -q -o "$TMP/out" &
PID=$!
TARGET=$((ARTICLES / 2))
while kill -0 "$PID" 2>/dev/null && [ ! -e "$TMP/out/.newsgraph.lock" ]; do sleep 0.1; done
echo "== a second run on the same folder meanwhile"
set +e
"$NEWSGRAPH" extract "${ARGS[@]}" -q -o "$TMP/out" > "$TMP/second.log" 2>&1
echo "exit code $? (2: the folder is locked by the first run): $(tr -s ' \n' ' ' < "$TMP/second.log")"
set -e
while kill -0 "$PID" 2>/dev/null && [ "$(cached "$TMP/out/newsgraph-cache.sqlite")" -lt "$TARGET" ]; do sleep 0.5; done
CHILDREN=$(pgrep -P "$PID" | tr '\n' ' ' || true)  # local workers, or the Dask LocalCluster's
kill -9 "$PID" 2>/dev/null && echo "kill -9 $PID after $(cached "$TMP/out/newsgraph-cache.sqlite") articles were cached" \
  || { echo "the run finished before it could be killed: use more ARTICLES"; exit 1; }
wait "$PID" 2>/dev/null || true
sleep 1
echo "left behind in OUT: $(cd "$TMP/out" && ls -A | tr '\n' ' ')"
sleep 4
ALIVE=0; for c in $CHILDREN; do kill -0 "$c" 2>/dev/null && ALIVE=$((ALIVE + 1)); done
echo "worker processes of the killed run: ${CHILDREN:-none}; still alive 5 s later: $ALIVE"

echo "== same command again (resume)"
"$NEWSGRAPH" extract "${ARGS[@]}" -o "$TMP/out" 2>&1 | grep -E "articles|from cache|processed|failed" || true
echo "left in OUT: $(cd "$TMP/out" && ls -A | tr '\n' ' ')"
for f in articles.jsonl entities.jsonl graph.graphml graph.json newsgraph-manifest.json; do
  if cmp -s "$TMP/clean/$f" "$TMP/out/$f"; then echo "identical to the clean run: $f"; else echo "DIFFERS: $f"; exit 1; fi
done
"$PYTHON" - "$TMP/out/articles.jsonl" "$ARTICLES" <<'PY'
import json, sys
ids = [json.loads(line)["article"]["id"] for line in open(sys.argv[1], encoding="utf-8")]
print(f"records: {len(ids)} for {sys.argv[2]} articles, {len(set(ids))} distinct ids, duplicates: {len(ids) - len(set(ids))}")
assert len(ids) == len(set(ids)) == int(sys.argv[2])
PY
