# Shared by scripts/test.sh and scripts/run.sh: find Odoo and a Python for it.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo19}
ODOO_VENV=${ODOO_VENV:-/opt/odoo19-venv}
ADDONS_PATH="$ODOO_PATH/addons,$ROOT"

if [ ! -f "$ODOO_PATH/odoo-bin" ] || ! grep -q "version_info = (19, 0" "$ODOO_PATH/odoo/release.py" 2>/dev/null; then
  echo "error: Odoo 19.0 source not found at ODOO_PATH=$ODOO_PATH." >&2
  echo "       Point ODOO_PATH at an Odoo 19.0 Community checkout (the folder holding odoo-bin)." >&2
  exit 2
fi

start_postgres() {
  if command -v pg_isready >/dev/null && pg_isready -q; then return 0; fi
  if command -v pg_lsclusters >/dev/null; then
    local cluster
    cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
    [ -n "$cluster" ] && pg_ctlcluster $cluster start && sleep 2
  fi
  pg_isready -q || { echo "error: PostgreSQL is not running and could not be started" >&2; exit 2; }
  local me
  me=$(id -un)
  if ! psql -d postgres -tAc "SELECT 1" >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    su postgres -c "createuser -s $me" >/dev/null 2>&1 || true
  fi
}

# A venv with Odoo's requirements and ours. ODOO_VENV is used when it imports
# Odoo's stack; otherwise .venv is built here. Our requirements are installed
# once per content hash (a stamp file caches it between runs).
prepare_venv() {
  if [ ! -x "$ODOO_VENV/bin/python" ] || ! "$ODOO_VENV/bin/python" -c "import psycopg2, lxml, werkzeug" 2>/dev/null; then
    ODOO_VENV="$ROOT/.venv"
    if [ ! -x "$ODOO_VENV/bin/python" ] || ! "$ODOO_VENV/bin/python" -c "import psycopg2, lxml, werkzeug" 2>/dev/null; then
      echo "== building $ODOO_VENV from $ODOO_PATH/requirements.txt"
      python3 -m venv "$ODOO_VENV"
      "$ODOO_VENV/bin/pip" install -q --upgrade pip wheel
      local constraint
      constraint=$(mktemp)
      echo 'setuptools<81' > "$constraint"
      "$ODOO_VENV/bin/pip" install -q --build-constraint "$constraint" -r "$ODOO_PATH/requirements.txt"
      rm -f "$constraint"
    fi
  fi
  local stamp="$ODOO_VENV/.collections-requirements"
  local want
  want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== installing project requirements into $ODOO_VENV"
    "$ODOO_VENV/bin/pip" install -q -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
    echo "$want" > "$stamp"
  fi
  PYTHON="$ODOO_VENV/bin/python"
}

ADDONS="collections_management,collections_whatsapp,collections_portal,collections_reports"
# Odoo's demo payment provider: the statement's "pay online" in tests and in the demo (never a dependency)
EXTRA_ADDONS="payment_demo"
