"""Schema version 5: administrators and staff, enforced by the PostgreSQL server (SPEC 8).

This step makes the table `team`: the database it was set up for (by its oid) and the names of
its two groups, administrators and staff. The groups and their privileges are made by
`store/groups.py` when the owner opens the database (right after this step, or `init`): there
and not here, because it is done again on a copy of the database (CREATE DATABASE … TEMPLATE,
a restored backup), which must get groups of its own rather than share its original's.

On SQLite this step changes nothing (the file's permissions are the boundary) but is recorded
all the same.

A frozen copy, like 0001: the table as it is named at version 5.
"""

from typing import Any

import peewee as pw


def up(migrator: Any, db: pw.Database) -> None:
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    db.execute_sql(
        "CREATE TABLE team (database_oid BIGINT NOT NULL, admin_role TEXT NOT NULL, staff_role TEXT NOT NULL)"
    )
