"""Heavy libraries load only when a widget needs them: Home has to paint as fast as a trivial app."""
import json
import subprocess
import sys

from lib.sections import PAGES, ROOT

HEAVY = ("torch", "transformers", "datasets", "evaluate", "tokenizers", "sklearn", "underthesea")
# Pages with live labs run real tokenizers and models when opened; the others must stay light.
LIGHT_PAGES = [p for p in PAGES if "lab_page(" not in (ROOT / p.file).read_text(encoding="utf-8")]

RENDER = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(%r, default_timeout=120)
at.run()
for page_file in sys.argv[1:]:
    at.switch_page(page_file)
    at.run()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
""" % (str(ROOT / "Home.py"), HEAVY)

IMPORT_ALL = """
import importlib, json, pkgutil, sys
import lib
for module in pkgutil.walk_packages(lib.__path__, "lib."):
    if not module.name.endswith("_builders"):  # builders run only when provisioning the pack
        importlib.import_module(module.name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
""" % (HEAVY,)


def heavy_modules(script: str, *args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rendering_pages_without_labs_imports_nothing_heavy():
    assert {p.id for p in LIGHT_PAGES} >= {"home", "glossary", "about"}  # every area page is a lab now
    heavy = heavy_modules(RENDER, *[p.file for p in LIGHT_PAGES])
    assert heavy == [], f"heavy modules imported while rendering pages: {heavy[:10]}"


def test_importing_lib_imports_nothing_heavy():
    heavy = heavy_modules(IMPORT_ALL)
    assert heavy == [], f"heavy modules imported at import time: {heavy[:10]}"
