"""CSV downloads of the tables pages show.

Every table can be downloaded as shown, in the browser (portcullis.js writes the cells it
sees). A table whose rows run over several pages offers every row instead: its view answers
``?format=csv`` (with the page's own filters) from this module, streamed, so that a long
audit trail never sits in memory at once. A cell a spreadsheet would run as a formula is
written with a leading apostrophe, the usual defence against CSV injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import get_valid_filename

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def safe(text: str) -> str:
    """Text a spreadsheet will show, not run (a number keeps its sign)."""
    if text[:1] in FORMULA_START and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, Decimal | int | bool):
        return str(value)
    return safe(str(value))


class _Echo:
    """A file that hands back what is written: csv.writer's lines, one at a time."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    name: str, header: list[str], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    """``rows`` as a CSV download named ``name``.csv (UTF-8 with a byte-order mark, which
    spreadsheet programs need to read accents right)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    # Names can carry codes from declarations (a trader's): only safe file-name characters.
    response["Content-Disposition"] = f'attachment; filename="{get_valid_filename(name)}.csv"'
    return response
