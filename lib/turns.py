"""First come, first served: one holder at a time, and every waiter knows how many are ahead.

A plain lock is not fair: with a class asking the chat at once, a learner could wait through
many answers while later ones got theirs (p95 100 s in bench/load_test.py), and could only be
told "someone else is being answered".
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class TurnQueue:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._line: list[object] = []

    def waiting(self) -> int:
        """How many are in line, the holder included."""
        with self._changed:
            return len(self._line)

    @contextmanager
    def turn(self, on_wait: Callable[[int], None] = lambda ahead: None, every: float = 1.0) -> Iterator[None]:
        """Holds the turn inside the block. While waiting, calls on_wait(number ahead) at least
        every `every` seconds, outside the lock: a Streamlit call there lets a learner who left
        the page (a rerun) leave the line too, by the exception it raises."""
        me = object()
        with self._changed:
            self._line.append(me)
        try:
            while True:
                with self._changed:
                    ahead = self._line.index(me)
                if ahead == 0:
                    break
                on_wait(ahead)
                with self._changed:
                    if self._line.index(me):
                        self._changed.wait(every)
            yield
        finally:
            with self._changed:
                self._line.remove(me)
                self._changed.notify_all()
