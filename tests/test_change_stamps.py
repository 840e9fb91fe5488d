"""Change stamps: bumped atomically with the edit, read back, own bumps told apart."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete

from app.scheduling import drafts as schedules
from app.store import ChangeStamp, Database, changes, open_database
from app.sync import marking
from app.sync.jobs import OBJECTS
from app.sync.leases import this_process
from app.ui.data.templates import add_template, remove_template, rename_template


def test_a_new_store_has_every_scope_at_revision_zero(any_database: Database) -> None:
    assert changes.read_revisions(any_database) == {scope: 0 for scope in changes.SCOPES}


def test_a_bump_counts_with_its_transaction_and_names_the_writer(any_database: Database) -> None:
    with any_database.session() as session:
        assert changes.bump(session, changes.MARKS, "desk-1:10") == 1
    with pytest.raises(RuntimeError), any_database.session() as session:
        changes.bump(session, changes.MARKS, "desk-1:10")
        raise RuntimeError("the edit failed")
    stamp = changes.read_stamps(any_database)[changes.MARKS]
    assert stamp.revision == 1, "a rolled-back edit does not count"
    assert stamp.changed_by == "desk-1:10" and stamp.changed_at is not None


def test_a_missing_scope_is_inserted(any_database: Database) -> None:
    with any_database.session() as session:
        session.execute(delete(ChangeStamp).where(ChangeStamp.scope == changes.SCHEDULES))
    with any_database.session() as session:
        changes.bump(session, changes.SCHEDULES, "desk-1:10")
        changes.bump(session, "reports", "desk-1:10")
    revisions = changes.read_revisions(any_database)
    assert revisions[changes.SCHEDULES] == 1 and revisions["reports"] == 1


def test_concurrent_bumps_from_two_processes_are_never_lost(store_url: str) -> None:
    desks = [open_database(store_url), open_database(store_url, upgrade=False)]
    errors: list[BaseException] = []

    def work(database: Database, name: str) -> None:
        try:
            for _ in range(25):
                with database.session() as session:
                    changes.bump(session, changes.MARKS, name)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(desks[n % 2], f"desk-{n}:1")) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert changes.read_revisions(desks[0])[changes.MARKS] == 100
    finally:
        for database in desks:
            database.dispose()


def test_own_bumps_are_told_apart_from_another_process(store_url: str) -> None:
    here, there = open_database(store_url), open_database(store_url, upgrade=False)
    try:
        with here.session() as session:
            changes.bump(session, changes.TEMPLATES, "here:1")
        with there.session() as session:
            changes.bump(session, changes.TEMPLATES, "there:2")
        assert changes.only_ours(here, changes.TEMPLATES, 0, 1)
        assert not changes.only_ours(here, changes.TEMPLATES, 0, 2)
        assert changes.only_ours(there, changes.TEMPLATES, 1, 2)
        assert changes.only_ours(here, changes.TEMPLATES, 1, 1), "an empty range is nobody's"
    finally:
        here.dispose()
        there.dispose()


def test_the_writers_bump_their_scope(any_database: Database) -> None:
    template_id = add_template(any_database, "Main Store")
    rename_template(any_database, template_id, "Main Shop")
    assert changes.read_revisions(any_database)[changes.TEMPLATES] == 2

    marking.save_marks(any_database, marking.ITEM, template_id, ["A1", "A2"], [])
    marking.save_marks(any_database, marking.ITEM, template_id, ["A1"], [])
    assert changes.read_revisions(any_database)[changes.MARKS] == 1, "no change, no bump"

    drafts = schedules.load_drafts(any_database, OBJECTS, template_id)
    drafts[0] = drafts[0].with_changes(enabled=True)
    assert schedules.save_drafts(any_database, template_id, drafts) == 1
    assert schedules.save_drafts(any_database, template_id, drafts) == 0
    stamp = changes.read_stamps(any_database)[changes.SCHEDULES]
    assert stamp.revision == 1 and stamp.changed_by == this_process()

    remove_template(any_database, template_id)
    assert changes.read_revisions(any_database) == {
        changes.MARKS: 2,
        changes.SCHEDULES: 2,
        changes.TEMPLATES: 3,
    }
