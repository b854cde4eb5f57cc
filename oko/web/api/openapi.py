"""The OpenAPI 3.1 document of ``/api/v1``: written next to the routes it describes.

The result schema is generated from the aggregate table's field list, the same list the CSV,
XLSX and JSON downloads are written from, so the document cannot drift from the data. A test
calls every operation and validates each answer against this document.
"""

from __future__ import annotations

from typing import Any

from oko.research.aggregates import AREA_FIELDS, INDICATOR_FIELDS, RESULT_FIELDS
from oko.research.tables import Field
from oko.services.research import microdata
from oko.web.api.params import (
    AREA_PATTERN,
    GROUP_PATTERN,
    INDICATOR_PATTERN,
    MAX_PAGE,
    MAX_PER_PAGE,
    NON_BLANK,
)

_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def _field_schema(spec: Field, nullable: bool = True) -> dict[str, Any]:
    kind = _JSON_TYPES[spec.type]
    schema: dict[str, Any] = {"type": [kind, "null"] if nullable else kind}
    if spec.enum:
        schema["enum"] = [*spec.enum, None] if nullable else list(spec.enum)
    if spec.description:
        schema["description"] = spec.description
    return schema


def _record(fields: tuple[Field, ...], required_non_null: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [spec.name for spec in fields],
        "properties": {
            spec.name: _field_schema(spec, nullable=spec.name not in required_non_null)
            for spec in fields
        },
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["data", "meta", "links"],
        "properties": {
            "data": {"type": "array", "items": _ref(item)},
            "meta": _ref("PageMeta"),
            "links": _ref("PageLinks"),
        },
    }


def _binary(media_type: str) -> dict[str, Any]:
    """A file body: ``format: binary`` tells generated clients to keep bytes, not decode text."""
    return {"type": "string", "format": "binary", "contentMediaType": media_type}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/E{status}"} for status in statuses}


PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
]
WAVE_QUERY = {"$ref": "#/components/parameters/wave"}
AUTH_ERRORS = (400, 401, 403, 429)


def _get(
    operation_id: str,
    summary: str,
    ok: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    errors: tuple[int, ...] = AUTH_ERRORS,
    tags: tuple[str, ...] = ("data",),
    public: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": list(tags),
        "parameters": parameters or [],
        "responses": {"200": ok, **_errors(*errors)},
    }
    if public:
        operation["security"] = []
    return {"get": operation}


def _plans_schema() -> dict[str, Any]:
    """A wave's goals and actions: every field required, nothing else allowed."""
    text, number = {"type": "string"}, {"type": "number"}
    integer, moment = {"type": "integer"}, {"type": "string", "format": "date-time"}
    goal = {
        "id": integer,
        "municipality": text,
        "indicator": text,
        "direction": {"type": "string", "enum": ["down", "up"]},
        "target": number,
        "group": text,
        "baseline_wave": text,
        "target_wave": {"type": ["string", "null"]},
        "target_year": {"type": ["integer", "null"]},
        "priority": {"type": "boolean"},
        "reason": text,
        "version": integer,
        "updated_at": moment,
    }
    action = {
        "id": integer,
        "municipality": text,
        "what": text,
        "responsible": text,
        "starts_on": {"type": "string", "format": "date"},
        "indicator": text,
        "status": {"type": "string", "enum": ["planned", "running", "done", "stopped"]},
        "version": integer,
        "updated_at": moment,
    }

    def strict(properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": list(properties),
            "properties": properties,
        }

    return strict(
        {
            "wave": text,
            "goals": {"type": "array", "items": strict(goal)},
            "actions": {"type": "array", "items": strict(action)},
        }
    )


def document(server: str) -> dict[str, Any]:
    """The document, with ``server`` (scheme and host of the request) as the base URL."""
    paths: dict[str, Any] = {
        "/": _get(
            "index",
            "Links to the main resources.",
            _json(_ref("Index"), "The API's entry point."),
            errors=(400, 429),
            tags=("meta",),
            public=True,
        ),
        "/openapi.json": _get(
            "openapi",
            "This document.",
            _json({"type": "object"}, "The OpenAPI 3.1 document."),
            errors=(400, 429),
            tags=("meta",),
            public=True,
        ),
        "/me": _get(
            "me",
            "The calling account and, with a token, the token.",
            _json(_ref("Me"), "The calling account."),
            errors=(400, 401, 429),
            tags=("tokens",),
        ),
        "/tokens": {
            **_get(
                "listTokens",
                "Your personal API tokens (never their secrets).",
                _json(_page_of("Token"), "A page of tokens."),
                PAGE_PARAMETERS,
                errors=(400, 401, 404, 429),
                tags=("tokens",),
            ),
            "post": {
                "operationId": "createToken",
                "summary": "Create a token (logged-in session only); the secret is shown once.",
                "tags": ["tokens"],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("NewToken")}},
                },
                "responses": {
                    "201": _json(_ref("CreatedToken"), "The token, with its secret."),
                    **_errors(400, 401, 403, 429),
                },
            },
        },
        "/tokens/{token_id}": {
            "delete": {
                "operationId": "revokeToken",
                "summary": "Revoke one of your tokens (with a token or a session).",
                "tags": ["tokens"],
                "parameters": [
                    {
                        "name": "token_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    }
                ],
                "responses": {"204": {"description": "Revoked."}, **_errors(400, 401, 404, 429)},
            }
        },
        "/waves": _get(
            "listWaves",
            "Closed waves you may read, newest first.",
            _json(_page_of("Wave"), "A page of waves."),
            PAGE_PARAMETERS,
            errors=(400, 401, 403, 404, 429),
        ),
        "/waves/{slug}": _get(
            "getWave",
            "One wave.",
            _json(_ref("Wave"), "The wave."),
            [{"$ref": "#/components/parameters/slug"}],
            errors=(400, 401, 403, 404, 429),
        ),
        "/areas": _get(
            "listAreas",
            "Areas with results in a wave: region, municipalities, schools large enough.",
            _json(_page_of("Area"), "A page of areas."),
            [WAVE_QUERY, *PAGE_PARAMETERS],
            errors=(400, 401, 403, 404, 429),
        ),
        "/indicators": _get(
            "listIndicators",
            "The indicators of a wave's questionnaire, with their definitions.",
            _json(_page_of("Indicator"), "A page of indicators."),
            [WAVE_QUERY, *PAGE_PARAMETERS],
            errors=(400, 401, 403, 404, 429),
        ),
        "/results": _get(
            "listResults",
            "Indicator results: one row per indicator x area x group, suppression applied.",
            _json(_page_of("Result"), "A page of results."),
            [
                WAVE_QUERY,
                {"$ref": "#/components/parameters/area"},
                {"$ref": "#/components/parameters/group"},
                {"$ref": "#/components/parameters/indicator"},
                *PAGE_PARAMETERS,
            ],
            errors=(400, 401, 403, 404, 429),
        ),
        "/plans": _get(
            "listPlans",
            "The coalitions' goals and actions in the municipalities of a wave (current "
            "versions), for evaluating the approach.",
            _json(_ref("Plans"), "Goals and actions."),
            [WAVE_QUERY],
            errors=(400, 401, 403, 404, 429),
        ),
        "/waves/{slug}/microdata": {
            "get": {
                "operationId": "getMicrodata",
                "summary": "Pseudonymised responses: approved researchers, after the embargo.",
                "tags": ["microdata"],
                "parameters": [
                    {"$ref": "#/components/parameters/slug"},
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["zip", "csv", "sav"]},
                        "description": "zip: CSV + codebook + data package + SPSS (default).",
                    },
                    {
                        "name": "language",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["nl", "en"]},
                        "description": "Language of the SPSS labels.",
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The file, as bytes: save it as it comes.",
                        "content": {
                            media_type: {"schema": _binary(media_type)}
                            for media_type in microdata.MEDIA_TYPES.values()
                        },
                    },
                    **_errors(400, 401, 403, 404, 429),
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "oko API",
            "version": "1",
            "description": (
                "Aggregate results of oko youth surveys, with the same suppression as reports "
                "and downloads: a suppressed cell has empty values and suppression_reason "
                "'hidden'. "
                "Authenticate with 'Authorization: Bearer <token>' (create a token on the "
                'research page). Errors are JSON: {"error": {"status", "message"}}.'
            ),
        },
        "servers": [{"url": f"{server}/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": _components(),
    }


def _components() -> dict[str, Any]:
    nullable_string = {"type": ["string", "null"]}
    moment = {"type": ["string", "null"], "format": "date-time"}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["status", "message"],
                    "properties": {
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "message": {"type": "string", "minLength": 1},
                    },
                }
            },
        },
        "PageMeta": {
            "type": "object",
            "additionalProperties": False,
            "required": ["page", "per_page", "total", "pages"],
            "properties": {
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "total": {"type": "integer", "minimum": 0},
                "pages": {"type": "integer", "minimum": 1},
            },
        },
        "PageLinks": {
            "type": "object",
            "additionalProperties": False,
            "required": ["self", "next", "prev"],
            "properties": {
                "self": {"type": "string"},
                "next": nullable_string,
                "prev": nullable_string,
            },
        },
        "Index": {
            "type": "object",
            "required": ["name", "version", "links"],
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "links": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Token": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "id",
                "name",
                "prefix",
                "created_at",
                "expires_at",
                "last_used_at",
                "revoked_at",
                "active",
            ],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "prefix": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "expires_at": moment,
                "last_used_at": moment,
                "revoked_at": moment,
                "active": {"type": "boolean"},
            },
        },
        "NewToken": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100}},
        },
        "Me": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "email", "name", "role", "authenticated_by", "token"],
            "properties": {
                "id": {"type": "integer"},
                "email": {"type": "string"},
                "name": {"type": "string"},
                "role": {
                    "type": "string",
                    "enum": ["admin", "coordinator", "coalition", "researcher"],
                },
                "authenticated_by": {"type": "string", "enum": ["token", "session"]},
                "token": {"oneOf": [_ref("Token"), {"type": "null"}]},
            },
        },
        "Wave": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "slug",
                "name",
                "status",
                "opens_at",
                "closes_at",
                "questionnaire",
                "microdata_available_from",
                "links",
            ],
            "properties": {
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "status": {"type": "string", "enum": ["planned", "open", "closed"]},
                "opens_at": moment,
                "closes_at": moment,
                "questionnaire": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "version"],
                    "properties": {"id": {"type": "string"}, "version": {"type": "string"}},
                },
                "microdata_available_from": moment,
                "links": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Area": _record(AREA_FIELDS, ("area", "area_level", "area_name")),
        "Indicator": _record(INDICATOR_FIELDS, ("indicator", "kind", "direction")),
        "Result": _record(RESULT_FIELDS, ("wave", "indicator", "area", "group", "suppressed")),
        "Plans": _plans_schema(),
    }
    schemas["CreatedToken"] = {
        "allOf": [
            {**schemas["Token"], "additionalProperties": True},
            {
                "type": "object",
                "required": ["secret"],
                "properties": {"secret": {"type": "string", "pattern": "^oko_"}},
            },
        ]
    }
    responses = {
        f"E{status}": _json(_ref("Error"), text)
        for status, text in {
            400: "Bad request: an unknown or malformed parameter (the message names it).",
            401: "No valid credentials: a missing, unknown, revoked or expired token.",
            403: "The account may not read this.",
            404: "No such wave, token or page.",
            429: "Too many requests; retry after a minute.",
        }.items()
    }
    parameters = {
        "page": {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
        "per_page": {
            "name": "per_page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 100},
        },
        "wave": {
            "name": "wave",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "pattern": NON_BLANK},
            "description": "Wave slug.",
        },
        "slug": {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
        "area": {
            "name": "area",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "pattern": AREA_PATTERN},
            "description": "Area id, e.g. municipality:zeewolde (see /areas).",
        },
        "group": {
            "name": "group",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "pattern": GROUP_PATTERN},
            "description": "all, gender=<code> or grade=<code>.",
        },
        "indicator": {
            "name": "indicator",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "pattern": INDICATOR_PATTERN},
            "description": "Indicator id (see /indicators).",
        },
    }
    return {
        "schemas": schemas,
        "responses": responses,
        "parameters": parameters,
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "oko_… token"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    }
