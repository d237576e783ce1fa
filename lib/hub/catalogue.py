"""The Model Hub explorer: a curated catalogue of famous models, and live Hub search when online.

The catalogue (famous_models.yaml, checked facts; content/<lang>/hub_models.yaml, card texts)
works offline, so a classroom without Wi-Fi still gets filters, charts and cards. The live part
asks the Hub through huggingface_hub's HfApi and turns every failure into a catalogue key the
page can say in the learner's language. pandas and huggingface_hub are imported inside the
functions that need them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from lib.sections import ROOT
from lib.text_input import InputProblem

if TYPE_CHECKING:  # annotations only
    import pandas

FACTS_FILE = Path(__file__).with_name("famous_models.yaml")
CONTENT_DIR = ROOT / "content"
TEXTS_FILE = "hub_models.yaml"
FAMILIES = ("encoder", "decoder", "encoder-decoder", "vision", "speech", "multimodal")
AREAS = ("nlp", "vision", "speech", "multimodal", "community")
PACK_RELATIONS = ("same", "sibling", "tokenizer")
SORTS = ("downloads", "likes", "trending_score", "created_at", "last_modified")
MAX_LIMIT = 100  # one page of results; the Hub pages further itself, the explorer does not need to
TIMEOUT = 8.0  # seconds for model_info: a classroom on weak Wi-Fi hears "unreachable" quickly
_LIST_EXPAND = ["downloads", "likes", "pipeline_tag", "library_name", "lastModified", "tags"]
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$")


@dataclass(frozen=True)
class FamousModel:
    id: str
    hub_id: str | None  # None: no official weights (Flamingo)
    name: str
    family: str
    area: str  # leaf of the hub area in lib.sections
    model_type: str | None
    tasks: tuple[str, ...]
    parameters: int | None
    parameters_source: str | None  # counted | paper | card
    licence: str | None
    languages: tuple[str, ...]
    year: int
    paper: str | None
    pack: dict[str, str] | None  # {"component": ..., "relation": same | sibling | tokenizer}
    anatomy: str | None

    @property
    def url(self) -> str | None:
        return f"https://huggingface.co/{self.hub_id}" if self.hub_id else None

    @property
    def in_pack(self) -> bool:
        """The offline pack holds these very weights (perhaps converted), not just a sibling."""
        return bool(self.pack) and self.pack["relation"] == "same"


@dataclass(frozen=True)
class HubRow:
    """One search result, in the shape the page's table and charts read."""

    id: str
    task: str | None
    library: str | None
    downloads: int | None
    likes: int | None
    last_modified: str | None  # ISO date, YYYY-MM-DD
    licence: str | None
    url: str


# ------------------------------------------------------------------ the offline catalogue
@lru_cache(maxsize=1)
def _facts() -> tuple[FamousModel, ...]:
    raw = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))["models"]
    out = []
    for item in raw:
        item = dict(item)
        item["tasks"] = tuple(item["tasks"])
        item["languages"] = tuple(str(x) for x in item["languages"])
        out.append(FamousModel(**item))
    return tuple(out)


def models() -> list[FamousModel]:
    """Every famous model, in the order of famous_models.yaml (NLP, vision, speech, multimodal, community)."""
    return list(_facts())


def get(model_id: str) -> FamousModel:
    """A model by its catalogue id ("bert") or its Hub id ("google-bert/bert-base-uncased")."""
    for item in _facts():
        if model_id in (item.id, item.hub_id):
            return item
    raise KeyError(model_id)


@lru_cache(maxsize=4)
def _texts(lang: str) -> dict[str, str]:
    return yaml.safe_load((CONTENT_DIR / lang / TEXTS_FILE).read_text(encoding="utf-8"))["models"]


def card_text(model_id: str, lang: str) -> str:
    """The learner-facing card text (what it is, what it is good for, one pitfall)."""
    return _texts(lang)[get(model_id).id]


def tasks() -> list[str]:
    """Every task the catalogue names, sorted: the options of the task filter."""
    return sorted({task for item in _facts() for task in item.tasks})


def languages() -> list[str]:
    return sorted({code for item in _facts() for code in item.languages})


def filter_models(area: str | None = None, task: str | None = None, family: str | None = None,
                  language: str | None = None, text: str | None = None) -> list[FamousModel]:
    """The models matching every filter given (None or "" means "any").

    `text` is matched, case-insensitively, in the name, both ids, the architecture and the
    paper title, so "roberta", "vinai" or "whisper" all find something.
    """
    needle = (text or "").strip().casefold()
    out = []
    for item in _facts():
        if area and item.area != area:
            continue
        if task and task not in item.tasks:
            continue
        if family and item.family != family:
            continue
        if language and language not in item.languages:
            continue
        if needle:
            haystack = " ".join(x for x in (item.id, item.hub_id, item.name, item.model_type, item.paper) if x)
            if needle not in haystack.casefold():
                continue
        out.append(item)
    return out


def table(items: list[FamousModel] | None = None) -> pandas.DataFrame:
    """One row per model for the charts and st.dataframe.

    Columns: id, name, hub_id, year, parameters (None when unsure), family, area, tasks (comma
    separated), main_task, licence, languages (comma separated), in_pack (bool).
    """
    import pandas as pd

    rows = [{
        "id": m.id, "name": m.name, "hub_id": m.hub_id, "year": m.year, "parameters": m.parameters,
        "family": m.family, "area": m.area, "tasks": ", ".join(m.tasks), "main_task": m.tasks[0],
        "licence": m.licence, "languages": ", ".join(m.languages), "in_pack": m.in_pack,
    } for m in (_facts() if items is None else items)]
    frame = pd.DataFrame(rows, columns=["id", "name", "hub_id", "year", "parameters", "family", "area", "tasks",
                                        "main_task", "licence", "languages", "in_pack"])
    frame["parameters"] = frame["parameters"].astype("Int64")  # keeps integers, None as <NA>
    return frame


# ------------------------------------------------------------------ the live Hub
def _offline() -> bool:
    from huggingface_hub import constants

    return constants.is_offline_mode()


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _licence_from_tags(tags: list[str] | None) -> str | None:
    return next((tag.split(":", 1)[1] for tag in tags or [] if tag.startswith("license:")), None)


def _date(value: Any) -> str | None:
    return value.date().isoformat() if value is not None and hasattr(value, "date") else None


def _search_arguments(text: str | None, task: str | None, library: str | None, language: str | None,
                      sort: str, limit: int) -> dict[str, Any]:
    """The keyword arguments of HfApi.list_models (huggingface_hub 2.4): library and language
    are tags, so they travel in `filter`; the Hub sorts in descending order."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
    arguments: dict[str, Any] = {}
    if _clean(text):
        arguments["search"] = _clean(text)
    if _clean(task):
        arguments["pipeline_tag"] = _clean(task)
    tags = [tag for tag in (_clean(library), _clean(language)) if tag]
    if tags:
        arguments["filter"] = tags
    arguments.update(sort=sort, limit=max(1, min(int(limit), MAX_LIMIT)))
    return arguments


def search_hub(text: str | None = None, task: str | None = None, library: str | None = None,
               language: str | None = None, sort: str = "downloads", limit: int = 20) -> list[HubRow]:
    """Models on the Hub matching the search, most downloaded (or liked, ...) first.

    Raises InputProblem("hub_unreachable", model=...) when offline (no request is even made) or
    when the Hub cannot be reached; `model` names what was searched for.
    """
    arguments = _search_arguments(text, task, library, language, sort, limit)
    what = _clean(text) or _clean(task) or _clean(library) or _clean(language) or "huggingface.co/models"
    if _offline():
        raise InputProblem("hub_unreachable", model=what)
    from huggingface_hub import HfApi

    try:  # list_models is lazy: the request happens while iterating, so iterate inside the try
        found = list(HfApi().list_models(**arguments, expand=_LIST_EXPAND))
    except Exception:  # offline mode, DNS, refused connection, timeout, HTTP 5xx: all "unreachable"
        raise InputProblem("hub_unreachable", model=what) from None
    return [HubRow(id=info.id, task=info.pipeline_tag, library=info.library_name, downloads=info.downloads,
                   likes=info.likes, last_modified=_date(info.last_modified),
                   licence=_licence_from_tags(info.tags), url=f"https://huggingface.co/{info.id}")
            for info in found[:arguments["limit"]]]


def hub_model_info(repo_id: str) -> dict[str, Any]:
    """What the Hub says about one model right now.

    Returns a dict: id, url, downloads (last 30 days), likes, pipeline_tag, library, licence
    (card metadata, else the license: tag), last_modified and created_at (ISO dates), files
    (number of files in the repository), parameters (from the safetensors metadata, None when
    the Hub does not know), gated (False, "auto" or "manual") and tags.
    Raises InputProblem with "hub_unreachable" (offline or no connection) or "hub_not_found"
    (no such public model, or not a valid repository id).
    """
    repo_id = (repo_id or "").strip()
    if not _REPO_ID.match(repo_id) or ".." in repo_id:
        raise InputProblem("hub_not_found", model=repo_id)
    if _offline():
        raise InputProblem("hub_unreachable", model=repo_id)
    from huggingface_hub import HfApi, errors

    try:
        info = HfApi().model_info(repo_id, timeout=TIMEOUT)
    except errors.RepositoryNotFoundError:  # also raised for private repositories
        raise InputProblem("hub_not_found", model=repo_id) from None
    except Exception:
        raise InputProblem("hub_unreachable", model=repo_id) from None
    card = info.card_data
    licence = (card.get("license") if card is not None else None) or _licence_from_tags(info.tags)
    return {
        "id": info.id,
        "url": f"https://huggingface.co/{info.id}",
        "downloads": info.downloads,
        "likes": info.likes,
        "pipeline_tag": info.pipeline_tag,
        "library": info.library_name,
        "licence": licence,
        "last_modified": _date(info.last_modified),
        "created_at": _date(info.created_at),
        "files": len(info.siblings) if info.siblings is not None else None,
        "parameters": info.safetensors.total if info.safetensors is not None else None,
        "gated": info.gated or False,
        "tags": list(info.tags or []),
    }


# ------------------------------------------------------------------ the code to show
def code_search(text: str | None = None, task: str | None = None, library: str | None = None,
                language: str | None = None, sort: str = "downloads", limit: int = 20) -> str:
    """The notebook code that runs the same search as search_hub."""
    arguments = _search_arguments(text, task, library, language, sort, limit)
    call = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
    return ("from huggingface_hub import HfApi\n\n"
            "api = HfApi()\n"
            f"for model in api.list_models({call},\n"
            f"                             expand={_LIST_EXPAND!r}):\n"
            "    print(model.id, model.pipeline_tag, model.downloads, model.likes)\n")


def code_info(repo_id: str) -> str:
    """The notebook code that reads one model's Hub page as hub_model_info does."""
    repo_id = (repo_id or "").strip()
    return ("from huggingface_hub import model_info\n\n"
            f"info = model_info({repo_id!r})\n"
            "print(info.downloads, info.likes, info.pipeline_tag, info.library_name)\n"
            "print(info.card_data.get(\"license\") if info.card_data else None)  # the licence on the card\n"
            "print(len(info.siblings), \"files;\", info.safetensors.total if info.safetensors else \"?\", \"parameters\")\n")
