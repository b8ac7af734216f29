"""Freezing the heap during response phases: nesting, and nothing left frozen afterwards."""

from __future__ import annotations

import gc

from pytest_mmtrust.heap import frozen


def test_only_the_last_user_out_unfreezes() -> None:
    before = [object() for _ in range(10)]  # noqa: F841 - alive while frozen
    assert gc.get_freeze_count() == 0
    with frozen():
        outer = gc.get_freeze_count()
        assert outer > 0
        with frozen():
            assert gc.get_freeze_count() > 0
        # the inner exit left the outer phase frozen: an unfreeze would leave exactly 0. (Not
        # ">= outer": frozen objects that other threads let go of meanwhile leave the count.)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_unfreezes() -> None:
    try:
        with frozen():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_a_cycle_that_became_garbage_while_frozen_is_collected_after() -> None:
    import weakref

    class Node:
        pass

    node = Node()
    node.self = node  # a reference cycle
    alive = weakref.ref(node)
    with frozen():
        del node
        gc.collect()
        assert alive() is not None  # frozen: the collector does not look at it
    gc.collect()
    assert alive() is None
