#!/usr/bin/env bash
# The run command: creates (or updates) a database with demo data and the four
# addons installed, then serves it on http://localhost:8069 (admin / admin).
# Env: ODOO_PATH, ODOO_VENV, DB (default collections_demo), PORT (default 8069), BASE_URL (default
#      http://localhost:$PORT: the address links and PDFs use, frozen),
#      COUNTRY (default CO: Colombian chart, COP) and LANGUAGE (default es_419) of a new database;
#      e.g. COUNTRY=MX for Mexico, or COUNTRY=US LANGUAGE=en_US for an English demo.
set -euo pipefail
source "$(dirname "$0")/env.sh"
start_postgres
prepare_venv
DB=${DB:-collections_demo}
PORT=${PORT:-8069}

# links in emails, letters and the portal, and the PDF's styles, point where this serves (frozen: a first login
# from another address does not change it), from the demo's first reminder on; a real server sets its own
# public address the same way
BASE_URL=${BASE_URL:-http://localhost:$PORT}
set_base_url() {
  psql -d "$DB" -qc "INSERT INTO ir_config_parameter (key, value, create_date, write_date)
    VALUES ('web.base.url', '$BASE_URL', now(), now()), ('web.base.url.freeze', 'True', now(), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()"
}

if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  echo "== updating $DB"
  set_base_url
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
    -u "$ADDONS" --stop-after-init --log-level=warn
else
  COUNTRY=${COUNTRY:-CO}
  LANGUAGE=${LANGUAGE:-es_419}
  echo "== creating $DB ($COUNTRY, $LANGUAGE) with demo data (about two minutes)"
  # the country's chart (and its demo company) comes with account; users and customers speak LANGUAGE
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" db init "$DB" \
    --country "$COUNTRY" --language "$LANGUAGE" --with-demo
  set_base_url
  # accounting first: it brings the country's localization and its demo company, where the story is told
  # (and the demo payment provider, so the customer portal can pay online)
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
    -i "account,$EXTRA_ADDONS" --stop-after-init --log-level=warn
  PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
    -i "$ADDONS" --stop-after-init --log-level=warn
fi
echo "== serving http://localhost:$PORT  (database $DB; logins: admin/admin, marta/marta manager, carla/carla and diego/diego collectors, lucia/lucia legal; customer portal: cliente/cliente)"
exec env PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DB" \
  --db-filter="^$DB\$" --http-port="$PORT" --log-level=info
