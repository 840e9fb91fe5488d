"""Every link and image in the README and in docs/ points to a file that exists, and an
anchor (``guide.md#a-heading``) to a heading of that file as GitHub names it; the guides the
product's own messages name exist with the sections they name."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
POINTER = re.compile(r"(docs/[\w./-]+\.md): ([^)\"]+)\)")


def markdown_files(root: Path) -> list[Path]:
    """The README and every Markdown file under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def prose(text: str) -> str:
    """The text without code blocks and inline code, where links are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a Markdown page (repeated headings get -1, -2, …)."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        name = slug(heading)
        count = seen.get(name, 0)
        seen[name] = count + 1
        found.add(name if count == 0 else f"{name}-{count}")
    return found


def headings(page: Path) -> set[str]:
    """The headings of a page, as written."""
    return set(HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))))


def broken_links(root: Path, files: list[Path]) -> list[str]:
    """``file: target (why)`` for every relative link or image that does not resolve."""
    broken = []
    for page in files:
        for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
            if EXTERNAL.match(target):
                continue
            path_part, _, anchor = target.partition("#")
            path = (page.parent / path_part).resolve() if path_part else page
            where = f"{page.relative_to(root)}: {target}"
            if not path.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{where} (no such heading)")
    return broken


def test_every_link_and_image_in_the_readme_and_docs_resolves() -> None:
    files = markdown_files(ROOT)
    assert len(files) > 10 and any("user-guide" in str(page) for page in files)
    assert broken_links(ROOT, files) == []


def test_a_missing_file_or_heading_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\n## Several desktops: one `shared` database\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(
        "![shot](docs/missing.png) [ok](docs/guide.md#several-desktops-one-shared-database)\n"
        "[gone](docs/guide.md#nowhere) [web](https://example.com/x.md) `[code](nope.md)`\n"
        "```\n[fenced](nope.md)\n```\n",
        encoding="utf-8",
    )
    broken = broken_links(tmp_path, markdown_files(tmp_path))
    assert broken == [
        "README.md: docs/missing.png (no such file)",
        "README.md: docs/guide.md#nowhere (no such heading)",
    ]


def test_the_guides_the_messages_point_to_have_those_sections() -> None:
    pointers = [
        (source, match)
        for source in sorted((ROOT / "app").rglob("*.py"))
        for match in POINTER.findall(source.read_text(encoding="utf-8"))
    ]
    assert pointers, "the keyring advice and the network-share refusal name their guide"
    for source, (guide, sections) in pointers:
        page = ROOT / guide
        assert page.is_file(), f"{source.name}: {guide}"
        for section in sections.split("; "):
            assert section.strip() in headings(page), f"{source.name}: {guide}: {section}"
