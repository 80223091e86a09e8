"""Tests for geo_outreach.inputs.readers: boundary, participation and office readers."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from geo_outreach._errors import InputError
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs import bundled
from geo_outreach.inputs.boundaries import load_boundaries, read_boundaries
from geo_outreach.inputs.columns import InputTable, describe_rows
from geo_outreach.inputs.readers import read_offices, read_participation

UTM_49S = "EPSG:32749"
CANONICAL = ["code", "name", "district", "regency", "kind", "district_code", "regency_code",
             "population", "geometry"]


def _big_style(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The tiny villages with BIG's column names and undotted codes, in UTM 49S."""
    return gpd.GeoDataFrame({
        "KDEPUM": villages["code"].str.replace(".", "", regex=False),
        "NAMOBJ": villages["name"].str.upper(),
        "WADMKC": villages["district"],
        "WADMKK": villages["regency"],
        "WADMPR": "Daerah Istimewa Yogyakarta",
    }, geometry=villages.geometry, crs=villages.crs).to_crs(UTM_49S)


def _write_shapefile(gdf: gpd.GeoDataFrame, folder, stem="villages"):
    folder.mkdir(exist_ok=True)
    path = folder / f"{stem}.shp"
    gdf.to_file(path)
    return path


def _zip_shapefile(shapefile, target, prefix=""):
    with zipfile.ZipFile(target, "w") as archive:
        for part in shapefile.parent.glob(f"{shapefile.stem}.*"):
            archive.write(part, prefix + part.name)
    return target


# --- boundaries ----------------------------------------------------------------------


def test_bundled_geopackage_reads_the_village_layer():
    villages = read_boundaries(bundled.BOUNDARIES_GPKG)
    assert len(villages) == 438
    assert list(villages.columns) == CANONICAL
    assert villages.crs.to_epsg() == 4326
    assert villages["code"].str.match(r"^\d\d\.\d\d\.\d\d\.[12]\d{3}$").all()
    assert load_boundaries(bundled.BOUNDARIES_GPKG)[1] == []


def test_geojson_in_utm_is_returned_in_4326_with_dotted_codes(tiny_villages, tmp_path):
    path = tmp_path / "villages.geojson"
    _big_style(tiny_villages).to_file(path)
    villages = read_boundaries(path)
    assert villages.crs.to_epsg() == 4326
    assert villages["code"].tolist() == tiny_villages["code"].tolist()
    assert villages["name"].iloc[0] == "DEMANGAN"
    assert villages["district"].iloc[3] == "Depok"
    assert villages.geometry.iloc[0].equals_exact(tiny_villages.geometry.iloc[0], 1e-6)


def test_kind_and_unit_codes_are_derived_from_the_code(tiny_villages, tmp_path):
    path = tmp_path / "villages.gpkg"
    _big_style(tiny_villages).to_file(path)
    villages = read_boundaries(path)
    assert villages["kind"].tolist() == tiny_villages["kind"].tolist()
    assert villages["district_code"].iloc[0] == "34.71.03"
    assert villages["regency_code"].iloc[0] == "34.71"
    assert "population" not in villages.columns


def test_geoparquet(tiny_villages, tmp_path):
    path = tmp_path / "villages.parquet"
    tiny_villages.to_crs(UTM_49S).to_parquet(path)
    villages = read_boundaries(path)
    assert len(villages) == len(tiny_villages)
    assert villages["population"].tolist() == tiny_villages["population"].tolist()


@pytest.mark.parametrize("prefix", ["", "batas_desa/"])
def test_zipped_shapefile(tiny_villages, tmp_path, prefix):
    shapefile = _write_shapefile(_big_style(tiny_villages), tmp_path / "shp")
    archive = _zip_shapefile(shapefile, tmp_path / "villages.zip", prefix)
    villages = read_boundaries(archive)
    assert villages["code"].tolist() == tiny_villages["code"].tolist()
    assert villages.crs.to_epsg() == 4326


def test_zip_without_a_gis_layer_is_refused(tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "nothing here")
    with pytest.raises(InputError, match="exactly one GIS layer"):
        read_boundaries(archive)


def test_shapefile_without_prj_is_refused_with_the_fix(tiny_villages, tmp_path):
    shapefile = _write_shapefile(_big_style(tiny_villages), tmp_path / "shp")
    shapefile.with_suffix(".prj").unlink()
    with pytest.raises(InputError, match=r"no coordinate reference system") as caught:
        read_boundaries(shapefile)
    problem = caught.value.problems[0]
    assert problem.file == "villages.shp"
    assert "ogr2ogr -a_srs" in problem.fix
    assert "Layer > Set CRS" in problem.fix


def test_metres_labelled_as_degrees_are_refused(tiny_villages, tmp_path):
    utm = tiny_villages.to_crs(UTM_49S).set_crs("EPSG:4326", allow_override=True)
    path = tmp_path / "wrong.gpkg"
    utm.to_file(path)
    with pytest.raises(InputError, match="look like metres"):
        read_boundaries(path)


def test_explicit_mapping_for_unusual_headers(tiny_villages, tmp_path):
    odd = gpd.GeoDataFrame({
        "ID_BARU": tiny_villages["code"],
        "NAMA_WILAYAH": tiny_villages["name"],
        "KEC": tiny_villages["district"],
        "KABKOT": tiny_villages["regency"],
    }, geometry=tiny_villages.geometry, crs=tiny_villages.crs)
    path = tmp_path / "odd.gpkg"
    odd.to_file(path)
    mapping = ColumnMapping.parse("code=ID_BARU,name=NAMA_WILAYAH,district=KEC,regency=kabkot")
    villages = read_boundaries(path, mapping=mapping)
    assert villages["name"].tolist() == tiny_villages["name"].tolist()
    assert villages["regency"].iloc[0] == "Kota Yogyakarta"


def test_missing_column_lists_the_columns_and_the_option(tiny_villages, tmp_path):
    path = tmp_path / "villages.gpkg"
    _big_style(tiny_villages).drop(columns="WADMKC").to_file(path)
    with pytest.raises(InputError, match=r"'district'.*KDEPUM, NAMOBJ, WADMKK") as caught:
        read_boundaries(path)
    assert "--boundary-columns district=" in caught.value.problems[0].fix


def test_mapping_to_a_header_the_file_lacks(tiny_villages, tmp_path):
    path = tmp_path / "villages.gpkg"
    _big_style(tiny_villages).to_file(path)
    with pytest.raises(InputError, match="'KODE' named for 'code' is not in the file"):
        read_boundaries(path, mapping=ColumnMapping({"code": "KODE"}))


def test_mapping_with_an_unknown_canonical_name(tiny_villages, tmp_path):
    path = tmp_path / "villages.gpkg"
    _big_style(tiny_villages).to_file(path)
    with pytest.raises(InputError, match="'kode' is not a column"):
        read_boundaries(path, mapping=ColumnMapping({"kode": "KDEPUM"}))


def test_missing_file_names_the_formats(tmp_path):
    with pytest.raises(InputError, match="does not exist") as caught:
        read_boundaries(tmp_path / "nowhere.gpkg")
    assert "GeoPackage" in caught.value.problems[0].fix


def test_unreadable_file_names_the_formats(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_text("not a geopackage", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as GIS data") as caught:
        read_boundaries(path)
    assert "Shapefile" in caught.value.problems[0].fix


def test_a_table_given_as_boundaries_is_refused(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(InputError, match="a table was given"):
        read_boundaries(path)


def test_bps_codes_in_boundaries_are_refused(tiny_villages, tmp_path):
    layer = _big_style(tiny_villages)
    layer["KDEPUM"] = [f"3404{i + 1:02d}0{i + 1:03d}" for i in range(len(layer))]
    path = tmp_path / "bps.gpkg"
    layer.to_file(path)
    with pytest.raises(InputError, match="BPS village code") as caught:
        read_boundaries(path)
    problem = caught.value.problems[0]
    assert problem.row == 1
    assert problem.column == "KDEPUM"
    assert "features 1, 2, 3, 4, 5 and 4 more" in problem.message


def test_duplicate_codes_in_boundaries_are_refused(tiny_villages, tmp_path):
    layer = _big_style(tiny_villages)
    layer.loc[4, "KDEPUM"] = layer.loc[3, "KDEPUM"]
    path = tmp_path / "dup.gpkg"
    layer.to_file(path)
    with pytest.raises(InputError, match=r"features 4, 5 share the code 34\.04\.07\.2001"):
        read_boundaries(path)


def test_invalid_polygon_is_repaired_and_reported(tiny_villages, tmp_path):
    layer = tiny_villages.copy()
    x0, y0, x1, y1 = layer.geometry.iloc[1].bounds
    layer.loc[1, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    path = tmp_path / "bowtie.gpkg"
    layer.to_file(path)
    with pytest.warns(UserWarning, match="feature 2 had invalid shapes"):
        villages = read_boundaries(path)
    assert villages.is_valid.all()
    assert villages.geometry.iloc[1].area > 0
    _, notes = load_boundaries(path)
    assert notes[0].severity == "warning"
    assert "feature 2" in notes[0].message


def test_point_layer_is_refused_as_boundaries(tiny_villages, tmp_path):
    points = tiny_villages.copy()
    points["geometry"] = points.geometry.representative_point()
    path = tmp_path / "points.gpkg"
    points.to_file(path)
    with pytest.raises(InputError, match=r"features 1, 2, 3, 4, 5 and 4 more are Point"):
        read_boundaries(path)


def test_blank_names_are_a_warning(tiny_villages, tmp_path):
    layer = tiny_villages.copy()
    layer.loc[2, "name"] = None
    path = tmp_path / "blank.gpkg"
    layer.to_file(path)
    with pytest.warns(UserWarning, match="feature 3 have no name"):
        villages = read_boundaries(path)
    assert villages["name"].isna().sum() == 1


# --- participation tables ------------------------------------------------------------


def test_bundled_participation_csv():
    table = read_participation(bundled.DEMO_PARTICIPATION)
    assert isinstance(table, InputTable)
    assert table.source == "demo_participation.csv"
    assert len(table.data) == 438
    assert table.data.index[0] == 2
    assert table.headers["participants"] == "peserta_aktif"
    assert table.headers["labour_force"] == "angkatan_kerja"
    assert set(table.data.columns) == {"code", "name", "district", "regency", "labour_force",
                                       "employed", "participants", "pu", "bpu", "jakon", "pmi"}


def test_semicolon_latin1_csv(tmp_path):
    path = tmp_path / "peserta.csv"
    text = ("Kode;Nama Desa;Kecamatan;Kabupaten;Angkatan Kerja;Peserta Aktif\n"
            "3404072001;Séndangadi;Mlati;Sleman;1.234;300\n"
            "3404072002;Maguwoharjo;Depok;Sleman;2.000;400\n")
    path.write_bytes(text.encode("latin-1"))
    table = read_participation(path)
    assert table.data.loc[2, "name"] == "Séndangadi"
    assert table.data.loc[3, "labour_force"] == "2.000"
    assert table.headers == {"code": "Kode", "name": "Nama Desa", "district": "Kecamatan",
                             "regency": "Kabupaten", "labour_force": "Angkatan Kerja",
                             "participants": "Peserta Aktif"}


def test_a_quote_never_closed_is_an_error_on_its_row_not_a_shorter_table(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("kode,nama,angkatan_kerja,peserta_aktif\n"
                    "34.71.01.1001,Demangan,100,10\n"
                    '34.71.01.1002,"Kotabaru,200,20\n'
                    "34.71.01.1003,Terban,300,30\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"quote mark .* never closed") as caught:
        read_participation(path)
    assert caught.value.problems[0].row == 3


def test_a_quote_inside_a_cell_is_just_text(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text('kode,nama,angkatan_kerja,peserta_aktif\n34.71.01.1001,Dusun "Baru,100,10\n',
                    encoding="utf-8")
    assert read_participation(path).data.loc[2, "name"] == 'Dusun "Baru'


def test_utf8_bom_csv_with_title_rows_and_blank_lines(tmp_path):
    path = tmp_path / "peserta.csv"
    text = ("Rekap peserta per desa,,\n"
            ",,\n"
            "kode_wilayah,peserta_aktif,angkatan_kerja\n"
            "3404072001,10,100\n"
            "\n"
            "3404072002,20,200\n")
    path.write_bytes(text.encode("utf-8-sig"))
    table = read_participation(path)
    assert table.data.index.tolist() == [4, 6]
    assert table.data.index.name == "row"
    assert table.data.loc[6, "participants"] == "20"


def test_excel_with_two_title_rows_gives_the_rows_the_user_sees(tmp_path):
    path = tmp_path / "peserta.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Rekap"
    sheet.append(["REKAP PESERTA AKTIF BPJS KETENAGAKERJAAN"])
    sheet.append(["Posisi Oktober 2024"])
    sheet.append(["Kode Wilayah", "Kalurahan", "Angkatan Kerja", "Peserta Aktif"])
    sheet.append([3404072001, "Caturtunggal", 1500, 300])
    sheet.append([3404072002.0, "Maguwoharjo", 2000, "400"])
    workbook.save(path)
    table = read_participation(path)
    assert table.data.index.tolist() == [4, 5]
    assert table.source == "peserta.xlsx (sheet 'Rekap')"
    assert table.data.loc[4, "code"] == 3404072001
    assert table.data.loc[5, "participants"] == "400"
    assert table.headers["name"] == "Kalurahan"


def test_excel_header_on_a_later_sheet(tmp_path):
    path = tmp_path / "peserta.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Catatan: data sementara"])
    data = workbook.create_sheet("Data")
    data.append(["kode", "peserta", "ak"])
    data.append(["34.04.07.2001", 1, 10])
    workbook.save(path)
    table = read_participation(path)
    assert table.source == "peserta.xlsx (sheet 'Data')"
    assert table.data.index.tolist() == [2]


def test_participation_without_a_header_row(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no header row.*reads: a, b, c") as caught:
        read_participation(path)
    assert "--participation-columns" in caught.value.problems[0].fix


def test_participation_mapping_counts_as_header(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("ID,JML,AK2023\n3404072001,5,50\n", encoding="utf-8")
    mapping = ColumnMapping.parse("code=ID,participants=JML,labour_force=AK2023")
    table = read_participation(path, mapping=mapping)
    assert table.headers == {"code": "ID", "participants": "JML", "labour_force": "AK2023"}


def test_participation_missing_columns_lists_what_was_found(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("kode,nama,catatan\n3404072001,Caturtunggal,x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_participation(path)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 2
    assert "'participants'" in messages[0]
    assert "kode, nama, catatan" in messages[0]
    assert "'labour_force'" in messages[1]
    assert "--participation-columns labour_force=" in caught.value.problems[1].fix


def test_segments_without_participants_are_accepted(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("kode,pu,bpu,ak\n3404072001,5,6,50\n", encoding="utf-8")
    table = read_participation(path)
    assert "participants" not in table.data.columns
    assert {"pu", "bpu"} <= set(table.data.columns)


def test_row_with_more_cells_than_the_header(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("kode,peserta,ak\n3404072001,5,50\n3404072002,12,5,60\n", encoding="utf-8")
    with pytest.raises(InputError, match="4 cells but the header has 3") as caught:
        read_participation(path)
    assert caught.value.problems[0].row == 3


@pytest.mark.parametrize(("name", "hint"), [("peserta.xls", "save as .xlsx"),
                                            ("peserta.pdf", "")])
def test_unsupported_table_format(tmp_path, name, hint):
    path = tmp_path / name
    path.write_bytes(b"\x00\x01")
    with pytest.raises(InputError, match="cannot be read as a table") as caught:
        read_participation(path)
    assert hint in caught.value.problems[0].message
    assert ".xlsx" in caught.value.problems[0].fix


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        read_participation(path)


# --- offices -------------------------------------------------------------------------


def test_bundled_offices_csv():
    table = read_offices(bundled.OFFICES_CSV)
    assert len(table.data) == 5
    assert table.data.loc[2, "office_id"] == "KC-YGY"
    assert {"lat", "lon", "name", "office_type", "approximate", "location_note"} <= set(
        table.data.columns)


def test_offices_from_points_in_utm(tmp_path):
    points = gpd.GeoDataFrame({"NAMA_KANTOR": ["KC Yogyakarta", "KCP Sleman"],
                               "JENIS": ["KC", "KCP"]},
                              geometry=[shapely.Point(110.38344, -7.78305),
                                        shapely.Point(110.35, -7.71)],
                              crs="EPSG:4326").to_crs(UTM_49S)
    path = tmp_path / "kantor.geojson"
    points.to_file(path)
    table = read_offices(path)
    assert table.data.index.tolist() == [1, 2]
    assert table.data.loc[1, "lat"] == pytest.approx(-7.78305)
    assert table.data.loc[1, "lon"] == pytest.approx(110.38344)
    assert table.headers["name"] == "NAMA_KANTOR"
    assert table.headers["lat"] == "geometry"


def test_office_polygons_are_refused(tiny_villages, tmp_path):
    path = tmp_path / "kantor.gpkg"
    tiny_villages.to_file(path)
    with pytest.raises(InputError, match="not points"):
        read_offices(path)


def test_offices_without_lon(tmp_path):
    path = tmp_path / "kantor.csv"
    path.write_text("nama,lat,alamat\nKC Yogyakarta,-7.78,Jl. Urip\n", encoding="utf-8")
    with pytest.raises(InputError, match="'lon'") as caught:
        read_offices(path)
    assert "--office-columns lon=" in caught.value.problems[0].fix


def test_describe_rows_shortens_long_lists():
    assert describe_rows([3]) == "row 3"
    assert describe_rows(list(range(1, 9))) == "rows 1, 2, 3, 4, 5 and 3 more"


def test_values_are_kept_as_read(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("kode,peserta,ak\n'3404072001, 1.234 ,\n", encoding="utf-8")
    table = read_participation(path)
    assert table.data.loc[2, "code"] == "'3404072001"
    assert table.data.loc[2, "participants"] == "1.234"
    assert pd.isna(table.data.loc[2, "labour_force"]) or table.data.loc[2, "labour_force"] == ""
