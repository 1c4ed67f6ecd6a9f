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
