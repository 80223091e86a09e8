"""
Write the example input files in ``examples/`` (DEMO data, seeded; the files are committed).

They show what a user brings, in the shapes met in practice: an Excel sheet with title
rows and village names instead of codes, an office list with Indonesian headers, and a
household register with a yes/no registration flag. Run from the repository root:
``python scripts/make_examples.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from geo_outreach.inputs import bundled
from geo_outreach.inputs.synthetic import synthetic_households

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def participation_workbook(path: Path) -> None:
    """Kota Yogyakarta's DEMO participation as a branch might keep it in Excel."""
    demo = pd.read_csv(bundled.DEMO_PARTICIPATION, dtype={"kode_wilayah": str})
    kota = demo[demo["kode_wilayah"].str.startswith("34.71")]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    sheet.append(["REKAP KEPESERTAAN BPJS KETENAGAKERJAAN PER KELURAHAN (CONTOH DEMO)"])
    sheet.append(["Kota Yogyakarta, data sintetis untuk contoh"])
    sheet.append(["Kelurahan", "Kemantren", "Kabupaten/Kota", "Angkatan Kerja",
                  "Peserta Aktif", "Peserta PU", "Peserta BPU", "Peserta Jakon"])
    for row in kota.itertuples():
        sheet.append([f"Kel. {row.kalurahan}", row.kapanewon, "Kota Yogyakarta",
                      row.angkatan_kerja, row.peserta_aktif, row.peserta_pu, row.peserta_bpu,
                      row.peserta_jakon])
    workbook.save(path)


def main() -> int:
    """Write the three example files."""
    EXAMPLES.mkdir(exist_ok=True)
    participation_workbook(EXAMPLES / "peserta_kota_yogyakarta.xlsx")
    offices = pd.DataFrame({"nama": ["KC Yogyakarta"], "jenis": ["KC"], "lintang": [-7.78305],
                            "bujur": [110.38344], "perkiraan": ["ya"]})
    offices.to_csv(EXAMPLES / "kantor.csv", index=False)
    villages = bundled.read_units(bundled.VILLAGES_LAYER)
    kota = villages[villages["regency_code"] == "34.71"]
    households = synthetic_households(kota, 5_000, seed=2024)
    register = pd.DataFrame({
        "no_kk": households["id"], "lintang": households["lat"], "bujur": households["lon"],
        "jumlah_pekerja": households["workers"],
        "status_bpjs": (households["registered"] == households["workers"]).map(
            {True: "ya", False: "tidak"}),
    })
    register.to_csv(EXAMPLES / "rumah_tangga_contoh.csv", index=False)
    print(f"wrote 3 files to {EXAMPLES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
