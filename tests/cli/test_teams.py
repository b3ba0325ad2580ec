"""Administrators and staff on a PostgreSQL server (SPEC 8, issue 13), with real login roles:
what each may do through the command line, what the server refuses them in plain SQL whatever
the program checks, and `grant`'s refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.cli.conftest import Cli, build_world, cli_on
from tests.places import Place
from tests.teams import as_user, new_login, sql_as, team_database

pytestmark = pytest.mark.parametrize("place", ["postgresql"], indirect=True)
SAVED = Path(__file__).resolve().parent.parent / "store" / "saved"


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
    "grant by hand": "SELECT backorder_grant(session_user::text, 'admin', 'x', localtimestamp::timestamp)",
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
    groups = re.findall(r'"(backorder_(?:admin|staff)_[a-z0-9_]+)"', done.stderr)
    with psycopg.connect(place.server) as admin:
        ((oid,),) = admin.execute("SELECT oid FROM pg_database WHERE datname = %s", (name,)).fetchall()
    assert groups == [f"backorder_admin_{name}_{oid}", f"backorder_staff_{name}_{oid}"], "named the groups"
    for group in groups:
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


def test_databases_whose_names_look_alike_or_come_again_never_share_groups(team: Team, place: Place) -> None:
    """`shop-1` and `shop_1` make the same slug, and a database dropped and made again has its old
    name: the groups are named after the database's oid too, so each has its own."""
    assert place.server
    stranger = new_login(place.server, "stranger")
    seen: set[str] = set()
    for name in ("shop-1", "shop_1", "shop-1"):
        sql_as(place.server, f'DROP DATABASE IF EXISTS "{name}"')
        sql_as(place.server, f'CREATE DATABASE "{name}"')
        url = place.server.rsplit("/", 1)[0] + f"/{name}"
        owner = cli_on_db(team.owner, url)
        owner.ok("init")
        with psycopg.connect(url) as connection:
            ((groups,),) = connection.execute("SELECT admin_role || ' ' || staff_role FROM team").fetchall()
        assert groups not in seen, "a group of another database"
        seen.add(groups)
        if name == "shop_1":
            owner.ok("grant", stranger, "admin")
    done = cli_on_db(team.owner, as_user(url, stranger)).run("schedules", "set", "7792", "--on")
    assert done.returncode == 1 and "has no rights in this database" in done.stderr
    for name in ("shop-1", "shop_1"):
        sql_as(place.server, f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_copy_of_a_database_gets_groups_of_its_own_and_says_so(team: Team, place: Place) -> None:
    assert place.server
    original = team.owner.db.rsplit("/", 1)[1]
    copy = f"{original}_copy"
    team.owner.ok("check")  # and leaves: a database someone is connected to cannot be copied
    sql_as(place.server, f'CREATE DATABASE "{copy}" TEMPLATE "{original}"')
    try:
        url = team.owner.db.rsplit("/", 1)[0] + f"/{copy}"
        staff_there = cli_on_db(team.owner, as_user(url, team.staff_name))
        first = staff_there.run("check")
        assert first.returncode == 1 and "its owner (postgres) must open it once" in first.stderr
        owner_there = cli_on_db(team.owner, url)
        owner_there.ok("check")
        *_, (user, action, subject, details) = activity_rows(owner_there)
        assert (user, action, subject) == ("postgres", "grant", "groups")
        assert (
            f"grant again whom it needs of {', '.join(sorted([team.admin_name, team.staff_name]))}" in details
        )
        refused = staff_there.run("ship", "S0000002")
        assert refused.returncode == 1 and "has no rights in this database" in refused.stderr
        owner_there.ok("grant", team.staff_name, "staff")
        staff_there.ok("ship", "S0000002")
        done = team.staff.run("void-shipment", "S0000002")
        assert done.returncode == 0, "the original is untouched by what was done in the copy"
    finally:
        sql_as(place.server, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def test_staff_cannot_take_log_ids_to_come_or_rename_who_closed_a_shipment(team: Team) -> None:
    ((top,),) = _rows(team.owner.db, "SELECT MAX(id) FROM activity")
    for forged in (top + 1, top + 2, -5):
        sql_as(
            team.staff.db,
            "INSERT INTO activity (id, at, login, host, action, subject)"
            f" VALUES ({forged}, '2020-01-01', 'postgres', 'x', 'ship', 'S1')",
        )
    team.owner.ok("prefs", "--enable")  # the next ids were not taken: nothing is blocked
    assert min(i for (i,) in _rows(team.owner.db, "SELECT id FROM activity")) > 0
    sql_as(
        team.staff.db,
        f"UPDATE shipment SET closed_user = '{team.admin_name}', created_user = 'x' WHERE id = 1",
    )
    assert _rows(team.owner.db, "SELECT created_user, closed_user FROM shipment WHERE id = 1") == [
        ("postgres", team.staff_name)
    ]


def test_grant_says_when_a_membership_granted_by_hand_keeps_someone_an_administrator(
    team: Team, place: Place
) -> None:
    assert place.server
    ((admin_group,),) = _rows(team.owner.db, "SELECT admin_role FROM team")
    club = new_login(place.server, "club")
    sql_as(place.server, f'GRANT "{admin_group}" TO "{club}"')
    sql_as(place.server, f'GRANT "{club}" TO "{team.admin_name}"')
    before = activity_rows(team.owner)
    done = team.owner.run("grant", team.admin_name, "staff")
    assert done.returncode == 1
    assert f"{team.admin_name} is still an administrator through a membership granted by hand" in done.stderr
    assert activity_rows(team.owner) == before, "nothing changed, nothing logged"


def test_granting_in_plain_sql_is_checked_and_logged_the_same(team: Team) -> None:
    ((admin_group,),) = _rows(team.owner.db, "SELECT admin_role FROM team")
    for member in (admin_group, "postgres", "nobody"):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            sql_as(
                team.admin.db, f"SELECT backorder_grant('{member}', 'staff', 'x', localtimestamp::timestamp)"
            )
    sql_as(
        team.admin.db, f"SELECT backorder_grant('{team.staff_name}', 'admin', 'x', localtimestamp::timestamp)"
    )
    assert activity_rows(team.owner)[-1] == (
        team.admin_name,
        "grant",
        team.staff_name,
        "level: staff -> admin",
    )


def test_an_upgrade_takes_back_every_right_given_by_hand_before_there_were_groups(place: Place) -> None:
    """A team that shared a database before version 5 granted rights by hand: after the upgrade
    only the groups have any."""
    assert place.server
    url = place.bare("older")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute((SAVED / "schema-3.sql").read_text(encoding="utf-8"))
    clerk = new_login(place.server, "clerk")
    sql_as(url, f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{clerk}"')
    sql_as(url, f'ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO "{clerk}"')
    sql_as(url, f'ALTER DEFAULT PRIVILEGES GRANT ALL ON FUNCTIONS TO "{clerk}"')
    sql_as(as_user(url, clerk), "UPDATE schedule SET every = 25")  # as the clerk could, before
    owner = cli_on(place, url)
    owner.ok("check")  # upgrades it
    for statement in (
        "UPDATE schedule SET every = 5",
        "SELECT 1 FROM shipment",
        "CREATE TRIGGER t BEFORE INSERT ON activity FOR EACH ROW EXECUTE FUNCTION activity_refuse_change()",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            sql_as(as_user(url, clerk), statement)
    given = _rows(
        url,
        "SELECT COUNT(*) FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) a"
        f" WHERE a.grantee = '{clerk}'::regrole",
    )
    assert given == [(0,)], "no right given by default to what the owner makes later"
    assert "has no rights in this database" in cli_on_db(owner, as_user(url, clerk)).run("check").stderr


def _rows(url: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(statement).fetchall()


def test_a_table_a_later_step_adds_is_staffs_to_write(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No step needs to remember the groups: after any step their rights are given again."""
    import shutil

    from backorder_desktop.store import schema

    ladder = tmp_path / "steps"
    shutil.copytree(schema.MIGRATIONS, ladder, ignore=shutil.ignore_patterns("__pycache__"))
    (ladder / "0099_labels.py").write_text(
        "def up(migrator, db):\n"
        "    db.execute_sql('CREATE TABLE label (id SERIAL PRIMARY KEY, text TEXT)')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(schema, "MIGRATIONS", ladder)
    team.owner.ok("check")  # the owner's opening applies the step
    sql_as(team.staff.db, "INSERT INTO label (text) VALUES ('fragile')")
    assert _rows(team.staff.db, "SELECT text FROM label") == [("fragile",)]
