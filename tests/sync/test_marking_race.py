"""Two desktops ticking the same record at the same moment: it ends up marked once, no raw error.

The race is made deterministic: just before this desktop's INSERT of marks
reaches the database, "another desktop" (a second engine on the same store)
commits a mark of the same record.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select

from app.store import Database, SyncMark, Template, open_database
from app.sync import marking
from app.sync.marking import ITEM, MarkConflict


def _template(database: Database, name: str) -> int:
    with database.session() as session:
        template = Template(name=name)
        session.add(template)
        session.flush()
        return template.id


@pytest.fixture
def other_desk(any_database: Database) -> Iterator[Database]:
    """The same store opened a second time, as another desktop's client opens it."""
    other = open_database(any_database.url.render_as_string(hide_password=False), upgrade=False)
    yield other
    other.dispose()


def _mark_first_from(other: Database, database: Database, code: str, template_id: int) -> None:
    """Make ``other`` mark ``code`` right before ``database`` inserts its marks (once)."""
    done: list[bool] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if done or not statement.lstrip().upper().startswith("INSERT INTO SYNC_MARKS"):
            return
        done.append(True)
        marking.save_marks(other, ITEM, template_id, [code], [])

    event.listen(database.engine, "before_cursor_execute", before)


def _marks_of(database: Database, code: str) -> list[int]:
    with database.session() as session:
        return list(
            session.scalars(
                select(SyncMark.template_id).where(SyncMark.kind == ITEM, SyncMark.sap_key == code)
            )
        )


def test_the_same_record_ticked_on_two_desktops_for_one_template_is_marked_once(
    any_database: Database, other_desk: Database
) -> None:
    template_id = _template(any_database, "Main Store")
    _mark_first_from(other_desk, any_database, "A0002", template_id)

    outcome = marking.save_marks(any_database, ITEM, template_id, ["A0001", "A0002"], [])

    assert _marks_of(any_database, "A0002") == [template_id]
    assert _marks_of(any_database, "A0001") == [template_id]
    assert outcome.marked == 1, "A0002 was already marked by the other desktop"
    with any_database.session() as session:
        assert session.scalar(select(func.count()).select_from(SyncMark)) == 2


def test_a_record_another_desktop_marks_for_another_template_meanwhile_is_a_conflict(
    any_database: Database, other_desk: Database
) -> None:
    mine = _template(any_database, "Main Store")
    theirs = _template(any_database, "Outlet")
    _mark_first_from(other_desk, any_database, "A0002", theirs)

    with pytest.raises(MarkConflict, match="Outlet") as conflict:
        marking.save_marks(any_database, ITEM, mine, ["A0001", "A0002"], [])

    assert conflict.value.owners == {"A0002": "Outlet"}
    assert _marks_of(any_database, "A0002") == [theirs]
    assert _marks_of(any_database, "A0001") == [], "all or nothing: nothing of this save is written"
