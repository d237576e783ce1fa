"""The Trainer API page and the PEFT / Accelerate tabs as a learner uses them (real training)."""
import time

import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import translate
from lib.sections import LANGS
from tests.app.lab_pages import assert_every_tab_opens, open_page, open_tab, problems

pytestmark = pytest.mark.pack





def wait_for_job(at: AppTest, key: str, timeout: float = 600) -> AppTest:
    """AppTest does not run timers: rerun until the background job has finished."""
    deadline = time.monotonic() + timeout
    while at.session_state[key].running and time.monotonic() < deadline:
        time.sleep(1)
    at.run()
    return at.run()  # the finished job's one full rerun


@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_opens_without_error(lang):
    assert_every_tab_opens("trainer_api", lang)


def test_a_stopped_live_run_still_gives_a_model_to_try():
    at = open_tab(open_page("trainer_api", "en"), "trainer_api", "Live training")
    at.slider(key="train_live_epochs").set_value(1).run()
    at.button(key="train_live_job_start").click().run()
    assert not at.exception, problems(at)
    job = at.session_state["train_live_job"]
    deadline = time.monotonic() + 300
    while not any(e.get("kind") == "log" for e in job.history + list(job.events.queue)) and time.monotonic() < deadline:
        time.sleep(1)
    job.stop.set()  # what the Stop button does
    at = wait_for_job(at, "train_live_job")
    assert not at.exception, problems(at)
    assert job.result.stopped and job.result.steps < job.result.max_steps
    assert translate("en", "train_accuracy") in [m.label for m in at.metric]
    assert len(at.get("plotly_chart")) >= 3  # curve, confusion matrix, the try-it scores


def test_wizard_refuses_a_table_with_one_class():
    at = open_tab(open_page("trainer_api", "vi"), "trainer_api", "Tự huấn luyện")
    at.segmented_control(key="wizard_source").set_value("upload").run()
    rows = "\n".join(f"câu số {i},tốt" for i in range(30))
    at.file_uploader(key="wizard_upload").upload("one.csv", f"text,label\n{rows}\n".encode(), "text/csv").run()
    assert not at.exception, problems(at)
    assert translate("vi", "train_one_class", column="label", label="tốt") in [w.value for w in at.warning]


def test_lora_counter_and_accelerate_loop_on_the_tools_page():
    at = open_tab(open_page("tools", "en"), "tools", "PEFT")
    assert not at.exception, problems(at)
    trainable = next(m.value for m in at.metric if m.label == translate("en", "lora_trainable"))
    at.select_slider(key="lora_rank").set_value(16).run()
    assert next(m.value for m in at.metric if m.label == translate("en", "lora_trainable")) != trainable
    at = open_tab(at, "tools", "Accelerate")
    at.slider(key="accel_steps").set_value(4).run()
    at.button(key="accel_run").click().run()
    assert not at.exception, problems(at)
    assert next(m.value for m in at.metric if m.label == translate("en", "accel_device")) == "cpu"
