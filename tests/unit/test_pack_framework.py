"""The provisioning framework on tiny fake components: atomic, idempotent, integrity-checked."""
import json

import pytest

from lib.models import pack

BUILDS = []


def build_fake(target):
    BUILDS.append(target.name)
    (target / "weights.bin").write_bytes(b"\x01" * 1000)
    (target / "README.md").write_text("card", encoding="utf-8")


def build_broken(target):
    (target / "half.bin").write_bytes(b"x")
    raise OSError("package file missing")


FAKE = pack.Component("fake", "test/fake", "MIT", ("none",), f"{__name__}:build_fake")
BROKEN = pack.Component("broken", "test/broken", "MIT", ("none",), f"{__name__}:build_broken")
NEEDS_BROKEN = pack.Component("child", "test/child", "MIT", ("none",), f"{__name__}:build_fake",
                              needs=("broken",))


@pytest.fixture(autouse=True)
def fake_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("HHF_CACHE", str(tmp_path))
    monkeypatch.setattr(pack, "COMPONENTS", (FAKE, BROKEN, NEEDS_BROKEN))
    BUILDS.clear()


def test_build_writes_a_manifest_with_hashes_and_is_idempotent():
    assert pack.status(FAKE) == "missing"
    assert pack.provision(["fake"]) == {"fake": "built"}
    manifest = json.loads((FAKE.path / "manifest.json").read_text())
    assert set(manifest["files"]) == {"weights.bin", "README.md"}
    assert manifest["files"]["weights.bin"]["size"] == 1000
    assert pack.status(FAKE, deep=True) == "ready"
    assert pack.provision(["fake"]) == {"fake": "ready"}
    assert BUILDS == [".fake.building"]
    assert pack.size_on_disk(FAKE) == 1004


def test_tampered_or_truncated_files_are_detected_and_rebuilt():
    pack.provision(["fake"])
    (FAKE.path / "weights.bin").write_bytes(b"\x02" * 1000)  # same size, other bytes
    assert pack.status(FAKE) == "ready"
    assert pack.status(FAKE, deep=True) == "corrupt"
    (FAKE.path / "weights.bin").write_bytes(b"\x01" * 10)
    assert pack.status(FAKE) == "corrupt"
    assert pack.provision(["fake"]) == {"fake": "built"}
    assert pack.status(FAKE, deep=True) == "ready"


def test_a_failed_build_leaves_nothing_behind_and_skips_what_needs_it():
    events = []
    results = pack.provision(["fake", "child"], report=lambda i, state, s: events.append((i, state)))
    assert results == {"fake": "built", "broken": "failed", "child": "failed"}
    assert not BROKEN.path.exists()
    assert [p.name for p in pack.pack_dir().iterdir()] == ["fake"]
    assert pack.status(BROKEN) == "missing"
    assert ("broken", "failed: OSError: package file missing") in events


def test_an_old_builder_version_is_rebuilt(monkeypatch):
    pack.provision(["fake"])
    newer = pack.Component("fake", "test/fake", "MIT", ("none",), f"{__name__}:build_fake", version=2)
    monkeypatch.setattr(pack, "COMPONENTS", (newer,))
    assert pack.status(newer) == "outdated"
    assert pack.provision(["fake"]) == {"fake": "built"}
