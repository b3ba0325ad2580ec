"""PostgreSQL databases with a team: their own administrators' and staff groups, and login roles
for the people of a test (SPEC 8).

A database made here is made by `init` on a bare database, not copied from the session's
template: a copy would share the template's groups, and a test that puts a person in a group
would then give them rights in every other copy. Login roles are cluster-wide and outlive the
test; they have random names and no rights but what a test grants, on a throwaway server."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

from tests.places import Place


def team_database(place: Place) -> str:
    """The owner's URL of a new database of this program with groups of its own."""
    from backorder_desktop.store import database
    from backorder_desktop.store.schema import open_database

    url = place.bare("team")
    open_database(url, create=True)
    database.close()
    return url


def new_login(server: str, name: str = "person") -> str:
    """A new login role of SERVER (a member of nothing), named after NAME; returns its name."""
    import psycopg

    role = f"{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin(server), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
    return role


def as_user(url: str, user: str) -> str:
    """URL with USER as its user name (the test server trusts local logins: no password)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def sql_as(url: str, statement: str) -> None:
    """Run STATEMENT as URL's user in a transaction of its own (an error is psycopg's)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def _admin(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"
