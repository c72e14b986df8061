"""Lists the terms of our addons that i18n/es.po does not translate yet (as the translations test reads
them), as .po entries to fill in; with --pot, also rewrites each addon's i18n/<addon>.pot.

    PYTHONPATH=$ODOO_PATH $ODOO_VENV/bin/python scripts/i18n_missing.py -d DB --addons-path=... [--pot]

DB: a database with the four addons installed (e.g. one kept by KEEP_DB=1 make test).
"""

import argparse
import io
import pathlib

import odoo
from odoo.tools import config
from odoo.tools.translate import PoFileReader, TranslationModuleReader, trans_export

ADDONS = ("collections_management", "collections_whatsapp", "collections_portal", "collections_reports")
ROOT = pathlib.Path(__file__).resolve().parent.parent


def po_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--pot", action="store_true")
    args = parser.parse_args()
    config.parse_config(["--addons-path", args.addons_path, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        for addon in ADDONS:
            if args.pot:
                buffer = io.BytesIO()
                trans_export(False, [addon], buffer, "po", odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
                (ROOT / addon / "i18n" / f"{addon}.pot").write_bytes(buffer.getvalue())
            rows = [row for row in TranslationModuleReader(cr, modules=[addon]) if row[4]]
            with open(ROOT / addon / "i18n" / "es.po", "rb") as po_file:
                translated = {row["src"] for row in PoFileReader(po_file) if row["value"]}
            missing = {}
            for _module, kind, name, _res_id, src, _comments, *_rest in rows:
                if src not in translated:
                    missing.setdefault(src, set()).add(f"{kind}:{name}")
            print(f"# {addon}: {len(missing)} missing")
            for src, refs in sorted(missing.items()):
                for ref in sorted(refs)[:3]:
                    print(f"#. {ref}")
                print(f"msgid {po_quote(src)}\nmsgstr \"\"\n")


if __name__ == "__main__":
    main()
