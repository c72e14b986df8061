#!/usr/bin/env bash
# OCA account_credit_control 19.0 on a copy of the same generated book (run ./bench/run.sh first).
# The wheel is downloaded from PyPI with `pip download --no-deps` and unzipped OUTSIDE the project
# (OCA_DIR, default a temporary folder); it is never installed into the venv nor committed.
# Env: SIZES (default "10000"), OCA_DIR, ODOO_PATH, ODOO_VENV.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
start_postgres
prepare_venv
OCA_DIR=${OCA_DIR:-$(mktemp -d -t oca-credit-control.XXXXXX)}
if [ ! -d "$OCA_DIR/addons/account_credit_control" ]; then
  "$PYTHON" -m pip download -q --no-deps -d "$OCA_DIR/wheel" "odoo-addon-account-credit-control>=19.0,<19.1"
  mkdir -p "$OCA_DIR/unzipped"
  "$PYTHON" -m zipfile -e "$OCA_DIR"/wheel/*.whl "$OCA_DIR/unzipped"
  mkdir -p "$OCA_DIR/addons"
  cp -r "$OCA_DIR/unzipped/odoo/addons/account_credit_control" "$OCA_DIR/addons/"
fi
for size in ${SIZES:-10000}; do
  pristine="bench_${size}_pristine"
  db="bench_${size}_oca"
  psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$pristine'" | grep -q 1 \
    || { echo "no $pristine: run SIZES=$size ./bench/run.sh first"; exit 2; }
  dropdb --if-exists "$db"
  createdb -T "$pristine" "$db"
  # the pristine book may come from an older checkout: bring our module up to date beside OCA's
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH,$OCA_DIR/addons" \
    -d "$db" -i account_credit_control -u collections_management --stop-after-init --log-level=warn
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ROOT/bench/oca_bench.py" --db "$db" \
    --addons-path="$ADDONS_PATH,$OCA_DIR/addons"
  dropdb "$db"
done
