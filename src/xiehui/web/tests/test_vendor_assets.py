"""Integrity checks for vendored front-end assets (no Django, no database).

Run with: uv run pytest src/xiehui/web/tests/test_vendor_assets.py -p no:django -q

How to update ECharts: see vendor/echarts/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

# src/xiehui/web/tests/test_vendor_assets.py -> repository root is parents[4]
REPO_ROOT = Path(__file__).resolve().parents[4]
ECHARTS_DIR = REPO_ROOT / "src" / "xiehui" / "web" / "static" / "vendor" / "echarts"
ECHARTS_MIN_JS = ECHARTS_DIR / "echarts.min.js"
ECHARTS_PACKAGE_JSON = REPO_ROOT / "vendor" / "echarts" / "package.json"

# sha256 of node_modules/echarts/dist/echarts.min.js from echarts 6.1.0 on npm.
ECHARTS_MIN_JS_SHA256 = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0"

# The UMD bundle ends with assignments like `t.version="6.1.0"` for the exported
# echarts namespace (zrender's own version appears as `version:"x"` in an object
# literal, which this pattern does not match).
_VERSION_ASSIGNMENT = re.compile(r'[\w$]+\.version="([^"]+)"')


def _pinned_version() -> str:
    package = json.loads(ECHARTS_PACKAGE_JSON.read_text(encoding="utf-8"))
    return package["dependencies"]["echarts"]


def test_echarts_min_js_sha256_matches_pin() -> None:
    digest = hashlib.sha256(ECHARTS_MIN_JS.read_bytes()).hexdigest()
    assert digest == ECHARTS_MIN_JS_SHA256, (
        f"{ECHARTS_MIN_JS} changed (sha256 {digest}); if this was an intended "
        "update, follow vendor/echarts/README.md and update ECHARTS_MIN_JS_SHA256"
    )


def test_package_json_pins_an_exact_version() -> None:
    version = _pinned_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), (
        f"vendor/echarts/package.json must pin an exact version, got {version!r}"
    )


def test_echarts_min_js_version_matches_package_json() -> None:
    text = ECHARTS_MIN_JS.read_text(encoding="utf-8")
    found = set(_VERSION_ASSIGNMENT.findall(text))
    assert found, 'no `<ns>.version="x.y.z"` assignment found in echarts.min.js'
    assert found == {_pinned_version()}, (
        f"echarts.min.js declares version(s) {sorted(found)}, package.json pins {_pinned_version()!r}"
    )


def test_lockfile_agrees_with_package_json() -> None:
    lock_path = ECHARTS_PACKAGE_JSON.with_name("package-lock.json")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/echarts"]["version"] == _pinned_version()


def test_license_files_are_vendored_alongside() -> None:
    license_text = (ECHARTS_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text
    assert (ECHARTS_DIR / "NOTICE").is_file()
