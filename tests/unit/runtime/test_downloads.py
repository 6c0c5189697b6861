"""Downloads through a front end's fetch (core.runtime.downloads): kept in torch hub's cache
only when the file is the one published (the SHA-256 prefix in its name)."""

from __future__ import annotations

import hashlib

import pytest
import torch

from core.errors import DataError
from core.runtime.downloads import cache_hub_file, fetching_with

BODY = b"weights" * 1000
PREFIX = hashlib.sha256(BODY).hexdigest()[:8]


def test_a_fetched_file_is_cached_once_and_only_when_it_is_the_one_published(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    fetched = []

    def fetch(url: str, path: str) -> None:
        fetched.append(url)
        with open(path, "wb") as file:
            file.write(BODY if "good" in url else b"<html>proxy error</html>")

    cache_hub_file(f"https://example.invalid/good-{PREFIX}.pth")  # no fetch given: nothing
    assert not (tmp_path / "hub").exists()
    with fetching_with(fetch):
        cache_hub_file(f"https://example.invalid/models/good-{PREFIX}.pth")
        cache_hub_file(f"https://example.invalid/models/good-{PREFIX}.pth")  # cached
        with pytest.raises(DataError, match="not the one published"):
            cache_hub_file(f"https://example.invalid/models/bad-{PREFIX}.pth")
    assert (tmp_path / "hub" / "checkpoints" / f"good-{PREFIX}.pth").read_bytes() == BODY
    assert sorted(p.name for p in (tmp_path / "hub" / "checkpoints").iterdir()) == [
        f"good-{PREFIX}.pth"]  # neither the bad file nor a partial one is left
    assert len(fetched) == 2
