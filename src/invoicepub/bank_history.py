"""Bank details a client can trust (SPEC §13): when the accounts in ``business.yml`` changed.

A changed bank account is how most invoice fraud starts: someone with access to the
repository, or to the owner's mail, swaps the IBAN. The git history of
``invoices/business.yml`` says when each account a page asks the client to pay into last
changed (the bank transfer's IBAN, the Swiss QR-IBAN, the SPAYD account, the UPI address, the
Pix key), in which commit and by whom. Two calls to ``git`` read it: ``git log --raw`` for the
commits and the file's version in each, ``git cat-file --batch`` for those versions.

A page warns the client when an account it asks them to pay into differs from the one in
force on that client's previous invoice, or changed in the last ``bank_change_notice_days``
(``notice_day``). A shallow clone has only part of the history (``SHALLOW``: the build warns,
so ``--strict`` fails); a site outside any git repository has none (``NO_HISTORY``: one INFO
line). A change not committed yet counts as made today.
"""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import Business

BUSINESS_FILE = "invoices/business.yml"
COMPLETE, SHALLOW, NO_HISTORY = "complete", "shallow", "no history"
# Each account a page may ask the client to pay into: (rail, field) under ``payment:``.
ACCOUNT_FIELDS = (("bank_transfer", "iban"), ("swiss_qr", "iban"), ("spayd", "iban"), ("upi", "vpa"), ("pix", "key"))
_RECORD, _UNIT = "\x02", "\x03"  # not whitespace: the output is stripped


@dataclass(frozen=True)
class AccountChange:
    """One account replaced by another in a version of ``business.yml``."""

    field: str  # "payment.bank_transfer.iban"
    old: str
    new: str
    day: datetime.date  # the commit's date (the committer's), or today for a change not committed
    commit: str  # the commit's hash, or "" for a change not committed yet
    author: str


@dataclass(frozen=True)
class BankHistory:
    """The accounts of every committed version of ``business.yml``, and their changes, oldest first."""

    state: str  # COMPLETE, SHALLOW or NO_HISTORY
    versions: tuple[tuple[datetime.date, dict[str, str]], ...] = ()
    changes: tuple[AccountChange, ...] = ()

    def accounts_on(self, day: datetime.date) -> dict[str, str] | None:
        """The accounts in force on ``day``: those of the last version committed by then."""
        found = None
        for committed, accounts in self.versions:
            if committed <= day:
                found = accounts
        return found

    def last_change(self, field: str) -> AccountChange | None:
        return next((change for change in reversed(self.changes) if change.field == field), None)


def account_key(value: str) -> str:
    """An account as compared: spaces out, capitals (an IBAN written in groups is the same IBAN)."""
    return "".join(str(value).split()).upper()


def accounts_of(data: Any) -> dict[str, str]:
    """The accounts in one version of ``business.yml`` (parsed, not checked), by field."""
    payment = data.get("payment") if isinstance(data, dict) else None
    found = {}
    for rail, name in ACCOUNT_FIELDS:
        options = payment.get(rail) if isinstance(payment, dict) else None
        value = options.get(name) if isinstance(options, dict) else None
        if isinstance(value, (str, int)) and str(value).strip():
            found[f"payment.{rail}.{name}"] = account_key(value)
    return found


def current_accounts(business: Business) -> dict[str, str]:
    """The accounts of the loaded ``business.yml``, by field."""
    payment = business.payment
    values = {
        "payment.bank_transfer.iban": payment.bank_transfer.iban if payment.bank_transfer else None,
        "payment.swiss_qr.iban": payment.swiss_qr.iban if payment.swiss_qr else None,
        "payment.spayd.iban": payment.spayd.iban if payment.spayd else None,
        "payment.upi.vpa": payment.upi.vpa if payment.upi else None,
        "payment.pix.key": payment.pix.key if payment.pix else None,
    }
    return {field: account_key(value) for field, value in values.items() if value}


def read_history(root: Path, current: dict[str, str], today: datetime.date) -> BankHistory:
    """The history of ``root/invoices/business.yml`` in git, with ``current`` (the file as loaded) last."""
    if _git(root, "rev-parse", "--is-inside-work-tree") != "true":
        return BankHistory(NO_HISTORY)
    state = SHALLOW if _git(root, "rev-parse", "--is-shallow-repository") == "true" else COMPLETE
    log = _git(root, "log", "--reverse", "--raw", "--no-abbrev", f"--format={_RECORD}%H{_UNIT}%an{_UNIT}%cI", "--", BUSINESS_FILE)
    commits = []  # (hash, author, day, blob of the file in that commit)
    for record in (log or "").split(_RECORD)[1:]:
        head, _, raw = record.partition("\n")
        commit, author, when = head.split(_UNIT)
        blobs = [line.split()[3] for line in raw.splitlines() if line.startswith(":")]
        if blobs and set(blobs[0]) != {"0"}:  # not the commit that deleted it
            commits.append((commit, author, datetime.datetime.fromisoformat(when).date(), blobs[0]))
    contents = _blobs(root, [blob for *_, blob in commits])
    versions: list[tuple[datetime.date, dict[str, str]]] = []
    changes: list[AccountChange] = []
    previous: dict[str, str] = {}
    for commit, author, day, blob in commits:
        try:
            accounts = accounts_of(yaml.safe_load(contents.get(blob, "")))
        except yaml.YAMLError:  # a version that did not parse was never built: nothing was paid into it
            continue
        changes += _changes(previous, accounts, day, commit, author)
        versions.append((day, accounts))
        previous = accounts
    if versions:  # what is not committed yet is a change of today
        changes += _changes(previous, current, today, "", "")
    return BankHistory(state, tuple(versions), tuple(changes))


def _changes(before: dict[str, str], after: dict[str, str], day: datetime.date, commit: str, author: str) -> list[AccountChange]:
    # An account that replaces another; a rail set up for the first time changes nothing a client paid into.
    return [
        AccountChange(field, before[field], value, day, commit, author)
        for field, value in after.items()
        if field in before and before[field] != value
    ]


def notice_day(
    history: BankHistory | None,
    current: dict[str, str],
    asked: set[str],
    previous_invoice: datetime.date | None,
    today: datetime.date,
    notice_days: int,
) -> datetime.date | None:
    """The day the accounts a page asks the client to pay into (``asked``) last changed, when the
    page must say so: within ``notice_days`` of ``today``, or since the client's previous
    invoice was issued; else None."""
    if history is None:
        return None
    days = []
    for field, value in current.items():
        change = history.last_change(field)
        if value not in asked or change is None or change.day > today:
            continue
        before = history.accounts_on(previous_invoice) if previous_invoice is not None else None
        if (today - change.day).days <= notice_days or (before is not None and before.get(field) != value):
            days.append(change.day)
    return max(days) if days else None


def recent_changes(history: BankHistory, today: datetime.date, notice_days: int) -> list[AccountChange]:
    """The changes pages warn of by their age alone: those of the last ``notice_days``."""
    return [change for change in history.changes if 0 <= (today - change.day).days <= notice_days]


def state_note(history: BankHistory | None) -> tuple[str, str] | None:
    """What a build or ``invoices check`` says of a history it could not read whole: (level, text)."""
    if history is None or history.state == COMPLETE:
        return None
    if history.state == SHALLOW:
        return "warning", (
            f"{BUSINESS_FILE}: this is a shallow clone, so changes of the bank accounts cannot all be checked "
            "(SPEC §13); fetch the whole history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
        )
    return "info", f"{BUSINESS_FILE} is not in a git repository: changes of the bank accounts could not be checked"


def describe(change: AccountChange) -> str:
    """One change as ``invoices check`` reports it: the field, when, in which commit, by whom."""
    if not change.commit:
        return f"{BUSINESS_FILE}: {change.field} changed and not committed yet ({change.old} → {change.new})"
    return f"{BUSINESS_FILE}: {change.field} changed on {change.day.isoformat()} in commit {change.commit[:12]} by {change.author} ({change.old} → {change.new})"


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):  # no git on this machine
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _blobs(root: Path, blobs: list[str]) -> dict[str, str]:
    """The contents of ``blobs``, read by one ``git cat-file --batch``."""
    if not blobs:
        return {}
    unique = list(dict.fromkeys(blobs))
    try:
        result = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input=("\n".join(unique) + "\n").encode(), capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {}
    output, found, at = result.stdout, {}, 0
    for blob in unique:
        header_end = output.index(b"\n", at)
        header = output[at:header_end].split()
        if len(header) < 3 or header[1] != b"blob":
            at = header_end + 1
            continue
        size = int(header[2])
        found[blob] = output[header_end + 1 : header_end + 1 + size].decode("utf-8", errors="replace")
        at = header_end + 1 + size + 1  # the content, then a newline
    return found
