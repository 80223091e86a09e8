import numpy as np
import pandas as pd
import pytest

from geo_outreach._errors import InputError
from geo_outreach.analysis.coverage import compute_coverage, workers_to_target
from geo_outreach.config import AnalysisParams
from tests.builders import grid_villages


def test_coverage_gap_and_uncovered():
    villages = grid_villages(cols=2, rows=1)
    table = pd.DataFrame({"code": villages["code"], "labour_force": [1000.0, 400.0],
                          "participants": [250.0, 200.0]})
    result = compute_coverage(villages, table, AnalysisParams(target=0.4)).set_index("name")
    assert result.loc["Desa 1", "coverage"] == pytest.approx(0.25)
    assert result.loc["Desa 1", "gap_to_target"] == pytest.approx(0.15)
    assert result.loc["Desa 1", "uncovered"] == 750
    assert result.loc["Desa 1", "workers_to_target"] == 150
    assert result.loc["Desa 2", "gap_to_target"] == pytest.approx(-0.1)
    assert result.loc["Desa 2", "workers_to_target"] == 0


def test_employed_denominator_is_selectable():
    villages = grid_villages(cols=1, rows=1)
    table = pd.DataFrame({"code": villages["code"], "labour_force": [1000.0],
                          "employed": [800.0], "participants": [200.0]})
    result = compute_coverage(villages, table, AnalysisParams(denominator="employed"))
    assert result["coverage"].iloc[0] == pytest.approx(0.25)
    assert result["denominator_value"].iloc[0] == 800


def test_missing_denominator_column_says_how_to_fix():
    villages = grid_villages(cols=1, rows=1)
    table = pd.DataFrame({"code": villages["code"], "labour_force": [1000.0],
                          "participants": [200.0]})
    with pytest.raises(InputError, match=r"'employed'.*--denominator labour_force"):
        compute_coverage(villages, table, AnalysisParams(denominator="employed"))


def test_villages_without_data_keep_nan_and_are_flagged():
    villages = grid_villages(cols=2, rows=1)
    table = pd.DataFrame({"code": villages["code"].iloc[:1], "labour_force": [100.0],
                          "participants": [10.0]})
    result = compute_coverage(villages, table, AnalysisParams())
    assert list(result["has_data"]) == [True, False]
    assert np.isnan(result["coverage"].iloc[1])


def test_zero_denominator_gives_no_coverage_rather_than_infinity():
    villages = grid_villages(cols=1, rows=1)
    table = pd.DataFrame({"code": villages["code"], "labour_force": [0.0],
                          "participants": [0.0]})
    assert np.isnan(compute_coverage(villages, table, AnalysisParams())["coverage"].iloc[0])


def test_workers_to_target_rounds_up_and_never_goes_negative():
    needed = workers_to_target(pd.Series([1000.0, 1000.0, 3.0]), pd.Series([399.0, 500.0, 0.0]),
                               0.4)
    assert list(needed) == [1.0, 0.0, 2.0]


def test_parameters_are_checked():
    with pytest.raises(InputError, match=r"write 40 % as 0\.40"):
        AnalysisParams(target=40)
    with pytest.raises(InputError, match="radius"):
        AnalysisParams(radius_km=0)
