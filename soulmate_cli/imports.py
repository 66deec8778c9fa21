"""``soulmate import``: one front door for every listening history, and today's import commands as
its aliases.

Each file's format is read from its content (``soulmate_core.sources.formats``). One person's
history (Spotify, ListenBrainz, Last.fm, Libre.fm, a ``.scrobbler.log``, in any mix) becomes one
profile under ``--user-id``; tables of many listeners become one profile per listener. Everything
is read and validated before anything is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeVar

from soulmate_cli.progress import ProgressBar
from soulmate_core import service
from soulmate_core.catalogue import genre_coverage
from soulmate_core.errors import InputError
from soulmate_core.listening import listening_lines
from soulmate_core.settings import get_settings
from soulmate_core.sources.bounded import Source, settle_all
from soulmate_core.sources.formats import TABLES
from soulmate_core.sources.history import MAX_MEMBERS, profile_from_history, read_history
from soulmate_core.sources.input_files import formats_of
from soulmate_core.sources.listens import TimedTally, tally_tables
from soulmate_core.store import Store
from soulmate_core.text import clean_text

FORMATS_HELP = (
    "Spotify extended streaming history or account data, a ListenBrainz export, Last.fm or Libre.fm "
    "scrobbles (CSV), a .scrobbler.log, or a table of many listeners; zips of these too"
)


Parser = TypeVar("Parser", bound=argparse.ArgumentParser)


def add_import_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    imp = commands.add_parser("import", help="import listening histories; each file's format is read from it")
    imp.add_argument("paths", nargs="+", metavar="PATH", help=FORMATS_HELP)
    _person_options(imp, required=False)
    imp.add_argument("--genres", help="CSV with header artist,genre, for a user_id,artist,weight table")
    imp.set_defaults(run=import_files)

    listens = commands.add_parser("import-listens", help="import a table of many listeners (as import)")
    listens.add_argument("listens", help="CSV with header user_id,artist,weight or user_id,ts,artist,track")
    listens.add_argument("--genres", help="CSV with header artist,genre")
    listens.set_defaults(run=import_files, user_id=None, display_name=None, discoverable=False)

    exp = commands.add_parser("import-spotify-export", help="import one person's history (as import)")
    exp.add_argument("paths", nargs="+", metavar="PATH", help="the export zip, or its history JSON files")
    _person_options(exp, required=True)
    exp.set_defaults(run=import_files, genres=None)


def _person_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--user-id", required=required, help="the user id to store one person's history under"
    )
    parser.add_argument("--display-name", help="the name others see (default: the user id)")
    parser.add_argument("--discoverable", action="store_true", help="let others find this profile")


def import_files(args: argparse.Namespace, store: Store) -> int:
    cap = get_settings().max_export_bytes
    paths = [args.listens] if getattr(args, "listens", None) else args.paths
    files = settle_all([(Path(path).name, Path(path)) for path in paths], cap)
    formats = formats_of(files, cap, MAX_MEMBERS)
    if formats <= TABLES:
        if args.user_id:
            raise InputError("--user-id is for one person's history; a table names its own listeners")
        return _import_tables(files, args.genres, cap, store)
    if formats & TABLES:
        raise InputError("import a table of many listeners on its own, apart from one person's history")
    if args.genres:
        raise InputError("--genres goes with a user_id,artist,weight table")
    return _import_history(files, args, cap, store)


def _import_history(files: list[tuple[str, Source]], args: argparse.Namespace, cap: int, store: Store) -> int:
    user_id = (args.user_id or "").strip()
    if not user_id:
        raise InputError("--user-id is needed to import one person's history")
    bar = ProgressBar("reading the history")
    try:
        history = read_history(files, max_total_bytes=cap, progress=bar.update)
        profile = profile_from_history(
            history,
            user_id=user_id,
            display_name=args.display_name or user_id,
            discoverable=args.discoverable,
        )
    finally:
        bar.close()
    profile = service.save_profile(store, profile)
    assert profile.listening is not None
    ranges = ", ".join(f"{name} {len(taste.artists)} artists" for name, taste in profile.ranges.items())
    print(f"imported {profile.listening.counted} listens for {_plain(user_id)} ({profile.source}): {ranges}")
    for line in listening_lines(profile.listening)[1:]:
        print(f"  {line}")
    if profile.catalogue_genres:
        with_genres, artists = genre_coverage(profile)
        print(f"  genres from the artist catalogue: {with_genres} of {artists} artists have genres")
    return 0


def _import_tables(files: list[tuple[str, Source]], genres: str | None, cap: int, store: Store) -> int:
    """Profiles go to the store as they are built, in one ``put_many`` (all or none), and teach
    the artist catalogue the genres they carry. The match index is not rebuilt here: the new
    profiles join it as writes do, and ``build-index`` refits."""
    with tally_tables(files, genres, cap) as tally:
        bar = ProgressBar("building profiles")
        try:
            written = service.save_profiles(store, tally.profiles(progress=bar.update))
        finally:
            bar.close()
        if isinstance(tally, TimedTally):
            print(f"imported {tally.rows} plays: {written} profiles, {tally.artists} distinct artists")
            if missing := tally.without_listens:
                who = ", ".join(_plain(user_id) for user_id in missing[:10]) + (
                    " ..." if len(missing) > 10 else ""
                )
                listeners = "listener" if len(missing) == 1 else "listeners"
                print(f"  {len(missing)} {listeners} had no play that counts as a listen: {who}")
        else:
            print(
                f"imported {tally.rows} listens: {written} profiles ({tally.with_genres} with genres), "
                f"{tally.artists} distinct artists"
            )
    return 0


def _plain(text: str) -> str:
    return clean_text(text, len(text))
