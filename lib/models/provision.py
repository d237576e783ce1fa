"""`python -m lib.models.provision`: build the offline pack with a progress bar (idempotent)."""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Training at provisioning time shares 2 cores with whatever else runs (a browser, a test):
# spinning OpenMP threads then slow torch down many times over; passive threads yield instead.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tqdm import tqdm  # noqa: E402

from lib.models.pack import COMPONENTS, component, pack_dir, provision, size_on_disk  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=[c.id for c in COMPONENTS], help="components to build")
    parser.add_argument("--force", action="store_true", help="rebuild even what is ready")
    parser.add_argument("--verify", action="store_true", help="re-hash every file of ready components")
    args = parser.parse_args(argv)
    ids = args.only or [c.id for c in COMPONENTS]
    start = time.perf_counter()
    with tqdm(total=len(ids), desc="offline pack", unit="model", file=sys.stdout) as bar:
        def report(component_id: str, state: str, seconds: float) -> None:
            if state == "building":
                bar.set_postfix_str(f"building {component_id}")
                return
            detail = {"built": f"built in {seconds:.1f} s", "ready": "already ready"}.get(state, state)
            bar.write(f"  {component_id:<24} {detail}")
            bar.update(1)

        results = provision(ids, force=args.force, deep=args.verify, report=report)
    _embed_corpus([i for i, state in results.items() if state in ("built", "ready")])
    total = sum(size_on_disk(component(i)) for i in ids)
    failed = [i for i, state in results.items() if state == "failed"]
    print(f"offline pack in {pack_dir()}: {len(results) - len(failed)}/{len(results)} parts ready, "
          f"{total / 1e6:.0f} MB, {time.perf_counter() - start:.1f} s")
    if failed:
        print(f"not built: {', '.join(failed)} (the app still runs; those widgets say what is missing)")
    return 1 if failed else 0


def _embed_corpus(ready: list[str]) -> None:
    """The semantic-search corpus embedded once here (a minute or more on a laptop), not on a
    learner's first search; later runs load the cached vectors in milliseconds."""
    from lib.inference.embeddings import MODELS, embed_passages

    for model_id in (m for m in MODELS if m in ready):  # the encoders of the embeddings lab
        start = time.perf_counter()
        vectors = embed_passages(model_id)
        print(f"  corpus embeddings          {len(vectors)} passages with {model_id}, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
