"""Reference numbers for Gordo's build cache key (spec 4.6): sha3_512 of
json.dumps(document, sort_keys=True). Run: python3 cache_key.py > cache_key.json"""
import hashlib
import json

document = {
    "name": "pump-1",
    "model_config": {
        "sklearn.pipeline.Pipeline": {
            "steps": [
                "sklearn.preprocessing.MinMaxScaler",
                {"sklearn.decomposition.PCA": {"n_components": 2, "whiten": False, "tol": 0.0}},
            ],
            "memory": None,
        }
    },
    "data_config": {"tags": ["TAG 1", "Tåg-2"], "resolution": "10T", "x": 1e-05, "y": 1e16, "z": 12.5},
    "evaluation_config": {"cv_mode": "full_build", "seed": 0, "quote": "a\"b\\c\n"},
    "gordo-major-version": 0,
    "gordo-minor-version": 1,
    "gordo_version": "",
}
floats = [1.0, 0.1, 1e-5, 1.5e-4, 1e16, 123456789012345.6, 1e15, 2.5e22, 0.0001, 12.5, -3e-310, 1.7976931348623157e308]
text = json.dumps(document, sort_keys=True)
print(json.dumps({
    "json": text,
    "key": hashlib.sha3_512(text.encode("ascii")).hexdigest(),
    "floats": [[x, repr(x)] for x in floats],
}, indent=2))
