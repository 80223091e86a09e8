"""
Headers as official Indonesian tables write them, and one clear error for a missing column.

Participation tables from BPS, Dukcapil or a kabupaten office name their columns
"Kalurahan/Kelurahan", "Kabupaten/Kota", "Nama Desa", "Jumlah Angkatan Kerja"; every
village of the bundled DIY data must still be matched, in CSV and Excel alike. A column
that is not found gives one problem that lists the headers, suggests the closest and
shows the option that maps it, never one problem per row.
"""

from __future__ import annotations

import string

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo_outreach._errors import InputError
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs import bundled
from geo_outreach.inputs.boundaries import read_boundaries
from geo_outreach.inputs.columns import (
    PARTICIPATION_OPTION,
    InputTable,
    closest_header,
    mapping_argument,
    resolve_columns,
)
from geo_outreach.inputs.household_files import read_household_chunks
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.readers import read_offices, read_participation
from geo_outreach.inputs.schema import (
    BOUNDARY_ALIASES,
    HOUSEHOLD_ALIASES,
    OFFICE_ALIASES,
    PARTICIPATION_ALIASES,
    STOP_ALIASES,
    header_keys,
    normalise_header,
)
from geo_outreach.inputs.validate import validate_participation

ALIAS_TABLES = {"boundaries": BOUNDARY_ALIASES, "participation": PARTICIPATION_ALIASES,
                "offices": OFFICE_ALIASES, "households": HOUSEHOLD_ALIASES,
                "stops": STOP_ALIASES}
VILLAGES = 438
"""Villages of the bundled DIY boundary layer."""

OFFICIAL_NAME_HEADERS = {  # no code: every village is matched by its names
    "kalurahan": "Kalurahan/Kelurahan", "kapanewon": "Kapanewon/Kemantren",
    "kabupaten": "Kabupaten/Kota", "angkatan_kerja": "Jumlah Angkatan Kerja",
    "penduduk_bekerja": "Penduduk Bekerja", "peserta_aktif": "Peserta Aktif",
}
OFFICIAL_CODE_HEADERS = {  # upper case, dots, inner spaces and a bracketed unit
    "kode_wilayah": "KODE  KEMENDAGRI", "kalurahan": "Desa/Kel.",
    "kapanewon": "Kecamatan/Kapanewon", "kabupaten": "KAB. / KOTA",
    "angkatan_kerja": "Angkatan Kerja (jiwa)", "peserta_aktif": " Jumlah_Peserta ",
}


def _demo() -> pd.DataFrame:
    return pd.read_csv(bundled.DEMO_PARTICIPATION, dtype=str)


def _write(table: pd.DataFrame, path):
    if path.suffix == ".xlsx":
        table.to_excel(path, index=False, sheet_name="Data")
    else:
        table.to_csv(path, index=False)
    return path


def _official(headers: dict[str, str]) -> pd.DataFrame:
    return _demo()[list(headers)].rename(columns=headers)


def _resolved(headers: list[str], table: str = "participation") -> dict[str, str]:
    positions = resolve_columns(headers, ALIAS_TABLES[table], None, source="t.csv",
                                option=PARTICIPATION_OPTION)
    return {canonical: headers[i] for canonical, i in positions.items()}


def _participation_problems(path, mapping: ColumnMapping | None = None):
    """Read and check a participation table; an InputError's problems are returned."""
    try:
        table = read_participation(path, mapping=mapping)
    except InputError as err:
        return err.problems
    return validate_participation(table)[1]


# --- official headers, end to end --------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(("headers", "status"), [(OFFICIAL_NAME_HEADERS, "name"),
                                                 (OFFICIAL_CODE_HEADERS, "code")],
                         ids=["names", "codes"])
def test_official_headers_match_every_bundled_village(headers, status, suffix, tmp_path):
    path = _write(_official(headers), tmp_path / f"peserta{suffix}")
    prepared = prepare_inputs(InputPaths(participation=path))
    assert prepared.errors == []
    report = prepared.match_report
    assert (report["status"] == status).sum() == VILLAGES
    assert set(report["status"]) == {status}
    assert len(prepared.participation) == VILLAGES


def test_official_headers_are_the_users_in_messages(tmp_path):
    path = _write(_official(OFFICIAL_NAME_HEADERS), tmp_path / "peserta.xlsx")
    table = read_participation(path)
    assert table.headers == {"name": "Kalurahan/Kelurahan", "district": "Kapanewon/Kemantren",
                             "regency": "Kabupaten/Kota", "labour_force": "Jumlah Angkatan Kerja",
                             "employed": "Penduduk Bekerja", "participants": "Peserta Aktif"}


def test_official_boundary_headers(tmp_path):
    villages = bundled.read_units(bundled.VILLAGES_LAYER)
    official = gpd.GeoDataFrame({
        "Kode Wilayah": villages["code"], "NAMA KALURAHAN": villages["name"],
        "Kapanewon/Kemantren": villages["district"], "Kabupaten/Kota": villages["regency"],
    }, geometry=villages.geometry, crs=villages.crs)
    path = tmp_path / "batas.gpkg"
    official.to_file(path)
    read = read_boundaries(path)
    assert len(read) == VILLAGES
    assert read["name"].tolist() == villages["name"].tolist()
    assert read["regency"].iloc[0] == villages["regency"].iloc[0]


def test_official_office_headers(tmp_path):
    offices = pd.read_csv(bundled.OFFICES_CSV, dtype=str)
    official = offices.rename(columns={"office_id": "Kode Kantor", "name": "Nama Kantor",
                                       "office_type": "Jenis Kantor", "lat": "LINTANG",
                                       "lon": "Bujur", "address": "Alamat Kantor"})
    table = read_offices(_write(official, tmp_path / "kantor.xlsx"))
    assert {"office_id", "name", "office_type", "lat", "lon", "address"} <= set(table.data.columns)
    assert table.header("lat") == "LINTANG"
    assert len(table.data) == len(offices)


def test_official_household_headers(tmp_path):
    path = tmp_path / "rumah_tangga.csv"
    path.write_text("No. KK,Nama KK,NIK,Lintang,Bujur,Jumlah ART Bekerja,Status BPJS\n"
                    "k1,Siti,3404011234567890,-7.78,110.38,2,1\n", encoding="utf-8")
    chunk = next(read_household_chunks(path))
    assert chunk.ids.tolist() == ["k1"]
    assert chunk.lat.tolist() == [-7.78]
    assert chunk.workers.tolist() == [2]


# --- which role a combined header takes --------------------------------------------------


@pytest.mark.parametrize(("header", "role"), [
    ("Kalurahan/Kelurahan", "name"), ("Desa/Kel.", "name"), ("Nama Desa", "name"),
    ("Nama Kalurahan", "name"), ("Nama Desa/Kelurahan", "name"), ("Desa / Kelurahan", "name"),
    ("Kabupaten/Kota", "regency"), ("Kab./Kota", "regency"), ("Nama Kabupaten", "regency"),
    ("Kapanewon/Kemantren", "district"), ("Kecamatan/Kapanewon", "district"),
    ("Nama Kecamatan", "district"),
    ("Kode Wilayah", "code"), ("Kode Desa", "code"), ("Kode Kemendagri", "code"),
    ("Kode BPS", "code"), ("Kode Desa/Kel.", "code"),
    ("Jumlah Angkatan Kerja", "labour_force"), ("Angkatan Kerja", "labour_force"),
    ("Angkatan Kerja (jiwa)", "labour_force"), ("Penduduk Bekerja", "employed"),
    ("Peserta Aktif", "participants"), ("Jumlah Peserta", "participants"),
    ("Peserta Aktif (orang)", "participants"), ("Peserta PU", "pu"),
])
def test_participation_header_roles(header, role):
    assert _resolved([header]) == {role: header}


@pytest.mark.parametrize(("header", "role", "table"), [
    ("Nama Kantor", "name", "offices"), ("Kode Kantor", "office_id", "offices"),
    ("Lintang", "lat", "offices"), ("Bujur", "lon", "offices"),
    ("Latitude", "lat", "offices"), ("Longitude", "lon", "offices"),
    ("Latitude", "lat", "households"), ("No. KK", "id", "households"),
    ("Kode Kecamatan", "district_code", "boundaries"),
    ("Kode Kab/Kota", "regency_code", "boundaries"),
])
def test_other_header_roles(header, role, table):
    assert _resolved([header], table) == {role: header}


def test_the_village_name_never_takes_the_regency_or_the_district():
    headers = ["Kabupaten/Kota", "Kapanewon/Kemantren", "Kode Desa/Kel.", "Peserta"]
    assert _resolved(headers) == {"code": "Kode Desa/Kel.", "district": "Kapanewon/Kemantren",
                                  "regency": "Kabupaten/Kota", "participants": "Peserta"}


@pytest.mark.parametrize("header", ["Desa/Kecamatan", "Nama/Kode Desa", "Peserta PU/BPU",
                                    "Lat/Lon"])
def test_parts_of_different_columns_match_none(header):
    assert _resolved([header]) == {}


def test_a_personal_part_keeps_a_combined_header_out_of_a_household_file():
    assert _resolved(["No KK/NIK", "Lintang"], "households") == {"lat": "Lintang"}


@pytest.mark.parametrize("header", ["", "  ", "/", "()", " / . "])
def test_blank_headers_match_nothing(header):
    assert _resolved([header]) == {}
    assert _resolved([header, "Nama Desa"]) == {"name": "Nama Desa"}


def test_a_whole_alias_comes_before_a_combined_header():
    assert _resolved(["Kalurahan/Kelurahan", "Kalurahan"]) == {"name": "Kalurahan"}


@pytest.mark.parametrize("header", ["  KALURAHAN / KELURAHAN  ", "nama   desa", "NAMA_DESA",
                                    "Nama.Desa", "nama-desa", "Nama\nDesa", "Nama\u00a0Desa",
                                    "nama__desa", "KALURAHAN"])
def test_case_and_space_variants(header):
    assert _resolved([header]) == {"name": header}


def test_header_keys_of_a_combined_header():
    assert header_keys("Kode Desa/Kel.") == ("kode_desa_kel", "kode_desa", "kode_kel")
    assert header_keys("Jumlah Angkatan Kerja (jiwa)")[1] == "jumlah_angkatan_kerja"
    assert normalise_header(" Desa/Kel. ") == "desa_kel"


def test_aliases_are_keys_and_name_one_column_per_table():
    for table, aliases in ALIAS_TABLES.items():
        owner: dict[str, str] = {}
        for canonical, names in aliases.items():
            for name in names:
                assert normalise_header(name) == name, (table, name)
                assert owner.setdefault(name, canonical) == canonical, (table, name)


# --- one error per missing column ----------------------------------------------------------


def _without_names(tmp_path, name_header: str, suffix: str = ".csv"):
    """The demo table with an empty code column and the names under ``name_header``."""
    table = _demo()[["kalurahan", "kapanewon", "kabupaten", "angkatan_kerja", "peserta_aktif"]]
    table = table.rename(columns={"kalurahan": name_header, "kapanewon": "Kapanewon",
                                  "kabupaten": "Kabupaten", "angkatan_kerja": "AK",
                                  "peserta_aktif": "Peserta"})
    table.insert(0, "Kode Wilayah", "")
    return _write(table, tmp_path / f"peserta{suffix}")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_unknown_name_header_is_one_problem_with_the_fix(suffix, tmp_path):
    path = _without_names(tmp_path, "Nama Kalurhan", suffix)  # misspelt: not an alias
    problems = _participation_problems(path)
    [problem] = problems
    assert problem.row is None
    assert "village code (or the village name)" in problem.message
    assert "'code' or 'name'" in problem.message
    assert "'Kode Wilayah' is empty" in problem.message
    assert "Kode Wilayah, Nama Kalurhan, Kapanewon, Kabupaten, AK, Peserta" in problem.message
    assert "the closest is 'Nama Kalurhan'" in problem.message
    assert '--participation-columns name="Nama Kalurhan"' in problem.fix
    assert not any("neither" in p.message for p in problems)


def test_the_suggested_mapping_fixes_the_file(tmp_path):
    path = _without_names(tmp_path, "Nama Kalurhan")
    for typed in ("name=Nama Kalurhan", 'name="Nama Kalurhan"'):  # the shell's, the app's
        problems = _participation_problems(path, ColumnMapping.parse(typed))
        assert [p for p in problems if p.severity == "error"] == []


def test_a_file_without_any_identifier_column(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("Nama Kelurahaan,AK,Peserta\nCaturtunggal,100,10\nMaguwoharjo,200,20\n",
                    encoding="utf-8")
    [problem] = _participation_problems(path)
    assert "the file's columns are: Nama Kelurahaan, AK, Peserta" in problem.message
    assert "the closest is 'Nama Kelurahaan'" in problem.message
    assert f'{PARTICIPATION_OPTION} name="Nama Kelurahaan"' in problem.fix


def test_no_close_header_asks_for_a_mapping(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text("Catatan,AK,Peserta\nx,100,10\n", encoding="utf-8")
    [problem] = _participation_problems(path)
    assert "closest" not in problem.message
    assert "--participation-columns code=YOUR_HEADER" in problem.fix


def test_two_missing_columns_are_two_problems_not_one_per_row(tmp_path):
    path = tmp_path / "peserta.csv"
    rows = "".join(f"3404072{i:03d},Desa {i},x\n" for i in range(1, 40))
    path.write_text("Kode Desa,Nama Desa,Catatan\n" + rows, encoding="utf-8")
    problems = _participation_problems(path)
    assert len(problems) == 2
    assert {p.row for p in problems} == {None}
    assert "'participants'" in problems[0].message
    assert "'labour_force' or 'employed'" in problems[1].message


def test_a_missing_office_column_suggests_the_office_option(tmp_path):
    path = tmp_path / "kantor.csv"
    path.write_text("Nama Kantor,Latitud,Bujur\nKC Yogyakarta,-7.78,110.38\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_offices(path)
    [problem] = caught.value.problems
    assert "the closest is 'Latitud'" in problem.message
    assert "--office-columns lat=Latitud" in problem.fix


def test_a_missing_household_column_suggests_the_household_option(tmp_path):
    path = tmp_path / "rumah_tangga.csv"
    path.write_text("ID Kluarga,lat,lon,terdaftar\nk1,-7.78,110.38,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        next(read_household_chunks(path))
    [problem] = caught.value.problems
    assert "the closest is 'ID Kluarga'" in problem.message
    assert '--household-columns id="ID Kluarga"' in problem.fix


def test_a_missing_boundary_column_suggests_the_boundary_option(tmp_path):
    villages = bundled.read_units(bundled.VILLAGES_LAYER).head(5)
    layer = gpd.GeoDataFrame({"Kode Wilayah": villages["code"], "Nama Desa": villages["name"],
                              "Kapanewn": villages["district"], "Kabupaten": villages["regency"]},
                             geometry=villages.geometry, crs=villages.crs)
    path = tmp_path / "batas.gpkg"
    layer.to_file(path)
    with pytest.raises(InputError) as caught:
        read_boundaries(path)
    [problem] = caught.value.problems
    assert "'district'" in problem.message
    assert "--boundary-columns district=Kapanewn" in problem.fix


def test_a_table_built_without_any_name_gets_one_problem():
    index = pd.Index([2, 3, 4], name="row")
    data = pd.DataFrame({"code": [None] * 3, "labour_force": ["10"] * 3,
                         "participants": ["1"] * 3}, index=index, dtype=object)
    _, problems = validate_participation(InputTable(data, "peserta.csv", {"code": "Kode"}))
    [problem] = [p for p in problems if p.severity == "error"]
    assert problem.row is None
    assert "'Kode'" in problem.message


def test_closest_header_and_mapping_argument():
    suggestion = closest_header(["Catatan", "Nama Kalurhan"], ["code", "name"],
                                PARTICIPATION_ALIASES)
    assert suggestion is not None
    assert (suggestion.header, suggestion.canonical) == ("Nama Kalurhan", "name")
    assert closest_header(["Catatan"], ["code", "name"], PARTICIPATION_ALIASES) is None
    assert mapping_argument("--x", "code", "KDEPUM") == "--x code=KDEPUM"
    assert mapping_argument("--x", "name", 'Nama "Desa"') == '--x name="Nama \\"Desa\\""'


# --- any spelling of an alias --------------------------------------------------------------

ALIASES = sorted({(table, alias, canonical) for table, aliases in ALIAS_TABLES.items()
                  for canonical, names in aliases.items() for alias in names})
SEPARATORS = st.sampled_from([" ", "  ", "_", ".", ". ", "-", " - ", "\t", "\u00a0", "__"])
PADDING = st.sampled_from(["", " ", "  ", "\t", "_", "."])


@st.composite
def _spelling(draw: st.DrawFn, alias: str) -> str:
    """An alias as a person might type it: any case, any separators, padded."""
    words = alias.split("_")
    text = words[0]
    for word in words[1:]:
        text += draw(SEPARATORS) + word
    cased = "".join(c.upper() if c in string.ascii_letters and draw(st.booleans()) else c
                    for c in text)
    return draw(PADDING) + cased + draw(PADDING)


@st.composite
def _written_alias(draw: st.DrawFn) -> tuple[str, str, str]:
    """A table, a header written from one or two of a column's aliases, and that column."""
    table, alias, canonical = draw(st.sampled_from(ALIASES))
    header = draw(_spelling(alias))
    if draw(st.booleans()):  # "Kalurahan/Kelurahan": two names of one column
        other = draw(st.sampled_from(ALIAS_TABLES[table][canonical]))
        header += draw(st.sampled_from(["/", " / "])) + draw(_spelling(other))
    return table, header, canonical


@given(written=_written_alias())
def test_any_spelling_of_an_alias_resolves_to_its_column(written):
    table, header, canonical = written
    assert _resolved([header], table) == {canonical: header}
