"""Tests for geo_outreach.inputs.uploads: size, kind and name checks on uploaded files."""

from __future__ import annotations

import ast
import codecs
import io
import tomllib
import zipfile
from pathlib import Path
from typing import get_args

import pandas as pd
import pytest

from geo_outreach import i18n
from geo_outreach._errors import InputError, Problem
from geo_outreach.inputs import bundled, uploads
from geo_outreach.inputs.uploads import (
    LARGEST_UPLOAD_MB,
    UPLOAD_RULES,
    Reason,
    UploadError,
    check_upload,
    relabel,
    shown_file,
)

ROOT = Path(__file__).resolve().parent.parent
ROADS = ROOT / "tests" / "data" / "roads"
CSV = b"kode_wilayah,angkatan_kerja,peserta_aktif\n34.71.03.1001,100,50\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
GEOJSON = b'{"type": "FeatureCollection", "features": []}'


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"kode_wilayah": ["34.71.03.1001"], "peserta_aktif": [5]}).to_excel(
        buffer, index=False)
    return buffer.getvalue()


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"lat": [-7.8], "lon": [110.4]}).to_parquet(buffer)
    return buffer.getvalue()


def _zip(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, b"shape")
    return buffer.getvalue()


def _refused(role: uploads.Role, name: str, data: bytes) -> UploadError:
    with pytest.raises(UploadError) as caught:
        check_upload(role, name, data)
    return caught.value


# --- accepted files -------------------------------------------------------------------


@pytest.mark.parametrize(("role", "name", "data", "stored"), [
    ("participation", "peserta.csv", CSV, "upload-participation.csv"),
    ("participation", "Peserta Kota (final) #2.CSV", CSV, "upload-participation.csv"),
    ("participation", "peserta_utf16.csv", codecs.BOM_UTF16_LE + CSV.decode().encode("utf-16-le"),
     "upload-participation.csv"),
    ("participation", "peserta_latin1.csv", "kalurahan\nGedongkiwo é\n".encode("cp1252"),
     "upload-participation.csv"),
    ("participation", "peserta.xlsx", _xlsx(), "upload-participation.xlsx"),
    ("offices", "kantor.geojson", b"\xef\xbb\xbf \n" + GEOJSON, "upload-offices.geojson"),
    ("boundaries", "batas.zip", _zip("desa.shp", "desa.shx", "desa.dbf", "desa.prj"),
     "upload-boundaries.zip"),
    ("households", "rumah_tangga.parquet", _parquet(), "upload-households.parquet"),
    ("roads", "jalan.osm", (ROADS / "tiny_grid.osm").read_bytes(), "upload-roads.osm"),
    ("roads", "jalan.graphml", (ROADS / "tiny_grid.graphml").read_bytes(),
     "upload-roads.graphml"),
    ("roads", "jalan.osm.pbf", (ROADS / "tiny_grid.osm.pbf").read_bytes(),
     "upload-roads.osm.pbf"),
    # the road reader knows PBF by ".osm.pbf": a bare ".pbf" is saved under that name
    ("roads", "jalan.pbf", (ROADS / "tiny_grid.osm.pbf").read_bytes(), "upload-roads.osm.pbf"),
])
def test_accepted_files_are_saved_under_the_apps_own_name(role, name, data, stored):
    upload = check_upload(role, name, data)
    assert upload.stored_name == stored
    assert upload.display_name == name
    assert upload.size_bytes == len(data)


def test_a_geopackage_is_accepted():
    upload = check_upload("boundaries", "batas.gpkg", bundled.BOUNDARIES_GPKG.read_bytes())
    assert upload.stored_name == "upload-boundaries.gpkg"


def test_the_digest_tells_contents_apart_not_names():
    first = check_upload("participation", "a.csv", CSV)
    assert check_upload("participation", "b.csv", CSV).sha256 == first.sha256
    assert check_upload("participation", "a.csv", CSV + b"x").sha256 != first.sha256
    assert first != check_upload("participation", "b.csv", CSV)  # names are part of the key


def test_a_file_of_exactly_the_limit_is_accepted():
    limit = UPLOAD_RULES["participation"].max_bytes
    assert check_upload("participation", "peserta.csv", b"a" * limit).size_bytes == limit


# --- refused files --------------------------------------------------------------------


def test_too_big_names_the_file_the_size_and_the_limit_in_indonesian():
    refused = _refused("participation", "peserta.csv", b"a" * (62 * uploads.BYTES_PER_MB))
    assert refused.reason == "too_big"
    assert refused.message("id") == (
        "Berkas peserta.csv terlalu besar (62,0 MB). Batas untuk tabel peserta 20 MB. "
        "Pastikan Anda memilih berkas yang benar.")
    assert refused.message("en") == (
        "The file peserta.csv is too large (62.0 MB). The limit for the participation table "
        "is 20 MB. Make sure you chose the right file.")


def test_a_refusal_is_an_input_error_naming_the_file():
    refused = _refused("participation", "peserta.csv", b"")
    assert isinstance(refused, InputError)
    [problem] = refused.problems
    assert problem.file == "peserta.csv"
    assert problem.message == "The file peserta.csv is empty (0 bytes)"
    assert "Save the file again" in problem.fix
    assert "Traceback" not in str(refused)


@pytest.mark.parametrize(("role", "name", "data", "expected"), [
    ("participation", "peserta.csv", PNG, "bukan CSV"),  # a PNG renamed .csv
    ("participation", "peserta.csv", _xlsx(), "bukan CSV"),  # an XLSX renamed .csv
    ("participation", "peserta.csv", b"a,b\n1,\x002\n", "bukan CSV"),
    ("participation", "peserta.xlsx", CSV, "bukan XLSX"),
    ("offices", "kantor.gpkg", CSV, "bukan GeoPackage"),
    ("offices", "kantor.geojson", CSV, "bukan GeoJSON"),
    ("boundaries", "batas.geojson", PNG, "bukan GeoJSON"),
    ("boundaries", "batas.parquet", _xlsx(), "bukan Parquet"),
    ("boundaries", "batas.zip", PNG, "bukan ZIP"),
    ("boundaries", "batas.zip", b"PK\x03\x04 not really a zip", "bukan ZIP"),
    ("households", "rt.parquet", b"PAR1 cut short", "bukan Parquet"),
    ("roads", "jalan.osm", GEOJSON, "bukan OSM XML"),
    ("roads", "jalan.pbf", (ROADS / "tiny_grid.osm").read_bytes(), "bukan OSM PBF"),
    ("roads", "jalan.graphml", _parquet(), "bukan GraphML"),
])
def test_content_that_does_not_match_the_suffix_is_refused(role, name, data, expected):
    refused = _refused(role, name, data)
    assert refused.reason == "wrong_content"
    assert expected in refused.message("id")
    assert "mengganti akhiran nama berkas saja tidak cukup" in refused.message("id")


@pytest.mark.parametrize("name", ["peserta.txt", "peserta", "peserta.csv.exe", "peserta.png",
                                  "peserta.xls"])
def test_an_unknown_suffix_is_refused_with_the_accepted_ones(name):
    refused = _refused("participation", name, CSV)
    assert refused.reason == "unknown_type"
    assert refused.message("id") == (
        f"Jenis berkas {name} tidak dapat dipakai untuk tabel peserta. "
        "Unggah berkas dengan salah satu akhiran ini: csv, xlsx.")


def test_an_empty_file_is_refused():
    refused = _refused("households", "rt.csv", b"")
    assert refused.reason == "empty"
    assert refused.message("id").startswith("Berkas rt.csv kosong (0 byte).")


@pytest.mark.parametrize(("name", "shown"), [
    ("../../etc/passwd.csv", "../../etc/passwd.csv"),
    ("/etc/passwd.csv", "/etc/passwd.csv"),
    ("C:\\x\\y.csv", "C:\\x\\y.csv"),
    ("..\\..\\y.csv", "..\\..\\y.csv"),
    ("a\x00b.csv", "a\N{REPLACEMENT CHARACTER}b.csv"),
    ("peserta\n.csv", "peserta\N{REPLACEMENT CHARACTER}.csv"),
    ("peserta.csv\r", "peserta.csv\N{REPLACEMENT CHARACTER}"),
    ("..", ".."),
    ("", '""'),
    ("   ", "   "),
])
def test_names_with_a_path_or_a_control_character_are_refused(name, shown):
    refused = _refused("participation", name, CSV)
    assert refused.reason == "bad_name"
    assert refused.message("id").startswith(f"Nama berkas {shown} tidak dapat dipakai")
    assert "\x00" not in str(refused)
    assert "\n" not in refused.problems[0].file


def test_long_names_are_cut_in_messages():
    name = "p" * 300 + ".csv"
    refused = _refused("participation", name, b"")
    assert len(refused.problems[0].file) == uploads.SHOWN_NAME_CHARS
    assert refused.problems[0].file.endswith("…")


@pytest.mark.parametrize("member", ["../desa.shp", "a/../../desa.shp", "/etc/desa.shp",
                                    "C:\\temp\\desa.shp", "..\\desa.shp", "C:desa.shp"])
def test_zip_members_leading_outside_the_archive_are_refused(member):
    refused = _refused("boundaries", "batas.zip", _zip("desa.dbf", member))
    assert refused.reason == "unsafe_zip"
    assert member in refused.message("id")
    assert refused.message("id").startswith("ZIP batas.zip berisi berkas dengan jalur")


def test_an_xlsx_that_unpacks_to_too_much_is_refused():
    buffer = io.BytesIO()
    limit = UPLOAD_RULES["participation"].max_bytes * uploads.UNZIPPED_RATIO
    block = bytes(uploads.BYTES_PER_MB)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
        for _ in range(limit // len(block) + 1):
            member.write(block)
    data = buffer.getvalue()
    assert len(data) < UPLOAD_RULES["participation"].max_bytes  # small on the wire
    refused = _refused("participation", "peserta.xlsx", data)
    assert refused.reason == "zip_too_big"
    assert "terlalu besar setelah dibuka (201,0 MB)" in refused.message("id")
    assert "Batas untuk tabel peserta 200 MB" in refused.message("id")


class _Sized(bytes):
    """A few bytes claiming a size: hundreds of megabytes without allocating them."""

    def __new__(cls, size: int):
        made = super().__new__(cls, b"x")
        made.size = size
        return made

    def __len__(self) -> int:
        return self.size


@pytest.mark.parametrize("role", sorted(UPLOAD_RULES))
def test_each_role_refuses_a_file_over_its_limit(role):
    rule = UPLOAD_RULES[role]
    refused = _refused(role, f"berkas{rule.suffixes[0]}", _Sized(rule.max_bytes + 1))
    assert refused.reason == "too_big"
    assert f"{rule.max_mb} MB" in refused.message("id")


# --- labels and configuration ---------------------------------------------------------


@pytest.mark.parametrize("reason", get_args(Reason))
def test_every_refusal_has_a_message_and_a_fix_in_both_languages(reason):
    for lang in i18n.LANGUAGES:
        assert i18n.t(f"upload.{reason}", lang)
        assert i18n.t(f"upload.{reason}.fix", lang)


@pytest.mark.parametrize("role", sorted(UPLOAD_RULES))
def test_every_role_has_a_name_in_both_languages(role):
    assert all(i18n.t(f"upload.what.{role}", lang) for lang in i18n.LANGUAGES)


def test_streamlits_upload_limit_is_the_largest_role_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == LARGEST_UPLOAD_MB


def test_the_tables_get_a_smaller_limit_than_the_geodata():
    assert UPLOAD_RULES["participation"].max_mb < UPLOAD_RULES["boundaries"].max_mb
    assert UPLOAD_RULES["offices"].max_mb < UPLOAD_RULES["households"].max_mb


def test_the_checks_do_not_import_streamlit():
    tree = ast.parse(Path(uploads.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.startswith("streamlit")}


# --- the user's name back in the readers' problems ------------------------------------


def test_relabel_puts_the_users_name_back():
    names = {"upload-participation.xlsx": "peserta Mei.xlsx", "upload-offices.csv": "kantor.csv"}
    problems = [
        Problem("upload-participation.xlsx (sheet 'Data')", 3, "peserta_aktif", "abc",
                "not a number", "write a whole number"),
        Problem("/var/folders/x/upload-offices.csv", None, None, None, "m", "f"),
        Problem("offices.csv", 2, "lat", None, "m", "f"),  # the bundled file, not an upload
    ]
    files = [p.file for p in relabel(problems, names)]
    assert files == ["peserta Mei.xlsx (sheet 'Data')", "kantor.csv", "offices.csv"]


def test_shown_file_leaves_other_names_alone():
    names = {"upload-roads.osm": "jalan.osm"}
    assert shown_file("upload-roads.osm", names) == "jalan.osm"
    assert shown_file("not-upload-roads.osm", names) == "not-upload-roads.osm"
    assert shown_file("bundled:boundaries/diy.gpkg", names) == "bundled:boundaries/diy.gpkg"
