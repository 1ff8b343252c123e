"""Hypothesis strategies: random JSON, and the Rouen event file with one thing broken."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import strategies as st

ROUEN = json.loads(
    (Path(__file__).resolve().parents[2] / "pitchday" / "demo" / "rouen-2023.json").read_text(
        encoding="utf-8"
    )
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "",
            "09:00",
            "24:00",
            "25:61",
            "2023-11-30",
            "2023-02-30",
            "amphi",
            "pitchday-event/1",
            "Europe/Paris",
            "-1",
            "1e400",
            "\x00",
            "é" * 3,
        ]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def locations(document: object, here: tuple = ()) -> list[tuple]:
    """Every path to a value inside the document (dict keys and list indexes)."""
    found = []
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return found
    for key, value in items:
        found.append((*here, key))
        found.extend(locations(value, (*here, key)))
    return found


def _parent(document: object, path: tuple) -> object:
    for key in path[:-1]:
        document = document[key]
    return document


def _drop(document: object, path: tuple, _draw) -> None:
    parent = _parent(document, path)
    del parent[path[-1]]


def _replace(document: object, path: tuple, draw) -> None:
    _parent(document, path)[path[-1]] = draw(json_values)


def _wrap(document: object, path: tuple, draw) -> None:
    parent = _parent(document, path)
    value = parent[path[-1]]
    parent[path[-1]] = draw(st.sampled_from([[value], {"value": value}, json.dumps(value), [value, value]]))


def _retype(document: object, path: tuple, draw) -> None:
    parent = _parent(document, path)
    value = parent[path[-1]]
    if isinstance(value, bool) or value is None:
        swapped = draw(st.sampled_from([0, "true", []]))
    elif isinstance(value, int):
        swapped = draw(st.sampled_from([str(value), float(value) + 0.5, -value - 1, 10**18, None, True]))
    elif isinstance(value, str):
        swapped = draw(st.sampled_from([value + "x", value.upper(), value[:-1], 7, None, [value]]))
    else:
        swapped = draw(st.sampled_from([None, "", 0, {}, []]))
    parent[path[-1]] = swapped


def _duplicate_in_list(document: object, path: tuple, _draw) -> None:
    parent = _parent(document, path)
    if isinstance(parent, list):
        parent.append(copy.deepcopy(parent[path[-1]]))
    else:
        parent[path[-1]] = copy.deepcopy(parent)


MUTATIONS = (_drop, _replace, _wrap, _retype, _duplicate_in_list)


@st.composite
def broken_rouen(draw, max_mutations: int = 3) -> dict:
    """The Rouen file with one to a few random changes (it may stay valid)."""
    document = copy.deepcopy(ROUEN)
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = locations(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        draw(st.sampled_from(MUTATIONS))(document, path, draw)
    return document
