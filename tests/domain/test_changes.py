"""What tells the window that another program wrote: every kind of write moves the database's
revision, reading never does; and the next runs, counted from a moment, say "running now" for a
slot whose run is not recorded yet."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backorder_desktop.domain import changes, inventory, preferences, products, schedules, shipments, team
from backorder_desktop.domain.browse import Filters, ShipmentListing, StockListing
from backorder_desktop.domain.planning import Rule
from backorder_desktop.domain.processes import PRIMARY_CODE, SECONDARY_CODE
from backorder_desktop.domain.schedules import LastRun, Schedule, Timetable, Upcoming
from tests.domain.helpers import adjust, catalogue, enable, give_back, order, receive, run, shipment_ids


def moves(write) -> bool:
    """Whether WRITE moves the revision (and reading it again, without a write, does not)."""
    before = changes.revision()
    assert changes.revision() == before, "reading moved the revision"
    write()
    return changes.revision() != before


def test_every_kind_of_write_moves_the_revision_and_reading_does_not(store):
    assert moves(lambda: catalogue("W", "G"))
    assert moves(enable)
    assert moves(lambda: order("A1", ("W", 4)))
    assert moves(lambda: order("A2", ("G", 3)))
    assert moves(lambda: receive(W=10))
    assert moves(lambda: run("primary"))
    (sid,) = shipment_ids("A1")
    assert moves(lambda: shipments.ship([sid]))
    assert moves(lambda: give_back("A1", "W", 1))
    assert moves(lambda: adjust("G", 2))
    assert moves(lambda: run("secondary"))
    assert moves(lambda: order("A3", ("W", 50)))
    assert moves(lambda: shipments.void_order("A3"))  # only waiting lines: no stock moves
    assert moves(lambda: schedules.save(PRIMARY_CODE, enabled=True))
    assert moves(lambda: schedules.save(PRIMARY_CODE, every=15))  # within the same second
    assert moves(lambda: preferences.save(allocation_order="date"))
    assert moves(lambda: catalogue("X"))
    assert not moves(lambda: (ShipmentListing().page(Filters()), StockListing().count(Filters())))
    assert not moves(lambda: inventory.receive([], check_only=True))


def test_a_product_renamed_elsewhere_moves_the_revision_on_sqlite(store):
    if store.startswith("postgres"):
        return  # on a server it shows at the next other change, or when the person refreshes
    catalogue("W")
    assert moves(lambda: products.save_products([products.ProductInput("W", "Widget, blue", False, "")]))


def test_a_grant_moves_the_revision_on_a_server(store, request):
    """A grant writes only its row of the activity log (and the server's own catalogue): the
    windows open on the database must notice it all the same, to show the rights anew."""
    if not store.startswith("postgres"):
        return  # on SQLite there is nothing to grant
    from tests.conftest import require_postgres
    from tests.teams import new_login

    person = new_login(require_postgres(request), "clerk")
    assert moves(lambda: team.change_level(person, "staff"))
    assert moves(lambda: team.change_level(person, "none"))


ZONE = ZoneInfo("Europe/Berlin")
HALF_HOURLY = Rule(True, 30, "minutes", frozenset(range(7)), time(7, 0), time(19, 0))
EVENING = Rule(True, 1, "days", frozenset(range(5)), time(18, 0), time(18, 0))


def table(last_primary: datetime | None, enabled: bool = True, saved: datetime | None = None) -> Timetable:
    saved = saved or datetime(2026, 11, 23, 12, 0)
    return Timetable(
        [
            Schedule(PRIMARY_CODE, "Primary Backorder Process", HALF_HOURLY, saved),
            Schedule(SECONDARY_CODE, "Secondary Backorder Process", EVENING, saved),
        ],
        {"primary": LastRun(last_primary, "ok") if last_primary else None, "secondary": None},
        enabled,
    )


def wall(hour: int, minute: int, second: int = 0) -> datetime:
    """Tuesday 24 November 2026 at that local time, as an aware instant in UTC."""
    return datetime(2026, 11, 24, hour, minute, second, tzinfo=ZONE).astimezone(UTC)


def test_the_next_runs_are_counted_from_the_moment_asked():
    timetable = table(last_primary=datetime(2026, 11, 24, 10, 0, 1))
    assert timetable.upcoming(wall(10, 20), ZONE) == {
        "primary": Upcoming(False, datetime(2026, 11, 24, 10, 30)),
        "secondary": Upcoming(False, datetime(2026, 11, 24, 18, 0)),
    }
    # Two hours on (the slots were run elsewhere, or not: a quarter of an hour ago is history).
    assert timetable.upcoming(wall(12, 15), ZONE)["primary"] == Upcoming(
        False, datetime(2026, 11, 24, 12, 30)
    )


def test_a_due_slot_with_no_run_recorded_since_is_running_now_for_a_while():
    timetable = table(last_primary=datetime(2026, 11, 24, 10, 0, 2))
    assert timetable.upcoming(wall(10, 30, 5), ZONE)["primary"].running, "the team is running 10:30"
    assert timetable.upcoming(wall(10, 39), ZONE)["primary"].running
    late = timetable.upcoming(wall(10, 41), ZONE)["primary"]
    assert late == Upcoming(False, datetime(2026, 11, 24, 11, 0)), "ten minutes on, the run was lost"
    done = table(last_primary=datetime(2026, 11, 24, 10, 30, 1)).upcoming(wall(10, 30, 5), ZONE)
    assert done["primary"] == Upcoming(False, datetime(2026, 11, 24, 11, 0)), "its run is recorded"
    # A slot that passed before the schedule was saved is not run by anyone: not running.
    saved_after = table(None, saved=datetime(2026, 11, 24, 10, 30, 3)).upcoming(wall(10, 30, 5), ZONE)
    assert not saved_after["primary"].running
    # While back order management is off no slot is run (the scheduler is paused).
    assert not table(None, enabled=False).upcoming(wall(10, 30, 5), ZONE)["primary"].running
    # This program's own run is running, whatever the clock says.
    assert timetable.upcoming(wall(10, 20), ZONE, running={"secondary"})["secondary"] == Upcoming(
        True, datetime(2026, 11, 24, 18, 0)
    )


def test_a_schedule_that_is_off_has_no_next_run():
    off = Timetable(
        [
            Schedule(
                PRIMARY_CODE,
                "Primary Backorder Process",
                Rule(False, 30, "minutes", frozenset(), time(7), time(19)),
                None,
            )
        ],
        {"primary": None},
        True,
    )
    assert off.upcoming(wall(10, 30), ZONE) == {"primary": Upcoming(False, None)}


def test_the_timetable_reads_the_schedules_the_latest_runs_and_the_preference(store):
    enable()
    schedules.save(PRIMARY_CODE, enabled=True)
    run("primary")
    found = schedules.timetable()
    assert [s.code for s in found.schedules] == [PRIMARY_CODE, SECONDARY_CODE]
    assert found.backorders_enabled is True
    last = found.last_runs["primary"]
    assert last is not None and last.outcome == "ok"
    assert found.last_runs["secondary"] is None
    assert found.schedules[0].rule.enabled and not found.schedules[1].rule.enabled
    assert isinstance(found.schedules[0].saved_at, datetime)
    assert found.upcoming(datetime.now(UTC) + timedelta(days=0), ZONE)["secondary"] == Upcoming(False, None)
