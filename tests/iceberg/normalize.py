"""One normal form for Iceberg rows, whoever read them (pyiceberg, Spark, icegraph's CLI).

Every reader hands back rows as dicts keyed by column name, with values in its own Python or JSON form. These
functions turn them into one canonical JSON-able form, driven by the Iceberg schema of the snapshot read (the
schema JSON of the table metadata, `{"type": "struct", "fields": [...]}`), so that two readers agree exactly when
they read the same values:

| Iceberg type | canonical value | also accepted on input |
|---|---|---|
| boolean | `true` / `false` | "true"/"false" |
| int, long | JSON integer | numeric string |
| float | shortest text that round-trips as float32: "0.1", "-0.0", "nan", "inf", "-inf" | number, Decimal, "NaN"/"Infinity"/"-Infinity" |
| double | Python `repr` of the double: "0.1", "1e+300", "nan" | as float |
| decimal(P,S) | string with exactly S digits after the point: "12.30", "-0.01" | number, Decimal, string |
| date | "YYYY-MM-DD" | date, int days since epoch, date or datetime string |
| time | "HH:MM:SS.ffffff" | time, int microseconds since midnight, "HH:MM:SS[.f]" |
| timestamp | "YYYY-MM-DDTHH:MM:SS.ffffff" (no zone) | datetime, int microseconds since epoch, ISO text with "T" or " " |
| timestamptz | "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC) | aware datetime (converted to UTC), naive (taken as UTC), int micros, ISO text with Z/±hh:mm |
| string | the string | |
| uuid | "8-4-4-4-12" lowercase | uuid.UUID, 16 bytes, any text uuid.UUID() parses |
| fixed[L], binary | lowercase hex of the bytes | bytes, bytearray, memoryview, hex text |
| struct | object with every field of the schema, in schema order | dict, Spark Row |
| list | array | list, tuple |
| map | array of [key, value] pairs sorted by key | dict, list of pairs, list of {"key": k, "value": v} |

A row is normalised to an object holding exactly the schema's top-level columns in schema order. A column the reader
did not return becomes the string "<missing>", a column the schema does not have is kept under "<extra:NAME>", so
that both show up in a comparison instead of passing silently. Rows are sorted by their canonical JSON text.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import re
import struct
import uuid
from typing import Any, Iterable

MISSING = "<missing>"
EPOCH = dt.datetime(1970, 1, 1)
EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_DEC_CTX = decimal.Context(prec=100)
_TS_RE = re.compile(r"^(\d{4,}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|z|UTC|[+-]\d{2}:?\d{2})?$")
_TIME_RE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$")
_DECIMAL_RE = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
_FIXED_RE = re.compile(r"^fixed\[\s*(\d+)\s*\]$")


class NormaliseError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Scalars


def _float_text(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def _to_float(v: Any) -> float:
    if isinstance(v, bool):
        raise NormaliseError(f"boolean {v!r} where a floating-point number was expected")
    if isinstance(v, (int, float, decimal.Decimal)):
        return float(v)
    if isinstance(v, str):
        s = v.strip().lower()
        named = {"nan": math.nan, "+nan": math.nan, "-nan": math.nan, "inf": math.inf, "+inf": math.inf,
                 "infinity": math.inf, "+infinity": math.inf, "-inf": -math.inf, "-infinity": -math.inf}
        if s in named:
            return named[s]
        return float(s)
    raise NormaliseError(f"{type(v).__name__} {v!r} where a floating-point number was expected")


def _float32_text(v: Any) -> str:
    x = _to_float(v)
    if math.isnan(x) or math.isinf(x):
        return _float_text(x)
    (f32,) = struct.unpack("<f", struct.pack("<f", x))  # the float32 value (raises if out of range)
    for digits in range(1, 10):
        text = f"{f32:.{digits}g}"
        try:
            same = struct.unpack("<f", struct.pack("<f", float(text)))[0] == f32
        except OverflowError:  # rounded up past the largest float32
            continue
        if same:
            return repr(float(text))  # repr gives one spelling per value (e.g. "1e+20", "0.1", "-0.0")
    return repr(f32)


def _decimal_text(v: Any, scale: int) -> str:
    if isinstance(v, bool):
        raise NormaliseError(f"boolean {v!r} where a decimal was expected")
    if isinstance(v, float):
        d = decimal.Decimal(repr(v))
    elif isinstance(v, (int, str, decimal.Decimal)):
        d = decimal.Decimal(str(v).strip())
    else:
        raise NormaliseError(f"{type(v).__name__} {v!r} where a decimal was expected")
    q = d.quantize(decimal.Decimal(1).scaleb(-scale), context=_DEC_CTX)
    if q != d:
        raise NormaliseError(f"decimal {v!r} has more than {scale} digits after the point")
    return format(q, "f")


def _frac_micros(frac: str | None) -> int:
    if not frac:
        return 0
    if len(frac) > 6:
        if frac[6:].strip("0"):
            raise NormaliseError(f"fraction .{frac} is finer than microseconds")
        frac = frac[:6]
    return int(frac.ljust(6, "0"))


def _parse_ts(text: str) -> tuple[dt.datetime, dt.timezone | None]:
    m = _TS_RE.match(text.strip())
    if not m:
        raise NormaliseError(f"timestamp text {text!r} is not ISO-8601")
    day, hh, mm, ss, frac, zone = m.groups()
    base = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(int(hh), int(mm), int(ss), _frac_micros(frac)))
    tz = None
    if zone:
        if zone in ("Z", "z", "UTC"):
            tz = dt.timezone.utc
        else:
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return base, tz


def _ts_text(v: Any, with_zone: bool) -> str:
    if isinstance(v, bool):
        raise NormaliseError(f"boolean {v!r} where a timestamp was expected")
    if isinstance(v, int):
        naive = EPOCH + dt.timedelta(microseconds=v)
    elif isinstance(v, dt.datetime):
        naive = v.astimezone(dt.timezone.utc).replace(tzinfo=None) if v.tzinfo is not None else v
    elif isinstance(v, str):
        base, tz = _parse_ts(v)
        naive = base if tz is None else (base.replace(tzinfo=tz).astimezone(dt.timezone.utc).replace(tzinfo=None))
    else:
        raise NormaliseError(f"{type(v).__name__} {v!r} where a timestamp was expected")
    text = naive.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if len(text.split("-")[0]) < 4:
        text = text.zfill(26)
    return text + "Z" if with_zone else text


def _date_text(v: Any) -> str:
    if isinstance(v, bool):
        raise NormaliseError(f"boolean {v!r} where a date was expected")
    if isinstance(v, int):
        return (dt.date(1970, 1, 1) + dt.timedelta(days=v)).isoformat()
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        s = v.strip()
        if len(s) == 10:
            return dt.date.fromisoformat(s).isoformat()
        base, _ = _parse_ts(s)
        return base.date().isoformat()
    raise NormaliseError(f"{type(v).__name__} {v!r} where a date was expected")


def _time_text(v: Any) -> str:
    if isinstance(v, bool):
        raise NormaliseError(f"boolean {v!r} where a time was expected")
    if isinstance(v, int):
        if not 0 <= v < 86_400_000_000:
            raise NormaliseError(f"time {v} µs is outside a day")
        t = (dt.datetime.min + dt.timedelta(microseconds=v)).time()
    elif isinstance(v, dt.time):
        t = v
    elif isinstance(v, str):
        m = _TIME_RE.match(v.strip())
        if not m:
            raise NormaliseError(f"time text {v!r} is not HH:MM:SS[.ffffff]")
        hh, mm, ss, frac = m.groups()
        t = dt.time(int(hh), int(mm), int(ss), _frac_micros(frac))
    else:
        raise NormaliseError(f"{type(v).__name__} {v!r} where a time was expected")
    return t.strftime("%H:%M:%S.%f")


def _bytes(v: Any) -> bytes:
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, str):
        s = v.strip()
        if s.startswith("base64:"):
            return base64.b64decode(s[len("base64:"):], validate=True)
        if s.startswith(("0x", "0X")):
            s = s[2:]
        try:
            return bytes.fromhex(s)
        except ValueError as e:
            raise NormaliseError(f"binary text {v!r} is not hex") from e
    if isinstance(v, list) and all(isinstance(b, int) and 0 <= b < 256 for b in v):
        return bytes(v)
    raise NormaliseError(f"{type(v).__name__} {v!r} where binary was expected")


def _uuid_text(v: Any) -> str:
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return str(uuid.UUID(bytes=bytes(v)))
    if isinstance(v, str):
        return str(uuid.UUID(v.strip()))
    raise NormaliseError(f"{type(v).__name__} {v!r} where a uuid was expected")


def _int(v: Any) -> int:
    if isinstance(v, bool):
        raise NormaliseError(f"boolean {v!r} where an integer was expected")
    if isinstance(v, int):
        return v
    if isinstance(v, decimal.Decimal) and v == v.to_integral_value():
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*[+-]?\d+\s*", v):
        return int(v)
    raise NormaliseError(f"{type(v).__name__} {v!r} where an integer was expected")


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise NormaliseError(f"{type(v).__name__} {v!r} where a boolean was expected")


# ---------------------------------------------------------------------------------------------------------------
# Values by Iceberg type


def _as_mapping(v: Any) -> dict:
    if isinstance(v, dict):
        return v
    if hasattr(v, "asDict"):  # pyspark.sql.Row
        return v.asDict(recursive=False)
    raise NormaliseError(f"{type(v).__name__} {v!r} where a struct was expected")


def _map_pairs(v: Any) -> list[tuple[Any, Any]]:
    if isinstance(v, dict):
        return list(v.items())
    if isinstance(v, (list, tuple)):
        pairs = []
        for item in v:
            if isinstance(item, dict) and set(item) == {"key", "value"}:
                pairs.append((item["key"], item["value"]))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((item[0], item[1]))
            else:
                raise NormaliseError(f"map entry {item!r} is neither [k, v] nor {{key, value}}")
        return pairs
    raise NormaliseError(f"{type(v).__name__} {v!r} where a map was expected")


def normalise_value(v: Any, itype: Any) -> Any:
    """The canonical form of one value of Iceberg type `itype` (a type string or nested type dict)."""
    if v is None:
        return None
    if isinstance(itype, dict):
        kind = itype["type"]
        if kind == "struct":
            m = _as_mapping(v)
            out = {}
            for f in itype["fields"]:
                out[f["name"]] = normalise_value(m.get(f["name"]), f["type"]) if f["name"] in m else MISSING
            for k in m:
                if k not in out:
                    out[f"<extra:{k}>"] = _jsonable(m[k])
            return out
        if kind == "list":
            if not isinstance(v, (list, tuple)):
                raise NormaliseError(f"{type(v).__name__} {v!r} where a list was expected")
            return [normalise_value(e, itype["element"]) for e in v]
        if kind == "map":
            pairs = [[normalise_value(k, itype["key"]), normalise_value(val, itype["value"])] for k, val in
                     _map_pairs(v)]
            return sorted(pairs, key=lambda p: json.dumps(p[0], sort_keys=True))
        raise NormaliseError(f"unknown nested type {kind!r}")
    t = str(itype)
    if t == "boolean":
        return _bool(v)
    if t in ("int", "long"):
        return _int(v)
    if t == "float":
        return _float32_text(v)
    if t == "double":
        return _float_text(_to_float(v))
    m = _DECIMAL_RE.match(t)
    if m:
        return _decimal_text(v, int(m.group(2)))
    if t == "date":
        return _date_text(v)
    if t == "time":
        return _time_text(v)
    if t in ("timestamp", "timestamp_ns"):
        return _ts_text(v, with_zone=False)
    if t in ("timestamptz", "timestamptz_ns"):
        return _ts_text(v, with_zone=True)
    if t == "string":
        if not isinstance(v, str):
            raise NormaliseError(f"{type(v).__name__} {v!r} where a string was expected")
        return v
    if t == "uuid":
        return _uuid_text(v)
    if t == "binary" or _FIXED_RE.match(t):
        return _bytes(v).hex()
    raise NormaliseError(f"unknown Iceberg type {t!r}")


def _jsonable(v: Any) -> Any:
    """Best effort for values outside the schema, so that they show in a diff."""
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    if isinstance(v, (dt.date, dt.time, dt.datetime, decimal.Decimal, uuid.UUID)):
        return str(v)
    if isinstance(v, float):
        return _float_text(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "asDict"):
        return _jsonable(v.asDict(recursive=True))
    return v


# ---------------------------------------------------------------------------------------------------------------
# Rows


def _type_text(itype: Any) -> str:
    if not isinstance(itype, dict):
        return str(itype)
    if itype["type"] == "struct":
        return "struct<" + ", ".join(f"{f['name']}: {_type_text(f['type'])}" for f in itype["fields"]) + ">"
    if itype["type"] == "list":
        return f"list<{_type_text(itype['element'])}>"
    if itype["type"] == "map":
        return f"map<{_type_text(itype['key'])}, {_type_text(itype['value'])}>"
    return str(itype["type"])


def schema_columns(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


def normalise_row(row: Any, schema: dict) -> dict:
    m = _as_mapping(row)
    out = {}
    for f in schema["fields"]:
        name = f["name"]
        if name not in m:
            out[name] = MISSING
            continue
        try:
            out[name] = normalise_value(m[name], f["type"])
        except (NormaliseError, ValueError, TypeError, OverflowError, decimal.InvalidOperation) as e:
            raise NormaliseError(f"column {name!r} ({_type_text(f['type'])}): {e}") from e
    for k in m:
        if k not in out:
            out[f"<extra:{k}>"] = _jsonable(m[k])
    return out


def row_key(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=False)


def normalise_rows(rows: Iterable[Any], schema: dict) -> list[dict]:
    """Rows in canonical form, sorted by all columns (their canonical JSON text)."""
    return sorted((normalise_row(r, schema) for r in rows), key=row_key)


def dumps_jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def loads_jsonl(text: str) -> list[dict]:
    """JSON lines as an icegraph-style reader prints them; numbers with a fraction are kept exact (Decimal), and
    NaN/Infinity tokens are accepted."""
    return [json.loads(line, parse_float=decimal.Decimal) for line in text.splitlines() if line.strip()]


def diff_rows(expected: list[dict], actual: list[dict], limit: int = 10) -> str:
    """A short human description of the difference between two normalised row lists ('' if equal as multisets)."""
    from collections import Counter

    e = Counter(row_key(r) for r in expected)
    a = Counter(row_key(r) for r in actual)
    missing = list((e - a).elements())
    extra = list((a - e).elements())
    if not missing and not extra:
        return ""
    lines = [f"expected {len(expected)} rows, got {len(actual)}; {len(missing)} missing, {len(extra)} unexpected"]
    for r in missing[:limit]:
        lines.append(f"  - {r}")
    if len(missing) > limit:
        lines.append(f"  - ... {len(missing) - limit} more")
    for r in extra[:limit]:
        lines.append(f"  + {r}")
    if len(extra) > limit:
        lines.append(f"  + ... {len(extra) - limit} more")
    return "\n".join(lines)
