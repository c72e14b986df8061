#!/usr/bin/env bash
# make bench: build a book of N open invoices and time the engine on it.
# Env: SIZES (default "10000"), CUSTOMERS_PER_INVOICE (default 0.2), ODOO_PATH, ODOO_VENV.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
start_postgres
prepare_venv
for size in ${SIZES:-10000}; do
  db="bench_${size}"
  customers=$(python3 -c "print(max(1000, int($size * ${CUSTOMERS_PER_INVOICE:-0.2})))")
  if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    echo "== creating $db"
    PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$db" \
      -i collections_management --stop-after-init --log-level=warn
    PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ROOT/bench/generate.py" --db "$db" --addons-path="$ADDONS_PATH" \
      --customers "$customers" --open-invoices "$size"
    createdb -T "$db" "${db}_pristine"
  else
    dropdb "$db" && createdb -T "${db}_pristine" "$db"
    # the pristine book was generated with an older checkout: bring the module up to date
    PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$db" \
      -u collections_management --stop-after-init --log-level=warn
  fi
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ROOT/bench/engine_bench.py" --db "$db" --addons-path="$ADDONS_PATH" ${BENCH_ARGS:-}
done
