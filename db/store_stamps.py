"""What every row the Store writes carries: a new id, the time it was written, and its JSON
document. Below the Store and all its parts (``db/store_*.py``), which import nothing else of
one another."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    return str(uuid.uuid4())


# One encoder for every document: json.dumps with these options builds a new one per call,
# a third of the time of encoding a member's document.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# And below it, the C encoder _ENCODER.encode makes anew at each call (json.encoder's
# iterencode, _one_shot), made once with the same arguments: the same text, without two
# Python calls and the encoder's construction each time (about 2 us of a member's document
# and 4 of an audit row's hash, issue 22). No check for circular containers: documents are
# trees.
try:
    _C_ENCODE = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None,
        _ENCODER.default,
        json.encoder.encode_basestring,
        None,
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        False,
        False,
        True,
    )
except TypeError:  # a Python whose C encoder takes other arguments
    _C_ENCODE = None


def dumps(value: Any) -> str:
    """``value`` as JSON text: not ASCII-escaped, no spaces (the stored documents' and the
    audit chain's encoding)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))
