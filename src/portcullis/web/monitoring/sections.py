"""HS sections by chapter, for grouping figures."""

from __future__ import annotations

import functools

from portcullis.engine.reference import nomenclature

HEAT_EDITION = "HS2022"  # sections by chapter are the same in every edition, and it ships


@functools.cache
def _chapter_sections() -> dict[str, str]:
    entries = nomenclature().edition(HEAT_EDITION).entries
    return {code: entry.section for code, entry in entries.items() if entry.level == 2}


def section_of(chapter: str) -> str:
    return _chapter_sections().get(chapter, "?")
