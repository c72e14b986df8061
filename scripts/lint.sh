#!/usr/bin/env bash
# The lint gate (make lint, and CI before the tests): ruff with the repository's pyproject, pylint-odoo's
# Odoo checks (.pylintrc-mandatory: OCA's mandatory set plus prefer-env-translation) and the addons'
# README.rst in step with their readme/ fragments. Tools come from requirements-dev.txt (pinned), installed
# once per content into LINT_VENV (default .venv-lint); no pre-commit hook fetches anything.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VENV=${LINT_VENV:-$ROOT/.venv-lint}
stamp="$VENV/.requirements-dev.$(sha1sum requirements-dev.txt | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "== lint tools into $VENV (requirements-dev.txt)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r requirements-dev.txt
  touch "$stamp"
fi
rc=0
echo "== ruff"
"$VENV/bin/ruff" check . || rc=1
echo "== pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory collections_management collections_whatsapp collections_portal \
  collections_reports || rc=1
echo "== addon READMEs"
python3 scripts/addon_readmes.py --check || rc=1
[ $rc = 0 ] && echo "lint: clean"
exit $rc
