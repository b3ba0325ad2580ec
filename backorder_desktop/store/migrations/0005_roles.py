"""Schema version 5: administrators and staff, enforced by the PostgreSQL server (SPEC 8).

Two group roles per database, named after it so that two databases on one server do not share
them: `backorder_admin_<db>` and `backorder_staff_<db>`. Their names are kept in the table
`team`, so a renamed database keeps its groups. The privileges:

- staff read every table, and write every table but the Order Entry preferences, the schedules,
  `team` and the migration history; of the activity log they may only read and add rows;
- administrators are staff, and may also change the preferences and the schedules;
- the owner (the role that ran this step) owns everything and may do anything.

Granting is done by `backorder_grant(member, level)`, run with the owner's rights (SECURITY
DEFINER) and executable by administrators only; it refuses anyone else a second time itself.

Making the groups needs a role that may create roles (a superuser, or CREATEROLE). A DBA who
would rather not give the owner that can create the two groups beforehand: they are used as
they are. On SQLite this step changes nothing (the file's permissions are the boundary) but
is recorded all the same.

A frozen copy, like 0001: the tables and functions as they are named at version 5.
"""

import re
from typing import Any

import peewee as pw

# Tables staff may only read; every other table of the schema they may also write.
ADMIN_ONLY = ("preferences", "schedule")
READ_ONLY = ("team", "schema_migration")  # schema_migration: the history of these steps


def group_names(database: str) -> tuple[str, str]:
    """The administrators' and staff groups of DATABASE: lower case, within 63 characters."""
    slug = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_")[:40] or "db"
    return f"backorder_admin_{slug}", f"backorder_staff_{slug}"


def up(migrator: Any, db: pw.Database) -> None:
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    ((database, schema),) = db.execute_sql("SELECT current_database(), current_schema()").fetchall()
    admin, staff = group_names(database)
    run = db.execute_sql
    missing = [
        g for g in (admin, staff) if not run("SELECT 1 FROM pg_roles WHERE rolname = %s", (g,)).fetchone()
    ]
    ((owner, may_create),) = run(
        "SELECT rolname, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).fetchall()
    if missing and not may_create:
        # Said by the server, as insufficient_privilege: the program shows it as a permission problem.
        groups = " and ".join(f'"{g}"' for g in (admin, staff))
        message = (
            f"making the groups {groups} needs a role that may create roles: ask the server's"
            f' administrator to give "{owner}" CREATEROLE, or to create both groups (NOLOGIN) and'
            f' grant them to "{owner}" WITH ADMIN OPTION; then run this again'
        ).replace("'", "''")
        run(f"DO $$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege'; END $$")
    for group in missing:
        run(f'CREATE ROLE "{group}" NOLOGIN')
    run("CREATE TABLE team (admin_role TEXT NOT NULL, staff_role TEXT NOT NULL)")
    run("INSERT INTO team (admin_role, staff_role) VALUES (%s, %s)", (admin, staff))
    run(f'GRANT "{staff}" TO "{admin}"')  # administrators are staff too
    run(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM PUBLIC')
    run(f'GRANT USAGE ON SCHEMA "{schema}" TO "{staff}"')
    run(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{staff}"')
    run(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{staff}"')
    for table in (*ADMIN_ONLY, *READ_ONLY):
        run(f'REVOKE INSERT, UPDATE, DELETE ON "{table}" FROM "{staff}"')
    run(f'REVOKE UPDATE, DELETE ON activity FROM "{staff}"')
    for table in ADMIN_ONLY:
        run(f'GRANT UPDATE ON "{table}" TO "{admin}"')
    # The driver reads % as its placeholders' mark: each % of the function's body is written %%.
    run(
        f"""CREATE FUNCTION backorder_grant(member TEXT, level TEXT) RETURNS VOID
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            admin_group TEXT;
            staff_group TEXT;
        BEGIN
            admin_group := (SELECT admin_role FROM "{schema}".team);
            staff_group := (SELECT staff_role FROM "{schema}".team);
            IF NOT pg_has_role(session_user, admin_group, 'USAGE')
                    AND NOT pg_has_role(session_user, current_user, 'USAGE') THEN
                RAISE EXCEPTION 'permission denied: granting roles needs an administrator'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF level NOT IN ('admin', 'staff', 'none') THEN
                RAISE EXCEPTION 'level must be admin, staff or none, not %%', level;
            END IF;
            EXECUTE format('REVOKE %%I FROM %%I', admin_group, member);
            EXECUTE format('REVOKE %%I FROM %%I', staff_group, member);
            IF level = 'admin' THEN
                EXECUTE format('GRANT %%I TO %%I', admin_group, member);
            ELSIF level = 'staff' THEN
                EXECUTE format('GRANT %%I TO %%I', staff_group, member);
            END IF;
        END $$"""
    )
    run("REVOKE ALL ON FUNCTION backorder_grant(TEXT, TEXT) FROM PUBLIC")
    run(f'GRANT EXECUTE ON FUNCTION backorder_grant(TEXT, TEXT) TO "{admin}"')
