"""The GUI-thread collector: old objects are frozen after a collection, swept when idle."""

from __future__ import annotations

import gc
import time
import weakref

from app.ui.gc_guard import SWEEP_SECONDS, GuiThreadCollector


class Node:
    """An object that can point at itself: a garbage cycle once nothing else holds it."""

    def __init__(self) -> None:
        self.me: Node | None = self


def collector(idle: bool) -> GuiThreadCollector:
    made = GuiThreadCollector(idle=lambda: idle)
    made.timer.stop()
    made.thresholds = (0, 0, -1)  # every check collects the oldest generation
    return made


def test_survivors_are_frozen_and_only_a_sweep_frees_a_frozen_cycle() -> None:
    guard = collector(idle=True)
    node = Node()
    gone = weakref.ref(node)
    guard.check()
    assert gc.get_freeze_count() > 0, "what survived the collection is frozen"

    del node
    gc.collect()
    assert gone() is not None, "a frozen cycle is not walked by an ordinary collection"

    guard.check()
    assert gone() is not None, "no sweep within ten minutes of the last one"
    guard.swept_at = time.monotonic() - SWEEP_SECONDS - 1
    guard.check()
    assert gone() is None, "the sweep unfroze and collected the cycle"
    gc.unfreeze()


def test_no_sweep_while_a_worker_runs() -> None:
    guard = collector(idle=False)
    node = Node()
    gone = weakref.ref(node)
    guard.check()
    del node
    guard.swept_at = time.monotonic() - SWEEP_SECONDS - 1
    guard.check()
    assert gone() is not None, "a sweep would stall the GUI while a worker runs"
    gc.unfreeze()
    gc.collect()
    assert gone() is None
