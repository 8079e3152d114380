"""Whatever bytes arrive, a reader either reads records (good or rejected) or says in one
line why the file cannot be read: it never fails any other way."""

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcullis.engine.checking import check_file
from portcullis.engine.formats import FORMATS, FileFormatError
from portcullis.engine.validation import ValidationContext
from tests.builders import declaration, kcs_row, kcs_text

SEEDS = [
    kcs_text([kcs_row("1"), kcs_row("2")]).encode(),
    (
        b"declaration_id,lodged_at,office,declarant,importer,hs_code,origin_country,"
        b"net_mass_kg,customs_value,currency\nA,2020-01-01,30,D,I,440890,BE,1,2,KRW\n"
    ),
    ('[{"declaration_id": "A", "items": [' + '{"hs_code": "440890"}' + "]}]").encode(),
    str(declaration()).encode(),
]


def mutations() -> st.SearchStrategy[bytes]:
    def mutate(seed: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
        data = bytearray(seed)
        for position, insert in cuts:
            position %= len(data) + 1
            data[position : position + len(insert)] = insert
        return bytes(data)

    return st.one_of(
        st.binary(max_size=2000),
        st.builds(
            mutate,
            st.sampled_from(SEEDS),
            st.lists(st.tuples(st.integers(0, 4000), st.binary(max_size=8)), max_size=6),
        ),
        st.builds(lambda seed, n: seed[:n], st.sampled_from(SEEDS), st.integers(0, 400)),
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=mutations(), fmt=st.sampled_from(FORMATS), compress=st.booleans())
def test_no_input_makes_a_reader_fail_other_than_politely(tmp_path, data, fmt, compress):
    path = tmp_path / "fuzz"
    path.write_bytes(gzip.compress(data) if compress else data)
    try:
        for chunk in check_file(path, fmt, None, ValidationContext(), chunk_size=50):
            assert all(chunk.records)
    except FileFormatError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert "Traceback" not in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_directory_or_a_missing_file_is_one_message(tmp_path, fmt):
    with pytest.raises(FileFormatError, match="directory"):
        list(check_file(tmp_path, fmt, None, ValidationContext(), 10))
    with pytest.raises(FileFormatError, match="cannot open the file"):
        list(check_file(tmp_path / "absent", fmt, None, ValidationContext(), 10))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("data", [b"\xfe\xff\x00", b"\xff\xfeA\x00B"])
def test_a_utf16_file_cut_at_an_odd_byte_is_refused_politely(tmp_path, fmt, data):
    # Found by the fuzz test: Python's surrogateescape cannot keep the last, lone byte of a
    # UTF-16 file ("truncated data") and the reader failed with a UnicodeDecodeError.
    path = tmp_path / "cut"
    path.write_bytes(data)
    try:
        for chunk in check_file(path, fmt, None, ValidationContext(), chunk_size=50):
            assert all(chunk.records)
    except FileFormatError as error:
        message = str(error)
        assert "\n" not in message
