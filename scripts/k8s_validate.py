"""Validate rendered Kubernetes manifests against JSON schemas, strictly (an unknown field is an error).

Built-in kinds: the Kubernetes OpenAPI schemas that kubernetes-validate ships (its "-strict" set). The Prometheus
Operator's ServiceMonitor and PrometheusRule: JSON schemas of cloudcoil's models, which are generated from the
operator's CRDs, with unknown fields forbidden as the API server's structural schemas do. kubeconform does the
same but is not packaged by any registry reachable here, and would have to download its schemas at run time.

    helm template deploy/helm/costmonitor --set existingSecret=x | python scripts/k8s_validate.py -
"""

import argparse
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from cloudcoil.models.prometheus_operator import v1 as prometheus_operator_v1

DEFAULT_KUBERNETES_VERSION = "1.33"
CRD_MODELS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): prometheus_operator_v1.ServiceMonitor,
    ("monitoring.coreos.com/v1", "PrometheusRule"): prometheus_operator_v1.PrometheusRule,
}


def _forbid_unknown_fields(node: Any) -> None:
    """Every object schema with declared properties admits no others (what kubernetes-validate's -strict does)."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _forbid_unknown_fields(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_unknown_fields(value)


@cache
def _crd_validator(api_version: str, kind: str) -> jsonschema.protocols.Validator:
    schema = CRD_MODELS[(api_version, kind)].model_json_schema(by_alias=True, mode="validation")
    _forbid_unknown_fields(schema)
    return jsonschema.Draft202012Validator(schema)


def _describe(name: str, error: jsonschema.ValidationError) -> str:
    """One line: where and what. For anyOf/oneOf, the branch error that explains most (jsonschema's best_match)."""
    error = jsonschema.exceptions.best_match([error])
    return f"{name}: {'.'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"


def manifest_errors(manifest: dict, *, kubernetes_version: str) -> list[str]:
    """What is wrong with one manifest; empty when it is valid."""
    api_version, kind = manifest.get("apiVersion", ""), manifest.get("kind", "")
    name = f"{kind}/{manifest.get('metadata', {}).get('name', '?')}"
    if (api_version, kind) in CRD_MODELS:
        return [_describe(name, error) for error in _crd_validator(api_version, kind).iter_errors(manifest)]
    try:
        kubernetes_validate.validate(manifest, kubernetes_version, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [_describe(name, error)]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{name}: {error.message}"]
    return []


def validate_documents(documents: Iterable[Any], *, kubernetes_version: str) -> tuple[int, list[str]]:
    """The number of manifests in a rendered stream (empty documents skipped) and every error found in them."""
    count, errors = 0, []
    for document in documents:
        if document is None:
            continue
        count += 1
        errors += manifest_errors(document, kubernetes_version=kubernetes_version)
    return count, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="multi-document YAML files; - for standard input")
    parser.add_argument("--kubernetes-version", default=DEFAULT_KUBERNETES_VERSION)
    args = parser.parse_args(argv)
    count, errors = 0, []
    for path in args.files:
        with open(sys.stdin.fileno() if path == "-" else path, closefd=path != "-") as stream:
            found, wrong = validate_documents(yaml.safe_load_all(stream), kubernetes_version=args.kubernetes_version)
        count, errors = count + found, errors + wrong
    for error in errors:
        print(f"invalid: {error}", file=sys.stderr)
    if count == 0:
        print("k8s_validate: no manifests to validate", file=sys.stderr)
        return 1
    print(f"k8s_validate: {count} manifests, {len(errors)} errors (Kubernetes {args.kubernetes_version}, strict)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
