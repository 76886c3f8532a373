"""The ``invoices`` command: check, links, new, pay and status, run from the site's root."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from pathlib import Path

import yaml

from . import bank_history, links
from .audit import audit_site, private_details, sealed_site
from .einvoice import eligibility
from .fields import identifier
from .load import load_ledger
from .accept_estimate import plan_acceptance
from .model import CREDIT_NOTE, ESTIMATE, INVOICE, SEALED
from .mail import Mailer, SmtpSettings, compose
from .money import fits_minor_units, minor_units, plain
from .new_invoice import plan_new_invoice
from .problems import InvoiceError
from .record_payment import NewPayment, append_payment
from .recurring import plan_recurring
from .reminders import RECORD_FILE, Reminder, read_record, reminders_due, write_record
from .report import status_report
from .settings import CONFIG_FILE, SAMPLE_SITE_URL, SiteSettings, is_absolute_url, read_settings
from .site import Site, load_site, secret_from, today_from
from .verifactu import records as verifactu_records
from .verifactu.register import plan_cancel, plan_register
from .verifactu.registry import unresolved as unresolved_refusals
from .verifactu.schemas import SchemaError
from .verifactu.send import SendError, send, settings_from
from .verifactu.store import ACCEPTED_WITH_ERRORS, PENDING, RECORDS_FILE, add_answers, append_records


class CommandError(Exception):
    """A one-line error for the user; the command exits 1 and changes nothing."""


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
        _secret()  # a secret too short to protect the links stops every command
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
    _document_commands(commands)
    _site_commands(commands)
    _verifactu_commands(commands)
    return parser


def _document_commands(commands) -> None:
    """The commands that read or write the invoice files: check, links, new, pay."""
    check = commands.add_parser("check", help="validate every file under invoices/", description="Validate every file under invoices/; print each problem as path:line: message.")
    check.set_defaults(run=_check)

    links_cmd = commands.add_parser("links", help="list the private links to share", description="Print every client page URL and every published invoice URL (drafts are not published).")
    links_cmd.add_argument("--json", action="store_true", help="print a JSON list of {client, invoice, url}")
    links_cmd.add_argument("--base", metavar="URL", help="join the links to this address instead of site_url, e.g. http://127.0.0.1:8000/invoices/ for mkdocs serve")
    links_cmd.set_defaults(run=_links)

    new = commands.add_parser("new", help="start the next invoice for a client", description="Write the next invoice file for CLIENT (as a draft) and print its path.")
    new.add_argument("client", metavar="CLIENT", help="the client's id: its file name in invoices/clients/ without .yml")
    new.add_argument("--number", help="use this invoice number instead of the next one in sequence")
    new.set_defaults(run=_new)

    pay = commands.add_parser("pay", help="record a payment on an invoice", description="Append a payment to an invoice's file, keeping its comments and layout.")
    pay.add_argument("number", metavar="NUMBER", help="the invoice number")
    pay.add_argument("amount", metavar="AMOUNT", help="the amount received, e.g. 200.00")
    pay.add_argument("--date", help="the date received, YYYY-MM-DD (default: today)")
    pay.add_argument("--method", help="how it was paid, e.g. 'bank transfer'")
    pay.add_argument("--reference", help="the payment's reference, e.g. the bank's transaction id")
    pay.set_defaults(run=_pay)


def _site_commands(commands) -> None:
    """The commands of the site's day: remind, accept, recur, status, audit."""
    remind = commands.add_parser(
        "remind",
        help="send (or show) today's payment reminders",
        description="Work out which open invoices are owed a reminder today and print them (a dry run), "
        "or send them through SMTP with --send. Sent reminders are recorded in reminders-sent.yml.",
    )
    remind.add_argument("--send", action="store_true", help="send through SMTP (settings from INVOICES_SMTP_* variables)")
    remind.add_argument("--days-before", type=_non_negative, default=3, metavar="N", help="remind N days before the due date (default 3; 0 for none)")
    remind.add_argument("--every", type=_positive, default=7, metavar="N", help="remind again every N days while overdue (default 7)")
    remind.set_defaults(run=_remind)

    accept = commands.add_parser("accept", help="accept an estimate and write its invoice", description="Mark an estimate accepted in its file (keeping its comments) and write the invoice that follows from it.")
    accept.add_argument("number", metavar="NUMBER", help="the estimate's number")
    accept.add_argument("--date", help="the day it was accepted and the invoice is issued, YYYY-MM-DD (default: today)")
    accept.set_defaults(run=_accept)

    recur = commands.add_parser(
        "recur",
        help="write the recurring invoices whose period has come",
        description="Write one invoice file for every period of every series in invoices/recurring/ whose issue date "
        "has come and that has no invoice yet, and print the new paths. Run twice, it writes nothing new.",
    )
    recur.add_argument("--until", help="write the periods issued up to this date, YYYY-MM-DD (default: today)")
    recur.set_defaults(run=_recur)

    status = commands.add_parser("status", help="list open invoices, most urgent first", description="List open invoices (due, partially paid, overdue) with balances and totals per currency.")
    status.set_defaults(run=_status)

    audit = commands.add_parser(
        "audit",
        help="check a built site before publishing it",
        description="The privacy audit of a built site: private pages carry the robots, referrer and "
        "Content-Security-Policy metas; no public file holds a client name, an invoice number or a private link; "
        "the sitemap and search index list no private page; no page loads from another origin. "
        "Prints each finding as path: what and exits 1 on any.",
    )
    audit.add_argument("site_dir", nargs="?", default="site", metavar="SITE_DIR", help="the built site, relative to the site's root (default: site)")
    audit.set_defaults(run=_audit)


def _verifactu_commands(commands) -> None:
    """SPEC §12: invoices verifactu register, send and cancel."""
    verifactu = commands.add_parser(
        "verifactu",
        help="register invoices with the AEAT (Spain's VERI*FACTU)",
        description=f"Keep the chain of VERI*FACTU records in {RECORDS_FILE} and send it to the AEAT (business.yml's verifactu:).",
    )
    actions = verifactu.add_subparsers(title="actions", metavar="ACTION")
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
    verifactu.set_defaults(run=lambda root, args: verifactu.print_help() or 2)


def _registering_site(root: Path) -> Site | None:
    """The site, when its business registers its invoices; None (having said so) when it does not."""
    site = _load(root)
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
        site = _load(root)
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
    _write_atomically(planned.path, planned.text)
    try:
        append_records(root, [planned.record])
    except BaseException:  # no anulación written: the file is as it was
        _write_atomically(planned.path, original)
        raise
    print(f"cancelled {args.number}: anulación written to {RECORDS_FILE}, status: void in {planned.path.relative_to(root).as_posix()}")
    return 0


def _today() -> datetime.date:
    try:
        return today_from(os.environ)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _secret() -> str | None:
    try:
        return secret_from(os.environ)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _settings(root: Path) -> SiteSettings:
    try:
        return read_settings(root)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _load(root: Path) -> Site:
    settings = _settings(root)
    return load_site(root, secret=_secret(), today=_today(), directory_urls=settings.use_directory_urls)


def _link_base(root: Path, base: str | None = None) -> str:
    """The absolute address links are joined to; a CommandError rather than a link a client cannot open."""
    settings = _settings(root)
    url = base or settings.site_url
    if not is_absolute_url(url):
        where = "--base" if base else f"site_url in {CONFIG_FILE}"
        shown = f" ({url!r})" if url else " is not set"
        raise CommandError(
            f"{where}{shown}: links must be absolute addresses such as https://you.github.io/invoices/, "
            "or a client could not open them"
        )
    if not base and settings.is_sample_url:
        print(
            f"invoices: warning: site_url in {CONFIG_FILE} is still the sample's ({SAMPLE_SITE_URL}); "
            "set it to your site's address",
            file=sys.stderr,
        )
    return url


def _check(root: Path, args: argparse.Namespace) -> int:
    site = _load(root)
    invoices = [entry for entry in site.entries if entry.invoice.kind == INVOICE]
    drafts = sum(1 for entry in invoices if not entry.invoice.published)
    open_count = sum(1 for entry in site.published if entry.figures.is_open)
    others = "".join(
        f", {count} {name}"
        for kind, name in ((ESTIMATE, "estimate(s)"), (CREDIT_NOTE, "credit note(s)"))
        if (count := sum(1 for entry in site.entries if entry.invoice.kind == kind))
    )
    print(
        f"ok: {len(invoices)} invoices ({drafts} draft){others}, {len(site.ledger.clients)} clients, "
        f"{open_count} open"
    )
    # Notes, not errors: an invoice without an e-invoice is still a valid invoice (SPEC §9).
    business = site.ledger.business
    for entry in site.published:
        if entry.invoice.kind == ESTIMATE:
            continue
        reasons = eligibility.missing(business, entry.client, entry.invoice)
        if reasons:
            kind = "credit note" if entry.invoice.kind == CREDIT_NOTE else "invoice"
            print(f"note: {entry.invoice.source}: {kind} {entry.invoice.number} has no e-invoice (XML): {eligibility.explain(reasons)}")
    for warning in site.unregistered_warnings():
        print(f"warning: {warning}")
    # SPEC §13: a changed account is how invoice fraud starts; the pages warn of these too.
    note = bank_history.state_note(site.bank_history)
    if note is not None:
        print(f"{note[0]}: {note[1]}")
    if site.bank_history is not None:
        for change in bank_history.recent_changes(site.bank_history, site.today, business.bank_change_notice_days):
            print(f"warning: {bank_history.describe(change)}")
    return 0


def _links(root: Path, args: argparse.Namespace) -> int:
    site = _load(root)
    site_url = _link_base(root, args.base)
    if site.preview:
        print(
            f"invoices: warning: {links.SECRET_VARIABLE} is not set; these are local preview links, "
            "not the published ones",
            file=sys.stderr,
        )
    rows = []
    for client_entry in site.clients:
        rows.append({"client": client_entry.client.id, "invoice": None, "url": site.link(site_url, client_entry.path)})
        documents = (*client_entry.invoices, *client_entry.estimates, *client_entry.credit_notes)
        for entry in sorted(documents, key=lambda e: e.invoice.number):
            rows.append({"client": client_entry.client.id, "invoice": entry.invoice.number, "url": site.link(site_url, entry.path)})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    table = [("CLIENT", "INVOICE", "URL")] + [(r["client"], r["invoice"] or "(client page)", r["url"]) for r in rows]
    _print_table(table, colour=_colour_wanted())
    return 0


def _new(root: Path, args: argparse.Namespace) -> int:
    today = _today()
    ledger = load_ledger(root, today)
    try:
        # The same rule as a number written in a file: one line, compared in NFC.
        number = identifier(args.number, None) if args.number is not None else None
    except ValueError as error:
        raise CommandError(f"--number: {error}") from None
    try:
        planned = plan_new_invoice(root, ledger, args.client, today, number)
    except ValueError as error:
        raise CommandError(str(error)) from None
    planned.path.parent.mkdir(parents=True, exist_ok=True)
    with planned.path.open("x", encoding="utf-8") as stream:
        stream.write(planned.text)
    print(planned.path.relative_to(root).as_posix())
    return 0


def _pay(root: Path, args: argparse.Namespace) -> int:
    site = _load(root)
    entry = site.entry(args.number)
    if entry is None:
        raise CommandError(f"unknown invoice number {args.number!r}")
    invoice = entry.invoice
    if invoice.kind != INVOICE:
        what = "an estimate" if invoice.kind == ESTIMATE else "a credit note"
        raise CommandError(f"{invoice.number} is {what}: payments are recorded on invoices")
    if invoice.state in ("void", "draft"):
        raise CommandError(f"invoice {invoice.number} is {invoice.state}: it cannot take a payment")
    amount = _amount(args.amount, invoice.currency)
    today = _today()
    try:
        day = datetime.date.fromisoformat(args.date) if args.date else today
    except ValueError:
        raise CommandError(f"--date {args.date!r} is not a date as YYYY-MM-DD") from None
    if day > today:
        raise CommandError(f"--date {day.isoformat()} is after today ({today.isoformat()}): record a payment once it is received")
    path = root / invoice.source.path
    original = path.read_text(encoding="utf-8")
    try:
        updated = append_payment(original, NewPayment(day, args.amount.strip(), args.method, args.reference))
    except ValueError as error:
        raise CommandError(f"{invoice.source.path}: {error}") from None
    _write_atomically(path, updated)
    try:
        after = _load(root)
        new_entry = after.entry(invoice.number)
        if new_entry is None or len(new_entry.invoice.payments) != len(invoice.payments) + 1:
            raise CommandError(f"{invoice.source.path}: the payment could not be appended; the file is unchanged")
    except BaseException:  # whatever went wrong, the file is as it was
        _write_atomically(path, original)
        raise
    currency = invoice.currency
    before, figures = entry.figures, new_entry.figures
    if figures.balance < 0 and amount > max(before.balance, Decimal(0)):
        print(
            f"invoices: warning: this payment is {plain(amount - max(before.balance, Decimal(0)), currency)} {currency} more "
            f"than was still to pay ({plain(max(before.balance, Decimal(0)), currency)} {currency}); the invoice now shows a credit",
            file=sys.stderr,
        )
    if figures.balance > 0:
        outcome = f"{plain(figures.balance, currency)} {currency} still to pay ({figures.status})"
    elif figures.balance == 0:
        outcome = "paid in full"
    else:
        outcome = f"paid in full, with a credit of {plain(-figures.balance, currency)} {currency} in the client's favour"
    print(f"recorded {plain(amount, currency)} {currency} on invoice {invoice.number} ({invoice.source.path}): {outcome}")
    return 0


def _accept(root: Path, args: argparse.Namespace) -> int:
    today = _today()
    ledger = load_ledger(root, today)
    try:
        day = datetime.date.fromisoformat(args.date) if args.date else today
    except ValueError:
        raise CommandError(f"--date {args.date!r} is not a date as YYYY-MM-DD") from None
    if day > today:
        raise CommandError(f"--date {day.isoformat()} is after today ({today.isoformat()})")
    try:
        planned = plan_acceptance(root, ledger, args.number, day, today)
    except ValueError as error:
        raise CommandError(str(error)) from None
    original = planned.estimate_path.read_text(encoding="utf-8")
    planned.invoice_path.parent.mkdir(parents=True, exist_ok=True)
    with planned.invoice_path.open("x", encoding="utf-8") as stream:
        stream.write(planned.invoice_text)
    _write_atomically(planned.estimate_path, planned.estimate_text)
    try:
        _load(root)  # both files must still make a valid site, or neither is kept
    except (InvoiceError, CommandError):
        _write_atomically(planned.estimate_path, original)
        planned.invoice_path.unlink()
        raise
    print(f"accepted estimate {args.number}; wrote invoice {planned.invoice_number}: {planned.invoice_path.relative_to(root).as_posix()}")
    return 0


def _recur(root: Path, args: argparse.Namespace) -> int:
    today = _today()
    try:
        until = datetime.date.fromisoformat(args.until) if args.until else today
    except ValueError:
        raise CommandError(f"--until {args.until!r} is not a date as YYYY-MM-DD") from None
    site = _load(root)  # every file checked first: nothing is written beside an invalid invoice
    try:
        planned = plan_recurring(root, site.ledger, until)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if not planned:
        print(f"no recurring invoices to write up to {until.isoformat()}")
        return 0
    written: list[Path] = []
    try:
        for new in planned:
            new.path.parent.mkdir(parents=True, exist_ok=True)
            with new.path.open("x", encoding="utf-8") as stream:
                stream.write(new.text)
            written.append(new.path)
        _load(root)  # what was written must read back as valid invoices
    except (InvoiceError, OSError):
        for path in written:
            path.unlink()
        raise
    for new in planned:
        print(new.path.relative_to(root).as_posix())
    return 0


def _status(root: Path, args: argparse.Namespace) -> int:
    site = _load(root)
    report = status_report(site)
    if not report.open_invoices:
        print("no open invoices")
        return 0
    table = [("NUMBER", "CLIENT", "STATUS", "DUE", "DAYS OVERDUE", "BALANCE")]
    overdue_rows = set()
    for index, entry in enumerate(report.open_invoices, start=1):
        figures = entry.figures
        if figures.days_overdue:
            overdue_rows.add(index)
        table.append(
            (
                entry.invoice.number,
                entry.client.name,
                figures.status,
                (figures.next_due or entry.invoice.due).isoformat(),
                str(figures.days_overdue) if figures.days_overdue else "",
                f"{plain(figures.balance, entry.invoice.currency)} {entry.invoice.currency}",
            )
        )
    _print_table(table, right=(4, 5), colour=_colour_wanted(), highlight=overdue_rows)
    print()
    for currency in sorted(report.outstanding):
        overdue = report.overdue.get(currency, Decimal(0))
        print(
            f"total {currency}: {plain(report.outstanding[currency], currency)} outstanding, "
            f"{plain(overdue, currency)} overdue"
        )
    return 0


def _remind(root: Path, args: argparse.Namespace) -> int:
    site = _load(root)
    site_url = _link_base(root)
    try:
        record = read_record(root)
    except (ValueError, yaml.YAMLError) as error:
        raise CommandError(f"{RECORD_FILE}: {error}") from None
    owed = reminders_due(site, record, days_before=args.days_before, every=args.every)
    settings = _smtp_settings(site, args.send)
    if not owed:
        print("no reminders due today")
        return 0
    sender = settings.sender if settings else (site.ledger.business.email or "invoices@localhost")
    sent = failed = 0
    with contextlib.ExitStack() as stack:
        mailer = stack.enter_context(Mailer(settings)) if settings else None
        for reminder in owed:
            try:
                message = _reminder_message(reminder, site, site_url, sender)
            except CommandError as error:
                print(f"invoices: error: {error}", file=sys.stderr)
                failed += 1
                continue
            if _deliver(reminder, message, mailer, root, record, site.today):
                sent += 1
            else:
                failed += 1
    verb = "sent" if args.send else "would send"
    print(f"{verb} {sent} reminder(s)" + (f", {failed} failed" if failed else ""))
    return 1 if failed else 0


def _smtp_settings(site: Site, send: bool) -> SmtpSettings | None:
    """The SMTP settings to send with (``--send``), or None for a dry run; refused without the secret."""
    if not send:
        if site.preview:
            print(f"invoices: warning: {links.SECRET_VARIABLE} is not set; the links below are preview links", file=sys.stderr)
        return None
    if site.preview:
        raise CommandError(f"{links.SECRET_VARIABLE} is required to send reminders: without it the links are preview links")
    try:
        return SmtpSettings.from_environment(os.environ)
    except ValueError as error:
        raise CommandError(str(error)) from None


def _what(reminder: Reminder) -> str:
    return f"reminder for invoice {reminder.entry.invoice.number} ({reminder.stage})"


def _reminder_message(reminder: Reminder, site: Site, site_url: str, sender: str) -> EmailMessage:
    """The e-mail of one reminder; CommandError when it cannot be written."""
    entry = reminder.entry
    if not entry.client.email:
        raise CommandError(f"client {entry.client.id!r} has no email: {_what(reminder)} not sent")
    try:
        return compose(reminder, site, site_url=site_url, sender=sender)
    except ValueError as error:  # an address a mail header cannot carry
        raise CommandError(f"{_what(reminder)} not written: {error}") from None


def _deliver(reminder: Reminder, message: EmailMessage, mailer: Mailer | None, root: Path, record: dict, today: datetime.date) -> bool:
    """Send one reminder (or, without a mailer, print it) and record it as sent; False when it failed."""
    what, email = _what(reminder), reminder.entry.client.email
    if mailer is None:
        print(f"--- {what}")
        for header in ("To", "Subject"):
            print(f"{header}: {message[header]}")
        print()
        print(message.get_content().rstrip())
        print()
        return True
    try:
        mailer.send(message)
    except OSError as error:
        print(f"invoices: error: {what} to {email} failed: {error}", file=sys.stderr)
        return False
    record.setdefault(reminder.entry.invoice.number, {})[reminder.key] = today.isoformat()
    write_record(root, record)  # after each message: a crash never resends what went out
    print(f"sent {what} to {email}")
    return True


def _audit(root: Path, args: argparse.Namespace) -> int:
    site_dir = root / args.site_dir
    if not site_dir.is_dir():
        raise CommandError(f"no built site at {args.site_dir}: run mkdocs build first, or name the folder it wrote")
    if not (site_dir / "index.html").is_file():
        raise CommandError(f"{args.site_dir} is not a built site: it has no index.html")
    site_url = _settings(root).site_url
    ledger = load_ledger(root, _today())
    # A sealed site (SPEC §11) is audited with its pages' keys: the build's secret, or the preview key.
    sealed = sealed_site(_load(root)) if ledger.business.privacy == SEALED else None
    report = audit_site(site_dir, private_details(ledger), site_url, sealed)
    for finding in report.findings:
        print(finding)
    if report.findings:
        print(f"invoices: audit failed: {len(report.findings)} finding(s) in {args.site_dir}; do not publish it", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _amount(text: str, currency: str) -> Decimal:
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        raise CommandError(f"amount {text!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise CommandError(f"amount must be greater than zero, got {text!r}")
    if not fits_minor_units(amount, currency):
        raise CommandError(f"amount {text!r} has more decimals than {currency} allows ({minor_units(currency)})")
    return amount


def _write_atomically(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, newline="") as stream:
        stream.write(text)
        temporary = Path(stream.name)
    os.chmod(temporary, path.stat().st_mode & 0o777)
    os.replace(temporary, path)


def _colour_wanted() -> bool:
    """Colour only on a terminal that has it, and never with NO_COLOR set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _print_table(
    rows: list[tuple[str, ...]], right: tuple[int, ...] = (), colour: bool = False, highlight: set[int] = frozenset()
) -> None:
    """Aligned columns; with colour, a bold header and the ``highlight`` rows in red."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [cell.rjust(width) if i in right else cell.ljust(width) for i, (cell, width) in enumerate(zip(row, widths))]
        line = "  ".join(cells).rstrip()
        if colour and index in highlight:
            line = f"\033[31m{line}\033[0m"
        elif colour and index == 0:
            line = f"\033[1m{line}\033[0m"
        print(line)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
