"""Schema version 4: the activity log, and who created and closed each shipment.

`activity` has one row per change a person or a script made (SPEC 8): when (the clock of the
machine that made it), the login (the operating-system user on SQLite, the database role on
PostgreSQL), the machine, the action, what it changed and how. It is append-only, refused by
the database itself. On SQLite, triggers abort an update or a delete, and an insert that
would replace a row. On PostgreSQL, triggers refuse update, delete and truncate for every role,
and a trigger gives each new row its id and the session's own role as its login, whatever the
inserting statement says: no one can log under another name, or take an id to come and so
block the changes after it.

`shipment.created_user` and `shipment.closed_user` name who created a shipment (the person who
entered the order or started the run, or the one whose program ran the schedule) and who shipped
or voided it; NULL on shipments older than this version. On PostgreSQL an update cannot set
them to another name: a changed `closed_user` is the session's role, `created_user` stays.

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
    # INSERT OR REPLACE deletes the row it replaces without the delete trigger (recursive
    # triggers are off): refused before it gets there.
    """CREATE TRIGGER activity_no_replace BEFORE INSERT ON activity
        WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM activity WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: its rows cannot be replaced'); END""",
]

POSTGRES = [
    """CREATE TABLE activity (
        id BIGINT NOT NULL PRIMARY KEY,
        at TIMESTAMP NOT NULL,
        login TEXT NOT NULL,
        host TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE SEQUENCE activity_id_seq OWNED BY activity.id",
    """CREATE FUNCTION activity_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the activity log is append-only: its rows cannot be changed or deleted'
                USING ERRCODE = 'insufficient_privilege';
        END $$""",
    # With the owner's rights: the sequence is no one else's to use.
    """CREATE FUNCTION activity_new_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            NEW.id := nextval('{schema}.activity_id_seq');
            NEW.login := session_user;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER activity_no_change BEFORE UPDATE OR DELETE ON activity
        FOR EACH ROW EXECUTE FUNCTION activity_refuse_change()""",
    """CREATE TRIGGER activity_no_truncate BEFORE TRUNCATE ON activity
        FOR EACH STATEMENT EXECUTE FUNCTION activity_refuse_change()""",
    """CREATE TRIGGER activity_new_row BEFORE INSERT ON activity
        FOR EACH ROW EXECUTE FUNCTION activity_new_row()""",
]

# After the shipment's columns are added; fires only when an update touches them.
POSTGRES_SHIPMENT = [
    """CREATE FUNCTION shipment_own_names() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.created_user := OLD.created_user;
            IF NEW.closed_user IS DISTINCT FROM OLD.closed_user THEN
                NEW.closed_user := session_user;
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER shipment_own_names BEFORE UPDATE ON shipment FOR EACH ROW
        WHEN (NEW.created_user IS DISTINCT FROM OLD.created_user
              OR NEW.closed_user IS DISTINCT FROM OLD.closed_user)
        EXECUTE FUNCTION shipment_own_names()""",
]


def up(migrator: Any, db: pw.Database) -> None:
    postgres = isinstance(db, pw.PostgresqlDatabase)
    schema = db.execute_sql("SELECT current_schema()").fetchone()[0] if postgres else ""
    for statement in POSTGRES if postgres else SQLITE:
        db.execute_sql(statement.replace("{schema}", f'"{schema}"'))
    db.execute_sql("CREATE INDEX activity_at ON activity (at)")
    migrator.migrate(
        migrator.add_column("shipment", "created_user", pw.TextField(null=True)),
        migrator.add_column("shipment", "closed_user", pw.TextField(null=True)),
    )
    for statement in POSTGRES_SHIPMENT if postgres else []:
        db.execute_sql(statement)
