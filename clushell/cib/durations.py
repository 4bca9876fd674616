"""Pacemaker durations ('20s', '1m', '500ms', ISO 8601 'PT1M30S') as seconds (pure)."""

from __future__ import annotations

import re

_UNITS = {"": 1, "s": 1, "sec": 1, "ms": 0.001, "msec": 0.001, "us": 1e-6, "usec": 1e-6,
          "m": 60, "min": 60, "h": 3600, "hr": 3600}


def seconds(text: str | None) -> float | None:
    """Pacemaker duration ('20s', '20', '1m', '500ms', 'PT1M30S') in seconds; None if unparsable."""
    if text is None:
        return None
    t = text.strip().lower()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z]*)", t)
    if m and m.group(2) in _UNITS:
        return float(m.group(1)) * _UNITS[m.group(2)]
    m = re.fullmatch(r"p(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?)?", t)
    if m and t not in ("p", "pt"):
        d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
        return d * 86400 + h * 3600 + mi * 60 + s
    return None
