"""Long work (a training run) in a background thread, one at a time for the whole server.

A 2-core laptop trains one model at a time: a second learner is told to wait instead of
slowing both runs down. The learner's page polls the job's events (a fragment that reruns
every second) and can stop it; the rest of the app stays usable meanwhile.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_ONE_AT_A_TIME = threading.Lock()


@dataclass
class Job:
    stop: threading.Event = field(default_factory=threading.Event)
    events: queue.Queue = field(default_factory=queue.Queue)
    history: list[dict] = field(default_factory=list)
    result: Any = None
    error: BaseException | None = None
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def drain(self) -> list[dict]:
        """Events that arrived since the last call, also kept in `history`."""
        new = []
        while True:
            try:
                new.append(self.events.get_nowait())
            except queue.Empty:
                break
        self.history += new
        return new


def busy() -> bool:
    return _ONE_AT_A_TIME.locked()


def start(work: Callable[[Callable[[dict], None], threading.Event], Any]) -> Job | None:
    """Run work(on_event, stop) in a thread; None (nothing started) while another job runs."""
    if not _ONE_AT_A_TIME.acquire(blocking=False):
        return None
    job = Job()

    def run() -> None:
        try:
            job.result = work(job.events.put, job.stop)
        except BaseException as error:  # shown to the learner by the page, not lost in a thread
            job.error = error
        finally:
            _ONE_AT_A_TIME.release()

    job.thread = threading.Thread(target=run, name="hhf-job", daemon=True)
    try:
        job.thread.start()
    except BaseException:
        _ONE_AT_A_TIME.release()
        raise
    return job
