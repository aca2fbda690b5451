"""A small pure-Python Parquet reader and writer for the Python client test.

pandas needs pyarrow or fastparquet for `to_parquet`/`read_parquet`, and Debian 12 packages
neither. This module covers what the test needs in their place, following the Parquet format
(Thrift compact protocol metadata, data pages v1 and v2, PLAIN and dictionary encodings, RLE
definition levels, uncompressed or Snappy pages) and pandas' `pandas` metadata document:

* `write_frame(df)`: a DataFrame with a UTC DatetimeIndex and float columns as Parquet bytes the
  way pyarrow lays it out (index column `__index_level_0__`, microsecond timestamps, `pandas`
  metadata), uncompressed.
* `read_frame(data)`: Parquet bytes back into a DataFrame, rebuilding the index and the
  two-level columns from the `pandas` metadata like `pandas.read_parquet`.

When pyarrow is installed, `to_parquet`/`from_parquet` use pandas itself instead.
"""

import ast
import io
import json
import struct

import pandas as pd

MAGIC = b"PAR1"

# Thrift compact protocol type ids.
T_TRUE, T_FALSE, T_BYTE, T_I16, T_I32, T_I64, T_DOUBLE, T_BINARY, T_LIST, T_SET, T_MAP, T_STRUCT = range(1, 13)

# Parquet enums used here.
BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY = range(8)
PLAIN, PLAIN_DICTIONARY, RLE, RLE_DICTIONARY = 0, 2, 3, 8
DATA_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2 = 0, 2, 3
UNCOMPRESSED, SNAPPY = 0, 1


# --- Thrift compact protocol --------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes, pos: int = 0):
        self.data, self.pos = data, pos

    def byte(self) -> int:
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def value(self, kind: int):
        if kind in (T_TRUE, T_FALSE):
            return kind == T_TRUE
        if kind == T_BYTE:
            return self.byte()
        if kind in (T_I16, T_I32, T_I64):
            return self.zigzag()
        if kind == T_DOUBLE:
            return struct.unpack("<d", self.take(8))[0]
        if kind == T_BINARY:
            return self.take(self.varint())
        if kind in (T_LIST, T_SET):
            head = self.byte()
            size, item = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            return [self.value(item) for _ in range(size)]
        if kind == T_STRUCT:
            return self.struct()
        raise ValueError(f"thrift type {kind} not supported")

    def struct(self) -> dict:
        fields, last = {}, 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            delta, kind = head >> 4, head & 0x0F
            last = last + delta if delta else self.zigzag()
            # A boolean list element type is 1 or 2; a boolean field carries its value in the type.
            fields[last] = self.value(kind)


class _Writer:
    """Writes a struct given as [(field id, thrift type, value)], nested structs as such lists."""

    def __init__(self):
        self.out = bytearray()

    def varint(self, n: int) -> None:
        while n >= 0x80:
            self.out.append((n & 0x7F) | 0x80)
            n >>= 7
        self.out.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def value(self, kind: int, v) -> None:
        if kind in (T_I16, T_I32, T_I64):
            self.zigzag(v)
        elif kind == T_BINARY:
            data = v.encode() if isinstance(v, str) else v
            self.varint(len(data))
            self.out += data
        elif kind == T_LIST:
            item, items = v
            self.out.append((min(len(items), 15) << 4) | item)
            if len(items) >= 15:
                self.varint(len(items))
            for x in items:
                self.value(item, x)
        elif kind == T_STRUCT:
            self.struct(v)
        else:
            raise ValueError(f"thrift type {kind} not supported")

    def struct(self, fields) -> None:
        last = 0
        for fid, kind, v in fields:
            if kind == T_TRUE:
                kind = T_TRUE if v else T_FALSE
            if 0 < fid - last <= 15:
                self.out.append(((fid - last) << 4) | kind)
            else:
                self.out.append(kind)
                self.zigzag(fid)
            last = fid
            if kind not in (T_TRUE, T_FALSE):
                self.value(kind, v)
        self.out.append(0)


# --- Snappy and the RLE/bit-packed hybrid ---------------------------------------------------------


def _snappy(data: bytes) -> bytes:
    r = _Reader(data)
    size, out = r.varint(), bytearray()
    while r.pos < len(data):
        tag = r.byte()
        kind = tag & 3
        if kind == 0:
            n = tag >> 2
            if n >= 60:
                n = int.from_bytes(r.take(n - 59), "little")
            out += r.take(n + 1)
            continue
        if kind == 1:
            length, offset = 4 + ((tag >> 2) & 7), ((tag >> 5) << 8) | r.byte()
        elif kind == 2:
            length, offset = (tag >> 2) + 1, int.from_bytes(r.take(2), "little")
        else:
            length, offset = (tag >> 2) + 1, int.from_bytes(r.take(4), "little")
        for _ in range(length):
            out.append(out[-offset])
    assert len(out) == size, "snappy: wrong length"
    return bytes(out)


def _hybrid(r: _Reader, width: int, count: int, end: int) -> list:
    values = []
    while len(values) < count and r.pos < end:
        head = r.varint()
        if head & 1:
            groups = head >> 1
            bits = int.from_bytes(r.take(groups * width), "little")
            for i in range(groups * 8):
                values.append((bits >> (i * width)) & ((1 << width) - 1))
        else:
            value = int.from_bytes(r.take((width + 7) // 8), "little")
            values += [value] * (head >> 1)
    return values[:count]


# --- Reading -------------------------------------------------------------------------------------


def _plain(kind: int, data: bytes, count: int) -> list:
    if kind == DOUBLE:
        return list(struct.unpack(f"<{count}d", data[: 8 * count]))
    if kind == INT64:
        return list(struct.unpack(f"<{count}q", data[: 8 * count]))
    if kind == INT32:
        return list(struct.unpack(f"<{count}i", data[: 4 * count]))
    if kind == BYTE_ARRAY:
        r, out = _Reader(data), []
        for _ in range(count):
            out.append(r.take(struct.unpack("<i", r.take(4))[0]).decode())
        return out
    raise ValueError(f"parquet physical type {kind} not supported")


def _column(data: bytes, chunk: dict, kind: int, optional: bool) -> list:
    meta = chunk[3]
    start = meta.get(11, meta[9])  # dictionary page offset, else data page offset
    r, rows, values, dictionary = _Reader(data, start), meta[5], [], None
    while len(values) < rows:
        header = r.struct()
        page = r.take(header[3])
        codec = meta[4]
        if header[1] == DICTIONARY_PAGE:
            raw = _snappy(page) if codec == SNAPPY else page
            dictionary = _plain(kind, raw, header[7][1])
            continue
        if header[1] == DATA_PAGE_V2:
            v2 = header[8]
            count, levels_len = v2[1], v2[5] + v2[6]
            levels, body = page[:levels_len], page[levels_len:]
            compressed = v2.get(7, True)
            body = _snappy(body) if codec == SNAPPY and compressed else body
            defined = _hybrid(_Reader(levels), 1, count, len(levels)) if optional else [1] * count
            encoding = v2[4]
        else:
            raw = _snappy(page) if codec == SNAPPY else page
            count, encoding = header[5][1], header[5][2]
            pr = _Reader(raw)
            if optional:
                n = struct.unpack("<i", pr.take(4))[0]
                defined = _hybrid(pr, 1, count, pr.pos + n)
            else:
                defined = [1] * count
            body = raw[pr.pos :]
        present = sum(defined)
        if encoding in (PLAIN_DICTIONARY, RLE_DICTIONARY):
            br = _Reader(body)
            width = br.byte()
            decoded = [dictionary[i] for i in _hybrid(br, width, present, len(body))]
        else:
            decoded = _plain(kind, body, present)
        it = iter(decoded)
        values += [next(it) if d else None for d in defined]
    return values


def read_columns(data: bytes):
    """The columns of a Parquet file (name → (values, schema element)) and its key-value metadata."""
    assert data[:4] == MAGIC and data[-4:] == MAGIC, "not a Parquet file"
    length = struct.unpack("<i", data[-8:-4])[0]
    meta = _Reader(data, len(data) - 8 - length).struct()
    leaves = [s for s in meta[2][1:]]
    columns = {}
    for group in meta[4]:
        for element, chunk in zip(leaves, group[1]):
            name = element[4].decode()
            values = _column(data, chunk, element[1], element.get(3, 0) == 1)
            columns.setdefault(name, ([], element))[0].extend(values)
    kv = {e[1].decode(): e[2].decode() for e in meta.get(5, [])}
    return columns, kv


def _times(values: list, element: dict, tz) -> pd.DatetimeIndex:
    logical = element.get(10, {})
    unit = {1: "ms", 2: "us", 3: "ns"}
    if 8 in logical:
        unit_id = next(iter(logical[8][2]))
        scale = unit[unit_id]
    else:
        scale = {9: "ms", 10: "us"}.get(element.get(6), "ns")
    stamps = pd.to_datetime([v if v is not None else pd.NaT for v in values], unit=scale)
    return stamps.tz_localize(tz) if tz else stamps


def read_frame(data: bytes) -> pd.DataFrame:
    """Parquet bytes as a DataFrame rebuilt from the `pandas` metadata (like `pd.read_parquet`)."""
    columns, kv = read_columns(data)
    doc = json.loads(kv["pandas"])
    described = {c["field_name"]: c for c in doc["columns"]}

    def series(field: str):
        values, element = columns[field]
        info = described.get(field, {})
        if info.get("pandas_type") in ("datetime", "datetimetz"):
            tz = (info.get("metadata") or {}).get("timezone")
            return _times(values, element, tz)
        return pd.Index([float("nan") if v is None else v for v in values])

    index_name = doc["index_columns"][0]
    fields = [c["field_name"] for c in doc["columns"] if c["field_name"] != index_name]
    frame = pd.DataFrame({f: list(series(f)) for f in fields}, index=series(index_name))
    if len(doc.get("column_indexes", [])) > 1:
        frame.columns = pd.MultiIndex.from_tuples([ast.literal_eval(f) for f in fields])
    return frame


# --- Writing -------------------------------------------------------------------------------------


def write_frame(df: pd.DataFrame) -> bytes:
    """A DataFrame (UTC DatetimeIndex, float columns) as uncompressed Parquet bytes with pyarrow's
    layout: value columns, then `__index_level_0__` (timestamp, microseconds, UTC)."""
    index = "__index_level_0__"
    stamps = df.index.tz_convert("UTC").tz_localize(None) if df.index.tz else df.index
    micros = [int(t.value // 1000) for t in stamps]
    columns = [(str(c), DOUBLE, [float(v) for v in df[c]]) for c in df.columns]
    columns.append((index, INT64, micros))
    out, chunks = io.BytesIO(), []
    out.write(MAGIC)
    for name, kind, values in columns:
        body = struct.pack(f"<{len(values)}{'d' if kind == DOUBLE else 'q'}", *values)
        header = _Writer()
        header.struct(
            [
                (1, T_I32, DATA_PAGE),
                (2, T_I32, len(body)),
                (3, T_I32, len(body)),
                (5, T_STRUCT, [(1, T_I32, len(values)), (2, T_I32, PLAIN), (3, T_I32, RLE), (4, T_I32, RLE)]),
            ]
        )
        offset = out.tell()
        out.write(header.out)
        out.write(body)
        size = out.tell() - offset
        meta = [
            (1, T_I32, kind),
            (2, T_LIST, (T_I32, [PLAIN])),
            (3, T_LIST, (T_BINARY, [name])),
            (4, T_I32, UNCOMPRESSED),
            (5, T_I64, len(values)),
            (6, T_I64, size),
            (7, T_I64, size),
            (9, T_I64, offset),
        ]
        chunks.append([(2, T_I64, offset), (3, T_STRUCT, meta)])
    tz = "UTC" if df.index.tz is not None else None
    pandas_meta = {
        "index_columns": [index],
        "column_indexes": [{"name": None, "field_name": None, "pandas_type": "unicode", "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}],
        "columns": [
            {"name": n, "field_name": n, "pandas_type": "float64", "numpy_type": "float64", "metadata": None}
            for n, _, _ in columns[:-1]
        ]
        + [
            {
                "name": None,
                "field_name": index,
                "pandas_type": "datetimetz" if tz else "datetime",
                "numpy_type": "datetime64[ns]",
                "metadata": {"timezone": tz} if tz else None,
            }
        ],
        "pandas_version": pd.__version__,
    }
    rows = len(df)
    timestamp = [(8, T_STRUCT, [(1, T_TRUE, tz is not None), (2, T_STRUCT, [(2, T_STRUCT, [])])])]
    schema = [[(4, T_BINARY, "schema"), (5, T_I32, len(columns))]]
    for name, kind, _ in columns:
        element = [(1, T_I32, kind), (3, T_I32, 0), (4, T_BINARY, name)]
        if kind == INT64:
            element += [(6, T_I32, 10), (10, T_STRUCT, timestamp)]
        schema.append(element)
    footer = _Writer()
    footer.struct(
        [
            (1, T_I32, 1),
            (2, T_LIST, (T_STRUCT, schema)),
            (3, T_I64, rows),
            (4, T_LIST, (T_STRUCT, [[(1, T_LIST, (T_STRUCT, chunks)), (2, T_I64, out.tell() - 4), (3, T_I64, rows)]])),
            (5, T_LIST, (T_STRUCT, [[(1, T_BINARY, "pandas"), (2, T_BINARY, json.dumps(pandas_meta))]])),
            (6, T_BINARY, "gordo-dotnet python client test"),
        ]
    )
    out.write(footer.out)
    out.write(struct.pack("<i", len(footer.out)))
    out.write(MAGIC)
    return out.getvalue()


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401

        return True
    except ImportError:
        return False


def to_parquet(df: pd.DataFrame) -> bytes:
    """`df.to_parquet()` bytes: pandas with pyarrow when installed, else `write_frame`."""
    if _has_pyarrow():
        buffer = io.BytesIO()
        df.to_parquet(buffer)
        return buffer.getvalue()
    return write_frame(df)


def from_parquet(data: bytes) -> pd.DataFrame:
    """`pd.read_parquet` of bytes: pandas with pyarrow when installed, else `read_frame`."""
    if _has_pyarrow():
        return pd.read_parquet(io.BytesIO(data))
    return read_frame(data)
