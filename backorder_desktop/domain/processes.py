"""The two backorder processes and who creates shipments: their stored keys, codes and names.

The one home of these words, for the domain, the window and the command line alike.
(The first migration seeds the same codes and names into the schedule table: a migration
is history and keeps its own copy.)
"""

from __future__ import annotations

# The processes as stored (run.process, shipment.created_by, watermark.process).
PRIMARY = "primary"
SECONDARY = "secondary"
PROCESSES = (PRIMARY, SECONDARY)

# Their automation schedules' codes.
PRIMARY_CODE, SECONDARY_CODE = 7792, 8050
CODE_OF = {PRIMARY: PRIMARY_CODE, SECONDARY: SECONDARY_CODE}
PROCESS_OF = {code: process for process, code in CODE_OF.items()}

# What people read: the full name, and the short one where space is tight (status bar, progress).
NAMES = {PRIMARY: "Primary Backorder Process", SECONDARY: "Secondary Backorder Process"}
SHORT_NAMES = {PRIMARY: "Primary", SECONDARY: "Secondary"}

# Who creates a shipment (shipment.created_by): order entry, a process, or a person.
ORDER_ENTRY = "order-entry"
USER = "user"
CREATORS = {ORDER_ENTRY: "Order Entry", PRIMARY: NAMES[PRIMARY], SECONDARY: NAMES[SECONDARY], USER: "User"}


def creator_name(created_by: str) -> str:
    """The name people read for a shipment's creator (the stored word if it is none of ours)."""
    return CREATORS.get(created_by, str(created_by))
