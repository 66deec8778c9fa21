"""``soulmate card USER [--with OTHER] --out FILE.png``: a share card of a taste profile or a match.

The card shows the other person by their public name and USER only as "You", unless ``--name``
asks for USER's own name; never a user id (``soulmate_card.layout``). Pillow comes with the
``card`` extra: without it the command says so and exits 2, like ``serve-api`` without ``api``.
The file is written whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import Any

from soulmate_adapters.stores import open_index
from soulmate_card.layout import Card, match_card, profile_card
from soulmate_core import service
from soulmate_core.errors import InputError
from soulmate_core.handles import chosen_name, public_name
from soulmate_core.settings import get_settings
from soulmate_core.store import Store

CARD_EXTRA = "pip install 'soulmate-finder[card]'"


def add_parser(commands: argparse._SubParsersAction[Any]) -> None:
    card = commands.add_parser("card", help="a share card (PNG): USER's taste, or USER's match with OTHER")
    card.add_argument("user_id", metavar="USER")
    card.add_argument("--with", dest="other", metavar="OTHER", help="the other listener's user id")
    card.add_argument("--out", required=True, metavar="FILE.png", help="where to write the PNG")
    card.add_argument("--name", action="store_true", help="show USER's own chosen name (default: 'You')")
    card.set_defaults(run=run)


def run(args: argparse.Namespace, store: Store) -> int:
    out = _target(args.out)
    try:
        from soulmate_card.draw import png
    except ImportError as exc:
        raise InputError(f"card needs Pillow ({exc.name} is missing): {CARD_EXTRA}") from exc
    card = _card(args, store)
    _write(out, png(card))
    print(f"wrote {out}: {card.texts('title')[0]}")
    return 0


def _card(args: argparse.Namespace, store: Store) -> Card:
    me = service.get_profile(store, args.user_id)
    my_name = chosen_name(me.user_id, me.display_name) if args.name else None
    if args.other is None:
        return profile_card(me, my_name)
    if args.other == args.user_id:
        raise InputError("--with names USER itself: a match card needs another listener")
    other = service.get_profile(store, args.other)
    found = open_index(store, args.store).matcher().explain_pair(me, other)
    return match_card(
        found, public_name(other.user_id, other.display_name, get_settings().alias_key), my_name
    )


def _target(text: str) -> Path:
    out = Path(text)
    if out.suffix.lower() != ".png":
        raise InputError(f"--out must name a .png file, not {text!r}")
    if not out.parent.is_dir():
        raise InputError(f"--out: no folder {str(out.parent)!r} to write into")
    return out


def _write(out: Path, data: bytes) -> None:
    """Into a new file beside ``out``, then renamed over it: never a half-written card."""
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as file:
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
