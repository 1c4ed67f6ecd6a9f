"""registry.search: bigram name search, correct for 2-character terms, on SQLite (FTS5) and PostgreSQL (GIN).

Runs on whatever database the suite runs on: SQLite by default, PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import pytest
from django.db import connection

from xiehui.conftest import NOW
from xiehui.registry import search, selectors, services
from xiehui.registry.models import Organization

from .test_services import change, record_org

NAMES = [
    # world: 济南市建筑业协会 (370100), 青岛市软件行业协会 (370200)
    "济南市建设工程协会",  # 建 but not 建筑
    "济南市筑路机械商会",  # 筑 but not 建筑; a 商会
    "济南市建筑材料与筑业机械协会",  # bigrams 建筑 and 筑业, but not the run 建筑业
    "济南市软件服务协会",
    "济南市BIM技术应用协会",
]


@pytest.fixture
def register(world):
    for n, name in enumerate(NAMES):
        record_org(name=name, n=600 + n, industries=("65",) if "软件" in name else ("47",))
    return world


def found(q: str = "", **filters) -> set[str]:
    qs = selectors.organization_search(actor=None, filters=selectors.OrganizationFilters(q=q, **filters))
    return set(qs.values_list("name", flat=True))


# -- bigrams ------------------------------------------------------------------------------------


def test_bigrams_of_a_name_in_order_without_duplicates():
    assert search.bigrams("济南市建筑业协会") == ["济南", "南市", "市建", "建筑", "筑业", "业协", "协会"]
    assert search.bigrams("协会协会") == ["协会", "会协"]


def test_bigrams_of_each_whitespace_run_and_a_single_character_run_is_itself():
    assert search.bigrams("建筑 协会") == ["建筑", "协会"]
    assert search.bigrams("筑") == ["筑"]
    assert search.bigrams("济南 筑") == ["济南", "筑"]
    assert search.bigrams("") == []


def test_bigrams_normalise_full_width_and_case_and_skip_punctuation():
    assert search.bigrams("ＢＩＭ") == ["bi", "im"]
    assert search.bigrams("济南（历下）") == ["济南", "历下"]
    assert search.name_grams("济南市协会") == "济南 南市 市协 协会"


def test_terms_are_split_on_whitespace_and_capped():
    assert search.terms(" 济南\u3000建筑  协会 ") == ["济南", "建筑", "协会"]
    assert len(search.terms("a b c d e f g")) == search.MAX_TERMS


def test_every_organisation_stores_its_name_grams(register):
    for org in Organization.objects.all():
        assert org.name_grams == search.name_grams(org.name)


# -- name search ----------------------------------------------------------------------------------


def test_two_character_term_finds_the_right_rows_and_only_them(register):
    assert found("建筑") == {"济南市建筑业协会", "济南市建筑材料与筑业机械协会"}
    assert found("软件") == {"青岛市软件行业协会", "济南市软件服务协会"}


def test_two_character_term_xiehui_excludes_chambers(register):
    assert found("协会") == {
        "济南市建筑业协会",
        "青岛市软件行业协会",
        "济南市建设工程协会",
        "济南市建筑材料与筑业机械协会",
        "济南市软件服务协会",
        "济南市BIM技术应用协会",
    }
    assert found("商会") == {"济南市筑路机械商会"}


def test_three_and_four_character_terms(register):
    assert found("建筑业") == {"济南市建筑业协会"}
    assert found("软件行业") == {"青岛市软件行业协会"}
    assert found("机械商会") == {"济南市筑路机械商会"}
    assert found("济南市软件服务协会") == {"济南市软件服务协会"}


def test_bigrams_present_but_not_contiguous_do_not_match(register):
    # 济南市建筑材料与筑业机械协会 holds both 建筑 and 筑业, but not 建筑业.
    grams = Organization.objects.get(name="济南市建筑材料与筑业机械协会").name_grams.split()
    assert "建筑" in grams and "筑业" in grams
    assert "济南市建筑材料与筑业机械协会" not in found("建筑业")
    # 青岛市软件行业协会 holds 软件 and 协会 (and 行业), but not 软件协会.
    assert found("软件协会") == set()
    # ... and 济南市建筑材料与筑业机械协会 holds 筑业 and 协会, but 业协 only in the other names.
    assert found("业协会") == {"济南市建筑业协会", "青岛市软件行业协会"}


def test_term_in_the_wrong_order_does_not_match(register):
    assert found("筑建") == set()
    assert found("会协") == set()


def test_one_character_term_scans_for_the_character(register):
    assert found("筑") == {"济南市建筑业协会", "济南市筑路机械商会", "济南市建筑材料与筑业机械协会"}
    assert found("岛") == {"青岛市软件行业协会"}


def test_several_terms_must_all_match(register):
    assert found("济南 软件") == {"济南市软件服务协会"}
    assert found("建筑 机械") == {"济南市建筑材料与筑业机械协会"}
    assert found("青岛 建筑") == set()


def test_latin_terms_match_whatever_their_case_or_width(register):
    assert found("BIM") == {"济南市BIM技术应用协会"}
    assert found("bim") == {"济南市BIM技术应用协会"}
    assert found("ＢＩＭ技术") == {"济南市BIM技术应用协会"}


def test_an_unknown_term_finds_nothing(register):
    assert found("航空航天") == set()


def test_the_index_gives_the_same_rows_as_a_plain_scan(register, settings):
    queries = ["建筑", "协会", "建筑业", "软件协会", "筑", "济南 机械", "bim", "业协会"]
    indexed = {q: found(q) for q in queries}
    settings.XIEHUI_SEARCH_BACKEND = "like"
    assert {q: found(q) for q in queries} == indexed


# -- USCC lookup ---------------------------------------------------------------------------------


def test_uscc_is_looked_up_exactly(register):
    uscc = register.org_a.uscc
    assert found(uscc) == {"济南市建筑业协会"}
    assert found(uscc.lower()) == {"济南市建筑业协会"}
    assert found(f"{uscc[:8]} {uscc[8:]}") == {"济南市建筑业协会"}
    assert found(uscc[:-1] + ("0" if uscc[-1] != "0" else "1")) == set()


def test_uscc_prefix_is_not_a_uscc_lookup(register):
    # 17 characters: treated as a name term, matching nothing.
    assert found(register.org_a.uscc[:17]) == set()


# -- filters -------------------------------------------------------------------------------------


def test_name_search_combines_with_region_and_industry_filters(register):
    assert found("协会", region="3702") == {"青岛市软件行业协会"}
    assert found("协会", region="370202") == {"青岛市软件行业协会"}
    assert found("建筑", industry="47") == {"济南市建筑业协会", "济南市建筑材料与筑业机械协会"}
    assert found("软件", industry="65") == {"济南市软件服务协会"}  # division
    assert found("软件", industry="I") == {"济南市软件服务协会"}  # section
    assert found("软件", industry="E") == {"青岛市软件行业协会"}  # the world's bodies are in 47 and 48


def test_an_organisation_in_two_divisions_of_a_section_is_listed_once(register):
    # 济南市建筑业协会 is in 47 and 48, both in section E.
    qs = selectors.organization_search(actor=None, filters=selectors.OrganizationFilters(q="建筑业", industry="E"))
    assert list(qs.values_list("name", flat=True)) == ["济南市建筑业协会"]
    assert selectors.capped_count(qs) == (1, True)


# -- the index stays in step ----------------------------------------------------------------------


def test_index_follows_a_name_change_by_change_filing(register):
    filing = services.change_filing_submit(
        actor=register.staff_a, organization=register.org_a, data=change(name="济南市装配式住宅产业协会"), now=NOW
    )
    services.change_filing_approve(actor=register.officer_jinan, filing=filing, now=NOW)
    assert found("装配式") == {"济南市装配式住宅产业协会"}
    assert found("住宅") == {"济南市装配式住宅产业协会"}
    assert found("建筑业") == set()
    assert found("建筑") == {"济南市建筑材料与筑业机械协会"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_sqlite_fts_table_holds_the_current_grams_only(register):
    filing = services.change_filing_submit(
        actor=register.staff_a, organization=register.org_a, data=change(name="济南市装配式住宅产业协会"), now=NOW
    )
    services.change_filing_approve(actor=register.officer_jinan, filing=filing, now=NOW)

    def fts(gram: str) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM registry_organization_fts WHERE registry_organization_fts MATCH %s", [f'"{gram}"']
            )
            return {row[0] for row in cursor.fetchall()}

    assert register.org_a.pk in fts("装配")
    assert register.org_a.pk not in fts("筑业")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_gin_index_serves_the_gram_filter_after_a_name_change(register):
    filing = services.change_filing_submit(
        actor=register.staff_a, organization=register.org_a, data=change(name="济南市装配式住宅产业协会"), now=NOW
    )
    services.change_filing_approve(actor=register.officer_jinan, filing=filing, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'registry_org_name_grams_gin'")
        assert "gin" in cursor.fetchone()[0].lower()
        cursor.execute("SET LOCAL enable_seqscan = off")
    qs = selectors.organization_search(actor=None, filters=selectors.OrganizationFilters(q="装配"))
    assert "registry_org_name_grams_gin" in qs.explain()
    assert list(qs.values_list("name", flat=True)) == ["济南市装配式住宅产业协会"]


def test_index_follows_a_deleted_organisation(register):
    org = Organization.objects.get(name="济南市软件服务协会")
    org.item_history.all().delete()
    org.decoupling_items.all().delete()
    org.delete()
    assert found("软件") == {"青岛市软件行业协会"}


# -- capped_count ----------------------------------------------------------------------------------


def test_capped_count_is_exact_up_to_the_cap(register):
    qs = Organization.objects.all()
    total = qs.count()
    assert total == 7
    assert selectors.capped_count(qs, cap=7) == (7, True)
    assert selectors.capped_count(qs, cap=100) == (7, True)


def test_capped_count_returns_the_cap_and_not_exact_when_more_rows(register):
    qs = Organization.objects.all()
    assert selectors.capped_count(qs, cap=6) == (6, False)
    assert selectors.capped_count(qs, cap=2) == (2, False)


def test_region_filter_of_a_city_ending_in_zero_does_not_reach_its_neighbours(register):
    # 威海市 is 371000; 日照市 is 371100. Both the 4-digit form prefix and the full code mean 威海 only.
    record_org(name="威海市渔业协会", n=700, authority="371000", region_code="371002")
    record_org(name="日照市渔业协会", n=701, authority="371100", region_code="371102")
    assert found("渔业", region="3710") == {"威海市渔业协会"}
    assert found("渔业", region="371000") == {"威海市渔业协会"}
    assert found("渔业", region="371002") == {"威海市渔业协会"}
    assert found("渔业", region="370000") == {"威海市渔业协会", "日照市渔业协会"}
