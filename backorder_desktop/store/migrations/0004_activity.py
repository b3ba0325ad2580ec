"""Schema version 4: the activity log, and who created and closed each shipment.

`activity` has one row per change a person or a script made (SPEC 8): when, the login (the
operating-system user on SQLite, the database role on PostgreSQL), the machine, the action,
what it changed and how. It is append-only, refused by the database itself: on SQLite by
triggers that abort an update or a delete; on PostgreSQL by triggers that refuse UPDATE, DELETE
and TRUNCATE for every role, the owner included, and by one that writes the session's own role
into each new row, so that no one can log a change under another name.

`shipment.created_user` and `shipment.closed_user` name who created a shipment (the person who
entered the order or started the run, or the program that ran the schedule) and who shipped or
voided it; NULL on shipments older than this version.

A frozen copy, like 0001: the tables as they are named at version 4.
"""

from typing import Any

import peewee as pw

SQLITE = [
    """CREATE TABLE activity (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        at DATETIME NOT NULL,
        login TEXT NOT NULL,
        host TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: its rows cannot be changed'); END""",
    """CREATE TRIGGER activity_no_delete BEFORE DELETE ON activity
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: its rows cannot be deleted'); END""",
]

POSTGRES = [
    """CREATE TABLE activity (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at TIMESTAMP NOT NULL,
        login TEXT NOT NULL DEFAULT session_user,
        host TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE FUNCTION activity_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the activity log is append-only: its rows cannot be changed or deleted'
                USING ERRCODE = 'insufficient_privilege';
        END $$""",
    """CREATE FUNCTION activity_own_login() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.login := session_user;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER activity_no_change BEFORE UPDATE OR DELETE ON activity
        FOR EACH ROW EXECUTE FUNCTION activity_refuse_change()""",
    """CREATE TRIGGER activity_no_truncate BEFORE TRUNCATE ON activity
        FOR EACH STATEMENT EXECUTE FUNCTION activity_refuse_change()""",
    """CREATE TRIGGER activity_login BEFORE INSERT ON activity
        FOR EACH ROW EXECUTE FUNCTION activity_own_login()""",
]


def up(migrator: Any, db: pw.Database) -> None:
    postgres = isinstance(db, pw.PostgresqlDatabase)
    for statement in POSTGRES if postgres else SQLITE:
        db.execute_sql(statement)
    db.execute_sql("CREATE INDEX activity_at ON activity (at)")
    migrator.migrate(
        migrator.add_column("shipment", "created_user", pw.TextField(null=True)),
        migrator.add_column("shipment", "closed_user", pw.TextField(null=True)),
    )
