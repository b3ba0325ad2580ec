"""A run or an import pauses the cyclic garbage collector for its work and always gives it back
(issue 15): after it ends, and after it fails."""

from __future__ import annotations

import gc

import pytest

from backorder_desktop.domain.bulk import without_cyclic_gc


def test_the_collector_is_paused_inside_and_given_back_after_an_error() -> None:
    assert gc.isenabled()
    with without_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), without_cyclic_gc():
        raise RuntimeError("the run failed")
    assert gc.isenabled(), "given back after a failure too"


def test_a_collector_someone_else_paused_stays_paused() -> None:
    gc.disable()
    try:
        with without_cyclic_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_run_leaves_the_collector_on(store: str) -> None:
    from backorder_desktop.domain import allocation

    allocation.run_process("primary", "cli")
    assert gc.isenabled()
