"""redraw.unchanged_folders: which private folders a rebuild may keep, on sites loaded twice from the sample."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from conftest import SECRET
from conftest import TODAY as TODAY_TEXT
from invoicepub import redraw, source
from invoicepub.site import load_site

TODAY = datetime.date.fromisoformat(TODAY_TEXT)


def _load(root: Path):
    return load_site(root, secret=SECRET, today=TODAY, with_history=False)


def _folders_of(site, client_id: str) -> set[str]:
    client = site.client_entry(client_id)
    return {page.folder for page in (client, *client.statements, *client.invoices, *client.estimates, *client.credit_notes)}


@pytest.fixture(params=[False, True], ids=["read-again", "remembered"])
def reading(request, monkeypatch):
    # Both ways the files are read: every time (a build) and remembered (serve).
    monkeypatch.setattr(source, "_remembered", {} if request.param else None)
    return request.param


def test_nothing_changed_keeps_every_folder(site_copy, reading):
    before, after = _load(site_copy), _load(site_copy)
    everything = set().union(*(_folders_of(after, client.client.id) for client in after.clients))
    assert everything and redraw.unchanged_folders(before, after) == everything
    assert redraw.unchanged_folders(None, after) == frozenset()


def test_an_edited_invoice_draws_its_client_again_and_nothing_else(site_copy, reading):
    before = _load(site_copy)
    path = site_copy / "invoices/2026/2026-004.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit_price: 45.00", "unit_price: 50.00"), encoding="utf-8")
    after = _load(site_copy)
    kept = redraw.unchanged_folders(before, after)
    assert not kept & _folders_of(after, "cafe-olivar")
    assert _folders_of(after, "harbour-finch") <= kept


def test_a_changed_business_or_day_draws_everything_again(site_copy, reading):
    before = _load(site_copy)
    assert redraw.unchanged_folders(before, load_site(site_copy, secret=SECRET, today=TODAY + datetime.timedelta(days=1), with_history=False)) == frozenset()
    business = site_copy / "invoices/business.yml"
    business.write_text(business.read_text(encoding="utf-8").replace("name: Estudio Lumen", "name: Estudio Umbra", 1), encoding="utf-8")
    assert redraw.unchanged_folders(before, _load(site_copy)) == frozenset()


def test_a_credit_note_draws_the_client_of_the_invoice_it_corrects_again(site_copy, reading):
    # A credit note and its invoice show each other's numbers and amounts (Site.linked).
    before = _load(site_copy)
    note = next(entry for entry in before.published if entry.invoice.corrects)
    corrected = before.entry(note.invoice.corrects)
    path = site_copy / note.invoice.source.path
    text = path.read_text(encoding="utf-8")
    assert "description:" in text
    path.write_text(text.replace("description:", "description: Changed", 1), encoding="utf-8")
    kept = redraw.unchanged_folders(before, _load(site_copy))
    assert note.folder not in kept and corrected.folder not in kept


def test_held_folders_move_back_only_what_is_kept(tmp_path):
    site = tmp_path / "site"
    for folder in ("i/a", "i/b", "c/x", "c/x/2026"):
        (site / folder).mkdir(parents=True)
        (site / folder / "index.html").write_text(folder, encoding="utf-8")
    held = redraw.HeldFolders(tmp_path / "site.held")
    held.hold(site, {"i", "c"})
    assert not (site / "i").exists() and not (site / "c").exists()
    (site / "i/b").mkdir(parents=True)
    (site / "i/b/index.html").write_text("drawn again", encoding="utf-8")
    held.restore(site, {"i/a", "c/x", "c/x/2026"})
    assert (site / "i/a/index.html").read_text(encoding="utf-8") == "i/a"
    assert (site / "i/b/index.html").read_text(encoding="utf-8") == "drawn again"
    assert (site / "c/x/2026/index.html").read_text(encoding="utf-8") == "c/x/2026"
    assert not (tmp_path / "site.held").exists()
