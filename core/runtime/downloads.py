"""Files core downloads itself (torchvision's ImageNet weights). By default torchvision
fetches them with urllib, through the proxy the environment names; a front end may give, for
a run, its own way to fetch a URL into a file (QGIS's network: its proxy of any kind and its
SSL settings). Either way the file is checked against the SHA-256 prefix in its name before
it is kept in torch hub's cache, where torchvision then finds it."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlparse

from ..errors import DataError, tr

Fetch = Callable[[str, str], None]  # (url, path): the body of ``url`` written to ``path``
_FETCH: ContextVar[Fetch | None] = ContextVar("scene_classifier_fetch", default=None)
HASH_IN_NAME = re.compile(r"-([a-f0-9]{6,})\.")  # torch hub's: resnet18-f37072fd.pth


@contextmanager
def fetching_with(fetch: Fetch) -> Iterator[None]:
    """Downloads in the ``with`` block (in this thread) go through ``fetch``."""
    token = _FETCH.set(fetch)
    try:
        yield
    finally:
        _FETCH.reset(token)


def cache_hub_file(url: str) -> None:
    """Where a front end gave its own fetch: ``url`` downloaded into torch hub's cache
    (unless it is there), checked against the hash prefix in its name, so that torchvision
    reads it from there; without one, nothing (torchvision downloads it itself)."""
    fetch = _FETCH.get()
    if fetch is None:
        return
    import torch

    name = os.path.basename(urlparse(url).path)
    path = os.path.join(torch.hub.get_dir(), "checkpoints", name)
    if os.path.isfile(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    staged = f"{path}.{os.getpid()}.partial"
    try:
        fetch(url, staged)
        check_hash_prefix(staged, name, url)
        os.replace(staged, path)
    finally:
        if os.path.exists(staged):
            os.remove(staged)


def check_hash_prefix(path: str, name: str, url: str) -> None:
    """Refuse a downloaded file whose SHA-256 does not start with the prefix its name
    carries (a damaged download, or a proxy's error page)."""
    found = HASH_IN_NAME.search(name)
    if found is None:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    if not digest.hexdigest().startswith(found.group(1)):
        raise DataError(tr("The file downloaded from {} is not the one published (its "
                           "SHA-256 does not start with {}): a damaged download, or a "
                           "page of the proxy instead of the file.").format(url, found.group(1)))
