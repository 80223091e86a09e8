"""
Generate the DEMO participation table shipped in ``boundaries/demo_participation.csv``.

No per-village participation figures are public, so the bundled demo uses a synthetic
table, seeded so that it is the same on every machine:

1. Each kabupaten's labour force (BPS Sakernas, Aug 2023) is spread over its villages by
   population (Dukcapil, Dec 2019); the employed population is the labour force less the
   kabupaten's open unemployment rate.
2. Participants are drawn so that DIY's totals match BPJS Ketenagakerjaan's published
   October 2024 figures: 614,371 active participants = PU 410,248 + BPU 98,724 +
   Jakon 105,399.
3. Coverage varies plausibly across space: higher in dense, central villages, lower in
   sparse, remote ones, with seeded noise. Wage earners (PU) lean urban, the self-employed
   (BPU) lean rural.

Everything derived from this table is labelled DEMO by the product. Run from the
repository root: ``python scripts/make_demo_participation.py``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

BOUNDARIES = Path(__file__).resolve().parent.parent / "boundaries"
SEED = 20241031
SEGMENT_TOTALS = {"pu": 410_248, "bpu": 98_724, "jakon": 105_399, "pmi": 0}
CITY_CENTRE_LONLAT = (110.3671, -7.7829)  # Tugu Yogyakarta
MAX_COVERAGE = 0.85


def split_integer(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    if total == 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    remainder = total - whole.sum()
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:remainder]] += 1
    return whole


def main() -> int:
    """Write the demo table and print its totals."""
    rng = np.random.default_rng(SEED)
    villages = gpd.read_file(BOUNDARIES / "diy.gpkg", layer="villages").to_crs("EPSG:32749")
    labour = pd.read_csv(BOUNDARIES / "labour_force_kabupaten.csv", dtype={"regency_code": str})
    labour = labour.rename(columns={"labour_force": "regency_labour_force"})
    villages = villages.merge(labour[["regency_code", "regency_labour_force", "unemployment_pct"]],
                              on="regency_code", how="left", validate="m:1")

    villages["labour_force"] = 0
    villages["employed"] = 0
    for _, group in villages.groupby("regency_code"):
        first = group.iloc[0]
        weights = group["population"].to_numpy(float)
        force = split_integer(int(first["regency_labour_force"]), weights)
        employed = np.round(force * (1 - first["unemployment_pct"] / 100)).astype(np.int64)
        villages.loc[group.index, "labour_force"] = force
        villages.loc[group.index, "employed"] = employed

    area_km2 = villages.area / 1e6
    density = np.log(villages["population"] / area_km2)
    centre = gpd.GeoSeries.from_xy([CITY_CENTRE_LONLAT[0]], [CITY_CENTRE_LONLAT[1]],
                                   crs="EPSG:4326").to_crs("EPSG:32749").iloc[0]
    distance_km = villages.centroid.distance(centre) / 1000
    urban = ((density - density.mean()) / density.std()).to_numpy()
    remote = ((distance_km - distance_km.mean()) / distance_km.std()).to_numpy()
    score = 0.6 * urban - 0.35 * remote + rng.normal(0, 0.3, len(villages))
    propensity = 1 / (1 + np.exp(-score))  # 0..1, higher in town
    force = villages["labour_force"].to_numpy(float)

    segments: dict[str, np.ndarray] = {}
    urban01 = (urban - urban.min()) / (urban.max() - urban.min())
    lean = {"pu": 0.3 + urban01, "bpu": 1.3 - 0.6 * urban01, "jakon": np.ones(len(villages)),
            "pmi": np.ones(len(villages))}
    for segment, total in SEGMENT_TOTALS.items():
        segments[segment] = split_integer(total, force * propensity * lean[segment])
    participants = sum(segments.values())
    if (participants > MAX_COVERAGE * force).any():
        msg = "demo coverage exceeds the cap; lower the spatial contrast"
        raise SystemExit(msg)

    table = pd.DataFrame({
        "kode_wilayah": villages["code"],
        "kalurahan": villages["name"],
        "kapanewon": villages["district"],
        "kabupaten": villages["regency"],
        "angkatan_kerja": villages["labour_force"],
        "penduduk_bekerja": villages["employed"],
        "peserta_aktif": participants,
        "peserta_pu": segments["pu"],
        "peserta_bpu": segments["bpu"],
        "peserta_jakon": segments["jakon"],
        "peserta_pmi": segments["pmi"],
        "sumber": "DEMO sintetis (bukan data BPJS)",
    })
    table.to_csv(BOUNDARIES / "demo_participation.csv", index=False)
    coverage = table["peserta_aktif"] / table["angkatan_kerja"]
    print(f"{len(table)} villages, participants {table['peserta_aktif'].sum():,}, "
          f"labour force {table['angkatan_kerja'].sum():,}, coverage "
          f"min {coverage.min():.1%} median {coverage.median():.1%} max {coverage.max():.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
