"""
Check a boundary layer's shapes against each other and against a reference layer.

Codes and names can all be right while the polygons are not: two neighbours' shapes
swapped, one village drawn twice, a digitising slip that lays one village over the next.
Such a file moves workers between villages without any error. These checks warn, village
by village:

- **Overlaps** between villages beyond :data:`MAX_OVERLAP_SHARE` of the smaller one.
- **Duplicate shapes**: two villages with the same polygon.
- **Reference**: where a reference geometry exists for a code (the bundled DIY layer), each
  uploaded polygon is compared with it by code; a polygon that barely overlaps its
  reference (:data:`MIN_REFERENCE_IOU`) or whose centre lies far from it
  (:data:`MAX_CENTRE_SHIFT_M`) is named, with the village of the reference it does fit,
  when most of the layer fits the reference (:data:`MIN_MATCHING_SHARE`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import shapely

from geo_outreach._errors import Problem
from geo_outreach.crs import choose_metric_crs

if TYPE_CHECKING:
    import geopandas as gpd

MAX_OVERLAP_SHARE: Final = 0.05
"""Villages may touch and overlap by a digitising sliver; more than 5 % of the smaller
village's area laid under another village is a drawing error."""

MIN_REFERENCE_IOU: Final = 0.5
"""Below this intersection-over-union with its reference polygon, a village is not the
same shape (simplified or re-digitised versions of one village stay well above 0.8)."""

MAX_CENTRE_SHIFT_M: Final = 1_000.0
"""A village whose centre lies over 1 km from its reference's centre has moved."""

MIN_MATCHING_SHARE: Final = 0.5
"""Villages are compared one by one only when at least half of the layer fits the
reference: then the file is the same drawing, and a village that does not fit is an
error in it. A layer that fits nowhere is another drawing (a synthetic or redrawn layer)."""

MAX_NAMED: Final = 20
"""At most this many villages are warned about one by one; the rest are counted."""


def _label(villages: gpd.GeoDataFrame, position: int) -> str:
    """Name a village as a user knows it: ``name (code)``."""
    row = villages.iloc[position]
    return f"{row['name']} ({row['code']})"


def overlap_notes(villages: gpd.GeoDataFrame, source: str) -> list[Problem]:
    """
    Warn about villages that overlap each other, and villages drawn twice.

    Parameters
    ----------
    villages
        The boundary layer (canonical columns, any CRS with metres or degrees).
    source
        The file's name, for the messages.

    Returns
    -------
    list of Problem
        One warning per overlapping pair or duplicate shape (the first
        :data:`MAX_NAMED`), with the feature's row.
    """
    metric = villages.to_crs(choose_metric_crs(villages)).geometry.to_numpy()
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    notes: list[Problem] = []
    if len(left) == 0:
        return notes
    shared = shapely.area(shapely.intersection(metric[left], metric[right]))
    smaller = np.minimum(shapely.area(metric[left]), shapely.area(metric[right]))
    same = shapely.equals(metric[left], metric[right])
    for i, j, area, least, twin in zip(left, right, shared, smaller, same, strict=True):
        if len(notes) >= MAX_NAMED:
            break
        if twin:
            notes.append(Problem(
                source, int(j) + 1, "geometry", None,
                f"{_label(villages, j)} has the same shape as {_label(villages, i)} "
                f"(feature {int(i) + 1}): one village is drawn twice",
                "give each village its own polygon (check the file against the official "
                "boundaries)", "warning", key="boundaries.duplicate_shape",
                args={"village": _label(villages, j), "other": _label(villages, i),
                      "feature": str(int(i) + 1)}))
        elif least > 0 and area / least > MAX_OVERLAP_SHARE:
            share = f"{area / least:.0%}"
            notes.append(Problem(
                source, int(j) + 1, "geometry", None,
                f"{_label(villages, j)} and {_label(villages, i)} overlap ({share} of the "
                "smaller one): workers there would be counted in both",
                "correct the polygons so villages only touch at their borders", "warning",
                key="boundaries.overlap",
                args={"village": _label(villages, j), "other": _label(villages, i),
                      "share": share}))
    return notes


def reference_notes(villages: gpd.GeoDataFrame, reference: gpd.GeoDataFrame,
                    source: str) -> list[Problem]:
    """
    Compare each village's polygon with the reference polygon of the same code.

    Parameters
    ----------
    villages
        The uploaded boundary layer.
    reference
        A trusted layer with ``code``, ``name`` and polygons (the bundled DIY layer).
    source
        The file's name, for the messages.

    Returns
    -------
    list of Problem
        One warning per village whose shape barely overlaps its reference or whose
        centre moved by more than :data:`MAX_CENTRE_SHIFT_M`, naming the reference
        village its shape fits instead, if any.
    """
    crs = choose_metric_crs(reference)
    ours = villages.to_crs(crs).reset_index(drop=True)
    theirs = reference.to_crs(crs).drop_duplicates("code").set_index("code")
    known = ours["code"].isin(theirs.index).to_numpy()
    if not known.any():
        return []
    positions = np.flatnonzero(known)
    mine = ours.geometry.to_numpy()[positions]
    expected = theirs.geometry.loc[ours["code"].to_numpy()[positions]].to_numpy()
    union = shapely.area(shapely.union(mine, expected))
    overlap = np.divide(shapely.area(shapely.intersection(mine, expected)), union,
                        out=np.zeros(len(mine)), where=union > 0)
    shift = shapely.distance(shapely.centroid(mine), shapely.centroid(expected))
    far = (overlap < MIN_REFERENCE_IOU) | (shift > MAX_CENTRE_SHIFT_M)
    if far.mean() > 1 - MIN_MATCHING_SHARE:
        return []  # another drawing of the area altogether: not comparable village by village
    tree = shapely.STRtree(theirs.geometry.to_numpy())
    notes: list[Problem] = []
    for position, iou, metres in zip(positions[far], overlap[far], shift[far], strict=True):
        if len(notes) >= MAX_NAMED:
            break
        fits = tree.query_nearest(shapely.centroid(ours.geometry.iloc[position]))
        fitting = theirs.iloc[int(fits[0])]
        instead = (f"; it lies where the reference has {fitting['name']} ({fitting.name})"
                   if fitting.name != ours.at[position, "code"] else "")
        notes.append(Problem(
            source, int(position) + 1, "geometry", None,
            f"the polygon of {_label(ours, position)} is not where the reference layer has "
            f"this code: {iou:.0%} overlap, centre {metres / 1000:.1f} km away{instead}",
            "check that each polygon carries its own village's code and name (polygons "
            "swapped between neighbours move workers between villages)", "warning",
            key="boundaries.not_reference",
            args={"village": _label(ours, position), "overlap": f"{iou:.0%}",
                  "km": f"{metres / 1000:.1f}", "instead": instead}))
    hidden = int(far.sum()) - len(notes)
    if hidden > 0:
        notes.append(Problem(source, None, "geometry", None,
                             f"and {hidden} more villages differ from the reference layer",
                             "compare the file with the official boundaries", "warning",
                             key="boundaries.not_reference_more", args={"count": str(hidden)}))
    return notes
