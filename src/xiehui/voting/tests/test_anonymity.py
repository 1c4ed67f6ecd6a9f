"""Anonymity by construction: no foreign key, id order, row order or timestamp links a voter to a ballot.

The schema half inspects the models; the rows half casts ballots in a known order, closes the ballot and
reads the stored rows in their physical order (SQLite rowid; PostgreSQL ctid and xmin) to show that after
sealing nothing in them reflects the order of casting.
"""

from __future__ import annotations

import pytest
from django.db import connection, models

from xiehui.core.models import AuditEntry
from xiehui.voting import services_cast, services_close
from xiehui.voting.models import Ballot, CastBallot, Participation

from .conftest import CLOSES, DURING, entry_of, make_ballot, represent

VOTERS = 20


def test_schema_has_no_path_from_a_voter_to_a_cast_ballot():
    for model in (Participation, CastBallot):
        fields = model._meta.get_fields(include_hidden=True)
        assert isinstance(model._meta.pk, models.UUIDField), model
        assert not [f for f in fields if isinstance(f, models.DateField | models.DateTimeField | models.TimeField)]
        assert not [f for f in fields if f.auto_created and not f.concrete], f"{model} is referenced by another model"
        assert not [f for f in fields if f.many_to_many]
    assert {f.related_model for f in CastBallot._meta.get_fields() if f.is_relation} == {Ballot}
    participation_targets = {f.related_model for f in Participation._meta.get_fields() if f.is_relation}
    assert CastBallot not in participation_targets
    assert {f.name for f in CastBallot._meta.concrete_fields} == {"id", "ballot", "receipt_digest", "choices"}
    assert {f.name for f in Participation._meta.concrete_fields} == {"id", "ballot", "roll_entry"}


def _physical(table: str, column: str, ballot: Ballot) -> list[tuple]:
    """(row position, transaction id or None, column) in the order the database stores the rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT ctid::text, xmin::text, {column} FROM {table} WHERE ballot_id = %s ORDER BY ctid",  # noqa: S608
                [ballot.pk],
            )
        else:
            cursor.execute(
                f"SELECT rowid, NULL, {column} FROM {table} WHERE ballot_id = %s ORDER BY rowid",  # noqa: S608
                [ballot.pk],
            )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the code tables
def test_sealed_rows_carry_no_casting_order(world, voters):
    members = voters(VOTERS)
    for member in members[1:]:
        represent(member, world.member)
    ballot = make_ballot(world.org_a, world.staff_a)
    entries = {m.pk: entry_of(ballot, m) for m in members}
    audit_before = AuditEntry.objects.count()
    cast_order = list(reversed(members))  # the last roll position votes first
    digests = []
    for member in cast_order:
        code = services_cast.ballot_cast(
            voter_user=world.member, ballot=ballot, roll_entry=entries[member.pk], choices={"1": "for"}, now=DURING
        )
        digests.append(services_cast.receipt_digest(ballot.pk, code))
    ids_before = set(CastBallot.objects.filter(ballot=ballot).values_list("id", flat=True))
    if connection.vendor == "sqlite":  # before sealing, rowid order is the casting order: the risk the seal removes
        assert [row[2] for row in _physical("voting_castballot", "receipt_digest", ballot)] == digests
    assert AuditEntry.objects.count() == audit_before  # casting records nothing

    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)

    cast_rows = _physical("voting_castballot", "receipt_digest", ballot)
    part_rows = _physical("voting_participation", "roll_entry_id", ballot)
    assert sorted(row[2] for row in cast_rows) == sorted(digests)
    assert ids_before.isdisjoint(CastBallot.objects.filter(ballot=ballot).values_list("id", flat=True))
    if connection.vendor == "sqlite":
        # rewritten in digest order and roll order: rowids now follow those, not the casting
        assert [row[2] for row in cast_rows] == sorted(digests)
        assert [row[2] for row in part_rows] == sorted(e.pk for e in entries.values())
    else:
        # one transaction wrote every row (one xmin); the heap places the new tuples where it has room
        # (the sealed-away tuples are still there, dead), so ctid order follows neither the casting order
        # nor anything else a voter did
        assert len({row[1] for row in cast_rows + part_rows}) == 1
        assert [row[2] for row in cast_rows] != digests
    # the audit log holds only the aggregate of the close, and never the voter
    entries_after = AuditEntry.objects.filter(seq__gt=0).exclude(action__startswith="registry.")
    assert not entries_after.filter(actor_id=world.member.pk).exists()
    assert not entries_after.filter(object_type__in=["voting.castballot", "voting.participation"]).exists()
    closed = AuditEntry.objects.get(action="voting.ballot.closed")
    assert set(closed.changes) == {"present", "cast", "passed"}
