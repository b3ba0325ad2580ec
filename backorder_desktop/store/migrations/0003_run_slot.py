"""Schema version 3: a scheduled run names its slot, and a slot has one run in the whole team.

`run.slot` is the instant of the schedule's slot a run was started for (trigger schedule or
catch-up), as naive UTC: an instant, so that the hour repeated when clocks go back cannot make
two slots one. Runs started by a person or a script have none. The unique key on (process,
slot) is the team's claim: every program that runs the schedules on one database writes its
run record with the slot, in the run's own transaction, and the second to try finds the slot
taken. Older runs keep a NULL slot, which the key leaves alone.

A frozen copy, like 0001: the column and index as they are named at version 3.
"""

from typing import Any

import peewee as pw


def up(migrator: Any, db: pw.Database) -> None:
    migrator.migrate(migrator.add_column("run", "slot", pw.DateTimeField(null=True)))
    db.execute_sql("CREATE UNIQUE INDEX run_slot ON run (process, slot) WHERE slot IS NOT NULL")
