"""Administrators and staff on a PostgreSQL server (SPEC 8, issue 13), with real login roles:
what each may do through the command line, what the server refuses them in plain SQL whatever
the program checks, and `grant`'s refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from tests.cli.conftest import Cli, build_world, cli_on
from tests.places import Place
from tests.teams import as_user, new_login, sql_as, team_database

pytestmark = pytest.mark.parametrize("place", ["postgresql"], indirect=True)


@dataclass
class Team:
    owner: Cli
    admin: Cli
    staff: Cli
    admin_name: str
    staff_name: str

    def as_(self, name: str) -> Cli:
        return cli_on_db(self.owner, as_user(self.owner.db, name))


def cli_on_db(like: Cli, db: str) -> Cli:
    return Cli(cwd=like.cwd, db=db, home=like.home)


@pytest.fixture
def team(place: Place) -> Iterator[Team]:
    """A database of the small world with its own groups, an administrator and a staff member."""
    assert place.server
    owner = cli_on(place, team_database(place))
    build_world(owner)
    admin_name, staff_name = new_login(place.server, "alice"), new_login(place.server, "bob")
    assert "now an administrator" in owner.ok("grant", admin_name, "admin")
    assert "now a staff member" in owner.ok("grant", staff_name, "staff")
    yield Team(
        owner,
        cli_on_db(owner, as_user(owner.db, admin_name)),
        cli_on_db(owner, as_user(owner.db, staff_name)),
        admin_name,
        staff_name,
    )


def activity_rows(cli: Cli) -> list[tuple[str, str, str, str]]:
    import csv

    rows = csv.DictReader(cli.ok("export", "activity").splitlines())
    return [(row["user"], row["action"], row["subject"], row["details"]) for row in rows]


def test_staff_ship_void_import_and_run_but_cannot_change_settings(team: Team) -> None:
    staff = team.staff
    staff.import_ok("receipts", "r2.csv", "receipt,received_at,sku,qty\nR-2,2026-11-22T08:00:00,B-200,2\n")
    assert "prefs" not in staff.ok("prefs")  # reading the preferences is anyone's
    for refused, what in (
        (["prefs", "--enable"], "changing the Order Entry preferences"),
        (["schedules", "set", "7792", "--on"], "changing the schedules"),
        (["grant", team.admin_name, "none"], "granting roles"),
    ):
        done = staff.run(*refused)
        assert done.returncode == 1, done
        assert (
            done.stderr
            == f"error: permission denied: {what} needs an administrator ({team.staff_name} is staff)\n"
        )
    team.owner.ok("prefs", "--enable")
    assert "units: 2" in staff.ok("run", "primary")  # a run's writes are staff-level
    staff.ok("ship", "S0000002")
    staff.ok("void-shipment", "S0000003")
    assert staff.ok("schedules").count(" off ") == 2, "no schedule changed"
    assert activity_rows(team.owner)[-5:] == [
        (team.staff_name, "import", "r2.csv", "receipts: 1 receipt, 1 line, 2 units received"),
        ("postgres", "prefs", "Order Entry", "back order management: disabled -> enabled"),
        (team.staff_name, "run", "primary", "run 1 (cli): ok, 1 shipment, 2 units"),
        (team.staff_name, "ship", "S0000002", "1 line, 4 units"),
        (team.staff_name, "void-shipment", "S0000003", "1 line, 2 units"),
    ]


def test_an_administrator_changes_settings_and_grants_and_the_log_names_them(
    team: Team, place: Place
) -> None:
    admin = team.admin
    admin.ok("prefs", "--enable")
    admin.ok("schedules", "set", "8050", "--on", "--days", "mon-sat")
    assert "Mon–Sat" in admin.ok("schedules")
    assert place.server
    carol = new_login(place.server, "carol")
    assert "now a staff member" in admin.ok("grant", carol, "staff")
    assert "now an administrator" in admin.ok("grant", carol, "admin")
    assert "already an administrator" in admin.ok("grant", carol, "admin")
    team.as_(carol).ok("schedules", "set", "8050", "--off")
    assert "now neither" in admin.ok("grant", carol, "none")
    done = team.as_(carol).run("schedules")
    assert done.returncode == 1, "no rights left at all"
    assert f"permission denied: {carol} has no rights in this database" in done.stderr
    assert f"backorder-desktop grant {carol} staff" in done.stderr
    assert "Traceback" not in done.stderr
    assert activity_rows(team.owner)[-6:] == [
        (team.admin_name, "prefs", "Order Entry", "back order management: disabled -> enabled"),
        (team.admin_name, "schedule", "8050", "on: off -> on; days: mon-fri -> mon-sat"),
        (team.admin_name, "grant", carol, "level: none -> staff"),
        (team.admin_name, "grant", carol, "level: staff -> admin"),
        (carol, "schedule", "8050", "on: on -> off"),
        (team.admin_name, "grant", carol, "level: admin -> none"),
    ]


def test_grant_refuses_unknown_roles_groups_and_the_owner_and_changes_nothing(team: Team) -> None:
    before = activity_rows(team.owner)
    for args, said in (
        (["grant", "nobody_here", "staff"], "the server has no role 'nobody_here'"),
        (["grant", "postgres", "staff"], "postgres owns this database (or is a superuser)"),
        (["grant", "pg_monitor", "staff"], "pg_monitor is not a login role"),
    ):
        done = team.admin.run(*args)
        assert done.returncode == 1 and said in done.stderr, done
    bad = team.admin.run("grant", team.staff_name)
    assert bad.returncode == 2 and "the following arguments are required: level" in bad.stderr
    assert activity_rows(team.owner) == before


PLAIN_SQL_REFUSED = {
    "change a schedule": "UPDATE schedule SET enabled = TRUE",
    "change the preferences": "UPDATE preferences SET backorders_enabled = TRUE",
    "rewrite the log": "UPDATE activity SET details = 'nothing happened'",
    "delete the log": "DELETE FROM activity",
    "empty the log": "TRUNCATE activity",
    "grant by hand": "SELECT backorder_grant(session_user::text, 'admin')",
    "widen the groups": "UPDATE team SET staff_role = 'postgres'",
}


@pytest.mark.parametrize("attempt", sorted(PLAIN_SQL_REFUSED))
def test_the_server_refuses_staff_in_plain_sql_whatever_the_program_checks(team: Team, attempt: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql_as(team.staff.db, PLAIN_SQL_REFUSED[attempt])


@pytest.mark.parametrize("who", ["admin", "owner"])
@pytest.mark.parametrize(
    "statement", ["UPDATE activity SET details = 'x'", "DELETE FROM activity", "TRUNCATE activity"]
)
def test_no_one_rewrites_the_log_not_even_an_administrator_or_the_owner(
    team: Team, who: str, statement: str
) -> None:
    before = activity_rows(team.owner)
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        sql_as(getattr(team, who).db, statement)
    if who == "owner":  # the owner has the privileges: the trigger refuses
        assert "the activity log is append-only" in str(refused.value)
    assert activity_rows(team.owner) == before


def test_a_row_added_by_hand_is_written_under_the_sessions_own_name(team: Team) -> None:
    sql_as(
        team.staff.db,
        "INSERT INTO activity (at, login, host, action, subject)"
        " VALUES (now(), 'postgres', 'x', 'ship', 'S1')",
    )
    assert activity_rows(team.owner)[-1][:2] == (team.staff_name, "ship")


def test_an_administrator_may_change_the_schedules_in_plain_sql_too(team: Team) -> None:
    sql_as(team.admin.db, "UPDATE schedule SET every = 20 WHERE code = 7792")
    assert "Every 20 minutes" in team.staff.ok("schedules")


def test_two_databases_on_one_server_have_groups_of_their_own(team: Team, place: Place) -> None:
    other = cli_on(place, team_database(place))
    done = cli_on_db(other, as_user(other.db, team.admin_name)).run("schedules", "set", "7792", "--on")
    assert done.returncode == 1 and "has no rights in this database" in done.stderr, "alice is nobody there"


def test_an_owner_who_cannot_create_roles_is_told_what_to_ask_for_and_nothing_is_made(place: Place) -> None:
    assert place.server
    owner = new_login(place.server, "owner")
    url = place.bare("no-createrole")
    name = url.rsplit("/", 1)[1]
    sql_as(place.server, f'ALTER DATABASE "{name}" OWNER TO "{owner}"')
    sql_as(url, f'GRANT CREATE ON SCHEMA public TO "{owner}"')
    cli = cli_on(place, as_user(url, owner))
    done = cli.run("init")
    assert done.returncode == 1
    assert "needs a role that may create roles" in done.stderr and "CREATEROLE" in done.stderr
    assert "Traceback" not in done.stderr
    assert "no tables yet" in cli.run("check").stderr, "nothing was made"
    # A server administrator makes the groups and lets the owner hand them out: then init works.
    admin_group, staff_group = f"backorder_admin_{name}", f"backorder_staff_{name}"
    for group in (admin_group, staff_group):
        sql_as(place.server, f'CREATE ROLE "{group}" NOLOGIN')
        sql_as(place.server, f'GRANT "{group}" TO "{owner}" WITH ADMIN OPTION')
    assert "created a new empty database" in cli.ok("init")
    clerk = new_login(place.server, "clerk")
    assert "now a staff member" in cli.ok("grant", clerk, "staff")
    assert "ok" in cli_on_db(cli, as_user(url, clerk)).ok("check")


def test_a_settings_write_the_server_refuses_says_an_administrator_is_needed(team: Team) -> None:
    """Past the program's own check (an administrator stepped down meanwhile, or a program that
    does not check): the server's refusal reads as plainly."""
    from backorder_desktop.domain import schedules
    from backorder_desktop.store import database
    from backorder_desktop.store.errors import explain
    from backorder_desktop.store.schema import open_database

    open_database(team.staff.db)
    try:
        with pytest.raises(Exception) as refused, database.write():
            database.executemany("UPDATE schedule SET every = 5 WHERE code = ?", [(7792,)])
        problem = explain(refused.value, team.staff.db)
        assert problem is not None
        assert str(problem).endswith(
            ": permission denied: changing the schedules needs an administrator"
            " (permission denied for table schedule)"
        )
        assert schedules.load(7792).rule.every == 30
    finally:
        database.close()


def test_a_staff_members_scheduled_run_works_and_is_no_ones_in_the_log(team: Team) -> None:
    """The window or the service of a staff member runs the schedules: a run's writes are
    staff-level, and a scheduled run is the schedule's doing, not a person's."""
    from datetime import UTC, datetime

    from backorder_desktop.domain import allocation
    from backorder_desktop.store import database
    from backorder_desktop.store.schema import open_database

    team.owner.ok("prefs", "--enable")
    team.staff.import_ok(
        "receipts", "r3.csv", "receipt,received_at,sku,qty\nR-3,2026-11-22T08:00:00,C-300,2\n"
    )
    before = activity_rows(team.owner)
    open_database(team.staff.db)
    try:
        slot = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
        record = allocation.run_process("primary", "schedule", slot=slot).record
        assert (record.outcome, record.units) == ("ok", 2)
    finally:
        database.close()
    assert activity_rows(team.owner) == before
