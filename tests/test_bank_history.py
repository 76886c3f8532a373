"""Bank details a client can trust (SPEC §13): the build reads business.yml's git history.

Every test makes a real git repository of the sample site with real commits, their dates set
through GIT_AUTHOR_DATE and GIT_COMMITTER_DATE, and reads what the pages, the PDF and
`invoices check` say. Today is 23 November 2026 (conftest.TODAY); the sample's accounts are
those of invoices/business.yml, and which invoice asks for which account is read from the
sample by hand: the EUR invoices and the INR and BRL ones (beside their UPI and Pix codes)
show the bank transfer's IBAN, 2026-007 (CHF) only the QR-IBAN, 2026-008 (CZK) only SPAYD's.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess

import pypdfium2
import pytest

from conftest import SECRET, TODAY, copy_site, mkdocs_build, run_invoices
from invoicepub import pdf
from invoicepub.qr import QrCache
from invoicepub.site import load_site
from invoicepub.views import invoice_page

DAY = datetime.date.fromisoformat(TODAY)
OPEN_EUR = {"2026-002", "2026-003", "2026-004", "2026-011", "2026-012", "2026-013"}
ASKING = {"2026-002", "2026-003", "2026-004", "2026-007", "2026-008", "2026-009", "2026-010", "2026-011", "2026-012", "2026-013"}
OLD_IBAN, NEW_IBAN = "ES67 2085 9252 0903 3006 3402", "ES91 2100 0418 4502 0005 1332"


def git(root, *args: str, date: str = "2026-01-10T10:00:00+00:00", author: str = "Ana Lumen") -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL="ana@estudiolumen.example", GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL="ana@estudiolumen.example", GIT_COMMITTER_DATE=date,
        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
    )
    result = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def repository(tmp_path):
    root = copy_site(tmp_path / "site")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The site")
    return root


def change(root, old: str, new: str, date: str, author: str = "Ana Lumen", *, commit: bool = True) -> None:
    path = root / "invoices" / "business.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if commit:
        git(root, "commit", "-q", "-am", f"business.yml: {new}", date=date, author=author)


def notices(root, today: datetime.date = DAY) -> dict[str, str]:
    site = load_site(root, secret=SECRET, today=today)
    qr = QrCache(None)
    return {e.invoice.number: invoice_page(site, e, qr).bank_notice for e in site.published if e.invoice.number in ASKING}


def test_a_changed_iban_is_said_before_the_ways_to_pay_on_the_page_and_in_the_pdf(tmp_path):
    root = repository(tmp_path)
    change(root, OLD_IBAN, NEW_IBAN, "2026-11-01T09:30:00+01:00")  # 22 days before today: within 90
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    site = load_site(root, secret=SECRET, today=DAY)
    entry = site.entry("2026-004")  # Café Olivar, in Spanish; the support phone of business.yml
    html = (root / "site" / entry.path / "index.html").read_text(encoding="utf-8")
    expected = (
        "Nuestros datos bancarios cambiaron el 1 de noviembre de 2026. "
        "Confírmelos con nosotros por teléfono en el +34 960 000 124 antes de pagar."
    )
    notice = re.search(r'<p class="invoice-bank-notice" data-bank-notice>([^<]*)</p>', html)
    assert notice and notice.group(1) == expected
    # In reading order: after the pay block's heading, before its first way to pay.
    assert html.index('id="pay-heading"') < notice.start() < html.index('class="invoice-pay__ways"')
    document = pypdfium2.PdfDocument((root / "site" / entry.path / pdf.DOCUMENT_FILE).read_bytes())
    text = " ".join(" ".join(document[i].get_textpage().get_text_range() for i in range(len(document))).split())
    assert expected in text
    assert text.index(expected) < text.index("Transferencia bancaria")
    # The QR-IBAN of the Swiss bill did not change: its page says nothing.
    swiss = (root / "site" / site.entry("2026-007").path / "index.html").read_text(encoding="utf-8")
    assert "data-bank-notice" not in swiss


@pytest.mark.parametrize(
    ("old", "new", "warned"),
    [
        (OLD_IBAN, NEW_IBAN, OPEN_EUR | {"2026-009", "2026-010"}),  # the INR and BRL pages show it beside their codes
        ("CH44 3199 9123 0008 8901 2", "CH21 3080 8001 2345 6782 7", {"2026-007"}),  # the Swiss QR-IBAN
        ("CZ65 0800 0000 1920 0014 5399", "CZ55 0800 0000 0012 3456 7899", {"2026-008"}),  # SPAYD
        ("vpa: lumen@okaxis", "vpa: lumen@okicici", {"2026-009"}),  # UPI
        ("key: 9e8f1d3c-5b7a-4e2b-8c1d-2f3a4b5c6d7e", "key: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", {"2026-010"}),  # Pix
    ],
)
def test_each_rails_account_is_watched_and_only_its_pages_warn(tmp_path, old, new, warned):
    root = repository(tmp_path)
    assert set(notices(root).values()) == {""}  # one commit: nothing changed
    change(root, old, new, "2026-11-01T09:30:00+01:00")
    found = notices(root)
    assert {number for number, text in found.items() if text} == warned


def test_an_older_change_is_said_where_the_clients_previous_invoice_had_the_old_account(tmp_path):
    # With no notice period (0 days), only the previous-invoice rule speaks. IBAN changed on
    # 19 Oct. Harbour & Finch: 2026-003 (20 Oct) follows 2026-005 (18 Oct, before the change):
    # warned; 2026-012 (2 Nov) follows 2026-003, 2026-011 (18 Nov) follows 2026-012: not.
    # Café Olivar: 2026-004 (2 Nov) follows 2026-002 (1 Sep): warned; 2026-013 (10 Nov) follows
    # 2026-004: not; 2026-002 has no invoice before it. Chai Works and Sabia have one invoice each.
    root = repository(tmp_path)
    change(root, "payment_terms_days: 30", "payment_terms_days: 30\nbank_change_notice_days: 0", "2026-01-11T10:00:00+00:00")
    change(root, OLD_IBAN, NEW_IBAN, "2026-10-19T16:00:00+02:00")
    found = notices(root)
    assert {number for number, text in found.items() if text} == {"2026-003", "2026-004"}
    assert found["2026-003"].startswith("Our bank details changed on October 19, 2026.")


def test_a_change_not_committed_yet_counts_as_made_today(tmp_path):
    root = repository(tmp_path)
    change(root, OLD_IBAN, NEW_IBAN, "", commit=False)
    found = notices(root)
    assert found["2026-011"].startswith("Our bank details changed on November 23, 2026.")


def test_without_a_support_phone_the_notice_gives_the_support_email(tmp_path):
    root = repository(tmp_path)
    change(root, "phone: +34 960 000 124", "# no support phone", "2026-01-12T10:00:00+00:00")
    change(root, "phone: +34 960 000 123", "# no phone", "2026-01-13T10:00:00+00:00")
    change(root, OLD_IBAN, NEW_IBAN, "2026-11-01T09:30:00+01:00")
    assert notices(root)["2026-011"] == (
        "Our bank details changed on November 1, 2026. "
        "Please confirm them with us by e-mail at facturas@estudiolumen.example before you pay."
    )


def test_invoices_check_names_the_field_the_commit_its_author_and_date(tmp_path):
    root = repository(tmp_path)
    change(root, OLD_IBAN, NEW_IBAN, "2026-11-01T09:30:00+01:00", author="Mallory Example")
    commit = git(root, "rev-parse", "HEAD")
    result = run_invoices(root, "check")
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert "payment.bank_transfer.iban" in line and commit[:12] in line and "Mallory Example" in line and "2026-11-01" in line
    assert "ES6720859252090330063402" in line and "ES9121000418450200051332" in line
    # 100 days later the pages no longer warn by age, and check reports nothing.
    later = run_invoices(root, "check", today="2027-03-01")
    assert later.returncode == 0 and "warning:" not in later.stdout


def test_a_shallow_clone_warns_and_a_strict_build_fails(tmp_path):
    root = repository(tmp_path)
    change(root, OLD_IBAN, NEW_IBAN, "2026-11-01T09:30:00+01:00")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", root.as_uri(), str(shallow))
    strict = mkdocs_build(shallow, "--strict")
    assert strict.returncode != 0 and "Traceback" not in strict.stderr
    assert "shallow clone" in strict.stderr and "fetch-depth: 0" in strict.stderr
    built = mkdocs_build(shallow)
    assert built.returncode == 0 and "WARNING" in built.stderr and "shallow clone" in built.stderr
    check = run_invoices(shallow, "check")
    assert check.returncode == 0 and "warning: invoices/business.yml: this is a shallow clone" in check.stdout


def test_a_site_outside_git_builds_strict_with_one_info_line(tmp_path):
    root = copy_site(tmp_path / "plain")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "not in a git repository" in line]
    assert len(lines) == 1 and lines[0].startswith("INFO")


@pytest.mark.parametrize("value", ["ninety", "-1", "1.5", "true"])
def test_the_notice_period_must_be_a_whole_number_of_days(tmp_path, value):
    root = copy_site(tmp_path / "site")
    path = root / "invoices" / "business.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("payment_terms_days:")) + 1
    lines.insert(at, f"bank_change_notice_days: {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_invoices(root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any(line.startswith(f"invoices/business.yml:{at + 1}: bank_change_notice_days") for line in result.stdout.splitlines()), result.stdout


def test_the_publish_workflow_fetches_the_whole_history():
    import yaml

    from conftest import REPO

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    (checkout,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout")]
    assert checkout["with"]["fetch-depth"] == 0


ENGLISH_WORDS = ("bank details", "confirm them", "before you pay", "changed on")


@pytest.mark.parametrize("language", ["ca", "de", "en", "es", "fr", "it", "nl", "pt"])
def test_the_notice_speaks_every_language_with_no_english_left_over(tmp_path, language):
    from babel.dates import format_date

    root = repository(tmp_path)
    path = root / "invoices" / "clients" / "cafe-olivar.yml"
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"(?m)^language:", text)  # Café Olivar speaks the business's language
    path.write_text(text + f"language: {language}\n", encoding="utf-8")
    change(root, OLD_IBAN, NEW_IBAN, "2026-11-01T09:30:00+01:00")
    notice = notices(root)["2026-004"]
    assert format_date(datetime.date(2026, 11, 1), format="long", locale=language) in notice
    assert "+34 960 000 124" in notice
    if language != "en":
        assert not any(word in notice.lower() for word in ENGLISH_WORDS), notice
