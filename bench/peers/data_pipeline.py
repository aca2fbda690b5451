"""pandas peer of bench/Gordo.Bench.Data: the same pipeline as gordo-core's get_data
(per tag: NaN padding, resample 10T mean, interpolate(limit=288), dropna; inner join; dropna;
row filter), reading the same samples. Debian 12 has no Parquet engine for pandas (no pyarrow or
fastparquet package), so pandas reads the raw int64/float64 arrays with numpy.fromfile, which is
cheaper than Parquet decoding: the comparison favours pandas on the read step.
Usage: /usr/bin/python3 bench/peers/data_pipeline.py DIR"""
import glob
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

FILTER = "`TAG-000` > -0.5"


def resample(series, start, end):
    if series.index[0] > start:
        series[start] = np.nan
    if series.index[-1] < end:
        series[end] = np.nan
    series = series.sort_index()
    return series.resample("10T", label="left").agg("mean").interpolate(limit=288).dropna()


def main(directory):
    t0 = time.perf_counter()
    start = pd.Timestamp("2020-01-01T00:00:00+00:00")
    end = pd.Timestamp("2021-01-01T00:00:00+00:00")
    resampled = []
    for path in sorted(glob.glob(os.path.join(directory, "raw", "*.ts"))):
        name = os.path.basename(path)[:-3]
        ts = np.fromfile(path, dtype=np.int64)
        values = np.fromfile(path[:-3] + ".val", dtype=np.float64)
        series = pd.Series(values, index=pd.DatetimeIndex(ts, tz="UTC"), name=name)
        series = series[(series.index >= start) & (series.index <= end)].dropna()  # what the provider returns
        resampled.append(resample(series, start, end))
    joined = pd.concat(resampled, axis=1, join="inner").dropna()
    result = joined[joined.eval(FILTER)]
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pandas-" + pd.__version__, "seconds": round(seconds, 3),
                      "peak_mb": round(peak_mb, 1), "rows": len(result), "columns": result.shape[1]}))


if __name__ == "__main__":
    main(sys.argv[1])
