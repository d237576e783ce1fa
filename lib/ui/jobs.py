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
KEEP_OUTPUTS = 6  # trained models kept on disk per kind (an e5 classifier is ~470 MB)


def output_dir(prefix: str) -> str:
    """A new folder for a job's model, after removing all but the newest few of the same kind:
    a class training all morning must not fill the laptop's disk."""
    import shutil
    import tempfile
    from pathlib import Path

    old = sorted(Path(tempfile.gettempdir()).glob(f"{prefix}*"), key=lambda p: p.stat().st_mtime)
    for folder in old[:max(0, len(old) - (KEEP_OUTPUTS - 1))]:
        shutil.rmtree(folder, ignore_errors=True)
    return tempfile.mkdtemp(prefix=prefix)


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



def panel(state_key: str, start_label: str, work, show_result, show_progress, busy_message: str,
          icon: str = "▶️") -> None:
    """A start button for `work(on_event, stop)` run as a job; then, in a fragment polled every
    second while it runs, `show_progress(job)` and a stop button; once done, `show_result(result)`.
    The job lives in the learner's session."""
    import streamlit as st

    job = st.session_state.get(state_key)
    if st.button(start_label, icon=icon, key=f"{state_key}_start", disabled=bool(job and job.running),
                 type="primary"):
        started = start(work)
        if started is None:
            st.warning(busy_message)
        else:
            job = st.session_state[state_key] = started
    if job is not None:
        st.fragment(_progress, run_every=1.0 if job.running else None)(job, state_key, show_result, show_progress)


def _progress(job: Job, state_key: str, show_result, show_progress) -> None:
    import streamlit as st

    from lib.i18n import t

    job.drain()
    if job.running and st.button(t("train_stop"), icon="⏹️", key=f"{state_key}_stop"):
        job.stop.set()
    show_progress(job)
    if job.running:
        return
    if st.session_state.get(f"{state_key}_polled") is not job:  # finished while polling: one rerun stops the timer
        st.session_state[f"{state_key}_polled"] = job
        st.rerun()
    if job.error is not None:
        from lib.text_input import InputProblem

        if isinstance(job.error, InputProblem):
            st.warning(t(job.error.key, **job.error.values))
        else:
            st.error(t("train_failed", error=f"{type(job.error).__name__}: {str(job.error)[:300]}"))
        return
    show_result(job.result)
