"""Write each addon's README.rst (what Apps and pylint-odoo read) from its readme/ fragments.

    python3 scripts/addon_readmes.py          # write
    python3 scripts/addon_readmes.py --check  # exit 1 when a README.rst is out of date (make lint)

The fragments (DESCRIPTION.md, CONFIGURE.md, USAGE.md, as OCA's readme/ convention) are written in the
subset of Markdown that is also reStructuredText: paragraphs and "- " lists.
"""

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDONS = ("collections_management", "collections_whatsapp", "collections_portal", "collections_reports")
SECTIONS = (("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))


def render(addon):
    manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = ["=" * len(title), title, "=" * len(title), "", manifest["summary"], ""]
    for filename, heading in SECTIONS:
        text = (ROOT / addon / "readme" / filename).read_text().strip()
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [text, ""]
    parts += ["License", "=======", "", f"{manifest['license']} ({manifest['author']}).", ""]
    return "\n".join(parts)


def main(check):
    stale = []
    for addon in ADDONS:
        path = ROOT / addon / "README.rst"
        text = render(addon)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
    if stale:
        print("out of date (run python3 scripts/addon_readmes.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
