"""Fixed logarithmic buckets for latency and duration histograms (as DDSketch does).

Bucket ``i`` holds the values in ``(GAMMA**(i-1), GAMMA**i]`` and stands for
``2 * GAMMA**i / (GAMMA + 1)``, which is within ``RELATIVE_ACCURACY`` of every value
in it: a nearest-rank percentile read from the counts is the exact one to within 2 %.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

#: Largest relative error of a percentile read from the buckets.
RELATIVE_ACCURACY = 0.02
GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
_LOG_GAMMA = math.log(GAMMA)
#: The bucket of zero (and of negative values, which clocks can produce): stands for 0.
ZERO_BUCKET = -(2**31)


def bucket_of(value: float | None) -> int | None:
    """The histogram bucket of ``value`` (``None`` for ``None``)."""
    if value is None:
        return None
    if value <= 0:
        return ZERO_BUCKET
    return math.ceil(math.log(value) / _LOG_GAMMA)


def bucket_value(bucket: int) -> float:
    """The value bucket ``bucket`` stands for (within 2 % of each value in it)."""
    if bucket == ZERO_BUCKET:
        return 0.0
    return 2 * GAMMA**bucket / (GAMMA + 1)


def histogram_percentile(counts: Mapping[int, int], fraction: float) -> float | None:
    """Nearest-rank percentile of the values counted in ``counts`` (bucket → count)."""
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket in sorted(counts):
        if counts[bucket] <= 0:
            continue
        seen += counts[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    raise AssertionError("unreachable: rank is at most the total")
