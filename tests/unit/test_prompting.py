"""Tasks done by prompting SmolLM2: the prompt is built from the learner's inputs, blank ones refused."""
import pytest

from lib.inference import prompting
from lib.text_input import InputProblem


def test_prompts_carry_the_learners_inputs():
    qa = prompting.build_messages("question-answering", "Hà Nội nằm bên sông Hồng.", "Sông nào?")
    assert qa[0]["role"] == "user" and "Hà Nội nằm bên sông Hồng." in qa[0]["content"] and "Sông nào?" in qa[0]["content"]
    assert "into Vietnamese" in prompting.build_messages("translation", "Good morning", target="vi")[0]["content"]
    long = prompting.build_messages("summarization", "x" * 10_000)[0]["content"]
    assert len(long) < prompting.MAX_INPUT_CHARS + 200


@pytest.mark.parametrize("task,context,question", [("summarization", "  ", ""), ("question-answering", "ok", " ")])
def test_blank_inputs_are_refused(task, context, question):
    with pytest.raises(InputProblem, match="text_empty"):
        prompting.build_messages(task, context, question)


def test_shown_code_is_python():
    compile(prompting.prompting_code(prompting.build_messages("summarization", "Một đoạn văn.")), "<code>", "exec")
