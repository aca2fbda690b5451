"""A Gordo ML-server client written the way Gordo's documentation shows it: `requests` for HTTP,
pandas for the data, `dataframe_to_dict` JSON in and `dataframe_from_dict` reconstruction of the
two-level JSON out (the two helpers are copied in spirit from `gordo.server.utils`, since the
`gordo` package itself is not installed here).

Usage: python_client.py BASE_URL PROJECT MODEL INPUT.csv OUTPUT.json

Reads X (timestamp index + one column per tag) from INPUT.csv, asks the server for the model's
tags (metadata), POSTs X and y (= X) to `prediction` and `anomaly/prediction`, rebuilds both
answers as DataFrames and writes them to OUTPUT.json as {route: {index, columns, values}}.
Then the same with Parquet both ways (Gordo's client with `use_parquet`): X and y as multipart
Parquet files, `?format=parquet` replies read back into DataFrames (routes `parquet:<route>`).
pandas' Parquet needs pyarrow, which Debian 12 does not package: without it, `mini_parquet`
(next to this file) writes and reads the files.
"""

import json
import sys

import dateutil.parser
import pandas as pd
import requests

import mini_parquet


def dataframe_to_dict(df: pd.DataFrame) -> dict:
    """gordo.server.utils.dataframe_to_dict: {column: {str(timestamp): value}}."""
    data = df.copy()
    if isinstance(data.index, pd.DatetimeIndex):
        data.index = data.index.astype(str)
    if isinstance(df.columns, pd.MultiIndex):
        return {
            col: data[col].to_dict()
            if isinstance(data[col], pd.DataFrame)
            else pd.DataFrame(data[col]).to_dict()
            for col in data.columns.get_level_values(0)
        }
    return data.to_dict()


def dataframe_from_dict(data: dict) -> pd.DataFrame:
    """gordo.server.utils.dataframe_from_dict: the two-level JSON back into a DataFrame."""
    if isinstance(data, dict) and any(isinstance(val, dict) for val in data.values()):
        try:
            keys = data.keys()
            df = pd.concat(
                (pd.DataFrame.from_dict(data[key]) for key in keys), axis=1, keys=keys
            )
        except (ValueError, AttributeError):
            df = pd.DataFrame.from_dict(data)
    else:
        df = pd.DataFrame.from_dict(data)
    try:
        df.index = df.index.map(dateutil.parser.isoparse)
    except (TypeError, ValueError):
        df.index = df.index.map(int)
    df.sort_index(inplace=True)
    return df


def _single(df: pd.DataFrame, top: str) -> pd.Series:
    """A single column: (top, top) from JSON, (top, "") from Parquet (pandas gives a Series then)."""
    column = df[top]
    return column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column


def table(df: pd.DataFrame) -> dict:
    """A DataFrame as plain JSON: ISO index, (top, sub) columns, values (NaN as null)."""
    numeric = df.drop(columns=["start", "end"], level=0, errors="ignore")
    values = numeric.astype(float).where(numeric.notnull(), None).values.tolist()
    tops = df.columns.get_level_values(0)
    return {
        "index": [t.isoformat() for t in numeric.index],
        # Single columns are (top, top) from JSON and (top, "") from Parquet: name both (top, top).
        "columns": [[top, sub or top] for top, sub in numeric.columns],
        "values": values,
        "start": [pd.Timestamp(t).isoformat() for t in _single(df, "start")] if "start" in tops else [],
        "end": [pd.Timestamp(t).isoformat() for t in _single(df, "end")] if "end" in tops else [],
    }


def main(base_url: str, project: str, model: str, input_csv: str, output_json: str) -> None:
    session = requests.Session()
    endpoint = f"{base_url}/gordo/v0/{project}/{model}"

    metadata = session.get(f"{endpoint}/metadata").json()["metadata"]
    tags = [t if isinstance(t, str) else t["name"] for t in metadata["dataset"]["tag_list"]]

    X = pd.read_csv(input_csv, index_col=0, parse_dates=True, float_precision="round_trip")
    X = X[tags]

    results = {}
    for route, body in [
        ("prediction", {"X": dataframe_to_dict(X)}),
        ("anomaly/prediction", {"X": dataframe_to_dict(X), "y": dataframe_to_dict(X)}),
    ]:
        resp = session.post(f"{endpoint}/{route}", json=body)
        resp.raise_for_status()
        results[route] = table(dataframe_from_dict(resp.json()["data"]))

    X_utc = X.tz_localize("UTC") if X.index.tz is None else X.tz_convert("UTC")
    for route, names in [("prediction", ["X"]), ("anomaly/prediction", ["X", "y"])]:
        files = {name: (f"{name}.parquet", mini_parquet.to_parquet(X_utc), "application/octet-stream") for name in names}
        resp = session.post(f"{endpoint}/{route}", files=files, params={"format": "parquet"})
        resp.raise_for_status()
        results[f"parquet:{route}"] = table(mini_parquet.from_parquet(resp.content))

    with open(output_json, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(*sys.argv[1:6])
