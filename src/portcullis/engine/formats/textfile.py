"""Opening a text file whatever it turns out to be: plain or gzip, BOM or not, or not text.

Undecodable bytes are kept as lone surrogates (as ``errors="surrogateescape"`` keeps them) so
that one badly encoded row is rejected on its own, naming its field, instead of failing the
file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from pathlib import Path
from typing import Any

from portcullis.engine.formats.base import FileFormatError

_SNIFF_BYTES = 8192
_GZIP_MAGIC = b"\x1f\x8b"
_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook; export the sheet as CSV",
    b"PAR1": "a Parquet file; use --format parquet",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
UNDECODABLE = "portcullis.undecodable"


def _as_lone_surrogates(error: UnicodeError) -> tuple[str, int]:
    """Python's surrogateescape, for every byte: it refuses bytes below 128, which a UTF-16
    file cut at an odd length ends with ("truncated data"), and would fail the whole file."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    undecodable = error.object[error.start : error.end]
    return "".join(chr(0xDC80 | (byte & 0x7F)) for byte in undecodable), error.end


codecs.register_error(UNDECODABLE, _as_lone_surrogates)


class TextFile:
    """A readable text stream over a path, with progress in bytes of the file on disk."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        try:
            # Unbuffered, so that tell() on it says how far the file has really been read.
            self._raw: io.FileIO = open(path, "rb", buffering=0)  # noqa: SIM115  # see close()
        except OSError as error:
            raise FileFormatError(f"cannot open the file: {error.strerror}") from None
        self.total = os.fstat(self._raw.fileno()).st_size
        if self.total == 0:
            self.close()
            raise FileFormatError("the file is empty")
        binary: io.BufferedReader | gzip.GzipFile = io.BufferedReader(self._raw)
        if binary.peek(2)[:2] == _GZIP_MAGIC:
            binary = gzip.GzipFile(fileobj=binary, mode="rb")
        try:
            head = binary.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
        except (OSError, EOFError) as error:
            self.close()
            raise FileFormatError(f"the file is not valid gzip: {error}") from None
        self.encoding = encoding or _detect_encoding(head)
        _reject_binary(head, self.encoding)
        try:
            self.text = io.TextIOWrapper(
                io.BufferedReader(_Guarded(binary)),
                encoding=self.encoding,
                errors=UNDECODABLE,
                newline="",
            )
        except LookupError:
            self.close()
            raise FileFormatError(f"unknown encoding {self.encoding!r}") from None

    def done(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return self.total

    def close(self) -> None:
        self._raw.close()


class _Guarded(io.RawIOBase):
    """A byte stream whose damage (a gzip file cut short, a disk error) surfaces as a
    FileFormatError wherever in the file it is found, so the records before it are kept."""

    def __init__(self, inner: io.BufferedReader | gzip.GzipFile) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (EOFError, OSError, zlib.error) as error:
            raise FileFormatError(f"the file is damaged or cut short ({error})") from None
        buffer[: len(data)] = data
        return len(data)


def _detect_encoding(head: bytes) -> str:
    if head.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    return "utf-8"


def _reject_binary(head: bytes, encoding: str) -> None:
    if not head:
        raise FileFormatError("the file is empty")
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            raise FileFormatError(f"this is not a text file: it looks like {what}")
    if not encoding.lower().replace("_", "-").startswith("utf-16") and b"\x00" in head:
        offset = head.index(b"\x00")
        raise FileFormatError(
            f"this is not a text file: it contains binary data (a NUL byte at offset {offset})"
        )
