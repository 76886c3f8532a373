"""Choosing a QR code's data mask (ISO/IEC 18004 §7.8.3) with array arithmetic.

segno evaluates the eight masks module by module in Python, which is most of the cost
of drawing a payment QR code. This module scores the same eight candidates with numpy
— the same four penalty rules, computed exactly as segno computes them, so the chosen
mask is the one segno would choose (the tests compare both on many payloads) — and
segno then draws the symbol with that mask.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import segno
from segno import encoder

_PATTERN = bytes((1, 0, 1, 1, 1, 0, 1))


@lru_cache(maxsize=None)
def _regions(size: int) -> tuple[np.ndarray, np.ndarray]:
    """For a symbol of ``size`` modules: the function-pattern state before masking, and the data region."""
    state = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(state, size, size)
    encoder.add_alignment_patterns(state, size, size)
    function = np.array([list(row) for row in state], dtype=np.int16)
    data_region = function > 1
    data_region[-8, 8] = False  # the dark module
    return function, data_region


@lru_cache(maxsize=None)
def _masks(size: int) -> np.ndarray:
    """The eight mask patterns of Table 10 as 0/1 arrays, indexed [mask, row, column]."""
    i, j = np.indices((size, size))
    patterns = [
        (i + j) % 2 == 0,
        i % 2 == 0,
        j % 3 == 0,
        (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0,
        (i * j) % 2 + (i * j) % 3 == 0,
        ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        ((i + j) % 2 + (i * j) % 3) % 2 == 0,
    ]
    return np.array(patterns, dtype=np.int16)


def _runs_score(lines: np.ndarray) -> int:
    """Rule 1: every run of five or more same-coloured modules in a line scores its length − 2."""
    size = lines.shape[1]
    separated = np.full((lines.shape[0], size + 1), -1, dtype=np.int16)
    separated[:, :size] = lines
    flat = separated.ravel()
    starts = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1])))
    lengths = np.diff(np.concatenate((starts, [flat.size])))
    long_runs = lengths[lengths >= 5]
    return int((long_runs - 2).sum())


def _finder_like_score(line: bytes, size: int) -> int:
    """Rule 3 for one line: 1:1:3:1:1 patterns with four light modules on one side (as segno scans)."""
    count = 0
    index = line.find(_PATTERN)
    while index != -1:
        offset = index + 7
        if (
            index in (0, size - 7)
            or not any(line[max(index - 4, 0) : min(index, size)])
            or not any(line[max(offset, 0) : min(offset + 4, size)])
        ):
            count += 40
        else:
            offset = index + 4
        index = line.find(_PATTERN, offset)
    return count


def penalty(matrix: np.ndarray) -> int:
    """The total penalty score of one masked symbol (before format and version information)."""
    size = matrix.shape[0]
    score = _runs_score(matrix) + _runs_score(matrix.T)
    top_left = matrix[:-1, :-1]
    same_blocks = (top_left == matrix[1:, :-1]) & (top_left == matrix[:-1, 1:]) & (top_left == matrix[1:, 1:])
    score += 3 * int(same_blocks.sum())
    rows = matrix.astype(np.uint8).tobytes()
    columns = matrix.T.astype(np.uint8).tobytes()
    for lines in (rows, columns):
        for start in range(0, size * size, size):
            score += _finder_like_score(lines[start : start + size], size)
    percent = float(matrix.sum()) / size**2
    score += 10 * int(abs(percent * 100 - 50) / 5)
    return score


def best_mask(code: segno.QRCode) -> int:
    """The mask segno's own evaluation would choose for the data of ``code`` (a QR code, not Micro QR)."""
    size = code.symbol_size(border=0)[0]
    function, data_region = _regions(size)
    masks = _masks(size)
    drawn = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(size, size).astype(np.int16)
    data = drawn ^ masks[code.mask]  # undo the mask the code was drawn with
    scores = []
    for mask in masks:
        candidate = np.where(data_region, data ^ mask, function)
        scores.append(penalty(candidate))
    return int(np.argmin(scores))  # the first of equal scores, as segno keeps the first
