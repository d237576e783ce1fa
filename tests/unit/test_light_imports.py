"""Pages must not import torch & co. at import time: Home has to paint as fast as a trivial app."""
import json
import subprocess
import sys

from lib.sections import PAGES, ROOT

HEAVY = ("torch", "transformers", "datasets", "evaluate", "tokenizers", "sklearn")

SCRIPT = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(%r, default_timeout=120)
at.run()
for page_file in sys.argv[1:]:
    at.switch_page(page_file)
    at.run()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
""" % (str(ROOT / "Home.py"), HEAVY)


def test_rendering_every_page_imports_nothing_heavy():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *[p.file for p in PAGES]],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    heavy = json.loads(result.stdout.strip().splitlines()[-1])
    assert heavy == [], f"heavy modules imported while rendering pages: {heavy[:10]}"
