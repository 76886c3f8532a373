"""``invoices verifactu register``, ``send`` and ``cancel`` (SPEC §12): the chain of VERI*FACTU
records and its sending to the AEAT."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..site import Site
from ..verifactu import records as verifactu_records
from ..verifactu.register import plan_cancel, plan_register
from ..verifactu.registry import unresolved as unresolved_refusals
from ..verifactu.schemas import SchemaError
from ..verifactu.send import SendError, send, settings_from
from ..verifactu.store import ACCEPTED_WITH_ERRORS, PENDING, RECORDS_FILE, add_answers, append_records

from . import common
from .common import CommandError


HELP = "register invoices with the AEAT (Spain's VERI*FACTU)"
DESCRIPTION = f"Keep the chain of VERI*FACTU records in {RECORDS_FILE} and send it to the AEAT (business.yml's verifactu:)."


def arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    register = actions.add_parser("register", help="write the records of the documents not registered yet", description="Append a registro de alta for every published invoice and credit note that has none; run twice, it writes nothing new.")
    register.set_defaults(run=_verifactu_register)
    send_cmd = actions.add_parser(
        "send",
        help="send the records not answered yet to the AEAT",
        description="Send every pending record (at most 1,000 a request) with the certificate in VERIFACTU_CERT "
        "(PKCS#12, base64) and VERIFACTU_CERT_PASSWORD; store each answer beside its record; exit 1 on any refusal.",
    )
    send_cmd.set_defaults(run=_verifactu_send)
    cancel = actions.add_parser("cancel", help="cancel a registered document (a registro de anulación)", description="Append the anulación of a registered document that should never have been issued, and set its status: void.")
    cancel.add_argument("number", metavar="NUMBER", help="the invoice or credit note's number")
    cancel.set_defaults(run=_verifactu_cancel)
    parser.set_defaults(run=lambda root, args: parser.print_help() or 2)


def _registering_site(root: Path) -> Site | None:
    """The site, when its business registers its invoices; None (having said so) when it does not."""
    site = common.load(root)
    if site.registry is None:
        print("business.yml has no verifactu: nothing to do")
        return None
    return site


def _verifactu_register(root: Path, args: argparse.Namespace) -> int:
    site = _registering_site(root)
    if site is None:
        return 0
    try:
        new = plan_register(site, verifactu_records.now())
    except SchemaError as error:
        raise CommandError(f"a record would not be valid against the AEAT's schema ({error}); nothing was written") from None
    if not new:
        print("nothing new to register")
        return 0
    append_records(root, new)
    for data in new:
        print(f"registered {data['TipoFactura']} {data['NumSerieFactura']} ({data['FechaExpedicionFactura']}, {data['ImporteTotal']} EUR)")
    print(f"{len(new)} record(s) written to {RECORDS_FILE}; send them with `invoices verifactu send`")
    return 0


def _verifactu_send(root: Path, args: argparse.Namespace) -> int:
    site = _registering_site(root)
    if site is None:
        return 0
    records = site.registry.records
    if any(record.state == PENDING for record in records):
        try:
            settings = settings_from(site.registry.settings, os.environ, verifactu_records.now())
            answered = send(site.registry.settings, records, settings, lambda answers: add_answers(root, answers), print)
        except SendError as error:
            raise CommandError(str(error)) from None
        for line in answered:
            if line["EstadoRegistro"] == ACCEPTED_WITH_ERRORS:
                print(f"accepted with errors: {line['NumSerieFactura']}: {line.get('CodigoErrorRegistro')} {line.get('DescripcionErrorRegistro', '')}")
        site = common.load(root)
    else:
        print("nothing to send: every record has the AEAT's answer")
    # A refused record leaves its document unregistered until it is corrected and registered again.
    refused = unresolved_refusals(site.registry, site.published)
    for record in refused:
        answer = record.data["respuesta"]
        print(f"refused: {record.number}: {answer.get('CodigoErrorRegistro')} {answer.get('DescripcionErrorRegistro', '')}")
    if refused:
        print(
            f"invoices: the AEAT refused {len(refused)} record(s): correct each document, then run "
            "`invoices verifactu register` and `invoices verifactu send`",
            file=sys.stderr,
        )
        return 1
    return 0


def _verifactu_cancel(root: Path, args: argparse.Namespace) -> int:
    site = _registering_site(root)
    if site is None:
        return 1
    try:
        planned = plan_cancel(root, site, args.number, verifactu_records.now())
    except (ValueError, SchemaError) as error:
        raise CommandError(str(error)) from None
    original = planned.path.read_text(encoding="utf-8")
    common.write_atomically(planned.path, planned.text)
    try:
        append_records(root, [planned.record])
    except BaseException:  # no anulación written: the file is as it was
        common.write_atomically(planned.path, original)
        raise
    print(f"cancelled {args.number}: anulación written to {RECORDS_FILE}, status: void in {planned.path.relative_to(root).as_posix()}")
    return 0

