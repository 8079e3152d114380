"""Reading a page's CSV download back as rows."""

from __future__ import annotations

import csv
import io


def csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")  # spreadsheets need it to read accents right
    return list(csv.DictReader(io.StringIO(content[1:])))
