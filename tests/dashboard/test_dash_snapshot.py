"""Once ``soulmate build-index`` has written the snapshot, no page reads every profile or fits
anything: the population, the personas, the map and the dimensions come from the snapshot."""

from __future__ import annotations

import json

import pytest

from soulmate_adapters import open_store
from soulmate_adapters.stores import open_index
from soulmate_app import data
from soulmate_core import Store
from soulmate_core.handles import DEVELOPMENT_KEY, public_name
from soulmate_core.profile import make_profile
from tests.store_spies import CountingStore

from .conftest import figure_titled, sign_in_as_persona

PERSONA = "demo-0007"
LATER = "2030-01-01T00:00:00.000000Z"


def test_pages_read_the_snapshot_and_writes_since_not_every_profile(
    app, store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_index(store, store_url).rebuild()  # what `soulmate build-index` does
    hidden = store.get("demo-0042")
    fan = store.get("demo-0011")
    assert hidden is not None and fan is not None
    store.put(hidden.with_changes(discoverable=False, updated_at=LATER))
    newcomer = make_profile(
        user_id="newcomer-1",
        display_name="<b>Newbie</b>",
        source="listens",
        ranges={"all_time": fan.ranges[fan.main_range()]},
        discoverable=True,
    )
    store.put(newcomer)
    opened: list[CountingStore] = []

    def counting_store(url: str) -> CountingStore:
        opened.append(CountingStore(open_store(url)))
        return opened[-1]

    monkeypatch.setattr(data, "open_store", counting_store)
    at = sign_in_as_persona(app(), PERSONA)
    for page in ("pages/my_taste.py", "pages/soulmates.py", "pages/compare.py", "pages/taste_map.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)

    figure = figure_titled(at, "Taste map")
    dumped = json.dumps(figure)
    texts = [text for trace in figure["data"] for text in trace["text"]]
    tag = public_name("newcomer-1", "", DEVELOPMENT_KEY)
    assert tag in texts, "who opted in since the snapshot is drawn, without a name to a demo persona"
    assert not any("Newbie" in text for text in texts)
    assert hidden.display_name not in dumped and "newcomer-1" not in dumped
    assert opened and sum(s.full_reads for s in opened) == 0
