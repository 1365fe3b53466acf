"""Assemble each addon's README.rst from its readme/*.md fragments (OCA layout).

python3 tools/gen_readme.py        # rewrite addons/*/README.rst
"""

import ast
from pathlib import Path

ADDONS = Path(__file__).resolve().parent.parent / "addons"
SECTIONS = [
    ("DESCRIPTION", "Description"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("CONTRIBUTORS", "Contributors"),
]


def render(addon: Path) -> str:
    name = ast.literal_eval((addon / "__manifest__.py").read_text())["name"]
    out = [
        name,
        "=" * len(name),
        "",
        ".. This file is assembled from the readme/ fragments by tools/gen_readme.py.",
        "",
    ]
    for fragment, title in SECTIONS:
        path = addon / "readme" / f"{fragment}.md"
        if path.exists():
            out += [title, "~" * len(title), "", path.read_text().rstrip(), ""]
    return "\n".join(out)


def main():
    for addon in sorted(p for p in ADDONS.iterdir() if (p / "__manifest__.py").exists()):
        (addon / "README.rst").write_text(render(addon))


if __name__ == "__main__":
    main()
