"""A clone of the project alone is enough to read its documentation (issue 20, point 11)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")
CODE_PATH = re.compile(r"`((?:\.\./|docs/|shared/)[^`\s]*\.md)`")


def test_every_document_the_readme_names_is_in_the_repository():
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = document.read_text("utf-8")
        named = LINK.findall(text) + CODE_PATH.findall(text)
        for target in named:
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path = (document.parent / target).resolve()
            assert path.is_relative_to(ROOT), f"{document.name} points outside the clone: {target}"
            assert path.exists(), f"{document.name} names {target}, which is not in the repository"
    assert "docs/DESIGN.md" in (ROOT / "README.md").read_text("utf-8")
