"""A plan's legs: by road where the network reaches both ends, else straight line × detour."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy.spatial.distance import cdist

from geo_outreach.field.travel import DETOUR_FACTOR, travel_matrix
from geo_outreach.roads.detour import measure_detour_factor
from geo_outreach.roads.networks import bundled_network
from tests.road_builders import STEP, X0, Y0, grid_network


@pytest.fixture(scope="module")
def kota():
    return bundled_network()


def test_the_detour_factor_is_the_one_measured_on_the_bundled_network(kota):
    measured = measure_detour_factor(kota)
    assert measured.pairs == 4000
    assert measured.p10 < measured.median < measured.p90
    assert pytest.approx(measured.median, abs=0.01) == DETOUR_FACTOR


def test_legs_are_by_road_on_the_network_and_estimated_beyond_it():
    grid = grid_network(6)
    inside = np.array([[X0 + STEP, Y0 + 7], [X0 + 4 * STEP, Y0 + 3 * STEP + 7]])
    outside = np.array([[X0 + 12 * STEP, Y0 + 2 * STEP]])
    xy = np.vstack([inside, outside])
    travel = travel_matrix(grid, xy, one_way=False)
    assert list(travel.on_network) == [True, True, False]
    assert not travel.estimated[0, 1]
    assert travel.estimated[0, 2]
    assert travel.estimated[2, 1]
    straight = cdist(xy, xy)
    assert travel.distance_m[0, 2] == pytest.approx(straight[0, 2] * DETOUR_FACTOR)
    # Along the grid: 3 blocks east and 3 north (the stops sit 7 m off their roads).
    assert travel.distance_m[0, 1] == pytest.approx(6 * STEP, abs=15)
    assert (np.diag(travel.distance_m) == 0).all()


def test_without_a_network_every_leg_is_an_estimate():
    xy = np.array([[0.0, 0.0], [300.0, 400.0]])
    travel = travel_matrix(None, xy, one_way=False)
    assert travel.estimated[0, 1]
    assert travel.estimated[1, 0]
    assert travel.distance_m[0, 1] == pytest.approx(500 * DETOUR_FACTOR)
    assert travel.graph is None


def test_a_road_leg_is_never_shorter_than_the_straight_line(kota):
    rng = np.random.default_rng(4)
    lines = kota.links.geometry.to_numpy()[rng.choice(len(kota.links), 60)]
    xy = shapely.get_coordinates(shapely.line_interpolate_point(lines, 0.5, normalized=True))
    xy = xy[kota.covers_xy(xy)]
    travel = travel_matrix(kota, xy, one_way=False)
    road = ~travel.estimated
    straight = cdist(travel.xy, travel.xy)
    assert road.all()  # every point inside the extent is connected by road
    assert (travel.distance_m[road] >= straight[road] - 1e-6).all()
