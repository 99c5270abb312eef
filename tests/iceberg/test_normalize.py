"""The normal form is one spelling per value, whatever form a reader printed it in."""
import datetime as dt
import decimal
import uuid

import pytest

from .normalize import MISSING, NormaliseError, loads_jsonl, normalise_row, normalise_rows, normalise_value

D = decimal.Decimal
UTC = dt.timezone.utc


@pytest.mark.parametrize("itype,forms,canonical", [
    ("boolean", [True, "true"], True),
    ("long", [42, "42", D("42"), 42.0], 42),
    ("float", [0.10000000149011612, 0.1, D("0.1"), "0.1"], "0.1"),
    ("float", [-0.0, "-0.0"], "-0.0"),
    ("float", [3.4028234663852886e38, "3.4028235e38"], "3.4028235e+38"),
    ("float", [float("nan"), "NaN", "nan"], "nan"),
    ("double", [float("-inf"), "-Infinity"], "-inf"),
    ("double", [0.1, D("0.1"), "0.1"], "0.1"),
    ("decimal(9, 2)", [D("12.3"), "12.30", 12.3, D("1.23E+1")], "12.30"),
    ("decimal(38, 10)", [D("-9999999999999999999999999999.9999999999"), "-9999999999999999999999999999.9999999999"],
     "-9999999999999999999999999999.9999999999"),
    ("date", [dt.date(1900, 1, 1), "1900-01-01", -25567], "1900-01-01"),
    ("time", [dt.time(10, 0, 0, 5), "10:00:00.000005", 36000000005], "10:00:00.000005"),
    ("timestamp", [dt.datetime(1969, 12, 31, 23, 59, 59, 999999), "1969-12-31 23:59:59.999999",
                   "1969-12-31T23:59:59.999999", -1], "1969-12-31T23:59:59.999999"),
    ("timestamptz", [dt.datetime(2026, 1, 20, 10, tzinfo=UTC), dt.datetime(2026, 1, 20, 10),
                     dt.datetime(2026, 1, 20, 11, tzinfo=dt.timezone(dt.timedelta(hours=1))),
                     "2026-01-20 10:00:00Z", "2026-01-20T10:00:00.000000+00:00", "2026-01-20T12:00:00+02:00",
                     1768903200000000], "2026-01-20T10:00:00.000000Z"),
    ("uuid", [uuid.UUID(int=1), uuid.UUID(int=1).bytes, "00000000-0000-0000-0000-000000000001",
              "00000000000000000000000000000001"], "00000000-0000-0000-0000-000000000001"),
    ("binary", [b"\x00\xff", bytearray(b"\x00\xff"), "00ff", "00FF", "base64:AP8="], "00ff"),
    ("fixed[2]", [b"\x00\xff", "00ff"], "00ff"),
    ({"type": "map", "key": "string", "value": "long"}, [{"b": 1, "a": None}, [("a", None), ("b", 1)],
                                                        [{"key": "b", "value": 1}, {"key": "a", "value": None}]],
     [["a", None], ["b", 1]]),
    ({"type": "list", "element": "int"}, [[1, None], (1, None)], [1, None]),
    ({"type": "struct", "fields": [{"id": 1, "name": "x", "type": "double"}]}, [{"x": 1}], {"x": "1.0"}),
])
def test_every_form_has_one_spelling(itype, forms, canonical):
    for form in forms:
        assert normalise_value(form, itype) == canonical, form


def test_wrong_types_are_refused():
    for itype, value in [("long", "x"), ("long", True), ("decimal(9, 2)", "1.234"), ("binary", "zz"),
                         ("string", 3), ("timestamp", "yesterday")]:
        with pytest.raises((NormaliseError, ValueError)):
            normalise_value(value, itype)


def test_rows_missing_and_extra_columns_show():
    schema = {"type": "struct", "fields": [{"id": 1, "name": "a", "type": "int"}, {"id": 2, "name": "b",
                                                                                   "type": "string"}]}
    assert normalise_row({"a": 1, "c": 2}, schema) == {"a": 1, "b": MISSING, "<extra:c>": 2}
    assert normalise_rows([{"a": 2, "b": None}, {"a": 1, "b": "x"}], schema) == [{"a": 1, "b": "x"},
                                                                                  {"a": 2, "b": None}]


def test_jsonl_keeps_decimals_exact():
    (row,) = loads_jsonl('{"d": 12345678901234567890.0123456789, "f": NaN}\n')
    assert row["d"] == D("12345678901234567890.0123456789")
    assert normalise_value(row["d"], "decimal(38, 10)") == "12345678901234567890.0123456789"
    assert normalise_value(row["f"], "double") == "nan"
