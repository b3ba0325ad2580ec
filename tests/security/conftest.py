"""A PostgreSQL login that needs its password, for the password tests.

The test server trusts every local connection, so a wrong password would go unnoticed. Here
one role of the test's own gets a line of its own at the top of the server's pg_hba.conf
(scram-sha-256), read again with pg_reload_conf(): that role, and no other, must give its
password. The line is removed again when the test ends.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import require_postgres
from tests.places import drop_postgres_database, postgres_database

# Every character a URL gives a meaning to, and the escape character itself.
SECRET = "p@ss:w/rd%x"
ENCODED = quote(SECRET, safe="")  # p%40ss%3Aw%2Frd%25x
HBA_LOCK = 7792806  # edits of pg_hba.conf by tests running side by side, one at a time


@dataclass(frozen=True)
class Login:
    role: str
    host: str  # host:port of the server
    database: str  # a database the role owns

    def url(self, password: str = ENCODED, database: str | None = None) -> str:
        return f"postgresql://{self.role}:{password}@{self.host}/{database or self.database}"

    def shown(self, database: str | None = None) -> str:
        """The URL as the program must show it."""
        return f"postgresql://{self.role}:***@{self.host}/{database or self.database}"


def forms_of_the_password() -> list[str]:
    """What must appear in no output and no file: the password, plain and URL-encoded."""
    return [SECRET, ENCODED, ENCODED.lower()]


def _hba_file(admin: Any) -> Path:
    return Path(admin.execute("SHOW hba_file").fetchone()[0])


def _edit_hba(admin: Any, change: Callable[[str], str]) -> None:
    path = _hba_file(admin)
    admin.execute("SELECT pg_advisory_lock(%s)", (HBA_LOCK,))
    try:
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        admin.execute("SELECT pg_reload_conf()")
    finally:
        admin.execute("SELECT pg_advisory_unlock(%s)", (HBA_LOCK,))


@pytest.fixture
def login(request: pytest.FixtureRequest) -> Iterator[Login]:
    """A role with the password SECRET, which the server checks, and a database it owns."""
    import psycopg

    server = require_postgres(request)
    role = f"bo_pw_{uuid.uuid4().hex[:10]}"
    line = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
    with psycopg.connect(server, autocommit=True) as admin:
        hba = _hba_file(admin)
        if not hba.is_file() or not os.access(hba, os.W_OK):
            pytest.skip(f"PostgreSQL: the test server's {hba} is not a file this test can edit")
        # CREATEROLE: the owner's init makes the database's groups of administrators and staff.
        admin.execute(f"CREATE ROLE {role} LOGIN CREATEROLE PASSWORD '{SECRET}'")
        url = postgres_database(server)
        name = url.rsplit("/", 1)[1]
        admin.execute(f'ALTER DATABASE "{name}" OWNER TO {role}')
        _edit_hba(admin, lambda text: line + text)
        made = Login(role, url.split("@", 1)[1].rsplit("/", 1)[0], name)
        try:
            _wait_until_the_password_is_needed(made)
            yield made
        finally:
            _edit_hba(admin, lambda text: text.replace(line, ""))
            drop_postgres_database(url)
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def _wait_until_the_password_is_needed(made: Login) -> None:
    """pg_reload_conf() only signals the server: wait until it refuses the role without its password."""
    import psycopg

    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(made.url(password="wrong"), connect_timeout=5).close()
        except psycopg.OperationalError as error:
            assert "password authentication failed" in str(error), error
            return
        if time.monotonic() > deadline:
            pytest.fail("the server still lets the role in without its password")
        time.sleep(0.05)
