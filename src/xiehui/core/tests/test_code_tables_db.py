"""The code tables as loaded by migration 0002 (counts match the shipped files)."""

import csv

import pytest

from xiehui.core.codetables import DATA_DIR
from xiehui.core.models import Industry, Region

pytestmark = pytest.mark.django_db


def _rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_it_loads_every_region_and_the_national_pseudo_region():
    assert Region.objects.count() == len(_rows("regions.csv")) + 1
    assert Region.objects.get(code="100000").kind == "nation"
    assert Region.objects.filter(code__startswith="37", kind="city").count() == 16


def test_it_builds_full_names_from_the_parents():
    assert Region.objects.get(code="370102").full_name == "山东省济南市历下区"
    assert Region.objects.get(code="110105").full_name == "北京市朝阳区"


def test_it_loads_20_sections_and_97_divisions():
    assert Industry.objects.filter(kind="section").count() == 20
    assert Industry.objects.filter(kind="division").count() == 97
    assert Industry.objects.get(code="47").section_id == "E"
