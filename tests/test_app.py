"""The Streamlit app, driven headless with AppTest on the bundled data."""

import io
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from geo_outreach.inputs import prepare
from geo_outreach.render.map_assets import leaflet_assets
from tests.app_driver import APP, show

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def folium_args(at):
    """The arguments st_folium passed to its component (the map's Leaflet script)."""
    for element in at.get("component_instance"):
        if "json_args" in element.proto.DESCRIPTOR.fields_by_name:
            return json.loads(element.proto.json_args)
    raise AssertionError("no st_folium map on the page")


def metric_value(at, index=0):
    return at.metric[index].value


def test_app_shows_demo_map_and_priority_in_indonesian(app):
    assert "kesenjangan kepesertaan" in app.title[0].value
    assert any("DEMO" in w.value for w in app.warning)
    assert any("perkiraan" in i.value for i in app.info)
    show(app, "map")
    script = folium_args(app)["script"]
    assert script.count('"type": "Feature"') + script.count('"type":"Feature"') >= 438
    show(app, "priority")
    assert app.dataframe, "priority and office tables are shown"


def test_changing_the_radius_changes_the_numbers(app):
    before = metric_value(app)
    app.sidebar.slider(key="radius_km").set_value(10.0).run()
    assert not app.exception
    assert metric_value(app) != before


def test_english_toggle(app):
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert "participation gaps" in app.title[0].value


def test_regency_filter_and_denominator(app):
    app.sidebar.selectbox(key="regency").set_value("Kota Yogyakarta").run()
    app.sidebar.selectbox(key="denominator").set_value("employed").run()
    assert not app.exception


def uploader(at, key):
    return next(u for u in at.get("file_uploader") if u.proto.id.endswith(key) or
                getattr(u, "key", None) == key)


def test_uploaded_participation_replaces_the_demo(app):
    demo = (Path(APP).parent / "boundaries" / "demo_participation.csv").read_text()
    own = demo.replace("DEMO sintetis", "survei cabang")  # any table but the demo one
    show(app, "data")
    uploader(app, "upload_participation").set_value(("peserta.csv", own.encode(), "text/csv"))
    app.run()
    assert not app.exception
    assert not any("DEMO" in w.value for w in app.warning)
    show(app, "summary")
    assert app.metric


def test_bad_upload_shows_the_problems_and_stops_the_analysis(app):
    bad = (b"kode_wilayah,angkatan_kerja,peserta_aktif\n"
           b"34.71.03.1001,100,abc\n34.71.03.1002,100,500\n")
    show(app, "data")
    uploader(app, "upload_participation").set_value(("peserta.csv", bad, "text/csv"))
    app.run()
    assert not app.exception
    assert app.error
    problems = app.dataframe[0].value
    assert "peserta.csv" in problems.to_string()
    show(app, "summary")
    assert not app.metric


def test_demo_households_are_off_until_asked_then_give_register_counts_and_hexes(app):
    assert app.sidebar.radio(key="households").value == "none"  # as on the command line
    assert not any("titik rumah tangga sintetis" in w.value for w in app.warning)
    app.sidebar.radio(key="households").set_value("demo").run()
    assert any("titik rumah tangga sintetis" in w.value for w in app.warning)
    subheaders = [h.value for h in app.subheader]
    assert any("data kepesertaan" in h for h in subheaders)
    assert any("register rumah tangga" in h for h in subheaders)
    show(app, "map")
    script = folium_args(app)["script"]
    assert "Titik panas" in script
    app.sidebar.radio(key="households").set_value("none").run()
    assert not app.exception
    assert "Titik panas" not in folium_args(app)["script"]


def test_app_map_loads_leaflet_from_the_apps_own_static_folder(app):
    show(app, "map")
    args = folium_args(app)
    header = json.dumps(args)
    assert "/app/static/leaflet.js" in header
    assert "cdn.jsdelivr" not in header
    static = Path(APP).parent / "static"
    script, stylesheet = leaflet_assets()
    assert (static / "leaflet.js").read_text(encoding="utf-8") == script
    assert (static / "leaflet.css").read_text(encoding="utf-8") == stylesheet


def test_uploaded_household_points_are_used_and_rejects_listed(app):
    rows = ("no_kk,lintang,bujur,status_bpjs\n"
            "1,-7.7830,110.3834,tidak\n2,-7.7900,110.3700,ya\n3,110.37,-7.79,tidak\n")
    show(app, "data")
    uploader(app, "upload_households").set_value(("rt.csv", rows.encode(), "text/csv"))
    app.run()
    assert not app.exception
    assert app.sidebar.radio(key="households").value == "upload"
    assert not any("titik rumah tangga sintetis" in w.value for w in app.warning)
    shown = " ".join(str(frame.value.to_dict()) for frame in app.dataframe)
    assert "lintang dan bujur tertukar" in shown


def test_routes_tab_plans_walk_sheets_for_the_teams(app):
    show(app, "routes")
    app.number_input(key="route_teams").set_value(2)
    app.number_input(key="route_days").set_value(3)
    app.slider(key="route_time").set_value(1)
    app.button(key="route_plan").click().run()
    assert not app.exception
    assert any(len(frame.value) == 3 for frame in app.dataframe)  # one row per day
    assert any(len(frame.value) == 2 for frame in app.dataframe)  # the day's teams
    app.selectbox(key="route_day").set_value(3).run()
    assert not app.exception
    downloads = [b for b in app.get("download_button") if "ZIP" in str(b.proto.label)]
    assert downloads


def test_road_reach_adds_the_road_columns(app):
    app.sidebar.checkbox(key="road_reach").check().run()
    assert not app.exception
    offices = " ".join(str(frame.value.columns.tolist()) for frame in app.dataframe)
    assert "jalan" in offices.lower() or "road" in offices.lower()


def test_a_users_own_road_network_is_used_for_routes(app):
    osm = (Path(APP).parent / "tests" / "data" / "roads").glob("*.osm")
    path = next(iter(osm))
    show(app, "data")
    uploader(app, "upload_roads").set_value((path.name, path.read_bytes(), "text/xml"))
    app.run()
    assert not app.exception
    show(app, "routes")
    captions = " ".join(c.value for c in app.caption)
    assert path.name in captions or "nodes" in captions


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def refused_shown(at):
    """The app stops: no numbers, and each result page points to the Data page."""
    assert not at.exception
    pointers = []
    for page in ("summary", "map", "priority", "routes", "share"):
        show(at, page)
        assert not at.metric
        pointers += [e.value for e in at.error if "Perbaiki masalah" in e.value]
    assert len(pointers) == 5  # summary, map, priority, routes, share
    show(at, "data")  # where the refusal itself is shown


def test_a_png_renamed_csv_is_refused_in_indonesian(app):
    show(app, "data")
    uploader(app, "upload_participation").set_value(("peserta.csv", PNG, "text/csv"))
    app.run()
    refused_shown(app)
    assert any(e.value.startswith("Isi berkas peserta.csv bukan CSV, walaupun namanya "
                                  "berakhiran .csv.") for e in app.error)


def test_a_too_big_table_is_refused_with_the_limit(app):
    big = b"kode_wilayah,peserta_aktif\n" + b"34.71.03.1001,1\n" * (21 * 1024 * 1024 // 16)
    show(app, "data")
    uploader(app, "upload_participation").set_value(("peserta.csv", big, "text/csv"))
    app.run()
    refused_shown(app)
    assert any("Berkas peserta.csv terlalu besar (21,0 MB). Batas untuk tabel peserta 20 MB."
               in e.value for e in app.error)
    app.sidebar.radio(key="lang").set_value("en").run()
    assert any("The file peserta.csv is too large (21.0 MB). The limit for the participation "
               "table is 20 MB." in e.value for e in app.error)


def test_a_path_in_the_file_name_is_refused(app):
    show(app, "data")
    uploader(app, "upload_offices").set_value(("../../etc/passwd.csv", b"a,b\n", "text/csv"))
    app.run()
    refused_shown(app)
    assert any(e.value.startswith("Nama berkas ../../etc/passwd.csv tidak dapat dipakai")
               for e in app.error)


def test_uploads_are_saved_under_the_apps_name_and_shown_under_the_users(app, monkeypatch):
    seen = []

    def spy(paths, **kwargs):
        seen.append(paths.participation)
        return prepare_inputs(paths, **kwargs)

    prepare_inputs = prepare.prepare_inputs
    monkeypatch.setattr(prepare, "prepare_inputs", spy)
    bad = b"kode_wilayah,angkatan_kerja,peserta_aktif\n34.71.03.1001,100,xyz\n"
    name = "peserta Mei (1) ..csv"
    show(app, "data")
    uploader(app, "upload_participation").set_value((name, bad, "text/csv"))
    app.run()
    assert not app.exception
    assert [path.name for path in seen] == ["upload-participation.csv"]
    problems = app.dataframe[0].value.to_string()
    assert name in problems
    assert "upload-participation" not in problems


def test_a_file_that_cannot_be_read_is_not_read_again_on_every_rerun():
    def script() -> None:
        import streamlit as st  # noqa: PLC0415

        from app_pages.common import remembered  # noqa: PLC0415
        from geo_outreach._errors import InputError  # noqa: PLC0415

        reads = st.session_state.setdefault("reads", [])

        def read_broken_file() -> None:
            reads.append(1)
            raise InputError("rumah_tangga.csv: the file cannot be read")

        for _ in range(2):
            try:
                remembered("households", ("same upload",), read_broken_file)
            except InputError as err:
                st.write(f"{err}; reads: {len(reads)}")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    at.run()  # a rerun, as a slider move makes
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown][-1].endswith("reads: 1")


def test_an_upload_stays_in_use_on_every_page_until_removed(app):
    demo = (Path(APP).parent / "boundaries" / "demo_participation.csv").read_text()
    own = demo.replace("DEMO sintetis", "survei cabang")
    show(app, "data")
    uploader(app, "upload_participation").set_value(("peserta.csv", own.encode(), "text/csv"))
    app.run()
    for page in ("summary", "map", "priority", "data"):
        show(app, page)
        assert not any("DEMO — data kepesertaan" in w.value for w in app.warning), page
    assert any("Berkas yang dipakai: peserta.csv" in c.value for c in app.caption)
    app.button(key="forget_participation").click().run()
    show(app, "summary")
    assert any("DEMO — data kepesertaan" in w.value for w in app.warning)


def test_switching_the_language_keeps_the_page_and_the_settings(app):
    show(app, "priority")
    app.sidebar.slider(key="radius_km").set_value(10.0).run()
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.sidebar.slider(key="radius_km").value == 10.0
    assert app.dataframe, "still the priority page"
    assert not app.metric


def test_the_routes_page_places_stops_in_uploaded_padukuhan(app, tmp_path, area_result):
    from tests.test_visit_stops_padukuhan import TERBAN, quarters  # noqa: PLC0415

    path = tmp_path / "padukuhan.geojson"
    quarters(area_result).to_file(path, driver="GeoJSON")
    show(app, "routes")
    uploader(app, "upload_padukuhan").set_value((path.name, path.read_bytes(),
                                                 "application/geo+json"))
    app.run()
    app.radio(key="route_stops").set_value("selection").run()
    app.multiselect(key="route_codes").set_value([TERBAN]).run()
    app.number_input(key="route_days").set_value(1).run()
    app.button(key="route_plan").click().run()
    assert not app.exception
    assert not app.error
    stored = app.session_state["planned_routes"][1]
    labels = " ".join(" ".join(route.stops["label"]) for route in stored.routes)
    assert "Padukuhan" in labels


def _two_sheet_workbook() -> bytes:
    """Last year's table on the first sheet, this year's on the second: same headers."""
    demo = pd.read_csv(Path(APP).parent / "boundaries" / "demo_participation.csv", dtype=str)
    demo["sumber"] = "survei cabang"
    last_year = demo.assign(peserta_aktif=(demo["peserta_aktif"].astype(int) // 2).astype(str))
    book = Workbook()
    book.remove(book.active)
    for title, table in (("2023", last_year), ("2024", demo)):
        sheet = book.create_sheet(title)
        sheet.append(list(table.columns))
        for row in table.itertuples(index=False):
            sheet.append([int(v) if v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_data_page_offers_the_workbooks_sheets_and_reads_the_one_chosen(app):
    show(app, "data")
    uploader(app, "upload_participation").set_value(
        ("peserta.xlsx", _two_sheet_workbook(), XLSX_MIME))
    app.run()
    choice = app.selectbox(key="participation_sheet_choice")
    assert choice.options == ["Otomatis: lembar yang judul kolomnya paling cocok", "2023",
                              "2024"]
    show(app, "summary")
    automatic = metric_value(app)  # the first of equally good sheets: 2023
    show(app, "data")
    app.selectbox(key="participation_sheet_choice").set_value("2024").run()
    assert not app.exception
    show(app, "summary")
    chosen = metric_value(app)
    assert chosen != automatic
    show(app, "data")
    app.selectbox(key="participation_sheet_choice").set_value("2023").run()
    show(app, "summary")
    assert metric_value(app) == automatic
