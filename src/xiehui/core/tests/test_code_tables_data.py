"""Checks of the code-table data files in src/xiehui/core/data/ (no Django, no database).

Run with: uv run pytest src/xiehui/core/tests/test_code_tables_data.py -p no:django -q

Provenance of the data and the meaning of the numbers asserted here:
src/xiehui/core/data/SOURCES.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REGIONS_CSV = DATA_DIR / "regions.csv"
INDUSTRIES_CSV = DATA_DIR / "industries.csv"

HEADER = ["code", "name", "level", "parent"]


@cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return tuple(reader)


def regions() -> tuple[dict[str, str], ...]:
    return _read(REGIONS_CSV)


def industries() -> tuple[dict[str, str], ...]:
    return _read(INDUSTRIES_CSV)


def _by_code(rows: tuple[dict[str, str], ...]) -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows}


# --------------------------------------------------------------------------- regions


def test_regions_file_is_plain_utf8_without_bom() -> None:
    raw = REGIONS_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert raw.splitlines()[0] == b"code,name,level,parent"


def test_regions_counts_per_level() -> None:
    counts = Counter(r["level"] for r in regions())
    assert counts == {"province": 34, "city": 333, "county": 2847}
    assert len(regions()) == 3214


def test_regions_codes_unique_and_well_formed() -> None:
    codes = [r["code"] for r in regions()]
    assert len(codes) == len(set(codes))
    for r in regions():
        code, level = r["code"], r["level"]
        assert re.fullmatch(r"\d{6}", code), r
        assert r["name"] and r["name"] == r["name"].strip() and " " not in r["name"], r
        if level == "province":
            assert code.endswith("0000"), r
        elif level == "city":
            assert code.endswith("00") and not code.endswith("0000"), r
        elif level == "county":
            assert not code.endswith("00"), r
        else:  # pragma: no cover - reported by the assertion
            raise AssertionError(f"unknown level {level!r} in {r}")


def test_regions_rows_are_sorted_by_code() -> None:
    codes = [r["code"] for r in regions()]
    assert codes == sorted(codes)


def test_regions_every_parent_exists_and_fits_the_hierarchy() -> None:
    by_code = _by_code(regions())
    for r in regions():
        code, level, parent = r["code"], r["level"], r["parent"]
        if level == "province":
            assert parent == "", r
            continue
        assert parent in by_code, f"parent of {r} missing"
        parent_level = by_code[parent]["level"]
        if level == "city":
            assert parent_level == "province", r
            assert code[:2] == parent[:2], r
        else:  # county: under a prefecture-level unit, or directly under the
            # province for municipality districts/counties and 省/自治区直辖县级行政单位
            assert parent_level in {"province", "city"}, r
            prefix = parent[:4] if parent_level == "city" else parent[:2]
            assert code.startswith(prefix), r


def test_regions_no_placeholder_or_statistics_only_rows() -> None:
    for r in regions():
        # GB/T 2260 placeholder groupings are not rows (children hang off the province).
        assert r["name"] not in {
            "市辖区",
            "县",
            "省直辖县级行政区划",
            "自治区直辖县级行政区划",
        }, r
        # NBS statistics-only units (开发区/高新区/新区 …) use 71-80 in positions 5-6.
        if r["level"] == "county":
            assert not ("71" <= r["code"][4:6] <= "80"), r
    codes = {r["code"] for r in regions()}
    for placeholder in (
        "110100",
        "120100",
        "310100",
        "500100",
        "500200",
        "419000",
        "429000",
        "469000",
        "659000",
    ):
        assert placeholder not in codes
    # examples of NBS-only units that must not appear
    for stats_only in ("370176", "130171", "232761", "620201", "632857", "460321"):
        assert stats_only not in codes


def test_regions_municipality_districts_hang_off_the_province() -> None:
    by_code = _by_code(regions())
    children = Counter(r["parent"] for r in regions())
    for code, name, n in (
        ("110000", "北京市", 16),
        ("120000", "天津市", 16),
        ("310000", "上海市", 16),
        ("500000", "重庆市", 37),
    ):
        assert by_code[code]["name"] == name
        assert by_code[code]["level"] == "province"
        assert children[code] == n
    assert by_code["110101"]["parent"] == "110000"
    assert by_code["500229"]["parent"] == "500000"
    # province-administered county-level units
    assert by_code["429004"] == {
        "code": "429004",
        "name": "仙桃市",
        "level": "county",
        "parent": "420000",
    }
    assert by_code["419001"]["parent"] == "410000"
    assert by_code["469001"]["parent"] == "460000"
    assert by_code["659001"]["parent"] == "650000"


def test_regions_hong_kong_macau_taiwan_present_without_children() -> None:
    by_code = _by_code(regions())
    parents = {r["parent"] for r in regions()}
    for code, name in (
        ("710000", "台湾省"),
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
    ):
        assert by_code[code] == {
            "code": code,
            "name": name,
            "level": "province",
            "parent": "",
        }
        assert code not in parents


def test_regions_prefecture_level_cities_without_counties() -> None:
    parents = {r["parent"] for r in regions()}
    childless = {r["code"] for r in regions() if r["level"] == "city" and r["code"] not in parents}
    # 东莞、中山、儋州、嘉峪关 have no county-level subdivisions in GB/T 2260
    assert childless == {"441900", "442000", "460400", "620200"}


def test_regions_known_names() -> None:
    by_code = _by_code(regions())
    expected = {
        "110000": "北京市",
        "370000": "山东省",
        "370100": "济南市",
        "370102": "历下区",
        "370116": "莱芜区",
        "370117": "钢城区",
        "441900": "东莞市",
        "460302": "西沙区",
        "460303": "南沙区",
        "653228": "和康县",
        "653229": "和安县",
        "659012": "白杨市",
    }
    for code, name in expected.items():
        assert by_code[code]["name"] == name, code
    assert by_code["653228"]["parent"] == "653200"
    assert by_code["653229"]["parent"] == "653200"
    assert by_code["653200"]["name"] == "和田地区"


SHANDONG_CITIES = {
    "370100": "济南市",
    "370200": "青岛市",
    "370300": "淄博市",
    "370400": "枣庄市",
    "370500": "东营市",
    "370600": "烟台市",
    "370700": "潍坊市",
    "370800": "济宁市",
    "370900": "泰安市",
    "371000": "威海市",
    "371100": "日照市",
    "371300": "临沂市",
    "371400": "德州市",
    "371500": "聊城市",
    "371600": "滨州市",
    "371700": "菏泽市",
}


def test_shandong_cities_complete() -> None:
    cities = {r["code"]: r["name"] for r in regions() if r["parent"] == "370000"}
    assert cities == SHANDONG_CITIES
    assert all(r["level"] == "city" for r in regions() if r["parent"] == "370000")
    codes = {r["code"] for r in regions()}
    assert "371200" not in codes  # 莱芜市, merged into 济南 in 2019
    assert not any(c.startswith("3712") for c in codes)


def test_shandong_county_level_units() -> None:
    counties = [r for r in regions() if r["code"].startswith("37") and r["level"] == "county"]
    assert len(counties) == 136
    per_city = Counter(r["parent"] for r in counties)
    assert per_city == {
        "370100": 12,
        "370200": 10,
        "370300": 8,
        "370400": 6,
        "370500": 5,
        "370600": 11,
        "370700": 12,
        "370800": 11,
        "370900": 6,
        "371000": 4,
        "371100": 4,
        "371300": 12,
        "371400": 11,
        "371500": 8,
        "371600": 7,
        "371700": 9,
    }
    jinan = {r["code"]: r["name"] for r in counties if r["parent"] == "370100"}
    assert jinan == {
        "370102": "历下区",
        "370103": "市中区",
        "370104": "槐荫区",
        "370105": "天桥区",
        "370112": "历城区",
        "370113": "长清区",
        "370114": "章丘区",
        "370115": "济阳区",
        "370116": "莱芜区",
        "370117": "钢城区",
        "370124": "平阴县",
        "370126": "商河县",
    }


# ------------------------------------------------------------------------ industries


def test_industries_file_is_plain_utf8_without_bom() -> None:
    raw = INDUSTRIES_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert raw.splitlines()[0] == b"code,name,level,parent"


def test_industries_counts_per_level() -> None:
    counts = Counter(r["level"] for r in industries())
    assert counts == {"section": 20, "division": 97}
    assert len(industries()) == 117


def test_industries_sections_are_a_to_t() -> None:
    sections = [r["code"] for r in industries() if r["level"] == "section"]
    assert sections == list("ABCDEFGHIJKLMNOPQRST")
    assert all(r["parent"] == "" for r in industries() if r["level"] == "section")


def test_industries_divisions_01_to_97_each_once() -> None:
    divisions = [r["code"] for r in industries() if r["level"] == "division"]
    assert sorted(divisions) == [f"{i:02d}" for i in range(1, 98)]
    assert len(set(divisions)) == 97


def test_industries_codes_unique_and_well_formed() -> None:
    codes = [r["code"] for r in industries()]
    assert len(codes) == len(set(codes))
    for r in industries():
        assert r["name"] and r["name"] == r["name"].strip() and " " not in r["name"], r
        if r["level"] == "section":
            assert re.fullmatch(r"[A-T]", r["code"]), r
        else:
            assert r["level"] == "division", r
            assert re.fullmatch(r"\d{2}", r["code"]), r


SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def test_industries_every_division_parent_is_its_section() -> None:
    by_code = _by_code(industries())
    for r in industries():
        if r["level"] != "division":
            continue
        parent = r["parent"]
        assert parent in by_code and by_code[parent]["level"] == "section", r
        lo, hi = SECTION_RANGES[parent]
        assert lo <= int(r["code"]) <= hi, r


def test_industries_known_names() -> None:
    by_code = _by_code(industries())
    expected = {
        "A": "农、林、牧、渔业",
        "C": "制造业",
        "D": "电力、热力、燃气及水生产和供应业",
        "E": "建筑业",
        "I": "信息传输、软件和信息技术服务业",
        "S": "公共管理、社会保障和社会组织",
        "T": "国际组织",
        "05": "农、林、牧、渔专业及辅助性活动",
        "47": "房屋建筑业",
        "65": "软件和信息技术服务业",
        "72": "商务服务业",
        "95": "群众团体、社会团体和其他成员组织",
        "96": "基层群众自治组织及其他组织",
        "97": "国际组织",
    }
    for code, name in expected.items():
        assert by_code[code]["name"] == name, code
