"""The OpenAPI document matches the implementation: schemathesis calls every operation with
generated parameters and validates status codes, content types and bodies against it; a second
test walks the document itself and checks known requests with jsonschema."""

from __future__ import annotations

import jsonschema
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from oko.web.api.openapi import document
from tests.research.test_aggregate_exports import build_wave


@pytest.fixture
def app_config(app_config: dict[str, object]) -> dict[str, object]:
    app_config["API_REQUESTS_PER_MINUTE"] = 100_000
    app_config["API_AUTH_FAILURES_PER_MINUTE"] = 100_000
    return app_config


@pytest.fixture
def secret(app: Flask, database) -> str:
    return build_wave(database)


def test_every_operation_conforms(app: Flask, secret: str) -> None:
    """Up to 25 generated requests per operation, each response validated (schemathesis)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    expected = {
        f"{method.upper()} {path}"
        for path, methods in document("http://localhost")["paths"].items()
        for method in methods
    }
    # schemathesis leaves out the document's own endpoint.
    assert {operation.label for operation in operations} == expected - {"GET /openapi.json"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            case.call_and_validate(headers=headers)

        check()


def _validator(spec: dict, schema: dict) -> jsonschema.Draft202012Validator:
    """A validator for ``schema`` whose $refs resolve inside the whole OpenAPI document."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:oko-api", resource)
    return jsonschema.Draft202012Validator(_rebase(schema), registry=registry)


def _rebase(node):
    """Point local refs (#/components/...) at the registered document."""
    if isinstance(node, dict):
        return {
            k: ("urn:oko-api" + v if k == "$ref" and v.startswith("#") else _rebase(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def test_known_requests_match_the_document(client: FlaskClient, secret: str) -> None:
    """Concrete requests, good and bad, each answer's status documented and body valid."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    auth = {"Authorization": f"Bearer {secret}"}
    calls = [
        ("get", "/", "/", {}),
        ("get", "/openapi.json", "/openapi.json", {}),
        ("get", "/me", "/me", auth),
        ("get", "/me", "/me", {}),
        ("get", "/tokens", "/tokens", auth),
        ("post", "/tokens", "/tokens", auth),
        ("delete", "/tokens/{token_id}", "/tokens/999", auth),
        ("get", "/waves", "/waves", auth),
        ("get", "/waves", "/waves?page=0", auth),
        ("get", "/waves/{slug}", "/waves/2026-autumn", auth),
        ("get", "/waves/{slug}", "/waves/nope", auth),
        ("get", "/areas", "/areas?wave=2026-autumn", auth),
        ("get", "/indicators", "/indicators?wave=2026-autumn&per_page=2", auth),
        ("get", "/results", "/results?wave=2026-autumn&per_page=50", auth),
        ("get", "/results", "/results?wave=2026-autumn&group=all&indicator=feels_safe", auth),
        ("get", "/results", "/results?wave=2026-autumn&area=bad", auth),
        ("get", "/results", "/results?wave=2026-autumn&page=999", auth),
        ("get", "/results", "/results?wave=2026-autumn", {"Authorization": "Bearer oko_x"}),
        ("get", "/waves/{slug}/microdata", "/waves/2026-autumn/microdata", auth),
        ("get", "/plans", "/plans?wave=2026-autumn", auth),
        ("get", "/plans", "/plans?wave=nope", auth),
    ]
    seen = set()
    for method, template, url, headers in calls:
        response = getattr(client, method)("/api/v1" + url, headers=headers, json=None)
        operation = spec["paths"][template][method]
        status = str(response.status_code)
        assert status in operation["responses"], (method, url, status)
        seen.add((method, template))
        documented = operation["responses"][status]
        if "$ref" in documented:
            name = documented["$ref"].rsplit("/", 1)[1]
            documented = spec["components"]["responses"][name]
        content = documented.get("content", {})
        if "application/json" in content:
            assert response.is_json, url
            _validator(spec, content["application/json"]["schema"]).validate(response.get_json())
    documented_operations = {(m, p) for p, methods in spec["paths"].items() for m in methods}
    assert seen == documented_operations


def test_file_downloads_are_declared_binary() -> None:
    """A client generated from the document keeps the zip as bytes instead of decoding text."""
    operation = document("http://localhost")["paths"]["/waves/{slug}/microdata"]["get"]
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/zip", "text/csv", "application/x-spss-sav"}
    for media_type, body in content.items():
        assert body["schema"] == {
            "type": "string",
            "format": "binary",
            "contentMediaType": media_type,
        }
