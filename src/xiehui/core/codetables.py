"""Loading the shipped code tables (core/data/*.csv, provenance in core/data/SOURCES.md)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
NATION = {"code": "100000", "name": "全国", "kind": "nation", "parent": None, "full_name": "全国"}


def read_regions() -> list[dict[str, Any]]:
    """Regions with their full names, parents before children, plus the national pseudo-region."""
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["code"]: r["name"] for r in rows}
    parents = {r["code"]: r["parent"] for r in rows}
    out = [NATION]
    order = {"province": 0, "city": 1, "county": 2}
    for r in sorted(rows, key=lambda r: (order[r["level"]], r["code"])):
        chain, code = [], r["code"]
        while code:
            chain.append(names[code])
            code = parents[code]
        out.append(
            {
                "code": r["code"],
                "name": r["name"],
                "kind": r["level"],
                "parent": r["parent"] or None,
                "full_name": "".join(reversed(chain)),
            }
        )
    return out


def read_industries() -> list[dict[str, Any]]:
    with open(DATA_DIR / "industries.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        {"code": r["code"], "name": r["name"], "kind": r["level"], "section": r["parent"] or None}
        for r in sorted(rows, key=lambda r: (r["level"] != "section", r["code"]))
    ]
