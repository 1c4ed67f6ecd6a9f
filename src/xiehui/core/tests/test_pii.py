"""core.pii: identity and phone numbers encrypted at rest, a keyed index, masks (PIPL art. 51)."""

from __future__ import annotations

import base64
import re

import pytest
from django.db import connection
from django.test import override_settings

from xiehui.conftest import ID_NUMBERS
from xiehui.core import pii
from xiehui.core.models import Person
from xiehui.registry import services as registry_services

ID = ID_NUMBERS[0]  # 37010219900101001X
ID_DIGITS = ID[:-1]
OTHER_KEY = base64.b64encode(b"another-32-byte-key-for-the-test").decode()


def test_encrypt_then_decrypt_gives_the_value_back():
    for value in (ID, "13812345678", "张三", ""):
        assert pii.decrypt(pii.encrypt(value)) == value


def test_ciphertext_differs_each_time_and_holds_no_plain_digits():
    first, second = pii.encrypt(ID), pii.encrypt(ID)
    assert pii.decrypt(first) == pii.decrypt(second) == ID
    assert first != second  # a fresh nonce per encryption
    for token in (first, second):
        assert ID not in token
        assert ID_DIGITS not in token
        assert "19900101" not in token  # not even the birth date


def test_ciphertext_does_not_decrypt_with_another_key():
    token = pii.encrypt(ID)
    with override_settings(PII_KEY=OTHER_KEY), pytest.raises(ValueError, match="does not verify"):
        pii.decrypt(token)


def test_tampered_ciphertext_is_refused():
    raw = bytearray(base64.b64decode(pii.encrypt(ID)))
    raw[-1] ^= 0x01
    with pytest.raises(ValueError):
        pii.decrypt(base64.b64encode(bytes(raw)).decode())


def test_unknown_ciphertext_version_is_refused():
    raw = bytearray(base64.b64decode(pii.encrypt(ID)))
    raw[0] = 0x02
    with pytest.raises(ValueError, match="version"):
        pii.decrypt(base64.b64encode(bytes(raw)).decode())


def test_index_hash_is_stable_and_normalised():
    h = pii.index_hash(ID)
    assert h == pii.index_hash(ID)
    assert len(h) == 64 and re.fullmatch(r"[0-9a-f]{64}", h)
    assert pii.index_hash(ID.lower()) == h  # lower-case x check digit
    assert pii.index_hash(f" {ID[:6]} {ID[6:14]} {ID[14:]} ") == h  # spaces
    assert pii.index_hash(ID_NUMBERS[1]) != h
    assert ID not in h


def test_index_hash_is_keyed():
    h = pii.index_hash(ID)
    with override_settings(PII_KEY=OTHER_KEY):
        assert pii.index_hash(ID) != h


def test_normalize_upper_cases_and_strips_spaces():
    assert pii.normalize(" 37010219900101001x ") == ID
    assert pii.normalize("370102 19900101 001x") == ID


def test_mask_keeps_first_four_and_last_four_of_an_identity_number():
    assert pii.mask("370102199001011234") == "3701**********1234"
    assert pii.mask(ID.lower()) == "3701**********001X"


def test_mask_phone_keeps_three_and_four():
    assert pii.mask_phone("13812345678") == "138****5678"


def test_mask_of_a_short_value_hides_everything():
    assert pii.mask("1234") == "****"
    assert pii.mask("12345678") == "********"


def test_person_set_id_number_stores_ciphertext_hash_and_mask():
    person = Person(name="张三")
    person.set_id_number(ID.lower())
    assert person.id_number == ID
    assert person.id_number_hash == pii.index_hash(ID)
    assert person.id_number_masked == "3701**********001X"


@pytest.mark.django_db
def test_person_row_holds_no_plain_identity_or_phone_number_in_any_column():
    person = registry_services.person_for(registry_services.PersonInput("张三", ID, phone="13812345678"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_person WHERE id = %s", [person.pk])
        columns = [c[0] for c in cursor.description]
        row = cursor.fetchone()
    assert row is not None
    stored = dict(zip(columns, row))
    for column, value in stored.items():
        text = str(value)
        assert ID not in text.upper(), column
        assert ID_DIGITS not in text, column
        assert "19900101" not in text, column  # the birth date part
        assert "13812345678" not in text, column
        assert "12345678" not in text, column
    assert stored["id_number_masked"] == "3701**********001X"
    assert stored["phone_masked"] == "138****5678"
    # and the model still gives the number back to code that has the key
    assert Person.objects.get(pk=person.pk).id_number == ID
    assert pii.decrypt(stored["phone_encrypted"]) == "13812345678"


@pytest.mark.django_db
def test_person_is_found_again_by_keyed_hash_whatever_the_case_of_x():
    first = registry_services.person_for(registry_services.PersonInput("张三", ID))
    again = registry_services.person_for(registry_services.PersonInput("张三", ID.lower()))
    assert again.pk == first.pk
    assert Person.objects.count() == 1
