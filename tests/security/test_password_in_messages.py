"""A password in a postgresql:// URL never shows (issue 10, SPEC 6): the command line's errors
name the database as `postgresql://user:***@host/db`, on one line, for every way of failing;
a password in URL encoding is decoded, so any character can be in it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from backorder_desktop.store.urls import shown
from tests.cli.conftest import Cli, own_process
from tests.conftest import require_postgres
from tests.places import drop_postgres_database, postgres_database
from tests.security.conftest import ENCODED, SECRET, Login, forms_of_the_password


def assert_secret_kept(*texts: str) -> None:
    for text in texts:
        for form in forms_of_the_password():
            assert form not in text, f"the password ({form}) shows in:\n{text}"


def files_under(folder: Path) -> dict[Path, str]:
    return {
        path: path.read_bytes().decode("utf-8", "replace") for path in folder.rglob("*") if path.is_file()
    }


def one_error(cli: Cli, url: str, *command: str) -> str:
    """Run a command on URL that must fail (export stock unless told): its one stderr line."""
    done = cli.run(*(command or ("export", "stock")), db=url)
    assert done.returncode == 1, done
    assert done.stdout == "", done.stdout
    assert_secret_kept(done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and done.stderr.endswith("\n"), f"not one line:\n{done.stderr}"
    for path, text in files_under(cli.home).items():  # its log, too
        assert_secret_kept(f"{path}:\n{text}")
    return lines[0]


@pytest.fixture
def cli(tmp_path: Path, request: pytest.FixtureRequest) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cwd=tmp_path, db="unused", home=home, subprocess=own_process(request))


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://ann:s3cret@db.example:5432/shop", "postgresql://ann:***@db.example:5432/shop"),
        ("postgres://ann:p%40ss%3Aw%2Frd@host/shop", "postgres://ann:***@host/shop"),
        ("postgresql://ann:p@ss:w/rd@host/shop", "postgresql://ann:***@host/shop"),  # not encoded
        ("postgresql://ann:p#ss@host/shop", "postgresql://ann:***@host/shop"),
        ("postgresql://ann@host/shop", "postgresql://ann@host/shop"),
        (
            "postgresql://host/shop?password=s3cret&sslmode=require",
            "postgresql://host/shop?password=***&sslmode=require",
        ),
        ("/home/ann/backorders.sqlite3", "/home/ann/backorders.sqlite3"),
        ("relative dir/with:colon@and.db", "relative dir/with:colon@and.db"),
    ],
)
def test_the_form_shown_hides_the_password_and_nothing_else(given: str, expected: str) -> None:
    assert shown(given) == expected


@pytest.mark.subprocess
def test_a_wrong_password_is_one_line_without_the_password(cli: Cli, login: Login) -> None:
    line = one_error(cli, login.url(password=ENCODED + "Q"))
    assert line.startswith(f"error: {login.shown()}: "), line
    assert "password" in line, line  # it says what is wrong


@pytest.mark.subprocess
def test_a_server_that_is_down_is_one_line_without_the_password(cli: Cli) -> None:
    url = f"postgresql://ann:{ENCODED}@127.0.0.1:{unused_port()}/shop"
    line = one_error(cli, url)
    assert line.startswith(f"error: {shown(url)}: "), line
    assert "***" in line and "cannot be reached" in line, line


def test_a_missing_database_is_one_line_without_the_password(cli: Cli, login: Login) -> None:
    line = one_error(cli, login.url(database="bo_no_such_database"))
    assert line.startswith(f"error: {login.shown(database='bo_no_such_database')}: "), line
    assert "no such database" in line and "does not exist" in line, line


def test_an_error_on_the_server_is_one_line_without_the_password(
    cli: Cli, login: Login, request: pytest.FixtureRequest
) -> None:
    # A database the role may connect to but not create tables in: the schema step fails there.
    other = postgres_database(require_postgres(request))
    name = other.rsplit("/", 1)[1]
    try:
        line = one_error(cli, login.url(database=name), "init")
    finally:
        drop_postgres_database(other)
    assert line.startswith(f"error: {login.shown(database=name)}: "), line
    assert "permission denied" in line, line


@pytest.mark.subprocess
def test_a_url_encoded_password_is_decoded_and_never_written(cli: Cli, login: Login) -> None:
    done = cli.run("demo", db=login.url())
    assert done.returncode == 0, done.stderr
    stock = cli.run("export", "stock", db=login.url())
    assert stock.returncode == 0 and len(stock.stdout.splitlines()) == 78, stock.stderr
    assert_secret_kept(done.stdout, done.stderr, stock.stderr)
    for path, text in files_under(cli.home).items():
        assert_secret_kept(f"{path}:\n{text}")
    assert SECRET  # the login fixture made the server check exactly this password
