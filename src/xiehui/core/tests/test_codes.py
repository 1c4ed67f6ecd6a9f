"""core.codes: USCC validation (REG-8, GB 32100-2015) through python-stdnum, and make_uscc."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from xiehui.core.codes import clean_uscc, make_uscc, organization_code_check
from xiehui.core.errors import ApplicationError

# 济南市民政局 (370100), body MJ000001: the first association of the test world.
VALID = make_uscc(region_code="370100", body="MJ000001")


def _refusal(value: str, **kw) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc_info:
        clean_uscc(value, **kw)
    return exc_info.value


def _other_check_char(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return next(c for c in alphabet if c != code[-1])


def test_reg_8_valid_uscc_is_accepted_unchanged():
    assert len(VALID) == 18 and VALID.startswith("51370100")
    assert clean_uscc(VALID) == VALID


def test_reg_8_wrong_check_character_is_refused_naming_the_last_character():
    exc = _refusal(VALID[:-1] + _other_check_char(VALID))
    assert exc.code == "uscc_checksum"
    assert exc.field == "uscc"
    assert "校验位" in exc.message and "最后一位" in exc.message


@pytest.mark.parametrize("value", [VALID[:17], VALID + "1"])
def test_reg_8_length_17_or_19_is_refused_with_the_length_given(value):
    exc = _refusal(value)
    assert exc.code == "uscc_length"
    assert "18 位" in exc.message and f"当前为 {len(value)} 位" in exc.message


def test_reg_8_full_width_characters_are_refused_with_a_clear_message():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID)  # '５１３７…'
    assert full_width.startswith("５１３７")
    exc = _refusal(full_width)
    assert exc.code == "uscc_fullwidth"
    assert "全角" in exc.message and "半角" in exc.message


def test_reg_8_one_full_width_digit_among_half_width_is_refused():
    exc = _refusal("５" + VALID[1:])
    assert exc.code == "uscc_fullwidth"


def test_reg_8_lower_case_letters_are_accepted_and_returned_upper_case():
    # python-stdnum compacts to upper case; the code keeps that behaviour (a typed code is not refused for case).
    lower = VALID.lower()
    assert lower != VALID
    assert clean_uscc(lower) == VALID


def test_reg_8_spaces_and_dashes_are_compacted():
    spaced = f"{VALID[:2]} {VALID[2:8]}-{VALID[8:]}"
    assert clean_uscc(spaced) == VALID


def test_reg_8_code_not_starting_with_51_is_refused_for_a_social_organisation():
    enterprise = make_uscc(region_code="370100", body="MJ000001", category="91")
    assert stdnum_uscc.is_valid(enterprise)
    exc = _refusal(enterprise)
    assert exc.code == "uscc_not_social_organization"
    assert "51" in exc.message


def test_reg_8_code_not_starting_with_51_is_accepted_when_not_a_social_organisation():
    enterprise = make_uscc(region_code="370100", body="MJ000001", category="91")
    assert clean_uscc(enterprise, social_organization=False) == enterprise


def test_reg_8_letters_in_the_region_part_are_refused_as_format():
    exc = _refusal("51ABCDEF" + VALID[8:])
    assert exc.code == "uscc_format"
    assert "格式" in exc.message


def test_reg_8_empty_value_is_refused_with_length_message():
    exc = _refusal("")
    assert exc.code == "uscc_length"
    assert "当前为 0 位" in exc.message


def test_reg_8_field_name_is_carried_on_the_refusal():
    exc = _refusal(VALID[:17], field="organization_uscc")
    assert exc.field == "organization_uscc"


def test_organization_code_check_matches_a_real_code():
    # 91110000600037341L (python-stdnum's example): organisation code 60003734-1.
    assert organization_code_check("60003734") == "1"
    assert stdnum_uscc.is_valid("91110000600037341L")
    assert make_uscc(region_code="110000", body="60003734", category="91") == "91110000600037341L"


# Region codes of authorities (6 digits) and organisation-code bodies (8 characters of the USCC alphabet).
_REGION = st.from_regex(r"\A[1-6][0-9]{5}\Z", fullmatch=True)
_BODY = st.from_regex(r"\A[0-9A-HJ-NP-RTUW-Y]{8}\Z", fullmatch=True)


@given(region_code=_REGION, body=_BODY)
def test_reg_8_make_uscc_always_produces_a_valid_social_organisation_code(region_code, body):
    code = make_uscc(region_code=region_code, body=body)
    assert len(code) == 18
    assert code[:2] == "51"
    assert code[2:8] == region_code
    assert code[8:16] == body
    assert stdnum_uscc.is_valid(code)
    assert clean_uscc(code) == code


@given(region_code=_REGION, body=_BODY, category=st.sampled_from(["51", "52", "53", "91", "11"]))
def test_reg_8_make_uscc_with_other_categories_is_valid_but_only_51_passes_as_social_organisation(
    region_code, body, category
):
    code = make_uscc(region_code=region_code, body=body, category=category)
    assert stdnum_uscc.is_valid(code)
    if category == "51":
        assert clean_uscc(code) == code
    else:
        with pytest.raises(ApplicationError):
            clean_uscc(code)
