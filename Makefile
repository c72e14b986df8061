# The README's two commands. ODOO_PATH / ODOO_VENV override where Odoo lives.
.PHONY: test run bench lint

test:  ## fresh database, the four addons, all their tests
	./scripts/test.sh

run:   ## database with demo data, served on http://localhost:8069 (admin/admin)
	./scripts/run.sh

bench: ## daily engine benchmark (see bench/README.md)
	./bench/run.sh

lint:  ## ruff, pylint-odoo's Odoo checks and the addons' READMEs (tools pinned in requirements-dev.txt)
	./scripts/lint.sh
