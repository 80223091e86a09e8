"""Hand-built layers for tests: square villages and offices near Yogyakarta, in UTM 49S."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo_outreach.inputs.prepare import PreparedInputs

UTM = "EPSG:32749"
ORIGIN_X, ORIGIN_Y = 430_000.0, 9_140_000.0  # near Kota Yogyakarta


def square(col: int, row: int, size_m: float = 4_000.0) -> shapely.Polygon:
    """A size_m square, the col-th east and row-th north of the origin."""
    x0, y0 = ORIGIN_X + col * size_m, ORIGIN_Y + row * size_m
    return shapely.box(x0, y0, x0 + size_m, y0 + size_m)


def grid_villages(cols: int = 4, rows: int = 3) -> gpd.GeoDataFrame:
    """A grid of square villages, EPSG:4326, two districts and two regencies."""
    records = []
    for row in range(rows):
        for col in range(cols):
            number = row * cols + col + 1
            regency = "Kota Uji" if col < cols // 2 else "Kabupaten Uji"
            regency_code = "34.71" if col < cols // 2 else "34.04"
            records.append({
                "code": f"{regency_code}.0{row + 1}.{2000 + number}",
                "name": f"Desa {number}",
                "district": f"Kapanewon {regency_code[-2:]}{row + 1}",
                "regency": regency,
                "kind": "desa",
                "population": 1000 * number,
                "geometry": square(col, row),
            })
    return gpd.GeoDataFrame(records, crs=UTM).to_crs("EPSG:4326")


def offices_at(points_m: list[tuple[float, float]], *, approximate: bool = False
               ) -> gpd.GeoDataFrame:
    """Office points at metre offsets from the origin, EPSG:4326."""
    records = [{
        "office_id": f"K{i + 1}", "name": f"Kantor {i + 1}", "office_type": "KC",
        "approximate": approximate, "location_note": "",
        "geometry": shapely.Point(ORIGIN_X + dx, ORIGIN_Y + dy),
    } for i, (dx, dy) in enumerate(points_m)]
    offices = gpd.GeoDataFrame(records, crs=UTM).to_crs("EPSG:4326")
    offices["lat"] = offices.geometry.y
    offices["lon"] = offices.geometry.x
    return offices


def participation_for(villages: gpd.GeoDataFrame, *, coverage: float = 0.25,
                      labour_force: int = 1000) -> pd.DataFrame:
    """One participation row per village with the same labour force and coverage."""
    return pd.DataFrame({
        "code": villages["code"],
        "labour_force": float(labour_force),
        "employed": float(labour_force) * 0.95,
        "participants": float(round(labour_force * coverage)),
    })


def prepared(villages: gpd.GeoDataFrame, participation: pd.DataFrame,
             offices: gpd.GeoDataFrame, *, is_demo: bool = False) -> PreparedInputs:
    """PreparedInputs built by hand, bypassing the file readers."""
    districts = villages.dissolve(by="district", as_index=False)[["district", "geometry"]]
    regencies = villages.dissolve(by="regency", as_index=False)[["regency", "geometry"]]
    return PreparedInputs(
        villages=villages,
        districts=districts.rename(columns={"district": "name"}).assign(code=lambda d: d["name"]),
        regencies=regencies.rename(columns={"regency": "name"}).assign(code=lambda d: d["name"]),
        participation=participation,
        offices=offices,
        match_report=pd.DataFrame({"row": [], "status": []}),
        problems=[],
        is_demo=is_demo,
        inputs={"boundaries": {"path": "test", "sha256": ""},
                "participation": {"path": "test.csv", "sha256": ""},
                "offices": {"path": "test", "sha256": ""}},
    )
