"""Code validation: USCC (GB 32100-2015, REG-8) through python-stdnum, region and industry codes."""

from __future__ import annotations

import unicodedata

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from .errors import ApplicationError

# GB 11714 organisation-code check (characters 9-17 of a USCC carry one).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def clean_uscc(value: str, *, field: str = "uscc", social_organization: bool = True) -> str:
    """Validate a USCC and return it compacted; refuse with a message naming what is wrong."""
    raw = value or ""
    if any(unicodedata.east_asian_width(ch) in {"F", "W"} for ch in raw):
        raise ApplicationError(
            "统一社会信用代码含有全角字符，请使用半角数字和大写字母", code="uscc_fullwidth", field=field
        )
    try:
        number = stdnum_uscc.validate(raw)
    except InvalidLength as exc:
        length = len(stdnum_uscc.compact(raw))
        raise ApplicationError(
            f"统一社会信用代码应为 18 位，当前为 {length} 位", code="uscc_length", field=field
        ) from exc
    except InvalidChecksum as exc:
        raise ApplicationError("统一社会信用代码校验位错误，请核对最后一位", code="uscc_checksum", field=field) from exc
    except (InvalidFormat, ValidationError) as exc:
        raise ApplicationError(
            "统一社会信用代码格式错误：前 8 位应为数字，其余为数字或大写字母（不含 I、O、Z、S、V）",
            code="uscc_format",
            field=field,
        ) from exc
    if social_organization and not number.startswith("51"):
        raise ApplicationError(
            "社会团体的统一社会信用代码应以 51 开头（登记管理部门代码 5，机构类别代码 1）",
            code="uscc_not_social_organization",
            field=field,
        )
    return number


def organization_code_check(body: str) -> str:
    """The GB 11714 check character for an 8-character organisation-code body."""
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(*, region_code: str, body: str, category: str = "51") -> str:
    """Compose a valid USCC: category (2) + region (6) + organisation code (8 + check) + check."""
    partial = f"{category}{region_code}{body}{organization_code_check(body)}"
    return partial + stdnum_uscc.calc_check_digit(partial)
