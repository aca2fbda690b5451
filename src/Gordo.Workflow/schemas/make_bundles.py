#!/usr/bin/env python3
"""Builds the schema bundles that Gordo.Core embeds, from the reference schemas in
shared/schemas (see README.md next to this script for sources and commits).

Usage: python3 make_bundles.py /path/to/shared/schemas

Each bundle is {"definitions": {...}} holding only the definitions reachable from the
roots Gordo validates (transitive $ref closure), with annotation-only keywords removed
(description, title, x-kubernetes-patch-*/list-*/map-type/group-version-kind/unions).
Validation keywords are kept unchanged. The int-or-string and strict-properties
adjustments are NOT applied here: Gordo applies them when it loads a bundle.
"""
import json
import pathlib
import sys

import yaml

DROP = {
    "description", "title", "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy",
    "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    "x-kubernetes-group-version-kind", "x-kubernetes-unions", "$schema", "$id",
}
NAMED = ("properties", "definitions", "patternProperties")

ARGO_ROOTS = ["io.argoproj.workflow.v1alpha1.Workflow"]
K8S_ROOTS = [
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.StatefulSet",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.ConfigMap",
    "io.k8s.api.core.v1.PersistentVolumeClaim",
    "io.k8s.api.core.v1.ServiceAccount",
    "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler",
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
    "io.k8s.api.rbac.v1.Role",
    "io.k8s.api.rbac.v1.RoleBinding",
]


def strip(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in DROP:
                continue
            if key in NAMED and isinstance(value, dict):
                out[key] = {name: strip(sub) for name, sub in value.items()}
            else:
                out[key] = strip(value)
        return out
    if isinstance(node, list):
        return [strip(x) for x in node]
    return node


def refs(node, acc):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                acc.add(value.split("/")[-1])
            else:
                refs(value, acc)
    elif isinstance(node, list):
        for x in node:
            refs(x, acc)


def closure(definitions, roots):
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        found = set()
        refs(definitions[name], found)
        todo.extend(found)
    return {name: strip(definitions[name]) for name in sorted(seen)}


def crd_root(path, api_version, kind):
    crd = yaml.safe_load(path.read_text())
    schema = strip(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])
    # A CRD's openAPIV3Schema leaves apiVersion/kind/metadata implicit; make them explicit
    # so that the strict adjustment does not reject them.
    schema["properties"] = {
        "apiVersion": {"type": "string", "const": api_version},
        "kind": {"type": "string", "const": kind},
        "metadata": {"type": "object"},
        **schema["properties"],
    }
    return schema


def write(name, definitions):
    text = json.dumps({"definitions": definitions}, sort_keys=True, indent=1)
    pathlib.Path(__file__).with_name(name).write_text(text + "\n")


def main(shared):
    argo = json.loads((shared / "argo/schema.json").read_text())["definitions"]
    write("argo-workflow.schema.json", closure(argo, ARGO_ROOTS))
    k8s_file = shared / "kubernetes/v1.31.6-standalone-strict/_definitions.json"
    k8s = json.loads(k8s_file.read_text())["definitions"]
    write("kubernetes.schema.json", closure(k8s, K8S_ROOTS))
    gc = shared / "gordo-controller"
    write("gordo-controller.schema.json", {
        "equinor.com.v1.Gordo": crd_root(gc / "gordo-crd.yaml", "equinor.com/v1", "Gordo"),
        "equinor.com.v1.Model": crd_root(gc / "model-crd.yaml", "equinor.com/v1", "Model"),
    })


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
