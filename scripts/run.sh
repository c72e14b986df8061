#!/usr/bin/env bash
# The run command: creates (or updates) a database with demo data and the four
# addons installed, then serves it on http://localhost:8069 (admin / admin).
# Env: ODOO_PATH, ODOO_VENV, DB (default collections_demo), PORT (default 8069).
set -euo pipefail
source "$(dirname "$0")/env.sh"
start_postgres
prepare_venv
DB=${DB:-collections_demo}
PORT=${PORT:-8069}

if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  echo "== updating $DB"
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
    -u "$ADDONS" --stop-after-init --log-level=warn
else
  echo "== creating $DB with demo data (about two minutes)"
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
    -i "$ADDONS" --with-demo --stop-after-init --log-level=warn
fi
echo "== serving http://localhost:$PORT  (login admin / password admin, database $DB)"
exec env PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
  --db-filter="^$DB\$" --http-port="$PORT" --log-level=info
