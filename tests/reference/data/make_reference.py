"""Reference numbers for the data layer (tests/Gordo.Tests/Data), computed with pandas 1.5
(Debian python3-pandas). Re-run with: /usr/bin/python3 tests/reference/data/make_reference.py
It replicates gordo-core's get_data pieces (_resample, join, row filter with buffer,
known_filter_periods, filter_periods median/quantile) on generated data with gaps, irregular
timestamps, NaNs and a non-UTC time zone, and writes reference.json next to itself."""
import json
import os

import numpy as np
import pandas as pd

assert pd.__version__.startswith("1.5"), pd.__version__
rng = np.random.RandomState(1234)
NS = 1_000_000_000


def make_series(name, start, end, n, tz, nan_frac=0.05, gap=None):
    span = int((end - start).total_seconds())
    secs = np.sort(rng.choice(np.arange(1, span), size=n, replace=False))
    idx = (start + pd.to_timedelta(secs, unit="s")).tz_convert(tz)
    values = np.round(rng.normal(10.0, 3.0, size=n), 6)
    values[rng.rand(n) < nan_frac] = np.nan
    s = pd.Series(values, index=idx, name=name)
    if gap is not None:
        s = s[(s.index < gap[0]) | (s.index >= gap[1])]
    return s


def resample(series, start, end, resolution, aggs, method, limit):
    """gordo_core.time_series.TimeSeriesDataset._resample, verbatim logic."""
    series = series.copy()
    start_tz = start.astimezone(series.index[0].tzinfo)
    end_tz = end.astimezone(series.index[0].tzinfo)
    if series.index[0] > start_tz:
        series[start_tz] = np.nan
    if series.index[-1] < end_tz:
        series[end_tz] = np.nan
    series = series.sort_index()
    resampled = series.resample(resolution, label="left").agg(aggs)
    if isinstance(aggs, list):
        resampled.columns = [f"{series.name}|{a}" for a in aggs]
    if method == "linear_interpolation":
        return resampled.interpolate(limit=limit).dropna()
    return resampled.fillna(method="ffill", limit=limit).dropna()


def frame_json(df):
    if isinstance(df, pd.Series):
        df = df.to_frame()
    return {
        "index": [int(t.value) for t in df.index],
        "columns": [str(c) for c in df.columns],
        "data": [[None if np.isnan(v) else float(v) for v in df[c].values] for c in df.columns],
    }


def series_json(s):
    return {"index": [int(t.value) for t in s.index],
            "offsetMinutes": int(s.index[0].utcoffset().total_seconds() // 60),
            "values": [None if np.isnan(v) else float(v) for v in s.values]}


start = pd.Timestamp("2020-01-01T03:17:00+00:00")
end = pd.Timestamp("2020-01-03T01:00:00+00:00")
tags = {
    "TAG-A 1": make_series("TAG-A 1", start, end, 900, "UTC"),
    "TAG_B": make_series("TAG_B", start, end, 700, "UTC",
                         gap=(pd.Timestamp("2020-01-01T20:00:00+00:00"), pd.Timestamp("2020-01-02T05:00:00+00:00"))),
    "TAG.C": make_series("TAG.C", start, end, 400, "Etc/GMT-2", nan_frac=0.2),
}

cases = []
for name, resolution, aggs, method, limit in [
    ("mean-10T-linear", "10T", "mean", "linear_interpolation", 288),
    ("mean-10T-linear-limit3", "10T", "mean", "linear_interpolation", 3),
    ("max-7T-ffill-limit2", "7T", "max", "ffill", 2),
    ("multi-30T-linear", "30T", ["mean", "min", "max", "std", "median", "count", "sum", "first", "last"],
     "linear_interpolation", 16),
    ("mean-1H-unlimited", "1H", "mean", "linear_interpolation", None),
]:
    resampled = [resample(s, start, end, resolution, aggs, method, limit) for s in tags.values()]
    joined = pd.concat(resampled, axis=1, join="inner").dropna()
    cases.append({"name": name, "resolution": resolution,
                  "aggregations": aggs if isinstance(aggs, list) else [aggs],
                  "multi": isinstance(aggs, list), "method": method, "limit": limit,
                  "perTag": [frame_json(r) for r in resampled], "joined": frame_json(joined)})

base = pd.concat([resample(s, start, end, "10T", "mean", "linear_interpolation", 288) for s in tags.values()],
                 axis=1, join="inner").dropna()


def apply_buffer(mask, buffer_size):
    """gordo_core.filters.rows: each removed row also removes buffer_size rows around it."""
    if buffer_size == 0:
        return mask
    kernel = np.ones(buffer_size * 2 + 1, dtype=bool)
    if len(kernel) > len(mask):
        return pd.Series(False, index=mask.index)
    removed = np.convolve(~mask.values, kernel, mode="same").astype(bool)
    return pd.Series(~removed, index=mask.index)


filters = []
for expr, buffer_size in [
    ("`TAG-A 1` > 10", 0),
    ("`TAG-A 1` > 10", 2),
    ("(`TAG-A 1` > 9) & (TAG_B < 11)", 0),
    ("8 < `TAG.C` < 12 | TAG_B > 13", 1),
    ("~(`TAG-A 1` - TAG_B > 2) and not `TAG.C` * 2 >= 25", 0),
    ("`TAG-A 1` + TAG_B / 2 ** 2 > 12.5 or `TAG.C` % 3 < 1", 0),
    ("~('2020-01-01 12:00:00+00:00' < index < '2020-01-02 06:30:00+00:00')", 0),
    ("index >= '2020-01-02 10:00:00+00:00'", 3),
    ("`TAG-A 1` > 100", 0),
]:
    mask = base.eval(expr)
    kept = base[apply_buffer(mask, buffer_size)]
    filters.append({"expression": expr, "buffer": buffer_size, "kept": [int(t.value) for t in kept.index]})


def median_anomalies(data, window, n_iqr):
    med = data.rolling(window, center=True).median()
    q25 = data.rolling(window, center=True).quantile(0.25)
    q75 = data.rolling(window, center=True).quantile(0.75)
    iqr = q75 - q25
    return ((data > med + n_iqr * iqr) | (data < med - n_iqr * iqr)).any(axis=1)


def quantile_anomalies(data, n_iqr, lower, upper):
    med = data.median()
    spread = data.quantile(upper) - data.quantile(lower)
    return ((data > med + n_iqr * spread) | (data < med - n_iqr * spread)).any(axis=1)


periods = []
for method, anomalies in [("median", median_anomalies(base, 12, 1)),
                          ("median-wide", median_anomalies(base, 36, 2)),
                          ("quantile", quantile_anomalies(base, 0.8, 0.05, 0.95))]:
    periods.append({"method": method, "anomalous": [int(t.value) for t in base.index[anomalies.values]]})

out = {"start": str(start), "end": str(end),
       "tags": {k: series_json(v) for k, v in tags.items()},
       "cases": cases, "filters": filters, "baseIndex": [int(t.value) for t in base.index],
       "periods": periods,
       "interpolate": [
           {"values": v, "limit": lim, "method": m,
            "expected": [None if np.isnan(x) else float(x) for x in
                         (pd.Series(v, dtype=float).interpolate(limit=lim) if m == "linear"
                          else pd.Series(v, dtype=float).fillna(method="ffill", limit=lim)).values]}
           for v in ([None, 1.0, None, None, None, 5.0, None, None], [None, None, 2.0, None, 4.0, None],
                     [1.0, None, None, None, None, None, 7.0, None, None, None])
           for lim in (None, 1, 2) for m in ("linear", "ffill")]}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json"), "w") as f:
    json.dump(out, f)
print("cases", len(cases), "filters", [len(f["kept"]) for f in filters], "base", len(base),
      "periods", [len(p["anomalous"]) for p in periods])
