"""One artist, however a history spells it: names joined by the ids that occur with them.

An artist may reach a history under several names: a scrobbler's "Beyonce feat. JAY-Z" whose
MusicBrainz mapping says Beyoncé, or a name a ListenBrainz listen spells one way and the same
Spotify track another. Names, MusicBrainz and Spotify artist ids and Spotify track URIs that occur
on one play are one artist: ``components`` joins them, with numpy and no per-name objects, and gives
every play its artist's key. Keys are 64-bit hashes, good within one import (never stored).
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray


def node(kind: str, text: str) -> int:
    """The key of a name or id (``kind``: "n" a name key, "t" a title, "mb", "sa", "st" ids)."""
    digest = hashlib.blake2b(f"{kind}\x00{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) or 1  # 0 means "none"


def components(
    nodes: NDArray[np.int64], linked: NDArray[np.int64], links: NDArray[np.int64]
) -> NDArray[np.int64]:
    """For each play, the smallest key of the component its node joins: play ``linked[i]`` is
    joined to id ``links[i]``. Label propagation with pointer jumping, a few passes over the links.
    Without links, ``nodes`` itself."""
    if not len(links):
        return nodes
    every, inverse = np.unique(np.concatenate([nodes, links]), return_inverse=True)
    node_at = inverse[: len(nodes)]
    left = node_at[linked]
    right = inverse[len(nodes) :]
    label = np.arange(len(every))
    while True:
        lower = np.minimum(label[left], label[right])
        new = label.copy()
        np.minimum.at(new, left, lower)
        np.minimum.at(new, right, lower)
        new = new[new]
        if np.array_equal(new, label):
            found: NDArray[np.int64] = every[label[node_at]]
            return found
        label = new
