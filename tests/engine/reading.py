"""Reading a whole file with the engine alone: records, validated, and problems, in order."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from portcullis.engine.formats import ReadProblem, SourceRecord, open_reader
from portcullis.engine.validation import ValidationContext, ValidDeclaration, validate_declaration

SEOUL = ValidationContext(tz=ZoneInfo("Asia/Seoul"))


@dataclass
class Outcome:
    valid: list[ValidDeclaration]
    problems: list[str]  # "row 3: HS6 Code: message"


def read(path: Path, fmt: str, encoding: str | None = None) -> Outcome:
    outcome = Outcome([], [])
    with closing(open_reader(path, fmt, encoding)) as reader:
        for result in reader:
            if isinstance(result, ReadProblem):
                outcome.problems += [
                    f"{result.location}: {p.field}: {p.message}".replace(": : ", ": ")
                    for p in result.problems
                ]
                continue
            assert isinstance(result, SourceRecord)
            checked = validate_declaration(result.raw, SEOUL)
            if isinstance(checked, list):
                for problem in checked:
                    location, name = result.locate(problem.field)
                    outcome.problems.append(f"{location}: {name}: {problem.message}")
            else:
                outcome.valid.append(checked)
    return outcome
