import pandas as pd

from geo_outreach.analysis.priority import rank_villages
from geo_outreach.inputs.schema import PRIORITY_OUTPUT_COLUMNS


def test_ranks_by_uncovered_inside_the_radius_and_skips_outside_and_no_data():
    villages = pd.DataFrame({
        "code": ["a", "b", "c", "d"], "name": list("ABCD"), "district": "x", "regency": "y",
        "nearest_office": "K", "distance_to_office_km": 1.0,
        "share_within_radius": [0.5, 1.0, 0.0, 1.0],
        "uncovered_within_radius": [300.0, 200.0, 0.0, float("nan")],
        "coverage": [0.2, 0.3, 0.1, float("nan")], "gap_to_target": [0.2, 0.1, 0.3, float("nan")],
        "workers_to_target": [10.0, 5.0, 1.0, float("nan")],
        "has_data": [True, True, True, False],
    })
    ranked = rank_villages(villages)
    assert list(ranked.columns) == list(PRIORITY_OUTPUT_COLUMNS)
    assert list(ranked["code"]) == ["a", "b"]
    assert list(ranked["rank"]) == [1, 2]
