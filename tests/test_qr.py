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


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_mask_choice_is_segnos_choice(seed):
    import random

    import segno

    from invoicepub.qr_mask import best_mask

    rng = random.Random(seed)
    for _ in range(60):
        data = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 400)))
        error = rng.choice("LMQH")
        reference = segno.make_qr(data, error=error, boost_error=False, mode="byte")
        drawn_with_another_mask = segno.make_qr(data, error=error, boost_error=False, mode="byte", mask=(reference.mask + 3) % 8)
        assert best_mask(drawn_with_another_mask) == reference.mask


def test_a_drawing_is_segnos_own_symbol():
    import segno

    for request in requests(20):
        reference = segno.make_qr(request.payload.encode(), error="M", boost_error=False, mode="byte")
        assert qr.draw(request) == reference.svg_inline(border=4, omitsize=True, svgclass="invoice-qr__code", lineclass=None)
