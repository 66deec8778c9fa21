"""Share codes in the core: unguessable, found in whatever a person pastes, and the use cases that
make one, open one and compare by one (or with a listener who opted in) on a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soulmate_core import service, sharing
from soulmate_core.demo import demo_population
from soulmate_core.errors import InputError, UnknownShareCodeError, UnknownUserError
from soulmate_core.live import LiveIndex
from soulmate_core.scoring import match
from soulmate_core.store import Store
from soulmate_core.store.sqlite import SQLiteStore

CODE = "AbC_dEf-1234567890xyzQ"


def test_a_code_is_22_url_safe_characters_of_fresh_randomness() -> None:
    codes = {sharing.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(sharing.is_code(c) and len(c) == sharing.CODE_LENGTH for c in codes)
    # every one of the 64 characters turns up: the code is not drawn from a smaller alphabet
    assert set("".join(c[:-1] for c in codes)) == set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )


@pytest.mark.parametrize(
    ("pasted", "found"),
    [
        (CODE, CODE),
        (f"  {CODE}\n", CODE),
        (f"http://127.0.0.1:8501/compare?share={CODE}", CODE),
        (f"https://soulmates.example/compare?utm=x&share={CODE}#top", CODE),
        (f"127.0.0.1:8501/compare?share={CODE}", CODE),
        (CODE[:-1], None),
        (CODE + "A", None),
        (f"http://x/compare?share={CODE}&share={CODE}", None),
        (f"http://x/compare?share={CODE}A", None),
        ("soulmate-key-" + "A" * 43, None),
        ("", None),
        ("x" * 5000 + CODE, None),
    ],
)
def test_a_code_is_found_alone_or_in_a_link_and_nothing_else_passes(pasted: str, found: str | None) -> None:
    assert sharing.find_code(pasted) == found


def test_a_link_opens_the_compare_page_with_the_code_whatever_url_it_starts_from() -> None:
    for page in ("http://127.0.0.1:8501/compare", "http://127.0.0.1:8501/compare?share=old#x"):
        made = sharing.link(page, CODE)
        assert made == f"http://127.0.0.1:8501/compare?share={CODE}"
        assert sharing.find_code(made) == CODE


def test_the_hash_is_sha256_of_the_code() -> None:
    assert sharing.code_hash(CODE) == sharing.code_hash(CODE) != sharing.code_hash(CODE.lower())
    assert len(sharing.code_hash(CODE)) == 64 and CODE not in sharing.code_hash(CODE)


# --- the use cases, on a real store -------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = SQLiteStore(tmp_path / "share.db")
    people = demo_population(60)
    opened.put_many(people)
    for number in (1, 2):  # two real listeners, both hidden
        opened.put(
            people[number].with_changes(user_id=f"real-{number}", source="listens", discoverable=False)
        )
    yield opened
    opened.close()


@pytest.fixture
def index(store: Store) -> LiveIndex:
    return LiveIndex(store, compact_in_background=False)


def test_comparing_by_code_scores_the_pair_as_the_model_does_though_both_are_hidden(
    store: Store, index: LiveIndex
) -> None:
    code = service.new_share_code(store, "real-1")
    other, found = service.compare_by_code(store, "real-2", f"http://host/compare?share={code}", index)
    assert other.user_id == "real-1"
    population = index.matcher().snapshot.population
    expected = match(store.get("real-2"), store.get("real-1"), population)  # type: ignore[arg-type]
    assert (found.other_id, found.score, found.components) == ("real-1", expected.score, expected.components)


def test_a_replaced_code_opens_no_one_and_nor_does_garbage(store: Store, index: LiveIndex) -> None:
    old = service.new_share_code(store, "real-1")
    new = service.new_share_code(store, "real-1")
    assert service.profile_for_share_code(store, new).user_id == "real-1"
    for text in (old, "", "not a code", sharing.new_code()):
        with pytest.raises(UnknownShareCodeError):
            service.compare_by_code(store, "real-2", text, index)


def test_ones_own_code_and_an_unknown_owner_are_refused(store: Store, index: LiveIndex) -> None:
    code = service.new_share_code(store, "real-1")
    with pytest.raises(InputError, match="your own"):
        service.compare_by_code(store, "real-1", code, index)
    with pytest.raises(UnknownUserError):
        service.new_share_code(store, "nobody")
    with pytest.raises(UnknownUserError):
        service.compare_by_code(store, "nobody", code, index)


def test_without_a_code_a_hidden_listener_is_as_unknown_as_one_who_never_was(
    store: Store, index: LiveIndex
) -> None:
    other, found = service.compare_with_listener(store, "real-2", "demo-0005", index)
    assert other.user_id == found.other_id == "demo-0005"
    for hidden_or_nobody in ("real-1", "nobody", "real-2"):
        with pytest.raises(UnknownUserError):
            service.compare_with_listener(store, "real-2", hidden_or_nobody, index)
