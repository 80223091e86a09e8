"""
Rebuild ``boundaries/`` from the raw DIY sources (maintainers only).

The raw sources are described in ``boundaries/SOURCES.md``. Run from the repository root:

    python scripts/build_bundled_data.py path/to/data/raw

It writes ``boundaries/diy.gpkg`` (layers ``villages``, ``districts``, ``regencies``),
``boundaries/offices.csv`` and ``boundaries/labour_force_kabupaten.csv``. Users never need
this script: the built files are committed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "boundaries"


def build_villages(derived: Path) -> gpd.GeoDataFrame:
    """Join the 438 cahyadsn village polygons with Dukcapil 2019 population."""
    villages = gpd.read_file(derived / "diy_desa_kelurahan_cahyadsn.geojson")
    attributes = pd.read_csv(derived / "diy_desa_kelurahan_attributes.csv", dtype={"kode": str})
    villages = villages.merge(
        attributes[["kode", "penduduk_dukcapil_des2019"]], on="kode", how="left", validate="1:1"
    )
    if villages["penduduk_dukcapil_des2019"].isna().any():
        sys.exit("population missing for some villages")
    villages = villages.rename(columns={
        "kode": "code", "nama": "name", "jenis": "kind", "kode_kecamatan": "district_code",
        "kecamatan": "district", "kode_kabupaten": "regency_code", "kabupaten": "regency",
        "penduduk_dukcapil_des2019": "population",
    })
    villages["population"] = villages["population"].astype("int64")
    columns = ["code", "name", "kind", "district_code", "district", "regency_code", "regency",
               "population", "geometry"]
    return villages[columns].sort_values("code").reset_index(drop=True)


def build_units(derived: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Read the dissolved kapanewon (78) and kabupaten (5) layers."""
    districts = gpd.read_file(derived / "diy_kecamatan_dissolved_from_desa.geojson").rename(
        columns={"kode_kecamatan": "code", "kecamatan": "name", "kode_kabupaten": "regency_code",
                 "kabupaten": "regency", "n_desa_kel": "villages"})
    regencies = gpd.read_file(derived / "diy_kabupaten_dissolved_from_desa.geojson").rename(
        columns={"kode_kabupaten": "code", "kabupaten": "name"})
    return districts, regencies


def build_offices(derived: Path) -> pd.DataFrame:
    """Rename the office list to the product's office contract, marking approximate points."""
    raw = pd.read_csv(derived / "bpjstk_offices_diy.csv", dtype=str)
    offices = pd.DataFrame({
        "office_id": raw["office_id"],
        "name": raw["name"].str.replace("PLACEHOLDER ", "", regex=False)
        .str.replace(" (office location not found)", "", regex=False),
        "office_type": raw["office_type"].map({"kantor_cabang": "KC"}).fillna("unknown"),
        "lat": raw["lat"].astype(float),
        "lon": raw["lon"].astype(float),
        "approximate": True,
        "location_note": raw["location_quality"].map(lambda q: (
            "perkiraan: titik tengah Jl. Urip Sumoharjo di Klitren (alamat diketahui, nomor rumah "
            "tidak ditemukan; selisih hingga ~0,5 km)" if q.startswith("street_midpoint") else
            "PLACEHOLDER: pusat kalurahan ibu kota kabupaten, bukan lokasi kantor; ganti dengan "
            "koordinat sebenarnya")),
        "address": raw["address"].fillna(""),
    })
    offices.loc[offices["office_id"] == "KC-YGY", "name"] = "KC Yogyakarta"
    placeholder = offices["office_id"].str.startswith("PH-")
    offices.loc[placeholder, "name"] = offices.loc[placeholder, "name"] + " (placeholder)"
    return offices


def main() -> int:
    """Build every bundled file from the raw folder given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path, help="the data/raw folder holding derived/")
    args = parser.parse_args()
    derived = args.raw / "derived"
    villages = build_villages(derived)
    districts, regencies = build_units(derived)
    gpkg = OUT / "diy.gpkg"
    gpkg.unlink(missing_ok=True)
    villages.to_file(gpkg, layer="villages", driver="GPKG")
    districts.to_file(gpkg, layer="districts", driver="GPKG")
    regencies.to_file(gpkg, layer="regencies", driver="GPKG")
    build_offices(derived).to_csv(OUT / "offices.csv", index=False)
    labour = pd.read_csv(derived / "diy_labour_force_kabupaten_2023.csv", dtype={"kode": str})
    labour = labour[labour["kode"].str.len() == 5]  # noqa: PLR2004 - kabupaten codes: "34.01"
    labour = labour.rename(columns={"kode": "regency_code", "wilayah": "regency",
                                    "angkatan_kerja_2023_est": "labour_force",
                                    "tpt_pct_aug2023": "unemployment_pct",
                                    "tpak_pct_aug2023": "participation_rate_pct"})
    labour[["regency_code", "regency", "labour_force", "unemployment_pct",
            "participation_rate_pct"]].to_csv(OUT / "labour_force_kabupaten.csv", index=False)
    print(f"wrote {gpkg} ({len(villages)} villages, {len(districts)} districts, "
          f"{len(regencies)} regencies)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
