import json
from pathlib import Path

from portcullis.engine.schema import json_schema

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "declaration.schema.json"


def test_the_published_json_schema_matches_the_model():
    published = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert published == json_schema(), (
        "docs/declaration.schema.json is out of date: "
        "python -m portcullis.engine.schema > docs/declaration.schema.json"
    )


def test_the_documented_example_is_a_valid_declaration():
    from portcullis.engine.validation import ValidDeclaration, validate_declaration

    example = json.loads((DOCUMENT.parent / "examples" / "declaration.json").read_text())
    assert isinstance(validate_declaration(example), ValidDeclaration)
