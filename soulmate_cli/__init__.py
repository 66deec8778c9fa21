"""The ``soulmate`` command line: a thin edge over ``soulmate_core``'s use cases.

It sits above every other layer: it opens stores through ``soulmate_adapters`` and, for
``serve-api`` only, starts ``soulmate_api``'s local server.
"""

from soulmate_cli.commands import main
from soulmate_cli.progress import ProgressBar

__all__ = ["ProgressBar", "main"]
