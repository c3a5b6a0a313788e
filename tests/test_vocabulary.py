"""One word for one thing: the code, the templates and so the report say 'guest cluster'.

'faux' is left only where a file format keeps it: the findings JSON's keys and cause ids of
schema_version 1 (and the history snapshot's key), written as quoted strings, and the French word for
'false' among the words a boolean cell may hold.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("reportgen", "templates")
SUFFIXES = {".py", ".pyi", ".pyx", ".pxd", ".html", ".css", ".js", ".json", ".md", ".txt", ".toml"}

CONTRACT_KEYS = {
    "faux_clusters", "faux_cluster", "degraded_faux_clusters", "per_faux_cluster", "per_faux_cluster_at_power_on",
    "faux_clusters_fixed", "faux_clusters_new", "faux_clusters_changed", "faux_clusters_in_site",
}
"""The findings JSON's keys (schema_version 1) that keep the old name; they mean guest clusters."""
QUOTES = "\"'`("
FALSE_WORDS_LINE = re.compile(r"^FALSE_WORDS = \(.*\"faux\"")
WORD = re.compile(r"\w*faux\w*", re.IGNORECASE)


def allowed(line: str, m: re.Match[str]) -> bool:
    quoted = m.start() > 0 and line[m.start() - 1] in QUOTES
    word = m.group(0)
    if word in CONTRACT_KEYS:
        return quoted
    if word == "faux" and line[m.end():m.end() + 1] == ":":
        return quoted  # the cause id 'faux:<i>'
    return word == "faux" and bool(FALSE_WORDS_LINE.match(line))


def strays() -> list[str]:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in SUFFIXES or "__pycache__" in path.parts or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for m in WORD.finditer(line):
                    if not allowed(line, m):
                        found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_guest_cluster_is_the_only_word() -> None:
    assert strays() == []


def test_the_check_sees_a_stray_word() -> None:
    def one(line: str) -> bool:
        return all(allowed(line, m) for m in WORD.finditer(line))

    assert one('doc["faux_clusters"]') and one("f\"faux:{index}\"") and one("(the contract's ``faux_clusters``)")
    assert not one("analysis.faux_clusters") and not one("n_faux = 3") and not one("a faux cluster")
    assert not one('"faux"') and one('FALSE_WORDS = ("false", "faux")')
