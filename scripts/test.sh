#!/usr/bin/env bash
# The test command: installs the four addons in a FRESH database with
# --test-enable (at_install and post_install tests), prints "N passed, M failed"
# and exits non-zero when a test fails or errors, or when no test ran.
# Env: ODOO_PATH, ODOO_VENV, ADDONS (comma list), TEST_TAGS, KEEP_DB=1.
set -euo pipefail
source "$(dirname "$0")/env.sh"
start_postgres
prepare_venv

ADDONS=${ADDONS_TO_TEST:-$ADDONS}
# the Mexican and Colombian charts, for the money tests on real localizations (cash-basis IVA, usury ceiling)
EXTRA_ADDONS="$EXTRA_ADDONS,l10n_mx,l10n_co"
# test-only addons (test_addons/): e.g. Enterprise's whatsapp model names, to prove we never clash
TEST_ADDONS=${TEST_ADDONS-test_collections_whatsapp_clash}
ADDONS_PATH="$ADDONS_PATH,$ROOT/test_addons"
DB="collections_test_$(date +%s)_$$"
PORT=${TEST_HTTP_PORT:-$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
LOG=${TEST_LOG:-$(mktemp -t collections-test.XXXXXX.log)}

cleanup() {
  if [ "${KEEP_DB:-0}" != 1 ]; then
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$HOME/.local/share/Odoo/filestore/$DB"
  else
    echo "kept database $DB"
  fi
}
trap cleanup EXIT

args=(--addons-path="$ADDONS_PATH" -d "$DB" -i "$ADDONS,$EXTRA_ADDONS${TEST_ADDONS:+,$TEST_ADDONS}" --test-enable
      --http-port="$PORT" --log-level=info --without-demo=True
      --max-cron-threads=0)
# Only our addons' tests: -i also installs (and would test) account, mail, web...
default_tags=$(echo "$ADDONS${TEST_ADDONS:+,$TEST_ADDONS}" | sed 's#\([^,]*\)#/\1#g')
args+=(--test-tags="${TEST_TAGS:-$default_tags}")

echo "== fresh database $DB, installing $ADDONS with --test-enable (log: $LOG)"
set +e
PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ROOT/scripts/odoo_test_runner.py" "${args[@]}" 2>&1 | tee "$LOG" \
  | grep -E --line-buffered "(ERROR|CRITICAL|FAIL:|odoo.tests.stats|Modules loaded|post-tests in|test runner:)" 
rc=${PIPESTATUS[0]}
set -e
# The closing line is printed last by the runner; repeat it so it ends the output.
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG" | tail -n 1)
if [ -z "$summary" ]; then
  summary="0 passed, 1 failed"
  rc=1
fi

# The demo as `make run` builds it (the country's demo company, its language, Odoo's demo customers): the
# story is told in one company and one language (tests tagged collections_demo). DEMO_TESTS=0 skips it.
if [ "${DEMO_TESTS:-1}" = 1 ] && [ -z "${TEST_TAGS:-}" ]; then
  DEMO_DB="${DB}_demo"
  DEMO_LOG="${LOG}.demo"
  cleanup_demo() {
    cleanup
    if [ "${KEEP_DB:-0}" != 1 ]; then
      dropdb --if-exists "$DEMO_DB" >/dev/null 2>&1 || true
      rm -rf "$HOME/.local/share/Odoo/filestore/$DEMO_DB"
    fi
  }
  trap cleanup_demo EXIT
  echo "== demo database $DEMO_DB (CO, es_419), installing $ADDONS with its demo and the demo tests (log: $DEMO_LOG)"
  set +e
  {
    PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" db init "$DEMO_DB" \
      --country CO --language es_419 --with-demo \
    && PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ODOO_PATH/odoo-bin" --addons-path="$ADDONS_PATH" -d "$DEMO_DB" \
      -i "account,$EXTRA_ADDONS" --stop-after-init --log-level=warn --max-cron-threads=0 \
    && PYTHONPATH="$ODOO_PATH" "$PYTHON" "$ROOT/scripts/odoo_test_runner.py" --existing-db \
      --addons-path="$ADDONS_PATH" -d "$DEMO_DB" -i "$ADDONS" --test-enable --test-tags=collections_demo \
      --http-port="$PORT" --log-level=info --max-cron-threads=0
  } > "$DEMO_LOG" 2>&1
  demo_rc=$?
  set -e
  grep -E "(ERROR|CRITICAL|FAIL:|post-tests in|test runner:)" "$DEMO_LOG" || true
  demo_summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$DEMO_LOG" | tail -n 1)
  [ -n "$demo_summary" ] || { demo_summary="0 passed, 1 failed"; demo_rc=1; }
  echo "== demo: $demo_summary"
  [ $demo_rc = 0 ] || rc=1
  read -r p1 f1 < <(echo "$summary" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
  read -r p2 f2 < <(echo "$demo_summary" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
  summary="$((p1 + p2)) passed, $((f1 + f2)) failed"
fi
if grep -qE "odoo.modules.loading: .*(Failed|error)|CRITICAL" "$LOG"; then
  echo "== the log shows a loading error (see $LOG)"
  rc=1
fi
echo "$summary"
exit $rc
