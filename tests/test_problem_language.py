"""
Input problems in the user's language: Bahasa Indonesia in the app, English on the command line.

Every problem the readers find names its label (``problem.<key>``) and the label's
arguments. The English labels give back exactly the words the command line prints (and
tests/bad_inputs/CATALOGUE.csv pins); the Indonesian ones are what the app's Data page
shows, with fixes that say what to do in the app: never a command-line option such as
``--participation-columns``, never a tool such as ogr2ogr.
"""

from __future__ import annotations

import pickle
import re
import string
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app_pages.common import problems_frame
from geo_outreach import i18n
from geo_outreach._errors import InputError, Problem, Translatable
from geo_outreach.analysis.households import HouseholdParams, classify_households
from geo_outreach.analysis.village_locator import build_study_area
from geo_outreach.config import AnalysisParams, ColumnMapping
from geo_outreach.i18n.problem_text import describe_error, fix_keys, localized
from geo_outreach.inputs.household_files import read_household_chunks
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.readers import read_participation
from tests.test_bad_inputs import ENTRIES

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from geo_outreach.i18n.problem_text import Surface

ROOT = Path(__file__).parent.parent
BAD_INPUTS = Path(__file__).parent / "bad_inputs"
LANGUAGES = ("id", "en")
PART_GROUPS = ("problem.part.", "problem.match.", "problem.text.", "problem.source.")
"""Labels that are pieces of messages, not messages with a fix of their own."""
COMMAND_LINE_WORDS = re.compile(r"--|ogr2ogr")
"""What a fix read in the app must not name: command-line options and tools."""
ENGLISH_WORDS = re.compile(r"\b(the|is|are|has|have|not|cannot|row|rows|file|column)\b")


def _toml_labels(lang: str) -> dict[str, str]:
    """Every label of a language: its main file and its topic files (``id.<topic>.toml``)."""
    folder = ROOT / "geo_outreach" / "i18n"
    labels: dict[str, str] = {}
    for path in (folder / f"{lang}.toml", *sorted(folder.glob(f"{lang}.*.toml"))):
        with path.open("rb") as handle:
            labels |= tomllib.load(handle)["labels"]
    return labels


FILES = {lang: _toml_labels(lang) for lang in LANGUAGES}
PROBLEM_KEYS = sorted({key for labels in FILES.values() for key in labels
                       if key.startswith("problem.")})
MESSAGE_KEYS = sorted(key for key in PROBLEM_KEYS if not key.startswith(PART_GROUPS)
                      and not re.search(r"\.fix(\.app|\.cli)?$", key))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _strict(problem: Problem, lang: str, surface: Surface) -> tuple[str, str]:
    """The problem written from its labels, failing (not falling back) on a missing one."""
    args = {name: i18n.words(value, lang) for name, value in problem.args.items()}  # type: ignore[arg-type]
    fix_key = next(k for k in fix_keys(str(problem.key), surface) if i18n.has_label(k))
    return (i18n.t(f"problem.{problem.key}", lang, **args),  # type: ignore[arg-type]
            i18n.t(fix_key, lang, **args))  # type: ignore[arg-type]


def _user_data(args: Mapping[str, object]) -> set[str]:
    """The arguments that are the user's data (names, values, library errors), not words."""
    found = set()
    for value in args.values():
        if isinstance(value, Translatable):
            found |= _user_data(value.args)
        elif isinstance(value, str) and value:
            found.add(value)
    return found


# --- the labels ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", PROBLEM_KEYS)
def test_every_problem_label_is_in_both_files_with_the_same_placeholders(key: str):
    assert key in FILES["id"], f"{key} is missing from id.toml"
    assert key in FILES["en"], f"{key} is missing from en.toml"
    assert _placeholders(FILES["id"][key]) == _placeholders(FILES["en"][key])


@pytest.mark.parametrize("key", MESSAGE_KEYS)
@pytest.mark.parametrize("surface", ["app", "cli"])
def test_every_message_has_a_fix_on_each_surface(key: str, surface: Surface):
    problem_key = key.removeprefix("problem.")
    assert any(i18n.has_label(k) for k in fix_keys(problem_key, surface)), key


@pytest.mark.parametrize("key", MESSAGE_KEYS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_fix_read_in_the_app_names_a_command_line_option_or_tool(key: str, lang: str):
    fix_key = next(k for k in fix_keys(key.removeprefix("problem."), "app") if i18n.has_label(k))
    assert not COMMAND_LINE_WORDS.search(FILES[lang][fix_key]), (fix_key, FILES[lang][fix_key])
    if lang == "id":
        assert "YOUR_HEADER" not in FILES[lang][fix_key], fix_key


def test_every_literal_problem_key_in_the_code_has_its_label():
    sources = "\n".join(path.read_text(encoding="utf-8")
                        for path in sorted((ROOT / "geo_outreach").rglob("*.py")))
    used = {f"problem.{key}" for key in re.findall(r'\bkey="([a-z_.]+)"', sources)}
    used |= {f"problem.part.{key}" for key in re.findall(r'\bpart\("([a-z_.]+)"', sources)}
    used |= {f"problem.match.{key}" for key in re.findall(r'\bmatch_note\("([a-z_.]+)"', sources)}
    used |= {f"problem.part.code.{key}" for key in re.findall(r'\b_reason\("([a-z_.]+)"',
                                                               sources)}
    assert len(used) > 100  # the scan found them
    assert sorted(key for key in used if not i18n.has_label(key)) == []


# --- real bad inputs, through the library --------------------------------------------------


def _catalogue_problems() -> list[Problem]:
    """Every problem the catalogue's boundary, participation, office and household files bring."""
    bundled = prepare_inputs(InputPaths())
    area = build_study_area(bundled.villages, bundled.offices, radius_km=5.0)
    found = list(bundled.problems)
    for entry in ENTRIES:
        path = BAD_INPUTS / entry.file
        try:
            if entry.input == "households":
                found += classify_households(path, area).problems()
            elif entry.input in ("boundaries", "participation", "offices"):
                found += prepare_inputs(InputPaths(**{entry.input: path})).problems
        except InputError as err:
            found += err.problems
    return found


def _made_problems(tmp_path: Path) -> list[Problem]:
    """Problems of the headers, mappings and settings the catalogue's files do not have."""
    files = {"peserta.csv": "Kode,Nama Kalurhan,Angkatan Kerja,Peserta Aktif\n"
                            "34.71.01.1001,Kricak,100,50\n",
             "tanpa_kode.csv": "Nama Kalurhan,Angkatan Kerja,Peserta Aktif\nKricak,100,50\n",
             "catatan.csv": "judul laporan\nbaris kedua\n",
             "lama.xls": "x"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    table = tmp_path / "peserta.csv"
    makers: list[Callable[[], object]] = [
        lambda: read_participation(table, mapping=ColumnMapping({"kabupaten": "Kab"})),
        lambda: read_participation(table, mapping=ColumnMapping({"name": "Desa"})),
        lambda: read_participation(tmp_path / "tanpa_kode.csv"),
        lambda: read_participation(tmp_path / "catatan.csv"),
        lambda: read_participation(tmp_path / "tidak_ada.csv"),
        lambda: read_participation(tmp_path / "lama.xls"),
        lambda: next(read_household_chunks(table)),
        lambda: ColumnMapping.parse("code"),
        lambda: AnalysisParams(radius_km=0, target=2, denominator="semua"),  # type: ignore[arg-type]
        lambda: HouseholdParams(h3_resolution=20),
    ]
    found = []
    for make in makers:
        with pytest.raises(InputError) as caught:
            make()
        found += caught.value.problems
    return found


@pytest.fixture(scope="module")
def catalogue_problems() -> list[Problem]:
    return _catalogue_problems()


@pytest.fixture
def problems(catalogue_problems, tmp_path) -> list[Problem]:
    return [*catalogue_problems, *_made_problems(tmp_path)]


def test_every_problem_of_the_inputs_is_labelled(problems):
    unlabelled = [str(p) for p in problems if p.key is None]
    assert unlabelled == []
    assert len({p.key for p in problems}) >= 50


def test_the_english_labels_give_back_the_command_lines_words(problems):
    for problem in problems:
        assert _strict(problem, "en", "cli") == (problem.message, problem.fix), problem.key


def test_the_app_shows_every_problem_in_bahasa_indonesia(problems):
    for problem in problems:
        message, fix = _strict(problem, "id", "app")
        assert localized(problem, "id") == (message, fix)
        assert not COMMAND_LINE_WORDS.search(fix), (problem.key, fix)
        words = message
        for value in sorted(_user_data(problem.args), key=len, reverse=True):
            words = words.replace(value, "")
        assert not ENGLISH_WORDS.search(words), (problem.key, message)
        assert _strict(problem, "en", "app")[0] == problem.message


def test_a_problem_without_its_labels_keeps_its_english_words():
    plain = Problem("peserta.csv", 3, "lat", "x", "something odd", "look at it")
    assert localized(plain, "id") == ("something odd", "look at it")
    unknown = Problem("peserta.csv", 3, None, None, "odd", "fix it", key="no.such.label")
    assert localized(unknown, "id") == ("odd", "fix it")
    assert describe_error(InputError(plain), "id") == str(plain)


def test_an_input_error_is_described_in_either_language(tmp_path):
    table = tmp_path / "peserta.csv"
    table.write_text("Nama Kalurhan,Angkatan Kerja,Peserta Aktif\nKricak,100,50\n",
                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_participation(table)
    err = caught.value
    assert describe_error(err, "en", "cli") == str(err)
    shown = describe_error(err, "id")
    assert shown.startswith("peserta.csv: tidak ditemukan kolom untuk kode kalurahan")
    assert "Perbaikan:" in shown
    assert 'isi «Pemetaan kolom untuk tabel peserta»: name="Nama Kalurhan"' in shown
    assert "--" not in shown
    several = InputError([*err.problems, *err.problems])
    assert describe_error(several, "id").startswith("2 masalah pada data masukan:\n")
    assert describe_error(several, "en", "cli") == str(several)


def test_the_problems_table_is_in_the_users_language(catalogue_problems):
    found = [p for p in catalogue_problems if p.key == "participation.bps_code"]
    assert found
    for lang, message, fix in (("id", "tampaknya kode desa BPS", "ubah menjadi kode Kemendagri"),
                               ("en", "looks like a BPS village code", "convert it to the")):
        table = problems_frame(found, lang)  # type: ignore[arg-type]
        assert message in table[i18n.t("col.message", lang)].iloc[0]
        assert fix in table[i18n.t("col.fix", lang)].iloc[0]


# --- the match report's notes --------------------------------------------------------------


def test_match_notes_are_translatable_and_survive_the_apps_cache():
    prepared = prepare_inputs(InputPaths(participation=BAD_INPUTS / "p_typo_name.csv"))
    report = pickle.loads(pickle.dumps(prepared.match_report))  # noqa: S301 - as st.cache_data keeps it
    fuzzy = report[report["status"] == "fuzzy"]["note"].iloc[0]
    assert fuzzy == "similar name: 'Demangn' taken as 'Demangan'"  # what match_report.csv says
    assert isinstance(fuzzy, Translatable)
    assert i18n.value_label("note", fuzzy, "id") == "nama mirip: 'Demangn' dianggap 'Demangan'"
    no_data = report[report["status"] == "no_data"]["note"].iloc[0]
    assert i18n.value_label("note", no_data, "id") == (
        "tidak ada baris kepesertaan untuk kalurahan ini")


def test_composed_notes_are_translated_part_by_part():
    prepared = prepare_inputs(InputPaths(participation=BAD_INPUTS / "p_ambiguous_name.csv"))
    report = prepared.match_report
    note = report[report["status"] == "ambiguous"]["note"].iloc[0]
    shown = i18n.value_label("note", note, "id")
    assert str(shown).startswith("nama 'Argomulyo' cocok dengan 2 kalurahan: ")
    assert "fits" not in str(shown)


def test_the_command_line_still_speaks_english(tmp_path, capsys):
    from geo_outreach.cli import main  # noqa: PLC0415 - the command line, as a user runs it

    path = BAD_INPUTS / "p_bps_code.csv"
    assert main(["analyze", "--participation", str(path), "--out", str(tmp_path / "out")]) == 1
    stderr = capsys.readouterr().err
    assert "looks like a BPS village code" in stderr
    assert "convert it to the Kemendagri code" in stderr
    assert "kode desa BPS" not in stderr


# --- the app -------------------------------------------------------------------------------




def _show_data(at: AppTest) -> None:
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception


def _upload(at: AppTest, role: str, path: Path, *, name: str | None = None) -> None:
    _show_data(at)
    uploader = next(u for u in at.get("file_uploader") if u.proto.id.endswith(f"upload_{role}"))
    uploader.set_value((name or path.name, path.read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception


def _problems_table(at: AppTest, lang: str) -> pd.DataFrame:
    header = i18n.t("col.message", lang)
    tables = [frame.value for frame in at.dataframe if header in frame.value.columns]
    assert tables, "no problems table on the Data page"
    return tables[0]


def test_the_data_page_shows_bad_uploads_in_bahasa_indonesia(app: AppTest):
    _upload(app, "participation", BAD_INPUTS / "p_bps_code.csv")
    _upload(app, "offices", BAD_INPUTS / "o_swapped_lat_lon.csv")
    table = _problems_table(app, "id")
    messages = " ".join(table[i18n.t("col.message", "id")])
    assert "tampaknya kode desa BPS" in messages
    assert "lintang dan bujur tampaknya tertukar" in messages
    assert "looks like" not in messages
    fixes = list(table[i18n.t("col.fix", "id")])
    assert "tukar keduanya: lat -7.71288, lon 110.353" in " ".join(fixes)
    assert not [fix for fix in fixes if COMMAND_LINE_WORDS.search(fix)]
    _upload(app, "boundaries", BAD_INPUTS / "b_no_prj.zip")  # the other tables wait for it
    table = _problems_table(app, "id")
    assert "berkas tidak punya sistem referensi koordinat (CRS)" in " ".join(
        table[i18n.t("col.message", "id")])
    fixes = " ".join(table[i18n.t("col.fix", "id")])
    assert "QGIS (Layer > Set CRS)" in fixes
    assert not COMMAND_LINE_WORDS.search(fixes)


def test_a_column_the_app_cannot_find_is_mapped_on_the_data_page(app: AppTest, tmp_path):
    table = tmp_path / "peserta.csv"
    table.write_text("Kode,Nama Kalurhan,Angkatan Kerja,Peserta Aktif\n"
                     "34.71.01.1001,Kricak,100,50\n", encoding="utf-8")
    _upload(app, "participation", table)
    app.text_input(key="mapping_participation").input("nama=Nama Kalurhan").run()
    assert not app.exception, app.exception
    fixes = " ".join(_problems_table(app, "id")[i18n.t("col.fix", "id")])
    assert ("di halaman Data, pakai nama dari daftar ini pada «Pemetaan kolom untuk tabel "
            "peserta»") in fixes
    assert "--participation-columns" not in fixes
    app.sidebar.radio(key="lang").set_value("en").run()
    fixes = " ".join(_problems_table(app, "en")[i18n.t("col.fix", "en")])
    assert ("on the Data page, use names from this list in the column mapping for the "
            "participation table") in fixes
    assert "--" not in fixes


def test_an_error_message_box_speaks_the_users_language(app: AppTest):
    _show_data(app)
    app.text_input(key="mapping_boundaries").input("code").run()
    assert not app.exception, app.exception
    errors = " ".join(e.value for e in app.error).replace("\\_", "_")  # as markdown shows it
    assert "pemetaan kolom harus berbentuk nama_baku=judul_kolom" in errors
    assert "Perbaikan: di halaman Data, tulis pemetaan kolom" in errors
    assert "must look like" not in errors


def test_the_match_report_notes_are_in_the_users_language(app: AppTest):
    _upload(app, "participation", BAD_INPUTS / "p_typo_name.csv")
    notes = [frame.value for frame in app.dataframe if "Catatan" in frame.value.columns]
    assert notes
    shown = set(notes[0]["Catatan"])
    assert "nama mirip: 'Demangn' dianggap 'Demangan'" in shown
    assert "tidak ada baris kepesertaan untuk kalurahan ini" in shown
    assert not [note for note in shown if "similar name" in str(note)]
