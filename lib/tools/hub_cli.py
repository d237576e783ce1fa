"""A small, safe window onto the real `hf` command line (huggingface_hub 2.4).

The learner picks a command from a whitelist and fills in its arguments; every value is checked
here and the command runs as an argument list (never through a shell), with a timeout, with
HF_HUB_OFFLINE passed on, and with anything that looks like a token blanked out of the output.
Problems are raised as catalogue keys (`InputProblem("cli_...")`) for the page to translate.

Downloads: `hf download` is offered for small text files only (configs, tokenizer files,
model cards), named one by one, into the ordinary Hugging Face cache, so that `from_pretrained`
and `hf cache ls` find them afterwards; `--dry-run` shows what a whole repo would cost
without downloading anything. Weights are never fetched from this panel.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lib.environment import hub_offline
from lib.models.registry import is_valid_hub_id
from lib.text_input import InputProblem

MAX_VALUE_CHARS = 100
MAX_OUTPUT_CHARS = 20_000  # a page shows this much; the rest is cut with a note
DEFAULT_TIMEOUT = 60
MAX_FILES = 5
FORBIDDEN = set(";|&$`><\n\r\x00\\*?!{}()[]'\"")  # shell syntax, globs and quotes: none of it is needed
SMALL_FILE_SUFFIXES = (".json", ".txt", ".md", ".yaml", ".yml", ".model", ".tiktoken", ".csv", ".jsonl")
_TEXT = re.compile(r"[\w .,:+/-]+")  # Unicode letters (Vietnamese too), digits, a few separators
_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]*")
_REPO_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
_TOKEN = re.compile(r"hf_[A-Za-z0-9]{20,}")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# ----------------------------------------------------------------------------- validators
def _plain(value: object, name: str) -> str:
    """A short string with no shell syntax and no leading dash (which would read as an option)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputProblem("cli_bad_value", name=name)
    text = str(value).strip()
    if not text:
        raise InputProblem("cli_missing_argument", name=name)
    bad = sorted({ch for ch in text if ch in FORBIDDEN or (ord(ch) < 32)})
    if bad:
        raise InputProblem("cli_forbidden_character", name=name, characters=" ".join(repr(c)[1:-1] for c in bad))
    if len(text) > MAX_VALUE_CHARS:
        raise InputProblem("cli_value_too_long", name=name, length=len(text), limit=MAX_VALUE_CHARS)
    if text.startswith("-"):
        raise InputProblem("cli_bad_value", name=name)
    return text


def repo_id(value: object, name: str) -> str:
    text = _plain(value, name)
    if not is_valid_hub_id(text):
        raise InputProblem("cli_bad_repo_id", name=name, value=text)
    return text


def owner(value: object, name: str) -> str:
    text = _plain(value, name)
    if "/" in text or not is_valid_hub_id(text):
        raise InputProblem("cli_bad_repo_id", name=name, value=text)
    return text


def search_text(value: object, name: str) -> str:
    text = _plain(value, name)
    if not _TEXT.fullmatch(text):
        raise InputProblem("cli_bad_value", name=name)
    return text


def tag(value: object, name: str) -> str:
    text = _plain(value, name)
    if not _TAG.fullmatch(text):
        raise InputProblem("cli_bad_value", name=name)
    return text


def small_file(value: object, name: str) -> str:
    """A file path inside a repo, of a kind that is small text (config, tokenizer, card)."""
    text = _plain(value, name)
    if ".." in text or not _REPO_FILE.fullmatch(text):
        raise InputProblem("cli_bad_value", name=name)
    if not text.lower().endswith(SMALL_FILE_SUFFIXES):
        raise InputProblem("cli_file_not_allowed", name=text, allowed=", ".join(SMALL_FILE_SUFFIXES))
    return text


def choice(*options: str) -> Callable[[object, str], str]:
    def check(value: object, name: str) -> str:
        text = _plain(value, name)
        if text not in options:
            raise InputProblem("cli_bad_choice", name=name, value=text, allowed=", ".join(options))
        return text
    check.options = options  # type: ignore[attr-defined]  # the page builds a selectbox from it
    return check


def integer(low: int, high: int) -> Callable[[object, str], str]:
    def check(value: object, name: str) -> str:
        if isinstance(value, bool):
            raise InputProblem("cli_bad_number", name=name, low=low, high=high)
        text = _plain(value, name)  # shell syntax is named as such, before the number check
        try:
            number = int(text)
        except ValueError:
            raise InputProblem("cli_bad_number", name=name, low=low, high=high) from None
        if not low <= number <= high:
            raise InputProblem("cli_bad_number", name=name, low=low, high=high)
        return str(number)
    check.bounds = (low, high)  # type: ignore[attr-defined]
    return check


# ----------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class Arg:
    """One argument the learner may fill: a positional, an option with a value, or an on/off flag."""
    name: str
    kind: str  # "positional" | "option" | "flag"
    check: Callable[[object, str], str] | None = None
    option: str | None = None  # the real CLI option, e.g. "--limit"
    required: bool = False
    many: bool = False  # a positional that takes several values (filenames)
    default: Any = None


@dataclass(frozen=True)
class CommandSpec:
    argv: tuple[str, ...]  # the fixed words after `hf`
    args: tuple[Arg, ...] = ()
    online_only: bool = False
    explain_key: str = ""
    fixed_tail: tuple[str, ...] = ()  # options we always add (never learner-controlled)

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.args if a.name == name), None)


_MODEL_SORT = choice("downloads", "likes", "trending_score", "created_at", "last_modified")
_SPACE_SORT = choice("likes", "trending_score", "created_at", "last_modified")


def _listing(sort: Callable) -> tuple[Arg, ...]:
    return (
        Arg("repo_id", "positional", repo_id),
        Arg("search", "option", search_text, "--search"),
        Arg("author", "option", owner, "--author"),
        Arg("filter", "option", tag, "--filter"),
        Arg("sort", "option", sort, "--sort"),
        Arg("limit", "option", integer(1, 50), "--limit", default=10),
    )


COMMANDS: "OrderedDict[str, CommandSpec]" = OrderedDict([
    ("version", CommandSpec(("version",), explain_key="cli_explain_version")),
    ("env", CommandSpec(("env",), explain_key="cli_explain_env")),
    ("auth_whoami", CommandSpec(("auth", "whoami"), explain_key="cli_explain_auth_whoami")),
    ("cache_ls", CommandSpec(("cache", "ls"), (
        Arg("sort", "option", choice("accessed", "modified", "name", "size"), "--sort"),
        Arg("limit", "option", integer(1, 200), "--limit"),
        Arg("revisions", "flag", option="--revisions"),
    ), explain_key="cli_explain_cache_ls")),
    ("models_ls", CommandSpec(("models", "ls"), _listing(_MODEL_SORT), True, "cli_explain_models_ls")),
    ("models_info", CommandSpec(("models", "info"), (Arg("repo_id", "positional", repo_id, required=True),),
                                True, "cli_explain_models_info")),
    ("models_card", CommandSpec(("models", "card"), (Arg("repo_id", "positional", repo_id, required=True),
                                                      Arg("metadata", "flag", option="--metadata")),
                                True, "cli_explain_models_card")),
    ("datasets_ls", CommandSpec(("datasets", "ls"), _listing(_MODEL_SORT), True, "cli_explain_datasets_ls")),
    ("datasets_info", CommandSpec(("datasets", "info"), (Arg("repo_id", "positional", repo_id, required=True),),
                                  True, "cli_explain_datasets_info")),
    ("spaces_ls", CommandSpec(("spaces", "ls"), _listing(_SPACE_SORT), True, "cli_explain_spaces_ls")),
    ("download", CommandSpec(("download",), (
        Arg("repo_id", "positional", repo_id, required=True),
        Arg("filenames", "positional", small_file, many=True),
        Arg("repo_type", "option", choice("model", "dataset"), "--repo-type", default="model"),
        Arg("dry_run", "flag", option="--dry-run"),
    ), True, "cli_explain_download")),
])


# ----------------------------------------------------------------------------- building
def build_argv(command_id: str, args: dict | None = None) -> list[str]:
    """The checked command as a list starting with "hf"; InputProblem("cli_...") for anything not allowed."""
    spec = COMMANDS.get(command_id) if isinstance(command_id, str) else None
    if spec is None:
        raise InputProblem("cli_unknown_command", command=str(command_id)[:40])
    args = dict(args or {})
    for name in args:
        if spec.arg(name) is None:
            raise InputProblem("cli_unknown_option", name=str(name)[:40], command=command_id)
    positionals: list[str] = []
    options: list[str] = []
    for arg in spec.args:
        value = args.get(arg.name, arg.default)
        if arg.kind == "flag":
            if not isinstance(value, (bool, type(None))):
                raise InputProblem("cli_bad_value", name=arg.name)
            if value:
                options.append(arg.option)
            continue
        empty = value is None or (isinstance(value, str) and not value.strip()) or value == []
        if empty:
            if arg.required:
                raise InputProblem("cli_missing_argument", name=arg.name)
            continue
        if arg.many:
            values = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
            if values is None:
                raise InputProblem("cli_bad_value", name=arg.name)
            if len(values) > MAX_FILES:
                raise InputProblem("cli_too_many_values", name=arg.name, limit=MAX_FILES)
            checked = [arg.check(v, arg.name) for v in values]
        else:
            checked = [arg.check(value, arg.name)]
        if arg.kind == "positional":
            positionals.extend(checked)
        else:
            for item in checked:
                options.extend([arg.option, item])
    if command_id == "download" and not args.get("dry_run") and not args.get("filenames"):
        # A whole-repo download may be gigabytes: name the small files, or ask for a dry run.
        raise InputProblem("cli_download_needs_files")
    return ["hf", *spec.argv, *positionals, *options, *spec.fixed_tail]


def display(argv: list[str]) -> str:
    """The command as a learner would type it in a terminal (quoted where needed)."""
    return shlex.join(argv)


# ----------------------------------------------------------------------------- running
@dataclass(frozen=True)
class CliResult:
    argv: list[str]  # as shown to the learner, starting with "hf"
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    truncated: bool = field(default=False)


def hf_executable() -> str:
    """The `hf` next to this Python (the venv's), else the one on PATH."""
    local = Path(sys.executable).with_name("hf")
    if local.exists():
        return str(local)
    found = shutil.which("hf")
    if not found:
        raise InputProblem("cli_not_installed")
    return found


def _clean(text: str) -> tuple[str, bool]:
    text = _TOKEN.sub("hf_***", _ANSI.sub("", text))
    if len(text) > MAX_OUTPUT_CHARS:
        return text[:MAX_OUTPUT_CHARS] + "\n…", True
    return text, False


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"})
    return env


def run(command_id: str, args: dict | None = None, timeout: float = DEFAULT_TIMEOUT) -> CliResult:
    """Run a whitelisted `hf` command; online-only commands are refused while HF_HUB_OFFLINE is set."""
    argv = build_argv(command_id, args)
    if COMMANDS[command_id].online_only and hub_offline():
        raise InputProblem("cli_needs_online", command=display(argv))
    started = time.perf_counter()
    try:
        done = subprocess.run([hf_executable(), *argv[1:]], shell=False, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=timeout, env=_env(),
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise InputProblem("cli_timeout", seconds=int(timeout)) from None
    seconds = time.perf_counter() - started
    stdout, cut_out = _clean(done.stdout)
    stderr, cut_err = _clean(done.stderr)
    return CliResult(argv, done.returncode, stdout, stderr, seconds, cut_out or cut_err)


# ----------------------------------------------------------------------------- snippets
def explain_snippets() -> dict[str, str]:
    """Code to copy for the steps this panel never runs (they need an account and change the Hub)."""
    return {
        "auth": (
            "# Terminal: log in once; the token is saved in ~/.cache/huggingface/token\n"
            "hf auth login            # paste a token from https://huggingface.co/settings/tokens\n"
            "hf auth whoami           # which account am I?\n"
            "hf auth list             # stored tokens (names only)\n"
            "hf auth logout\n\n"
            "# Or, without saving anything (CI, a shared classroom PC):\n"
            "export HF_TOKEN=hf_xxxxxxxxxxxxxxxxx   # read-only token for downloads, write token to upload\n\n"
            "# Python\n"
            "from huggingface_hub import login, whoami\n"
            "login()                  # asks for the token; never hard-code it in a notebook you share\n"
            "print(whoami()[\"name\"])\n"
        ),
        "upload": (
            "# Terminal: upload a folder (or one file) to a repo you own\n"
            "hf upload your-name/my-model ./my-model .\n"
            "hf upload your-name/my-space ./my-space . --repo-type space\n"
            "hf upload your-name/my-model ./results/model.safetensors model.safetensors \\\n"
            "    --commit-message \"Add fine-tuned weights\"\n\n"
            "# Python\n"
            "from huggingface_hub import HfApi\n"
            "api = HfApi()\n"
            "api.upload_folder(folder_path=\"./my-space\", repo_id=\"your-name/my-space\", repo_type=\"space\")\n"
            "api.upload_file(path_or_fileobj=\"README.md\", path_in_repo=\"README.md\",\n"
            "                repo_id=\"your-name/my-model\")\n"
            "# A trained model can also push itself: model.push_to_hub(\"your-name/my-model\")\n"
        ),
        "repo_create": (
            "# Terminal (huggingface_hub 2.x: the command group is `hf repos`)\n"
            "hf repos create your-name/my-model\n"
            "hf repos create your-name/my-data --type dataset --private\n"
            "hf repos create your-name/my-space --type space --sdk gradio\n\n"
            "# Python\n"
            "from huggingface_hub import create_repo\n"
            "create_repo(\"your-name/my-model\")\n"
            "create_repo(\"your-name/my-space\", repo_type=\"space\", space_sdk=\"gradio\", exist_ok=True)\n"
        ),
    }
