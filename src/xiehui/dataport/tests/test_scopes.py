"""Scope enforcement for every operation of the OpenAPI document."""

from __future__ import annotations

import re

import pytest

from xiehui.dataport.models import QueryRecord
from xiehui.dataport.scopes import OPEN_SCOPES, SCOPES, _operations, operation_for

from .conftest import keyed

pytestmark = pytest.mark.django_db
OPERATIONS = sorted(_operations().items())


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "51370100MJ0000018B" if m.group(1) == "uscc" else "1", path)


def test_every_operation_has_a_scope_a_key_can_be_granted():
    assert {op.scope for _, op in OPERATIONS} <= set(SCOPES) | OPEN_SCOPES
    assert len(OPERATIONS) > 150


def test_every_request_path_resolves_to_its_operation():
    for (method, path), operation in OPERATIONS:
        assert operation_for(method, _concrete(path)) == operation, (method, path)


def test_a_key_without_the_operations_scope_is_refused_for_every_operation(world, issue):
    secrets = {scope: issue(scopes=[s for s in SCOPES if s != scope], personal_data=True)[1] for scope in SCOPES}
    checked = 0
    for (method, path), operation in OPERATIONS:
        if operation.scope in OPEN_SCOPES:
            continue
        response = keyed(secrets[operation.scope]).generic(
            method, _concrete(path), "{}", content_type="application/json"
        )
        assert response.status_code == 403 and response.json()["code"] == "scope_missing", (method, path)
        checked += 1
    assert QueryRecord.objects.filter(outcome="scope_missing").count() == checked
    assert checked == len([op for _, op in OPERATIONS if op.scope not in OPEN_SCOPES]) > 150
