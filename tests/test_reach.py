import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo_outreach.analysis.pipeline import analyse
from geo_outreach.analysis.reach import (
    nearest_offices,
    office_catchments,
    office_discs,
    share_inside,
    village_office_pieces,
)
from geo_outreach.config import AnalysisParams
from geo_outreach.crs import choose_metric_crs
from tests.builders import UTM, grid_villages, offices_at, participation_for, prepared

FIVE_KM_DISC_M2 = math.pi * 5_000.0**2


def test_five_km_disc_area_is_pi_r_squared_in_metric_crs():
    discs = office_discs(offices_at([(6000, 6000)]).to_crs(UTM), 5.0)
    assert discs.area.iloc[0] == pytest.approx(FIVE_KM_DISC_M2, rel=0.005)


def test_five_km_disc_area_is_pi_r_squared_on_the_ellipsoid():
    discs = office_discs(offices_at([(6000, 6000)]).to_crs(UTM), 5.0).to_crs("EPSG:4326")
    area_m2, _ = Geod(ellps="WGS84").geometry_area_perimeter(discs.geometry.iloc[0])
    assert abs(area_m2) == pytest.approx(FIVE_KM_DISC_M2, rel=0.005)


def test_discs_refuse_degrees():
    with pytest.raises(ValueError, match="metric CRS"):
        office_discs(offices_at([(0, 0)]), 5.0)


def test_metric_crs_is_utm_49s_for_diy_and_estimated_elsewhere():
    assert choose_metric_crs(grid_villages()) == "EPSG:32749"
    jakarta = grid_villages().to_crs(UTM).translate(xoff=-400_000).set_crs(UTM, allow_override=True)
    assert choose_metric_crs(jakarta.to_frame("geometry")) == "EPSG:32748"


def test_share_inside_measures_area():
    villages = grid_villages(cols=1, rows=1).to_crs(UTM)
    half = shapely.box(*villages.total_bounds)
    minx, miny, maxx, maxy = half.bounds
    left_half = shapely.box(minx, miny, (minx + maxx) / 2, maxy)
    assert share_inside(villages, left_half)[0] == pytest.approx(0.5)


def test_share_inside_uses_population_weights_when_given():
    villages = grid_villages(cols=1, rows=1).to_crs(UTM)
    minx, miny, maxx, maxy = villages.total_bounds
    left_half = shapely.box(minx, miny, (minx + maxx) / 2, maxy)
    points = gpd.GeoDataFrame(
        {"code": villages["code"].iloc[0], "weight": [3.0, 1.0]},
        geometry=[shapely.Point(minx + 10, miny + 10), shapely.Point(maxx - 10, miny + 10)],
        crs=UTM)
    assert share_inside(villages, left_half, weights=points)[0] == pytest.approx(0.75)


def test_catchments_split_overlapping_discs_without_double_counting():
    offices = offices_at([(4000, 6000), (10000, 6000)]).to_crs(UTM)
    discs = office_discs(offices, 5.0)
    catchments = office_catchments(offices, discs)
    union = shapely.union_all(discs.geometry.to_numpy())
    assert catchments.area.sum() == pytest.approx(union.area, rel=1e-9)
    overlap = shapely.intersection(catchments.geometry.iloc[0], catchments.geometry.iloc[1])
    assert overlap.area == pytest.approx(0.0, abs=1e-3)


def test_offices_at_one_place_share_one_catchment():
    offices = offices_at([(4000, 6000), (4000, 6000)]).to_crs(UTM)
    catchments = office_catchments(offices, office_discs(offices, 5.0))
    assert catchments.area.iloc[0] == pytest.approx(FIVE_KM_DISC_M2, rel=0.005)
    assert catchments.area.iloc[1] == 0


def test_village_pieces_add_up_to_the_share_inside_the_union():
    villages = grid_villages().to_crs(UTM)
    offices = offices_at([(4000, 6000), (10000, 6000)]).to_crs(UTM)
    discs = office_discs(offices, 5.0)
    pieces = village_office_pieces(villages, office_catchments(offices, discs))
    by_village = pieces.groupby("code")["share"].sum().reindex(villages["code"]).fillna(0)
    union = shapely.union_all(discs.geometry.to_numpy())
    np.testing.assert_allclose(by_village.to_numpy(), share_inside(villages, union), atol=1e-9)


def test_nearest_office_and_distance():
    villages = grid_villages(cols=2, rows=1).to_crs(UTM)
    offices = offices_at([(2000, 2000), (100_000, 2000)]).to_crs(UTM)
    office_ids, distance_km = nearest_offices(villages, offices)
    assert list(office_ids) == ["K1", "K1"]
    np.testing.assert_allclose(distance_km, [0.0, 4.0], atol=1e-6)


@pytest.fixture
def overlapping_result():
    villages = grid_villages()
    offices = offices_at([(4000, 6000), (10000, 6000)])
    return analyse(prepared(villages, participation_for(villages), offices), AnalysisParams())


def test_apportioned_totals_are_conserved(overlapping_result):
    villages, offices = overlapping_result.villages, overlapping_result.offices
    for column in ("uncovered", "participants", "labour_force"):
        inside_villages = villages[f"{column}_within_radius"].sum()
        assert offices[f"{column}_within_radius"].sum() == pytest.approx(inside_villages)
    # the whole is the sum of the parts inside and outside the radius
    outside = (villages["uncovered"] * (1 - villages["share_within_radius"])).sum()
    assert villages["uncovered_within_radius"].sum() + outside == pytest.approx(
        villages["uncovered"].sum())


def test_villages_fully_inside_count_whole_and_far_ones_not_at_all():
    villages = grid_villages(cols=6, rows=1)
    result = analyse(prepared(villages, participation_for(villages), offices_at([(2000, 2000)])),
                     AnalysisParams(radius_km=5.0))
    shares = result.villages.set_index("name")["share_within_radius"]
    assert shares["Desa 1"] == pytest.approx(1.0)
    assert shares["Desa 6"] == 0.0
    assert result.villages.set_index("name").loc["Desa 1", "uncovered_within_radius"] == 750


def test_larger_radius_reaches_more_uncovered_workers():
    villages = grid_villages()
    inputs = prepared(villages, participation_for(villages), offices_at([(4000, 6000)]))
    small = analyse(inputs, AnalysisParams(radius_km=2.0)).villages["uncovered_within_radius"]
    large = analyse(inputs, AnalysisParams(radius_km=8.0)).villages["uncovered_within_radius"]
    assert large.sum() > small.sum()
