#!/usr/bin/env bash
# Side by side on copies of the same generated book, one after the other: our first run (every due step
# executed, the daily cron and its second worker) and OCA account_credit_control 19.0 "compute credit
# lines"; prints both lines and the ratio. Env: SIZES (default 100000), WORKERS (default 2), OCA_DIR.
set -euo pipefail
here=$(dirname "$0")
for size in ${SIZES:-100000}; do
  ours=$(SIZES=$size BENCH_ARGS="--workers ${WORKERS:-2} --first-only" "$here/run.sh" 2>/dev/null \
         | grep '^first run' | cut -c1-160)
  oca=$(SIZES=$size "$here/oca.sh" 2>/dev/null | grep '^OCA compute credit lines' | cut -c1-160)
  echo "== $size open invoices"
  echo "ours: $ours"
  echo "OCA:  $oca"
  python3 - "$ours" "$oca" <<'PY'
import re, sys
ours, oca = (float(re.search(r"([\d.]+)s wall", line).group(1)) for line in sys.argv[1:3])
print(f"ratio: OCA {oca:.1f} s / ours {ours:.1f} s = {oca / ours:.1f}x")
PY
done
