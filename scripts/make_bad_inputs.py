"""
Write the bad-input catalogue in ``tests/bad_inputs/`` (deterministic; the files are committed).

Each file is one defect a user could hand in, made from the bundled DIY data or a tiny
hand-built frame. What the tool answers to each is listed in ``CATALOGUE.csv`` beside the
files and checked by ``tests/test_bad_inputs.py``. Run from the repository root:
``python scripts/make_bad_inputs.py``. Huge files are not written here: the tests make
them in a temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import shapely
from openpyxl import Workbook

from geo_outreach.inputs import bundled

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

OUT = Path(__file__).resolve().parent.parent / "tests" / "bad_inputs"
UTM = "EPSG:32749"
KOTA = "34.71"
"""Kota Yogyakarta's regency code: its 45 villages keep the tables small."""

PARTICIPATION_HEADER = ("kode_wilayah", "kalurahan", "kapanewon", "kabupaten",
                        "angkatan_kerja", "peserta_aktif")
OFFICE_HEADER = ("office_id", "name", "office_type", "lat", "lon")
HOUSEHOLD_HEADER = ("no_kk", "lintang", "bujur", "jumlah_pekerja", "status_bpjs")
STOP_HEADER = ("stop_id", "label", "village", "households", "lat", "lon")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
"""Every date written into a file, so that the script makes the same bytes each time."""

KEPT = frozenset({"CATALOGUE.csv", "README.md"})
"""Files of the folder written by hand, not by this script."""

Rows = list[list[object]]


# --- sources ---------------------------------------------------------------------------


def villages() -> gpd.GeoDataFrame:
    """Read the bundled villages, EPSG:4326."""
    return bundled.read_units(bundled.VILLAGES_LAYER)


def kota_villages(count: int = 6) -> gpd.GeoDataFrame:
    """Take the first villages of Kota Yogyakarta, with the canonical columns only."""
    kota = villages()
    kota = kota[kota["regency_code"] == KOTA].head(count)
    return kota[["code", "name", "district", "regency", "geometry"]].reset_index(drop=True)


def participation_rows() -> Rows:
    """Kota Yogyakarta's DEMO participation: code, names, labour force, participants."""
    demo = pd.read_csv(bundled.DEMO_PARTICIPATION, dtype={"kode_wilayah": str})
    kota = demo[demo["kode_wilayah"].str.startswith(KOTA)]
    return [[r.kode_wilayah, r.kalurahan, r.kapanewon, r.kabupaten, int(r.angkatan_kerja),
             int(r.peserta_aktif)] for r in kota.itertuples()]


def office_rows() -> Rows:
    """List the bundled offices: id, name, type, lat, lon."""
    offices = pd.read_csv(bundled.OFFICES_CSV)
    return [[r.office_id, r.name, r.office_type, r.lat, r.lon] for r in offices.itertuples()]


def household_rows(count: int = 12) -> Rows:
    """Households at fixed points inside Kota Yogyakarta (lat, lon in degrees)."""
    rng = np.random.default_rng(7)
    lat = np.round(-7.80 + rng.uniform(-0.02, 0.02, count), 6)
    lon = np.round(110.37 + rng.uniform(-0.02, 0.02, count), 6)
    return [[f"KK{i + 1:03d}", float(lat[i]), float(lon[i]), 2, "tidak" if i % 3 else "ya"]
            for i in range(count)]


def stop_rows() -> Rows:
    """Three stops in Kota Yogyakarta."""
    return [["S1", "Demangan", "Demangan", 25, -7.7830, 110.3900],
            ["S2", "Terban", "Terban", 15, -7.7780, 110.3760],
            ["S3", "Baciro", "Baciro", 20, -7.7900, 110.3850]]


# --- writers ---------------------------------------------------------------------------


def write_csv(path: Path, header: tuple[str, ...], rows: Rows, *, delimiter: str = ",",
              encoding: str = "utf-8") -> None:
    """Write a CSV exactly: the chosen separator and encoding, newline line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_geojson(path: Path, frame: gpd.GeoDataFrame) -> None:
    """Write a GeoJSON file without feature ids."""
    path.write_text(frame.to_json(drop_id=True), encoding="utf-8")


def fix_zip_dates(path: Path) -> None:
    """Rewrite a zip (a .zip or an .xlsx) with fixed dates inside and on every member."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            fixed = data
            if name == "docProps/core.xml":
                fixed = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp.encode(), data)
            if name.endswith(".dbf"):  # the dBASE header's date of last update
                fixed = bytes([data[0], FIXED_TIME[0] - 1900, *FIXED_TIME[1:3]]) + data[4:]
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, fixed)


def write_zipped_shapefile(path: Path, frame: gpd.GeoDataFrame, *,
                           keep: Callable[[str], bool] = lambda _name: True) -> None:
    """Write a shapefile and zip those of its files that ``keep`` accepts."""
    with tempfile.TemporaryDirectory() as folder:
        shp = Path(folder) / f"{path.stem}.shp"
        frame.to_file(shp)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(Path(folder).iterdir()):
                if keep(member.name):
                    archive.write(member, member.name)
    fix_zip_dates(path)


def workbook(path: Path, rows: list[list[object]],
             merged: tuple[str, ...] = (), sheet_title: str = "Data") -> None:
    """Write an .xlsx workbook of one sheet, merging the given cell ranges."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)
    fix_zip_dates(path)


def workbook_of_sheets(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """Write an .xlsx workbook with one sheet per entry, in order."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    fix_zip_dates(path)


def truncate_half(path: Path) -> None:
    """Cut a file in half, as an interrupted download or copy leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# --- boundaries ------------------------------------------------------------------------


def bowtie(frame: gpd.GeoDataFrame, index: int) -> gpd.GeoDataFrame:
    """Replace one village's outline by a self-intersecting bow-tie over its bounds."""
    minx, miny, maxx, maxy = frame.geometry.iloc[index].bounds
    frame = frame.copy()
    frame.loc[index, "geometry"] = shapely.Polygon(
        [(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy), (minx, miny)])
    return frame


def boundaries(out: Path) -> None:
    """Write the village boundary files."""
    kota = kota_villages()
    metric = kota.to_crs(UTM)
    write_zipped_shapefile(out / "b_no_prj.zip", kota,
                           keep=lambda name: not name.endswith(".prj"))
    geojson = metric.to_json(drop_id=True).replace('"crs"', '"_crs"')
    (out / "b_metres_no_crs.geojson").write_text(geojson, encoding="utf-8")
    write_zipped_shapefile(out / "b_metres_as_4326.zip", metric.set_crs("EPSG:4326",
                                                                        allow_override=True))
    write_zipped_shapefile(out / "b_degrees_as_utm.zip", kota.set_crs(UTM, allow_override=True))
    swapped = kota.set_geometry(shapely.transform(kota.geometry.to_numpy(),
                                                  lambda xy: xy[:, ::-1]))
    write_geojson(out / "b_swapped_axes.geojson", swapped)
    # The whole of DIY (simplified), so the bundled offices and participation fit it.
    diy = villages()[["code", "name", "district", "regency", "geometry"]]
    diy = diy.set_geometry(diy.geometry.simplify(0.004).set_precision(1e-4)).reset_index(
        drop=True)
    write_geojson(out / "b_bowtie_diy.geojson", bowtie_precise(diy))
    neighbours = villages()[["code", "name", "district", "regency", "geometry"]]
    shapes = neighbours.geometry.copy()
    shapes.iloc[4], shapes.iloc[10] = neighbours.geometry.iloc[10], neighbours.geometry.iloc[4]
    write_geojson(out / "b_swapped_neighbours.geojson",
                  neighbours.set_geometry(shapes.to_numpy()).set_geometry(
                      shapes.simplify(0.002).set_precision(1e-4).to_numpy()))
    empty = kota.copy()
    empty.loc[2, "geometry"] = None
    write_geojson(out / "b_empty_geometry.geojson", empty)
    mixed = kota.copy()
    mixed.loc[1, "geometry"] = mixed.geometry.iloc[1].centroid
    mixed.loc[4, "geometry"] = mixed.geometry.iloc[4].boundary
    write_geojson(out / "b_mixed_geometry.geojson", mixed)
    duplicate = kota.copy()
    duplicate.loc[3, "code"] = duplicate.loc[1, "code"]
    write_geojson(out / "b_duplicate_codes.geojson", duplicate)
    bps = kota.copy()
    bps["code"] = [f"3471{d:03d}{v:03d}" for d, v in zip([10, 10, 10, 10, 20, 20],
                                                         [1, 2, 3, 4, 1, 2], strict=True)]
    write_geojson(out / "b_bps_codes.geojson", bps)
    with zipfile.ZipFile(out / "b_zip_without_shp.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("desa_diy.dbf", b"\x03" + b"\x00" * 31)
        archive.writestr("BACA SAYA.txt", "batas desa DIY\n")
    fix_zip_dates(out / "b_zip_without_shp.zip")
    kota.head(2).to_file(out / "b_truncated.gpkg", layer="villages")
    truncate_half(out / "b_truncated.gpkg")
    (out / "b_png_renamed.gpkg").write_bytes(PNG_SIGNATURE + bytes(range(256)) * 2)
    (out / "b_empty.geojson").write_bytes(b"")


def bowtie_precise(diy: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """DIY (valid outlines on a 1e-4 degree grid) with Demangan as a bow-tie."""
    return bowtie(diy, int(np.flatnonzero(diy["code"] == "34.71.03.1001")[0]))


# --- participation ---------------------------------------------------------------------


def changed(rows: Rows, index: int, column: int, value: object) -> Rows:
    """Copy the rows with one cell changed."""
    rows = [list(r) for r in rows]
    rows[index][column] = value
    return rows


def participation(out: Path) -> None:
    """Write the participation tables (Kota Yogyakarta's DEMO rows, each with one defect)."""
    rows = participation_rows()
    header = PARTICIPATION_HEADER
    name = header.index("kalurahan")
    labour, participants = header.index("angkatan_kerja"), header.index("peserta_aktif")
    # Rows 2.. are the data rows; index i is spreadsheet row i + 2.
    demangan = next(i for i, r in enumerate(rows) if r[0] == "34.71.03.1001")
    typo = changed(rows, demangan, 0, "")
    typo[demangan][name] = "Demangn"  # Demangan, Gondokusuman, without its code
    write_csv(out / "p_typo_name.csv", header, typo)
    ambiguous = [*rows, ["", "Argomulyo", "", "", 1500, 300]]  # Sedayu and Cangkringan
    write_csv(out / "p_ambiguous_name.csv", header, ambiguous)
    write_csv(out / "p_bps_code.csv", header, changed(rows, 3, 0, "3471010004"))
    write_csv(out / "p_duplicate_code.csv", header, changed(rows, 5, 0, rows[4][0]))
    write_csv(out / "p_unknown_code.csv", header, changed(rows, 6, 0, "34.71.02.1009"))
    write_csv(out / "p_above_labour_force.csv", header,
              changed(rows, 2, participants, int(rows[2][labour]) + 250))
    write_csv(out / "p_negative_count.csv", header, changed(rows, 4, labour, -1200))
    write_csv(out / "p_blank_count.csv", header, changed(rows, 7, participants, ""))
    write_csv(out / "p_text_count.csv", header, changed(rows, 9, participants, "seratus"))
    write_csv(out / "p_long_cell.csv", header, changed(rows, 3, 1, "Bener " * 23_000))
    write_csv(out / "p_huge_count.csv", header, changed(rows, 8, labour, "34710100002"))
    dots, commas = (f"{int(rows[i][labour]):,}" for i in (2, 5))  # 5,290: commas
    mixed = changed(changed(rows, 2, labour, dots.replace(",", ".")), 5, labour, commas)
    write_csv(out / "p_mixed_decimals.csv", header, mixed)
    participation_files(out, rows)


def participation_files(out: Path, rows: Rows) -> None:
    """Write the participation tables whose defect is the file's form: sheets, encodings."""
    header = PARTICIPATION_HEADER
    labour, participants = header.index("angkatan_kerja"), header.index("peserta_aktif")
    # a formula as a script writes it: openpyxl saves no result with it
    workbook(out / "p_formula_no_value.xlsx", [list(header), *changed(rows, 6, participants,
                                                                      "=ROUND(E8/2,0)")])
    titled = [["REKAP KEPESERTAAN BPJS KETENAGAKERJAAN PER KELURAHAN"],
              ["Kota Yogyakarta, Desember 2024"], [], list(header), *rows]
    workbook(out / "p_title_rows.xlsx", titled)
    summary = [["Kabupaten", "Angkatan Kerja", "Peserta"], ["Kota Yogyakarta", 250000, 90000]]
    workbook_of_sheets(out / "p_summary_first_sheet.xlsx",
                       {"Ringkasan": summary, "Data": [list(header), *rows]})
    merged = [["REKAP KEPESERTAAN"],
              ["Kode Wilayah", "Kelurahan", "Kemantren", "Kabupaten", "Angkatan Kerja",
               "Peserta", None],
              [None, None, None, None, None, "PU", "BPU"],
              *[[*r[:5], round(int(r[participants]) * 0.7), int(r[participants])
                 - round(int(r[participants]) * 0.7)] for r in rows]]
    workbook(out / "p_merged_header.xlsx", merged,
             merged=("A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:G2"))
    latin = changed(changed(rows, 0, 0, ""), 0, header.index("kapanewon"), "Tegalréjo")
    write_csv(out / "p_latin1.csv", header, latin, encoding="latin-1")
    dots = [[*r[:4], f"{int(r[labour]):,}".replace(",", "."), r[participants]] for r in rows]
    write_csv(out / "p_semicolon_thousands_dots.csv", header, dots, delimiter=";")
    commas = changed(rows, 1, participants, "12,5")
    write_csv(out / "p_decimal_comma.csv", header, commas, delimiter=";")
    bom = "\ufeff" + ",".join(header) + "\n" + "".join(
        ",".join(str(c) for c in r) + "\n" for r in rows)
    (out / "p_utf8_bom.csv").write_bytes(bom.encode("utf-8"))
    numbers = [[int(str(r[0]).replace(".", "")), *r[1:]] for r in rows]
    workbook(out / "p_codes_as_numbers.xlsx", [list(header), *numbers])
    scientific = changed(rows, 0, 0, "3.47101E+09")
    write_csv(out / "p_codes_scientific.csv", header, scientific)
    semarang = [["33.74.01.1001", "Sekayu", "Semarang Tengah", "Kota Semarang", 2100, 640],
                ["33.74.01.1002", "Miroto", "Semarang Tengah", "Kota Semarang", 1900, 510],
                ["33.74.01.1003", "Pekunden", "Semarang Tengah", "Kota Semarang", 1700, 480],
                ["33.74.01.1004", "Kauman", "Semarang Tengah", "Kota Semarang", 1300, 390]]
    write_csv(out / "p_other_province.csv", header, semarang)
    write_csv(out / "p_header_only.csv", header, [])
    (out / "p_empty.csv").write_bytes(b"")
    workbook(out / "p_truncated.xlsx", [list(header), *rows])
    truncate_half(out / "p_truncated.xlsx")
    cut = io.StringIO(newline="")
    csv.writer(cut, lineterminator="\n").writerows([header, *rows])
    text = cut.getvalue().rstrip("\n")
    (out / "p_cut_mid_row.csv").write_text(text[: text.rfind(",") - 6], encoding="utf-8")
    workbook(out / "p_xlsx_renamed.csv", [list(header), *rows])


# --- offices ---------------------------------------------------------------------------


def offices(out: Path) -> None:
    """Write the office tables."""
    rows = office_rows()
    lat, lon = OFFICE_HEADER.index("lat"), OFFICE_HEADER.index("lon")
    swapped = changed(rows, 1, lat, rows[1][lon])
    swapped[1][lon] = rows[1][lat]
    write_csv(out / "o_swapped_lat_lon.csv", OFFICE_HEADER, swapped)
    zero = changed(changed(rows, 2, lat, 0), 2, lon, 0)
    write_csv(out / "o_zero_zero.csv", OFFICE_HEADER, zero)
    jakarta = [*rows, ["KC-JKT", "KC Jakarta Menara Jamsostek", "KC", -6.2309, 106.8227]]
    write_csv(out / "o_outside_diy.csv", OFFICE_HEADER, jakarta)
    write_csv(out / "o_lost_minus_sign.csv", OFFICE_HEADER,
              changed(rows, 3, lat, abs(float(rows[3][lat]))))
    latin = changed(rows, 1, 1, "KCP Sléman (sementara)")
    write_csv(out / "o_latin1.csv", OFFICE_HEADER, latin, encoding="latin-1")
    decimal = [[*r[:3], str(r[lat]).replace(".", ","), str(r[lon]).replace(".", ",")]
               for r in rows]
    write_csv(out / "o_semicolon_decimal_comma.csv", OFFICE_HEADER, decimal, delimiter=";")


# --- households ------------------------------------------------------------------------


def households(out: Path) -> None:
    """Write the household point files."""
    rows = household_rows()
    lat, lon = HOUSEHOLD_HEADER.index("lintang"), HOUSEHOLD_HEADER.index("bujur")
    swapped = [list(r) for r in rows]
    for index in (3, 7):
        swapped[index][lat], swapped[index][lon] = rows[index][lon], rows[index][lat]
    write_csv(out / "h_swapped_lat_lon.csv", HOUSEHOLD_HEADER, swapped)
    zero = changed(changed(rows, 5, lat, 0), 5, lon, 0)
    write_csv(out / "h_zero_zero.csv", HOUSEHOLD_HEADER, zero)
    decimal = [[r[0], str(r[lat]).replace(".", ","), str(r[lon]).replace(".", ","), *r[3:]]
               for r in rows]
    write_csv(out / "h_semicolon_decimal_comma.csv", HOUSEHOLD_HEADER, decimal, delimiter=";")
    frame = pd.DataFrame(rows, columns=list(HOUSEHOLD_HEADER))
    frame.to_parquet(out / "h_truncated.parquet", index=False)
    truncate_half(out / "h_truncated.parquet")
    (out / "h_empty.csv").write_bytes(b"")
    write_csv(out / "h_text_counts.csv", HOUSEHOLD_HEADER, changed(rows, 2, 3, "dua"))
    write_csv(out / "h_huge_counts.csv", HOUSEHOLD_HEADER, changed(rows, 2, 3, "3000000000"))
    write_csv(out / "h_nul_bytes.csv", HOUSEHOLD_HEADER, rows)
    with (out / "h_nul_bytes.csv").open("ab") as handle:  # a copy that stopped half-way
        handle.write(b"\x00" * 4096)


# --- roads -----------------------------------------------------------------------------


def street_grid(centre_lonlat: tuple[float, float], size: int = 6, step_m: float = 300.0
                ) -> gpd.GeoDataFrame:
    """Draw a size×size grid of two-way streets centred on a point, as a line layer."""
    centre = gpd.GeoSeries([shapely.Point(centre_lonlat)], crs="EPSG:4326").to_crs(UTM).iloc[0]
    half = (size - 1) * step_m / 2
    x0, y0 = centre.x - half, centre.y - half
    lines = []
    for i in range(size):
        offset = i * step_m
        lines.append(shapely.LineString([(x0 + offset, y0), (x0 + offset, y0 + 2 * half)]))
        lines.append(shapely.LineString([(x0, y0 + offset), (x0 + 2 * half, y0 + offset)]))
    frame = gpd.GeoDataFrame({"name": [f"Jalan {i}" for i in range(len(lines))]},
                             geometry=lines, crs=UTM).to_crs("EPSG:4326")
    rounded = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, 6))
    return frame.set_geometry(gpd.GeoSeries(rounded, crs="EPSG:4326"))


def overpass_grid() -> str:
    """Write an Overpass API JSON response (as osmnx caches it) of a hand-typed 3×3 grid."""
    step = 0.00135
    nodes = [{"type": "node", "id": 100 + 3 * row + col, "lat": round(-7.80 + row * step, 7),
              "lon": round(110.37 + col * step, 7)} for row in range(3) for col in range(3)]
    ways = [{"type": "way", "id": 10 + i, "nodes": ids, "tags": {"highway": "residential"}}
            for i, ids in enumerate([[100 + 3 * r + c for c in range(3)] for r in range(3)]
                                    + [[100 + 3 * r + c for r in range(3)] for c in range(3)])]
    elements = ",\n".join(json.dumps(element) for element in nodes + ways)
    return ('{"version": 0.6, "generator": "hand-typed", "osm3s": {}, "elements": [\n'
            f"{elements}\n]}}\n")


def roads(out: Path) -> None:
    """Write the road network files."""
    office = office_rows()[0]  # KC-YGY: the grid covers it and no other office
    write_geojson(out / "r_only_around_one_office.geojson",
                  street_grid((float(office[4]), float(office[3]))))
    lines = street_grid((110.38, -7.80), size=2)
    points = lines.set_geometry(lines.geometry.get_coordinates().groupby(level=0).mean().pipe(
        lambda xy: gpd.points_from_xy(xy["x"], xy["y"], crs="EPSG:4326")))
    write_geojson(out / "r_points_not_lines.geojson", points)
    (out / "r_empty.osm").write_bytes(b"")
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    graph.add_node(1, x=110.38, y=-7.78)
    graph.add_node(2, x=110.39, y=-7.78)
    graph.add_edge(1, 2, length=1100.0, highway="residential")
    nx.write_graphml(graph, out / "r_truncated.graphml")
    truncate_half(out / "r_truncated.graphml")
    (out / "r_truncated_overpass.json").write_text(overpass_grid(), encoding="utf-8")
    truncate_half(out / "r_truncated_overpass.json")
    (out / "r_png_renamed.osm.pbf").write_bytes(PNG_SIGNATURE + bytes(range(256)) * 2)


# --- stops -----------------------------------------------------------------------------


def stops(out: Path) -> None:
    """Write the route stop files."""
    rows = stop_rows()
    write_csv(out / "s_semicolon.csv", STOP_HEADER, rows, delimiter=";")
    (out / "s_empty.csv").write_bytes(b"")
    write_csv(out / "s_text_households.csv", STOP_HEADER, changed(rows, 1, 3, "banyak"))
    write_csv(out / "s_no_lat_lon.csv", STOP_HEADER[:4], [r[:4] for r in rows])


def main(argv: Sequence[str] | None = None) -> int:
    """Write every file of the catalogue (the manifest and README are kept by hand)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUT
    out.mkdir(exist_ok=True)
    for path in out.iterdir():
        if path.name not in KEPT:
            path.unlink() if path.is_file() else shutil.rmtree(path)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    for make in (boundaries, participation, offices, households, roads, stops):
        make(out)
    files = sorted(p for p in out.iterdir() if p.name not in KEPT)
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files ({size / 1024:.0f} KB) to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
