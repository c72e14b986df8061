"""Run Odoo's test suite in-process and print an exact closing line.

Odoo logs per-module statistics but no single total; this wrapper starts the
server the way ``odoo-bin`` does, then reads the registry's assertion report so
the shell script can fail on failures, errors *and* on zero tests run.

Usage: python odoo_test_runner.py [--existing-db] <odoo-bin server options...>
--existing-db: test in a database prepared beforehand (e.g. ``odoo-bin db init --with-demo``) instead of a new
empty one; the modules given with -i are installed and tested there.
Exit: 0 when at least one test ran and none failed, 1 otherwise.
"""

import sys


def main(argv):
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.service import server  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    existing = "--existing-db" in argv
    argv = [arg for arg in argv if arg != "--existing-db"]
    config.parse_config(argv, setup_logging=True)
    from odoo.service import db  # noqa: PLC0415

    dbname = config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    if not existing:
        db._create_empty_database(dbname)  # raises DatabaseExists: tests need a fresh one
        config["init"]["base"] = True
    reports = {}
    original = server.preload_registries

    def preload_and_keep_report(dbnames):
        rc = original(dbnames)
        for name in dbnames:
            try:
                reports[name] = Registry.registries[name]._assertion_report
            except KeyError:
                pass
        return rc

    server.preload_registries = preload_and_keep_report
    rc = server.start(preload=[dbname], stop=True)
    report = reports.get(dbname)
    if report is None:
        print("0 passed, 1 failed")
        print(f"test runner: Odoo did not load database {dbname} (rc={rc}); see the log above", file=sys.stderr)
        return 1
    failed = report.failures_count + report.errors_count
    passed = max(report.testsRun - failed - report.skipped, 0)
    print(f"{passed} passed, {failed} failed, {report.skipped} skipped")
    if report.testsRun == 0:
        print("test runner: 0 tests ran; refusing to report success", file=sys.stderr)
        return 1
    if failed or rc:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
