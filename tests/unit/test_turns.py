"""The chat's line: one answer at a time, first come first served, a count of who is ahead, and
a learner who leaves gives up their place."""
import threading
import time

import pytest

from lib.turns import TurnQueue


def test_turns_are_served_in_arrival_order_and_each_waiter_sees_who_is_ahead():
    line = TurnQueue()
    served, seen = [], {}
    first_in = threading.Event()
    release = threading.Event()

    def learner(name: str) -> None:
        with line.turn(lambda ahead: seen.setdefault(name, []).append(ahead), every=0.05):
            served.append(name)
            if name == "a":
                first_in.set()
                release.wait(5)

    threads = [threading.Thread(target=learner, args=("a",))]
    threads[0].start()
    first_in.wait(5)
    for name in "bcd":  # arrive one after the other while "a" is being answered
        thread = threading.Thread(target=learner, args=(name,))
        thread.start()
        threads.append(thread)
        while line.waiting() < len(threads):
            time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(5)
    assert served == ["a", "b", "c", "d"]
    assert "a" not in seen  # the first learner never waited
    assert seen["b"][0] == 1 and seen["d"][0] == 3  # told how many answers are ahead
    assert all(later <= earlier for earlier, later in zip(seen["d"], seen["d"][1:]))  # the count only falls
    assert line.waiting() == 0


def test_a_learner_who_leaves_while_waiting_gives_up_their_place():
    line = TurnQueue()
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        with line.turn():
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)

    class Left(Exception):  # what Streamlit raises in a script whose learner moved on
        pass

    def leave(ahead: int) -> None:
        raise Left

    with pytest.raises(Left):
        with line.turn(leave, every=0.05):
            pass
    assert line.waiting() == 1  # only the holder is left in line
    release.set()
    thread.join(5)
    with line.turn():  # and the line still works
        assert line.waiting() == 1
