"""QR drawings: drawn once by content, cached on disk, drawn in parallel when many are missing."""

from __future__ import annotations

import pytest

from invoicepub import qr
from invoicepub.qr import QrCache, QrRequest


def requests(count: int) -> list[QrRequest]:
    return [QrRequest(f"BCD\n002\n1\nSCT\n\nName\nES6720859252090330063402\nEUR{n}.00\n\n\nINV-{n}", "M", 13) for n in range(count)]


def test_a_drawing_is_an_inline_svg_without_text(tmp_path):
    svg = qr.draw(requests(1)[0])
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and "<title>" not in svg and "ES67" not in svg


def test_a_payload_too_large_for_the_rail_is_refused():
    with pytest.raises(ValueError, match="over the rail's limit of 2"):
        qr.draw(QrRequest("x" * 100, "M", 2))


def test_drawings_are_cached_on_disk_and_reused(tmp_path, monkeypatch):
    request = requests(1)[0]
    first = QrCache(tmp_path).svg(request)
    assert (tmp_path / f"{request.key}.svg").read_text(encoding="utf-8") == first

    def refuse(request):
        raise AssertionError("drawn again")

    monkeypatch.setattr(qr, "draw", refuse)
    assert QrCache(tmp_path).svg(request) == first


def test_prepare_draws_many_codes_in_parallel_like_one_by_one(tmp_path):
    many = requests(qr.PARALLEL_THRESHOLD + 6)
    cache = QrCache(tmp_path)
    cache.prepare(many)
    assert all(cache.svg(request) == qr.draw(request) for request in many[:5])
    cache.close()
    assert len(list(tmp_path.glob("*.svg"))) == len(many)


def test_prune_forgets_what_the_last_build_did_not_use(tmp_path):
    kept, dropped = requests(2)
    cache = QrCache(tmp_path)
    cache.prepare([kept, dropped])
    cache.svg(kept)
    cache.close()
    cache.prune()
    assert sorted(p.stem for p in tmp_path.glob("*.svg")) == [kept.key]
