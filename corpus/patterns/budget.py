"""The time budget of `re` matching per document: a CPU timer's signal interrupts a pattern that
runs past it."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

# CPU seconds a document's rule matching may take, per rule file, before `re` matching is cut
# short and the document dropped: the shipped rules take about 2 ms for a whole web page (8
# microseconds a line), so only a runaway pattern comes near. CPU time, not the clock's: a loaded
# machine (other processes, swapping) must not drop a document that an idle one keeps.
BUDGET_SECONDS = 1.0
PER_LINE_SECONDS = 0.0001

P = ParamSpec("P")
R = TypeVar("R")


class RegexTimeout(Exception):
    """A pattern ran past the document's time budget; the document is dropped."""

    drop_reason = "regex_timeout"  # how Stage.apply_many records it


_deadline_armed = False  # a budget's timer is running in this process
_expired = False  # and has run out
_in_fallback = False  # `re` is matching a user pattern right now


class _Alarm(RegexTimeout):
    pass


@contextmanager
def time_budget(seconds: float = BUDGET_SECONDS) -> Iterator[None]:
    """`re` matching inside the block (UserPattern's fallback) is interrupted with RegexTimeout
    once the process has spent `seconds` of CPU time in the block; RE2 and other code are never
    interrupted. A timer signal on the process's CPU time in user mode (ITIMER_VIRTUAL) does it
    (`re` checks for signals as it backtracks): one per block, not per match, so the cost is a
    few system calls per document. Nested blocks share the outer budget; off the main
    thread, where signals cannot be used, there is no budget."""
    global _deadline_armed, _expired
    if _deadline_armed or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGVTALRM, _on_alarm)
    _deadline_armed, _expired = True, False
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
        _deadline_armed = False


def within_time_budget(function: Callable[P, R]) -> Callable[P, R]:
    """`function(rules, lines, ...)` with each call in a `time_budget` of BUDGET_SECONDS plus
    PER_LINE_SECONDS for each of the document's lines, so a long document is not cut short."""

    @functools.wraps(function)
    def budgeted(*args: P.args, **kwargs: P.kwargs) -> R:
        lines = args[1] if len(args) > 1 else kwargs["lines"]
        with time_budget(BUDGET_SECONDS + PER_LINE_SECONDS * len(lines)):  # type: ignore[arg-type]
            return function(*args, **kwargs)

    return budgeted


def budgeted(method: Any, text: str) -> Any:
    global _in_fallback
    if _expired:
        raise RegexTimeout
    _in_fallback = True
    try:
        return method(text)
    finally:
        _in_fallback = False


def _on_alarm(signum: int, frame: object) -> None:
    global _expired
    _expired = True
    if _in_fallback:
        raise _Alarm
