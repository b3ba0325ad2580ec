"""One way in: `backorder_desktop.__main__.main(argv, stdout, stderr)` parses once and runs a
command in this process with the very output and exit status of the installed program, as
often as asked, on one database after another."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator

import pytest

from backorder_desktop.__main__ import main
from tests.cli.conftest import Cli, cli_on
from tests.places import Place

Said = tuple[int, str, str]  # exit status, stdout, stderr


@pytest.fixture(autouse=True)
def same_umask() -> Iterator[None]:
    """main sets the program's umask: this test process gets its own back afterwards."""
    before = os.umask(0o077)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture
def nothing_yet(place: Place) -> Cli:
    """The program on a place with no database yet (a missing file, an empty server database)."""
    return cli_on(place, place.bare("test"))


def in_process(cli: Cli, monkeypatch: pytest.MonkeyPatch, *args: str, db: bool = True) -> Said:
    """ARGS run by main in this process, in CLI's folder and home, on CLI's database."""
    monkeypatch.setenv("BACKORDER_DESKTOP_HOME", str(cli.home))
    monkeypatch.chdir(cli.cwd)
    out, err = io.StringIO(), io.StringIO()
    status = main([*(["--db", cli.db] if db else []), *args], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def as_program(cli: Cli, *args: str, db: bool = True) -> Said:
    done: subprocess.CompletedProcess[str] = cli.run(*args, db=db)
    return done.returncode, done.stdout, done.stderr


def test_init_in_process_says_what_the_program_says(
    nothing_yet: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = nothing_yet
    status, out, err = in_process(cli, monkeypatch, "init")
    assert (status, err) == (0, "")
    assert out.startswith("created a new empty database at "), out
    again = as_program(cli, "init")
    assert again[0] == 0 and "nothing changed" in again[1], again
    assert in_process(cli, monkeypatch, "init") == again
    assert capsys.readouterr() == ("", ""), "everything went to the given streams"


@pytest.mark.parametrize(
    "args",
    [
        ("prefs", "--enable"),
        ("check",),
        ("export", "stock", "--format", "json"),
        ("schedules", "--format", "json"),
        ("ship", "S0000009"),  # no such shipment: exit 1, on stderr
        ("void-order", "nope"),
    ],
    ids=lambda args: " ".join(args),
)
def test_a_command_in_process_says_what_the_program_says(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    expected = as_program(cli, *args)
    assert in_process(cli, monkeypatch, *args) == expected
    assert capsys.readouterr() == ("", "")


def test_commands_on_two_databases_one_after_another_in_one_process(
    nothing_yet: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = nothing_yet
    first, second = cli.db, str(cli.cwd / "second.sqlite3")  # the first may be a server

    def run(db: str, *args: str) -> Said:
        return in_process(cli, monkeypatch, "--db", db, *args, db=False)

    for db in (first, second):
        status, out, err = run(db, "init")
        assert (status, err) == (0, "") and out.startswith("created a new empty database"), (out, err)
    assert run(first, "prefs", "--enable")[0] == 0
    assert run(second, "prefs")[1].startswith("back order management: disabled")
    assert run(first, "prefs")[1].startswith("back order management: enabled")
    assert run(second, "init")[1].endswith("nothing changed\n")


def test_version_in_process(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = in_process(cli, monkeypatch, "--version", db=False)
    assert (status, out, err) == as_program(cli, "--version", db=False)
    assert status == 0 and out.startswith("backorder-desktop "), out


@pytest.mark.parametrize(
    "args",
    [("frobnicate",), ("run", "primary", "--explain"), ("import", "nothing")],
    ids=lambda args: " ".join(args),
)
def test_bad_usage_in_process_exits_2_with_the_message_on_the_given_stderr(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    status, out, err = in_process(cli, monkeypatch, *args)
    assert (status, out) == (2, "")
    assert err.startswith("usage: backorder-desktop") and "error:" in err, err
    assert (status, out, err) == as_program(cli, *args)
    assert capsys.readouterr() == ("", "")


def test_help_in_process_goes_to_the_given_stdout(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = in_process(cli, monkeypatch, "--help", db=False)
    assert (status, err) == (0, "") and out.startswith("usage: backorder-desktop"), out
