"""The OpenAPI document's own consistency: one schema per component name, an operation id per operation."""

from __future__ import annotations

from collections import Counter

from ninja import Schema

from xiehui.api import api


def _schema_classes() -> list[type]:
    seen, todo = [], list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("xiehui.")]


def test_schema_class_names_are_unique():
    """django-ninja names components by class name: two classes with one name silently share a schema."""
    counts = Counter(cls.__name__ for cls in _schema_classes())
    assert [name for name, n in counts.items() if n > 1] == []


def test_operation_ids_are_unique():
    document = api.get_openapi_schema()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))


def test_every_list_that_takes_an_offset_takes_a_cursor_and_answers_the_next_one():
    """Issue 6: keyset cursors on every offset list; the answer declares `next_cursor` (a bare array: the header)."""
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    missing = []
    for path, operations in document["paths"].items():
        get = operations.get("get", {})
        names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        if "offset" not in names:
            continue
        ok = get["responses"].get(200) or get["responses"].get("200")
        schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
        properties = schemas[schema["$ref"].rsplit("/", 1)[-1]]["properties"] if "$ref" in schema else {}
        if "cursor" not in names or ("next_cursor" not in properties and "Next-Cursor" not in ok.get("headers", {})):
            missing.append(path)
    assert missing == []
