"""The ``soulmate`` command line: a thin edge over ``service``.

Exit codes: 0 done, 1 unknown user (or another domain failure), 2 bad arguments or bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import NoReturn, TextIO

from soulmate_adapters import open_store
from soulmate_adapters.stores import open_index
from soulmate_cli import card
from soulmate_cli.every_match import every_users_matches
from soulmate_cli.imports import add_import_commands
from soulmate_cli.parallel_build import build_in_parallel
from soulmate_cli.parallel_seed import seed_in_parallel
from soulmate_cli.profile_text import plain, print_profile
from soulmate_cli.progress import ProgressBar
from soulmate_core import service
from soulmate_core.demo import DEFAULT_USERS, demo_population
from soulmate_core.errors import InputError, SoulmateError, StoreError, UnknownUserError
from soulmate_core.handles import public_name
from soulmate_core.schema import MatchesOut, ProfileOut
from soulmate_core.scoring import Match
from soulmate_core.settings import get_settings
from soulmate_core.store import Store
from soulmate_core.synthetic import DEFAULT_SEED as SYNTHETIC_SEED

EXIT_UNKNOWN = 1
EXIT_USAGE = 2
API_EXTRA = "pip install 'soulmate-finder[api]'"
MAX_SYNTHETIC = 9_999_999  # synthetic user ids have seven digits


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"soulmate: error: {message}\n")


def _limit(text: str, high: int = 100) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= high:
        raise argparse.ArgumentTypeError(f"must be from 1 to {high}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="soulmate", description="Find the people whose music taste matches yours.")
    parser.add_argument("--store", help="store URL (default: $SOULMATE_STORE or sqlite:///data/soulmate.db)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    add_import_commands(commands)

    seed = commands.add_parser("seed-demo", help="store the deterministic demo population")
    seed.add_argument("--users", type=lambda t: _limit(t, 100_000), default=DEFAULT_USERS)
    seed.add_argument("--if-empty", action="store_true", help="do nothing when the store has profiles")
    seed.set_defaults(run=_seed_demo)

    synth = commands.add_parser("seed-synthetic", help="store a large synthetic population")
    synth.add_argument(
        "--users", type=lambda t: _limit(t, MAX_SYNTHETIC), required=True, help=f"1 to {MAX_SYNTHETIC}"
    )
    synth.add_argument(
        "--seed",
        type=_seed,
        default=SYNTHETIC_SEED,
        help=f"the same seed, the same people (default {SYNTHETIC_SEED})",
    )
    synth.add_argument(
        "--chunk", type=lambda t: _limit(t, 100_000), default=2000, help="profiles per write (default 2000)"
    )
    synth.set_defaults(run=_seed_synthetic)

    prof = commands.add_parser("profile", help="show one user's taste profile")
    prof.add_argument("user_id")
    prof.add_argument("--format", choices=("table", "json"), default="table")
    prof.set_defaults(run=_profile)

    mat = commands.add_parser("matches", help="a user's soulmates, or everyone's with --all")
    mat.add_argument("user_id", nargs="?")
    mat.add_argument("--all", action="store_true", help="every user, one JSON line each")
    mat.add_argument("--limit", type=_limit, default=10, help="1 to 100 (default 10)")
    mat.add_argument("--format", choices=("table", "json", "jsonl"), default="table")
    mat.add_argument(
        "--exact",
        action="store_true",
        help="score every discoverable user exactly (slow; the index's reference)",
    )
    mat.set_defaults(run=_matches)

    build = commands.add_parser("build-index", help="fit the model and write the match snapshot")
    build.set_defaults(run=_build_index)

    api = commands.add_parser("serve-api", help="serve the Lambda API locally over HTTP")
    api.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    api.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    api.add_argument(
        "--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"), default="WARNING", help="on stderr"
    )
    api.set_defaults(run=_serve_api)

    card.add_parser(commands)

    dele = commands.add_parser("delete", help="delete a user's profile")
    dele.add_argument("user_id")
    dele.set_defaults(run=_delete)

    ev = commands.add_parser("evaluate", help="match quality on a split with friendships (own temp store)")
    ev.add_argument("split_dir", help="directory with listens.csv, artist_genres.csv, friends.csv")
    ev.add_argument("--limit", type=_limit, default=10, help="the k of recall@k and hit@k (default 10)")
    ev.set_defaults(run=_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="soulmate: %(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace, Store], int] = args.run
    try:
        if args.command == "serve-api":
            return _serve_api(args)
        if args.command == "matches":
            _check_matches_args(parser, args)
        if args.command == "evaluate":
            return _evaluate(args)
        store = open_store(args.store)
        try:
            return run(args, store)
        finally:
            store.close()
    except UnknownUserError as exc:
        print(f"soulmate: {plain(str(exc))}", file=sys.stderr)
        return EXIT_UNKNOWN
    except (InputError, StoreError) as exc:
        print(f"soulmate: {plain(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except SoulmateError as exc:
        print(f"soulmate: {plain(str(exc))}", file=sys.stderr)
        return EXIT_UNKNOWN
    except BrokenPipeError:
        return 0


def _check_matches_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.all == bool(args.user_id):
        parser.error("matches takes either USER_ID or --all")
    if args.all and args.format != "jsonl":
        parser.error("matches --all writes --format jsonl")
    if not args.all and args.format == "jsonl":
        parser.error("--format jsonl goes with --all")
    if args.all and args.exact:
        parser.error("--exact goes with one USER_ID")


def _seed_demo(args: argparse.Namespace, store: Store) -> int:
    if args.if_empty and next(iter(store.iter_all()), None) is not None:
        service.teach_catalogue(store, demo_population(args.users))
        print("the store already has profiles; not seeding (the artist catalogue knows the demo artists)")
        return 0
    written = service.save_profiles(store, demo_population(args.users))
    open_index(store, args.store).rebuild()
    print(f"stored {written} demo profiles")
    return 0


def _seed_synthetic(args: argparse.Namespace, store: Store) -> int:
    """Every core draws and writes spans of listeners (``parallel_seed``); each chunk is one
    ``put_many``, so all of it lands or none, and a stopped run keeps whole chunks."""
    bar = ProgressBar("storing synthetic listeners")
    written = 0
    try:
        for count in seed_in_parallel(store, args.store, args.users, args.seed, args.chunk):
            written += count
            bar.update(written, args.users)
    finally:
        bar.close()
    print(f"stored {written} synthetic profiles (seed {args.seed})")
    return 0


def _profile(args: argparse.Namespace, store: Store) -> int:
    profile = service.get_profile(store, args.user_id)
    if args.format == "json":
        print(ProfileOut.of(profile).model_dump_json(indent=2))
    else:
        print_profile(profile, sys.stdout)
    return 0


def _matches(args: argparse.Namespace, store: Store) -> int:
    index = open_index(store, args.store)
    if args.all:
        for line in every_users_matches(index.matcher(), store, args.limit, args.store):
            sys.stdout.write(line)
        return 0
    matches = service.exact_matches_for if args.exact else service.matches_for
    found = matches(store, args.user_id, args.limit, index)
    if args.format == "json":
        print(MatchesOut.of(args.user_id, found, get_settings().alias_key).model_dump_json(indent=2))
    else:
        _print_matches(found, sys.stdout, get_settings().alias_key)
    return 0


def _build_index(args: argparse.Namespace, store: Store) -> int:
    started = time.perf_counter()
    logging.getLogger("soulmate.index").setLevel(logging.INFO)  # each stage of a long build, as it ends
    builder = partial(build_in_parallel, store_url=args.store)
    snapshot = open_index(store, args.store, builder=builder).rebuild()
    print(
        f"indexed {len(snapshot)} discoverable listeners in {time.perf_counter() - started:.1f} s "
        f"({snapshot.population.dims} latent dimensions, {len(snapshot.centroids)} clusters)"
    )
    return 0


def _evaluate(args: argparse.Namespace, store: Store | None = None) -> int:
    """Uses its own temporary store, never ``--store``."""
    from soulmate_core.evaluation import evaluate_split, format_table

    importing, ranking = ProgressBar("importing the split"), ProgressBar("ranking by each method")
    try:
        results = evaluate_split(args.split_dir, args.limit, importing.update, ranking.update)
    finally:
        importing.close()
        ranking.close()
    print(format_table(results, args.limit))
    return 0


def _delete(args: argparse.Namespace, store: Store) -> int:
    service.delete_user(store, args.user_id)
    print(f"deleted {plain(args.user_id)}")
    return 0


def _print_matches(found: list[Match], out: TextIO, alias_key: bytes) -> None:
    """Others by their public name (``handles``), never their user id; figures to whole points."""
    if not found:
        out.write("no matches yet: nobody discoverable shares this taste\n")
    for rank, m in enumerate(found, start=1):
        name = public_name(m.other_id, m.other_display_name, alias_key)
        out.write(f"{rank:>3}. {m.score:4.2f}  {plain(name)}\n       {plain(m.summary)}\n")


def _seed(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 up")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return int(text)


def _serve_api(args: argparse.Namespace, store: Store | None = None) -> int:
    """The same Lambda handler behind a local HTTP server; imported only here, to keep the CLI light."""
    try:
        import soulmate_api.handler  # noqa: F401  (the workers import it; a missing package shows here)
        from soulmate_api.local import serve
    except ImportError as exc:
        raise InputError(f"serve-api needs the API's packages ({exc.name} is missing): {API_EXTRA}") from exc
    settings = get_settings()
    if args.store:
        settings = settings.model_copy(update={"store_url": args.store})
    serve(args.host, args.port, settings, args.log_level)
    return 0
