"""The field catalogue, the features built, and the language reference agree."""

from pathlib import Path

from portcullis.engine.catalogue import markdown_table
from portcullis.engine.features import build_features, default_catalogue
from tests.engine.risk import later_declarations, trained

DOCS = Path(__file__).resolve().parents[2] / "docs" / "profiles.md"


def test_every_catalogue_field_is_built() -> None:
    _, context = trained()
    built = build_features(later_declarations().head(50), context)
    built.add("model_score", built.numbers("customs_value"))  # the engine adds it after scoring
    missing = [name for name in default_catalogue().names() if name not in built]
    assert missing == []


def test_the_language_reference_lists_every_field() -> None:
    assert markdown_table(default_catalogue()) in DOCS.read_text(encoding="utf-8")
