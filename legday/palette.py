"""One colour per effort kind and per verdict, used by every chart and page.

Okabe & Ito's colour-blind-safe palette (2008): the eight colours stay apart
for the common colour-vision deficiencies, and the effort kinds never rely on
red against green. Steady running is a calm blue, the type-II kinds are the
warm, saturated ones so they stand out on a stacked bar.
"""

from __future__ import annotations

from typing import Final

from legday.schema import TYPE2_KINDS

#: Okabe-Ito colours by name.
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: Effort kind -> colour. The order is the stacking order of charts (steady at the bottom).
EFFORT_COLOURS: Final[dict[str, str]] = {
    "steady": OKABE_ITO["blue"],
    "recovery": OKABE_ITO["sky_blue"],
    "hill": OKABE_ITO["bluish_green"],
    "interval": OKABE_ITO["orange"],
    "sprint": OKABE_ITO["vermillion"],
}
EFFORT_ORDER: Final[tuple[str, ...]] = tuple(EFFORT_COLOURS)
#: Kinds that recruit type II fibres.
TYPE_II_KINDS: Final[tuple[str, ...]] = TYPE2_KINDS

#: Leg-day verdict -> colour (no red/green pair: yellow for "partly").
VERDICT_COLOURS: Final[dict[str, str]] = {
    "yes": OKABE_ITO["bluish_green"],
    "partly": OKABE_ITO["yellow"],
    "no": OKABE_ITO["grey"],
}

#: Strength session kind -> colour.
STRENGTH_COLOURS: Final[dict[str, str]] = {
    "lower": OKABE_ITO["reddish_purple"],
    "full_body": OKABE_ITO["vermillion"],
    "upper": OKABE_ITO["sky_blue"],
    "core": OKABE_ITO["yellow"],
    "unknown": OKABE_ITO["grey"],
}

#: Muscle regions (lifting and running's modelled share) -> colour.
REGION_COLOURS: Final[dict[str, str]] = {
    "lower": OKABE_ITO["reddish_purple"],
    "upper": OKABE_ITO["sky_blue"],
    "core": OKABE_ITO["yellow"],
    "running (model)": OKABE_ITO["grey"],
}


def effort_colour(kind: str) -> str:
    """The colour of an effort kind; grey for anything unknown."""
    return EFFORT_COLOURS.get(kind, OKABE_ITO["grey"])
