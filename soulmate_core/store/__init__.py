"""Storage behind one port. The core holds the port and its embedded SQLite adapter (standard
library only); ``soulmate_adapters.open_store(url)`` is how the edges get any adapter."""

from __future__ import annotations

from soulmate_core.store.base import Changes, Store

__all__ = ["Changes", "Store"]
