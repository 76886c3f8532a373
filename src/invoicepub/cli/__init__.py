"""The ``invoices`` command, one module per command as ``mkdocs/commands/`` has them: each module
is named after its command and says what it does (``HELP``, ``DESCRIPTION``), adds its options
(``arguments``) and runs (``run``); ``common`` holds what they share.

The commands that write the user's files keep their logic in the core's own modules
(``new_invoice``, ``record_payment``, ``accept_estimate``, ``recurring``, ``reminders``,
``verifactu.register``): a command reads its arguments, calls them, writes and says what it did.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..problems import InvoiceError
from ..settings import CONFIG_FILE
from . import accept, audit, check, common, links, new, pay, recur, remind, status, verifactu
from .common import CommandError


# In the order ``invoices --help`` lists them.
COMMANDS = (check, links, new, pay, remind, accept, recur, status, audit, verifactu)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    root = Path(args.root).resolve()
    try:
        if not (root / CONFIG_FILE).is_file():
            raise CommandError(f"no {CONFIG_FILE} in {root}: run this from the site's root (or pass --root)")
        common.secret()  # a secret too short to protect the links stops every command
        return args.run(root, args)
    except InvoiceError as error:
        for problem in error.problems:
            print(problem)
        print(f"invoices: {len(error.problems)} problem(s) found", file=sys.stderr)
        return 1
    except CommandError as error:
        print(f"invoices: error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="invoices", description="Manage the invoices of this site.")
    parser.add_argument("--root", default=".", help="the site's root folder, holding mkdocs.yml (default: .)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        name = command.__name__.rpartition(".")[2]
        subparser = commands.add_parser(name, help=command.HELP, description=command.DESCRIPTION)
        if hasattr(command, "run"):
            subparser.set_defaults(run=command.run)
        if hasattr(command, "arguments"):
            command.arguments(subparser)
    return parser
