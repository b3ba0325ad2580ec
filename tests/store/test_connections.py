"""PostgreSQL connections: an ordinary error inside a transaction keeps its connection (it
is rolled back, not mistaken for a lost server), and a write is never run twice."""

from __future__ import annotations

import peewee
import pytest

from backorder_desktop.store.database import query, write


@pytest.mark.parametrize("target", ["postgresql"], indirect=True)  # about PostgreSQL connections
def test_an_ordinary_error_in_a_transaction_keeps_the_connection(store: str, caplog) -> None:
    (pid,) = query("SELECT pg_backend_pid()")[0]
    with pytest.raises(peewee.IntegrityError), write():
        query("INSERT INTO counter (name, value) VALUES ('ledger', 0) RETURNING value")
    assert query("SELECT pg_backend_pid()")[0][0] == pid, "a unique violation cost the connection"
    assert "was lost" not in caplog.text
    with write():
        assert query("SELECT COUNT(*) FROM counter WHERE name = 'ledger'") == [(1,)]
