"""Near-copies of works (clarification 10, the banner's own 查重): MinHash over character shingles.

Pure functions, no database. A work's text is reduced to its characters that carry meaning (CJK characters,
letters and digits; white space and punctuation dropped, so re-typesetting or re-punctuating changes nothing),
cut into overlapping shingles of ``SHINGLE`` characters, and summarised by a MinHash signature of ``PERMUTATIONS``
values. Two signatures estimate the Jaccard similarity of the two shingle sets; with the sets' sizes that gives
the share of the smaller text's shingles found in the other (``shared_share``), which stays high when a copy is
padded with text of its own. The signature is cut into ``BANDS`` bands (locality-sensitive hashing): works that
share a band are the candidates compared, so finding near-copies among the banner's works reads a few index rows,
not every work.

The threshold and the shingle size were measured on Chinese teachers' papers (``bench/near_copy_bench.py``,
figures in ``bench/README.md``).
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE = 5
PERMUTATIONS = 126
# 3 values a band: a pair with Jaccard 0.5 shares a band with probability 0.996, 0.33 with 0.78, 0.05 with 0.005.
BANDS = 42
ROWS = PERMUTATIONS // BANDS
# A share of shingles in common at or above this is a near-copy shown to the office (measured in bench/).
NEAR_COPY_SHARE = 0.5
# Texts shorter than this many meaningful characters, or with fewer distinct shingles (a page of one character
# repeated), are not compared: a title page or a form says too little.
MIN_CHARS = 200
MIN_SHINGLES = 100

_PRIME = (1 << 61) - 1
_MASK = (1 << 64) - 1
_rng = random.Random(20261201)  # fixed: signatures stored today must compare with those made tomorrow
_PERMS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS)]


def meaningful(text: str) -> str:
    """The characters that carry the text: CJK, letters and digits (NFKC, lower case), nothing else."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


def shingles(text: str, size: int | None = None) -> set[int]:
    """64-bit hashes of every run of ``size`` (default SHINGLE) meaningful characters."""
    size = size or SHINGLE
    chars = meaningful(text)
    if len(chars) < size:
        return set()
    return {
        int.from_bytes(hashlib.blake2b(chars[i:i + size].encode(), digest_size=8).digest(), "big")
        for i in range(len(chars) - size + 1)
    }


@dataclass(frozen=True)
class Fingerprint:
    signature: tuple[int, ...]
    shingles: int  # how many distinct shingles the text has

    def bands(self) -> list[tuple[int, int]]:
        """(band number, value) pairs, the value a signed 64-bit integer for the database index."""
        result = []
        for band in range(BANDS):
            part = self.signature[band * ROWS:(band + 1) * ROWS]
            digest = hashlib.blake2b(repr(part).encode(), digest_size=8).digest()
            result.append((band, int.from_bytes(digest, "big", signed=True)))
        return result


def fingerprint(text: str | None) -> Fingerprint | None:
    """The MinHash signature of a text, or None when it is too short to compare."""
    if text is None or len(meaningful(text)) < MIN_CHARS:
        return None
    hashes = shingles(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    signature = tuple(min((a * x + b) % _PRIME for x in hashes) for a, b in _PERMS)
    return Fingerprint(signature, len(hashes))


def jaccard(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two shingle sets from their signatures."""
    return sum(1 for a, b in zip(first, second, strict=True) if a == b) / len(first)


def shared_share(first: Fingerprint, second: Fingerprint) -> float:
    """Estimated share of the smaller text's shingles that the other text also has (0–1).

    |A ∩ B| = J · (|A| + |B|) / (1 + J); divided by min(|A|, |B|)."""
    j = jaccard(first.signature, second.signature)
    if j == 0:
        return 0.0
    common = j * (first.shingles + second.shingles) / (1 + j)
    return min(1.0, common / min(first.shingles, second.shingles))


def is_near_copy(first: Fingerprint, second: Fingerprint, threshold: float = NEAR_COPY_SHARE) -> bool:
    return shared_share(first, second) >= threshold
