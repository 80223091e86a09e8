"""
Labels for the app, the CLI and the maps, in Bahasa Indonesia (default) and English.

A plain data module: :data:`LABELS` holds every user-facing text under a key, in both
languages; :func:`t` looks one up and fills in its placeholders; :data:`GLOSSARY`
explains the terms users meet (cakupan, angkatan kerja, kapanewon, KCP ...). The number
formatters write ``1.234.567`` and ``12,5%`` in Indonesian and ``1,234,567`` and
``12.5%`` in English.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, get_args

from geo_outreach.config import Language

if TYPE_CHECKING:
    from collections.abc import Iterable

LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
"""The supported languages, default first: ``("id", "en")``."""

LANGUAGE_NAMES: Final[dict[Language, str]] = {"id": "Bahasa Indonesia", "en": "English"}

MISSING_VALUE: Final = "—"
"""Shown for a number that does not exist (no data, or nothing to divide by)."""

LABELS: Final[dict[str, dict[Language, str]]] = {
    # --- app and CLI -------------------------------------------------------------
    "app.title": {
        "id": "geo-outreach: kesenjangan kepesertaan BPJS Ketenagakerjaan",
        "en": "geo-outreach: BPJS Ketenagakerjaan participation gaps",
    },
    "app.subtitle": {
        "id": "Kalurahan/kelurahan di DIY dengan cakupan di bawah target, dan radius {radius} "
              "di sekitar setiap kantor",
        "en": "Villages in DIY with coverage below the target, and the {radius} radius around "
              "each office",
    },
    "app.region_all": {"id": "Seluruh DIY", "en": "All of DIY"},
    "sidebar.header": {"id": "Pengaturan", "en": "Settings"},
    "sidebar.radius": {"id": "Radius dari kantor (km)", "en": "Radius from an office (km)"},
    "sidebar.target": {"id": "Target cakupan (%)", "en": "Coverage target (%)"},
    "sidebar.denominator": {"id": "Penyebut cakupan", "en": "Coverage denominator"},
    "sidebar.regency": {"id": "Kabupaten/kota", "en": "Regency/city"},
    "sidebar.language": {"id": "Bahasa", "en": "Language"},
    "sidebar.upload_participation": {
        "id": "Unggah data kepesertaan (CSV/XLSX)",
        "en": "Upload participation data (CSV/XLSX)",
    },
    "sidebar.upload_offices": {
        "id": "Unggah koordinat kantor (CSV/XLSX)",
        "en": "Upload office coordinates (CSV/XLSX)",
    },
    "sidebar.upload_boundaries": {
        "id": "Unggah batas wilayah (GPKG/GeoJSON/SHP zip)",
        "en": "Upload boundaries (GPKG/GeoJSON/SHP zip)",
    },
    "tab.map": {"id": "Peta", "en": "Map"},
    "tab.priority": {"id": "Prioritas", "en": "Priority"},
    "tab.data": {"id": "Data", "en": "Data"},
    "tab.villages": {"id": "Kalurahan/kelurahan", "en": "Villages"},
    "tab.offices": {"id": "Kantor", "en": "Offices"},
    "tab.match_report": {"id": "Laporan pencocokan", "en": "Match report"},
    "tab.problems": {"id": "Peringatan", "en": "Warnings"},
    "tab.glossary": {"id": "Istilah", "en": "Glossary"},
    "tab.summary": {"id": "Ringkasan", "en": "Summary"},
    "kpi.uncovered_within_radius": {
        "id": "Pekerja belum terdaftar dalam radius",
        "en": "Uncovered workers within the radius",
    },
    "kpi.coverage_within_radius": {
        "id": "Cakupan dalam radius",
        "en": "Coverage within the radius",
    },
    "kpi.workers_to_target": {
        "id": "Peserta baru yang dibutuhkan untuk target",
        "en": "New participants needed to reach the target",
    },
    "data.column_mapping": {
        "id": "Pemetaan kolom untuk {role} (opsional)",
        "en": "Column mapping for {role} (optional)",
    },
    "data.mapping_example.boundaries": {
        "id": "mis. code=KDEPUM,name=NAMOBJ",
        "en": "e.g. code=KDEPUM,name=NAMOBJ",
    },
    "data.mapping_example.participation": {
        "id": "mis. code=kode_desa,participants=jumlah_peserta",
        "en": "e.g. code=kode_desa,participants=jumlah_peserta",
    },
    "data.mapping_example.offices": {
        "id": "mis. name=nama_kantor,lat=lintang,lon=bujur",
        "en": "e.g. name=nama_kantor,lat=lintang,lon=bujur",
    },
    "data.rows": {"id": "Jumlah baris", "en": "Rows"},
    "data.mapping_example.households": {
        "id": "mis. id=NO_KK,workers=ART_BEKERJA,registered=STATUS_BPJS",
        "en": "e.g. id=NO_KK,workers=ART_BEKERJA,registered=STATUS_BPJS",
    },
    "data.upload_households": {
        "id": "Unggah titik rumah tangga (CSV/Parquet/GPKG)",
        "en": "Upload household points (CSV/Parquet/GPKG)",
    },
    "data.households_header": {"id": "Titik rumah tangga", "en": "Household points"},
    "data.households_summary": {
        "id": "{used} dari {read} baris dipakai; {rejected} disisihkan",
        "en": "{used} of {read} rows used; {rejected} set aside",
    },
    "data.rejects": {"id": "Baris yang disisihkan", "en": "Rows set aside"},
    "sidebar.households": {"id": "Titik rumah tangga", "en": "Household points"},
    "sidebar.households.none": {
        "id": "Tidak dipakai (bagi per luas)", "en": "Not used (area shares)",
    },
    "sidebar.households.demo": {"id": "DEMO (sintetis)", "en": "DEMO (synthetic)"},
    "sidebar.households.upload": {"id": "Berkas yang diunggah", "en": "Uploaded file"},
    "kpi.vs_target": {
        "id": "{gap} poin persen terhadap target",
        "en": "{gap} percentage points against the target",
    },
    "kpi.households_within_radius": {
        "id": "Rumah tangga belum terdaftar dalam radius",
        "en": "Uncovered households inside the radius",
    },
    "note.reach_method_points": {
        "id": "Jumlah dalam radius dihitung tepat dari titik rumah tangga",
        "en": "Counts inside the radius are exact, from household points",
    },
    "note.reach_method_area": {
        "id": "Jumlah dalam radius dibagi menurut luas kalurahan di dalam radius",
        "en": "Counts inside the radius are shared out by the village area inside it",
    },
    "button.download": {"id": "Unduh {what}", "en": "Download {what}"},
    "button.download_map": {"id": "Unduh peta (HTML)", "en": "Download map (HTML)"},
    "button.run": {"id": "Jalankan analisis", "en": "Run analysis"},
    "msg.no_problems": {"id": "Tidak ada peringatan.", "en": "No warnings."},
    "msg.problems_found": {
        "id": "{count} peringatan dalam data masukan",
        "en": "{count} warning(s) in the inputs",
    },
    "msg.error": {"id": "Data masukan tidak dapat dipakai", "en": "The inputs cannot be used"},
    "msg.reading": {"id": "Membaca dan menganalisis data …", "en": "Reading and analysing …"},
    "msg.fix_in_data_tab": {
        "id": "Perbaiki masalah yang tercantum di tab Data, lalu coba lagi.",
        "en": "Fix the problems listed in the Data tab, then try again.",
    },
    "msg.map_written": {"id": "Peta ditulis ke {path}", "en": "Map written to {path}"},
    "msg.files_written": {
        "id": "{count} berkas ditulis ke {path}",
        "en": "{count} files written to {path}",
    },
    # --- banners and notes -------------------------------------------------------
    "demo.banner": {
        "id": "DEMO — data kepesertaan sintetis, bukan data BPJS",
        "en": "DEMO — synthetic participation data, not BPJS data",
    },
    "note.approximate": {
        "id": "Lokasi perkiraan — unggah koordinat kantor yang sebenarnya",
        "en": "Approximate location — upload the real office coordinates",
    },
    "note.approximate_short": {"id": "lokasi perkiraan", "en": "approximate location"},
    "note.coverage_formula": {
        "id": "Cakupan = peserta aktif ÷ {denominator}",
        "en": "Coverage = active participants ÷ {denominator}",
    },
    "note.target": {"id": "Target cakupan: {target}", "en": "Coverage target: {target}"},
    "note.radius": {"id": "Radius kantor: {radius}", "en": "Office radius: {radius}"},
    "note.radius_rule": {
        "id": "Tidak boleh ada pekerja dalam radius {radius} dari kantor yang belum terdaftar",
        "en": "Nobody within {radius} of an office may be left unregistered",
    },
    "note.boundary_attribution": {
        "id": "Batas wilayah: cahyadsn/wilayah_boundaries (MIT)",
        "en": "Boundaries: cahyadsn/wilayah_boundaries (MIT)",
    },
    "note.needs_internet": {"id": "butuh internet", "en": "needs internet"},
    # --- denominators ------------------------------------------------------------
    "denominator.labour_force": {"id": "angkatan kerja", "en": "labour force"},
    "denominator.employed": {"id": "penduduk bekerja", "en": "employed population"},
    "denominator.labour_force.title": {"id": "Angkatan kerja", "en": "Labour force"},
    "denominator.employed.title": {"id": "Penduduk bekerja", "en": "Employed population"},
    # --- office types ------------------------------------------------------------
    "office_type.KC": {"id": "KC (Kantor Cabang)", "en": "KC (branch office)"},
    "office_type.KCP": {
        "id": "KCP (Kantor Cabang Perintis)",
        "en": "KCP (pioneer branch office)",
    },
    "office_type.unknown": {"id": "jenis tidak diketahui", "en": "type not known"},
    # --- map ---------------------------------------------------------------------
    "map.layer.hexes": {
        "id": "Titik panas: rumah tangga belum terdaftar dalam radius (sel H3)",
        "en": "Hotspots: uncovered households inside the radius (H3 cells)",
    },
    "map.hex.households": {"id": "Rumah tangga dalam radius", "en": "Households inside radius"},
    "map.hex.uncovered": {
        "id": "Rumah tangga belum terdaftar",
        "en": "Uncovered households",
    },
    "map.hex.suppressed": {
        "id": "< {k} rumah tangga (disembunyikan)",
        "en": "< {k} households (hidden)",
    },
    "demo.households": {
        "id": "DEMO — titik rumah tangga sintetis",
        "en": "DEMO — synthetic household points",
    },
    "map.office_label": {
        "id": "{uncovered} pekerja belum terdaftar dalam {radius}",
        "en": "{uncovered} uncovered workers within {radius}",
    },
    "map.layer.villages": {"id": "Cakupan per kalurahan", "en": "Coverage per village"},
    "map.layer.districts": {"id": "Batas kapanewon", "en": "Kapanewon (district) borders"},
    "map.layer.regencies": {"id": "Batas kabupaten/kota", "en": "Regency/city borders"},
    "map.layer.discs": {"id": "Radius {radius} kantor", "en": "Office radius {radius}"},
    "map.layer.offices": {
        "id": "Kantor BPJS Ketenagakerjaan",
        "en": "BPJS Ketenagakerjaan offices",
    },
    "map.layer.basemap": {"id": "Peta dasar OpenStreetMap", "en": "OpenStreetMap basemap"},
    "map.legend.title": {"id": "Cakupan kepesertaan", "en": "Participation coverage"},
    "map.legend.of_target": {"id": "{share} dari target", "en": "{share} of target"},
    "map.legend.no_data": {"id": "tanpa data", "en": "no data"},
    "map.legend.ring": {"id": "radius {radius} kantor", "en": "office radius {radius}"},
    "map.legend.ring_approximate": {
        "id": "radius {radius}, lokasi kantor perkiraan",
        "en": "radius {radius}, approximate office location",
    },
    "map.region": {"id": "Wilayah: {region}", "en": "Area: {region}"},
    "map.within_radius": {"id": "Dalam radius {radius}", "en": "Within {radius}"},
    "map.share_within_radius": {
        "id": "Bagian dalam radius {radius}",
        "en": "Share within {radius}",
    },
    "map.uncovered_within_radius": {
        "id": "Belum terdaftar dalam radius {radius}",
        "en": "Uncovered within {radius}",
    },
    "map.office_type": {"id": "Jenis kantor", "en": "Office type"},
    "map.villages_within_radius": {
        "id": "Kalurahan dalam radius",
        "en": "Villages within the radius",
    },
    "map.distance_km": {"id": "{distance} km", "en": "{distance} km"},
    "map.distance_to_office": {
        "id": "Jarak ke kantor terdekat",
        "en": "Distance to nearest office",
    },
    "map.gap_below": {"id": "{points} poin persen di bawah target",
                      "en": "{points} percentage points below target"},
    "map.gap_above": {"id": "{points} poin persen di atas target",
                      "en": "{points} percentage points above target"},
    "map.gap_none": {"id": "tepat pada target", "en": "exactly on target"},
    # --- column headers ----------------------------------------------------------
    "col.code": {"id": "Kode wilayah", "en": "Area code"},
    "col.name": {"id": "Nama", "en": "Name"},
    "col.villages.name": {"id": "Kalurahan/kelurahan", "en": "Village"},
    "col.priority.name": {"id": "Kalurahan/kelurahan", "en": "Village"},
    "col.offices.name": {"id": "Kantor", "en": "Office"},
    "col.kind": {"id": "Jenis wilayah", "en": "Village type"},
    "col.district": {"id": "Kapanewon/kemantren", "en": "Kapanewon (district)"},
    "col.regency": {"id": "Kabupaten/kota", "en": "Regency/city"},
    "col.population": {"id": "Penduduk", "en": "Population"},
    "col.labour_force": {"id": "Angkatan kerja", "en": "Labour force"},
    "col.employed": {"id": "Penduduk bekerja", "en": "Employed population"},
    "col.denominator_value": {"id": "Penyebut cakupan", "en": "Coverage denominator"},
    "col.participants": {"id": "Peserta aktif", "en": "Active participants"},
    "col.pu": {"id": "Peserta PU", "en": "PU participants"},
    "col.bpu": {"id": "Peserta BPU", "en": "BPU participants"},
    "col.jakon": {"id": "Peserta Jakon", "en": "Jakon participants"},
    "col.pmi": {"id": "Peserta PMI", "en": "PMI participants"},
    "col.coverage": {"id": "Cakupan", "en": "Coverage"},
    "col.gap_to_target": {"id": "Kesenjangan terhadap target", "en": "Gap to target"},
    "col.uncovered": {"id": "Pekerja belum terdaftar", "en": "Uncovered workers"},
    "col.workers_to_target": {
        "id": "Peserta yang dibutuhkan untuk target",
        "en": "Participants needed to reach target",
    },
    "col.has_data": {"id": "Ada data", "en": "Has data"},
    "col.share_within_radius": {"id": "Bagian dalam radius", "en": "Share within radius"},
    "col.uncovered_within_radius": {
        "id": "Belum terdaftar dalam radius",
        "en": "Uncovered within radius",
    },
    "col.labour_force_within_radius": {
        "id": "Angkatan kerja dalam radius",
        "en": "Labour force within radius",
    },
    "col.employed_within_radius": {
        "id": "Penduduk bekerja dalam radius",
        "en": "Employed within radius",
    },
    "col.denominator_within_radius": {
        "id": "Penyebut dalam radius",
        "en": "Denominator within radius",
    },
    "col.participants_within_radius": {
        "id": "Peserta aktif dalam radius",
        "en": "Active participants within radius",
    },
    "col.coverage_within_radius": {"id": "Cakupan dalam radius", "en": "Coverage within radius"},
    "col.workers_to_target_within_radius": {
        "id": "Peserta yang dibutuhkan dalam radius",
        "en": "Participants needed within radius",
    },
    "col.villages_within_radius": {
        "id": "Jumlah kalurahan dalam radius",
        "en": "Villages within radius",
    },
    "col.nearest_office": {"id": "Kantor terdekat", "en": "Nearest office"},
    "col.distance_to_office_km": {"id": "Jarak ke kantor (km)", "en": "Distance to office (km)"},
    "col.office_id": {"id": "Kode kantor", "en": "Office ID"},
    "col.office_type": {"id": "Jenis kantor", "en": "Office type"},
    "col.approximate": {"id": "Lokasi perkiraan", "en": "Approximate location"},
    "col.location_note": {"id": "Catatan lokasi", "en": "Location note"},
    "col.address": {"id": "Alamat", "en": "Address"},
    "col.lat": {"id": "Lintang", "en": "Latitude"},
    "col.lon": {"id": "Bujur", "en": "Longitude"},
    "col.rank": {"id": "Peringkat", "en": "Rank"},
    "col.status": {"id": "Status pencocokan", "en": "Match status"},
    "col.bps_code": {"id": "Kode BPS", "en": "BPS code"},
    # problems found in the inputs
    "col.severity": {"id": "Tingkat", "en": "Severity"},
    "col.file": {"id": "Berkas", "en": "File"},
    "col.row": {"id": "Baris", "en": "Row"},
    "col.column": {"id": "Kolom", "en": "Column"},
    "col.value": {"id": "Nilai", "en": "Value"},
    "col.message": {"id": "Masalah", "en": "Problem"},
    "col.fix": {"id": "Cara memperbaiki", "en": "How to fix"},
    # --- the Rute tab (app_routes.py) --------------------------------------------
    "tab.routes": {"id": "Rute", "en": "Routes"},
    "routes.intro": {
        "id": "Rute kunjungan satu hari untuk tim lapangan, di jaringan jalan sebenarnya.",
        "en": "One day of canvassing routes for the field teams, on the real road network.",
    },
    "routes.office": {"id": "Kantor", "en": "Office"},
    "routes.teams": {"id": "Jumlah tim", "en": "Teams"},
    "routes.hours": {"id": "Waktu kerja per hari (jam)", "en": "Working hours per day"},
    "routes.mode": {"id": "Moda", "en": "Travel mode"},
    "routes.mode.walk": {"id": "jalan kaki", "en": "walking"},
    "routes.mode.motorbike": {"id": "sepeda motor", "en": "motorbike"},
    "routes.minutes": {"id": "Menit per rumah tangga", "en": "Minutes per household"},
    "routes.stops": {"id": "Titik kunjungan", "en": "Stops"},
    "routes.stops.villages": {"id": "Kalurahan prioritas", "en": "Priority villages"},
    "routes.stops.cells": {"id": "Sel H3 titik panas", "en": "H3 hotspot cells"},
    "routes.stops.selection": {"id": "Pilihan sendiri", "en": "My own selection"},
    "routes.top": {"id": "Jumlah kalurahan teratas", "en": "Top villages"},
    "routes.selection": {"id": "Kalurahan yang dikunjungi", "en": "Villages to visit"},
    "routes.time_limit": {"id": "Waktu pencarian rute (detik)", "en": "Solver time (seconds)"},
    "routes.plan": {"id": "Rencanakan rute", "en": "Plan the routes"},
    "routes.planning": {"id": "Mencari rute terbaik …", "en": "Searching for the best routes …"},
    "routes.download": {
        "id": "Unduh lembar kunjungan dan GPX (ZIP)",
        "en": "Download walk sheets and GPX (ZIP)",
    },
    "routes.unserved": {"id": "Titik yang tidak terlayani", "en": "Stops not served"},
    "routes.network": {"id": "Jaringan jalan: {network}", "en": "Road network: {network}"},
    "data.upload_roads": {
        "id": "Unggah jaringan jalan (OSM, PBF, GraphML, atau garis jalan GeoJSON/GPKG/SHP zip)",
        "en": "Upload a road network (OSM, PBF, GraphML, or road lines GeoJSON/GPKG/SHP zip)",
    },
    "sidebar.road_reach": {
        "id": "Juga hitung radius lewat jalan (jaringan yang diunggah, atau Kota Yogyakarta)",
        "en": "Also measure the radius along roads (the uploaded network, or Kota Yogyakarta)",
    },
    # --- refused uploads (geo_outreach/uploads.py): "upload.<reason>" + ".fix" ------------
    "upload.what.boundaries": {"id": "batas wilayah", "en": "boundaries"},
    "upload.what.participation": {"id": "tabel peserta", "en": "the participation table"},
    "upload.what.offices": {"id": "tabel kantor", "en": "the office table"},
    "upload.what.households": {"id": "titik rumah tangga", "en": "household points"},
    "upload.what.roads": {"id": "jaringan jalan", "en": "the road network"},
    "upload.too_big": {
        "id": "Berkas {name} terlalu besar ({size}). Batas untuk {what} {limit}.",
        "en": "The file {name} is too large ({size}). The limit for {what} is {limit}.",
    },
    "upload.too_big.fix": {
        "id": "Pastikan Anda memilih berkas yang benar.",
        "en": "Make sure you chose the right file.",
    },
    "upload.zip_too_big": {
        "id": "ZIP {name} terlalu besar setelah dibuka ({size}). Batas untuk {what} {limit}.",
        "en": "The ZIP {name} is too large once unpacked ({size}). The limit for {what} is "
              "{limit}.",
    },
    "upload.zip_too_big.fix": {
        "id": "Pastikan Anda memilih berkas yang benar, dan ZIP hanya berisi berkas yang "
              "diperlukan.",
        "en": "Make sure you chose the right file, and that the ZIP holds only the files "
              "needed.",
    },
    "upload.empty": {"id": "Berkas {name} kosong (0 byte).",
                     "en": "The file {name} is empty (0 bytes)."},
    "upload.empty.fix": {
        "id": "Simpan ulang berkas dari aplikasi asalnya, lalu unggah lagi.",
        "en": "Save the file again from the program that made it, then upload it again.",
    },
    "upload.unknown_type": {
        "id": "Jenis berkas {name} tidak dapat dipakai untuk {what}.",
        "en": "The file {name} is of a kind that cannot be used for {what}.",
    },
    "upload.unknown_type.fix": {
        "id": "Unggah berkas dengan salah satu akhiran ini: {formats}.",
        "en": "Upload a file ending in one of: {formats}.",
    },
    "upload.wrong_content": {
        "id": "Isi berkas {name} bukan {format}, walaupun namanya berakhiran {suffix}.",
        "en": "The content of {name} is not {format}, although its name ends in {suffix}.",
    },
    "upload.wrong_content.fix": {
        "id": "Buka berkas di aplikasi asalnya dan simpan sebagai {format}; mengganti akhiran "
              "nama berkas saja tidak cukup.",
        "en": "Open it in the program that made it and save it as {format}; renaming the "
              "file is not enough.",
    },
    "upload.bad_name": {
        "id": "Nama berkas {name} tidak dapat dipakai: berisi garis miring atau karakter "
              "kendali.",
        "en": "The file name {name} cannot be used: it holds a slash or a control character.",
    },
    "upload.bad_name.fix": {
        "id": "Ganti nama berkas tanpa garis miring (/ atau \\) dan tanpa karakter kendali, "
              "lalu unggah lagi.",
        "en": "Rename the file without slashes (/ or \\) and control characters, then "
              "upload it again.",
    },
    "upload.unsafe_zip": {
        "id": "ZIP {name} berisi berkas dengan jalur ke luar folder ZIP ({member}).",
        "en": "The ZIP {name} holds a file whose path leads outside the ZIP ({member}).",
    },
    "upload.unsafe_zip.fix": {
        "id": "Buat ulang ZIP dari berkas shapefile (.shp, .shx, .dbf, .prj) saja, tanpa "
              "folder.",
        "en": "Zip the shapefile's files (.shp, .shx, .dbf, .prj) again, without folders.",
    },
    # --- yes / no ----------------------------------------------------------------
    "value.yes": {"id": "ya", "en": "yes"},
    "value.no": {"id": "tidak", "en": "no"},
    # --- shared maps (geo_outreach/share.py, static_map.py, app_share.py) -----------
    "tab.share": {"id": "Bagikan", "en": "Share"},
    "share.download": {"id": "Unduh peta untuk dibagikan", "en": "Download the map to share"},
    "share.intro": {
        "id": "Satu berkas per kabupaten/kota untuk dikirim ke Pemda: hanya wilayah itu, "
              "dapat dibuka tanpa internet, hanya angka agregat.",
        "en": "One file per regency/city to send to a district government: only that area, "
              "opens without internet, aggregates only.",
    },
    "share.format": {"id": "Format", "en": "Format"},
    "share.format.html": {
        "id": "Peta interaktif (HTML, bisa dibuka tanpa internet)",
        "en": "Interactive map (HTML, opens without internet)",
    },
    "share.format.png": {"id": "Gambar untuk laporan (PNG)", "en": "Picture for reports (PNG)"},
    "share.format.pdf": {"id": "Dokumen untuk dicetak (PDF)", "en": "Document to print (PDF)"},
    "share.title": {
        "id": "Cakupan kepesertaan BPJS Ketenagakerjaan",
        "en": "BPJS Ketenagakerjaan participation coverage",
    },
    "share.created": {"id": "Dibuat {date}", "en": "Created {date}"},
    "share.months": {
        "id": "Januari,Februari,Maret,April,Mei,Juni,Juli,Agustus,September,Oktober,"
              "November,Desember",
        "en": "January,February,March,April,May,June,July,August,September,October,"
              "November,December",
    },
    "share.search": {"id": "Cari kalurahan/kelurahan …", "en": "Search a village …"},
    "share.search_not_found": {"id": "Tidak ditemukan", "en": "Not found"},
    "share.search_cancel": {"id": "Batal", "en": "Cancel"},
    "share.fullscreen": {"id": "Layar penuh", "en": "Full screen"},
    "share.fullscreen_exit": {"id": "Keluar dari layar penuh", "en": "Exit full screen"},
    "share.layer.district_labels": {
        "id": "Nama kapanewon/kemantren", "en": "Kapanewon (district) names",
    },
    "share.layer.village_labels": {
        "id": "Nama kalurahan/kelurahan (perbesar peta)", "en": "Village names (zoom in)",
    },
    "share.layer.outside_offices": {
        "id": "Kantor di luar wilayah ini", "en": "Offices outside this area",
    },
    "share.office_outside": {
        "id": "{office} berada di luar {region}; hanya bagian radiusnya di dalam wilayah ini "
              "yang ditampilkan",
        "en": "{office} lies outside {region}; only the part of its radius inside this area "
              "is shown",
    },
    "share.office_outside_label": {
        "id": "{office}: kantor di luar wilayah ({distance} dari batas)",
        "en": "{office}: office outside this area ({distance} from the border)",
    },
    "share.sources.title": {"id": "Sumber data dan metode", "en": "Data sources and method"},
    "share.source.boundaries_file": {
        "id": "Batas wilayah: berkas {file}", "en": "Boundaries: file {file}",
    },
    "share.source.bundled_figures": {
        "id": "Penduduk per kalurahan: Dukcapil, Desember 2019; angkatan kerja per kabupaten: "
              "BPS Sakernas, Agustus 2023",
        "en": "Population per village: Dukcapil, December 2019; labour force per regency: "
              "BPS Sakernas, August 2023",
    },
    "share.source.participation_demo": {
        "id": "Kepesertaan: DEMO sintetis (bukan data BPJS)",
        "en": "Participation: synthetic DEMO data (not BPJS data)",
    },
    "share.source.participation_file": {
        "id": "Kepesertaan: berkas {file}", "en": "Participation: file {file}",
    },
    "share.source.offices_bundled": {
        "id": "Kantor: data bawaan, lokasi perkiraan",
        "en": "Offices: bundled data, approximate locations",
    },
    "share.source.offices_file": {"id": "Kantor: berkas {file}", "en": "Offices: file {file}"},
    "share.source.households_demo": {
        "id": "Titik rumah tangga: DEMO sintetis", "en": "Household points: synthetic DEMO data",
    },
    "share.source.households_file": {
        "id": "Titik rumah tangga: berkas {file}", "en": "Household points: file {file}",
    },
    "share.method.radius": {
        "id": "Radius {radius} diukur garis lurus dari setiap kantor",
        "en": "The {radius} radius is measured in a straight line from each office",
    },
    "share.method.hexes": {
        "id": "Rumah tangga dirangkum per sel H3 (resolusi {resolution}); sel di tepi dipotong "
              "pada batas wilayah, angkanya untuk seluruh sel",
        "en": "Households are summed per H3 cell (resolution {resolution}); cells on the edge "
              "are cut at the border, their numbers are for the whole cell",
    },
    "share.privacy": {
        "id": "Hanya angka agregat per kalurahan dan per sel; kelompok dengan kurang dari {k} "
              "rumah tangga disembunyikan. Tidak ada data pribadi, nama, NIK atau koordinat "
              "rumah tangga.",
        "en": "Aggregates per village and per cell only; groups of fewer than {k} households "
              "are hidden. No personal data, names, NIK or household coordinates.",
    },
    "share.suppressed": {"id": "< {k} rumah tangga", "en": "< {k} households"},
    "share.tool": {"id": "geo-outreach {version}",
                   "en": "geo-outreach {version}"},
    "share.north": {"id": "U", "en": "N"},
    "share.layer.catchments": {
        "id": "Jangkauan {radius} lewat jalan", "en": "{radius} along roads",
    },
    "share.catchment_tip": {
        "id": "{office}: jalan yang terjangkau dalam {radius}",
        "en": "{office}: roads within {radius}",
    },
    "share.source.roads": {
        "id": "Jaringan jalan: {source} ({attribution})",
        "en": "Road network: {source} ({attribution})",
    },
    # --- end of shared maps ------------------------------------------------------
}
"""Every user-facing text: key → language → text, with ``{placeholders}`` for :func:`t`."""

GLOSSARY: Final[dict[str, dict[Language, str]]] = {
    "cakupan": {
        "id": "Cakupan kepesertaan: peserta aktif dibagi angkatan kerja (atau penduduk "
              "bekerja), dalam persen.",
        "en": "Coverage: active participants divided by the labour force (or the employed "
              "population), in percent.",
    },
    "angkatan kerja": {
        "id": "Penduduk usia kerja (15 tahun ke atas) yang bekerja atau sedang mencari "
              "pekerjaan (definisi BPS).",
        "en": "Labour force: people of working age (15+) who work or are looking for work "
              "(BPS definition).",
    },
    "penduduk bekerja": {
        "id": "Angkatan kerja yang sedang bekerja, tanpa penganggur terbuka.",
        "en": "Employed population: the labour force minus the openly unemployed.",
    },
    "peserta aktif": {
        "id": "Pekerja yang terdaftar dan iurannya aktif di BPJS Ketenagakerjaan.",
        "en": "Active participants: workers registered with BPJS Ketenagakerjaan whose "
              "contributions are current.",
    },
    "PU": {
        "id": "Penerima Upah: pekerja yang menerima gaji dari pemberi kerja; didaftarkan "
              "oleh perusahaan.",
        "en": "Penerima Upah (wage earners): employees registered by their employer.",
    },
    "BPU": {
        "id": "Bukan Penerima Upah: pekerja mandiri/informal (petani, pedagang, ojek) yang "
              "mendaftar sendiri.",
        "en": "Bukan Penerima Upah (non-wage earners): self-employed and informal workers "
              "(farmers, traders, drivers) who register themselves.",
    },
    "Jakon": {
        "id": "Jasa Konstruksi: pekerja proyek konstruksi, didaftarkan per proyek.",
        "en": "Jasa Konstruksi (construction services): construction workers, registered "
              "per project.",
    },
    "PMI": {
        "id": "Pekerja Migran Indonesia: warga yang bekerja di luar negeri.",
        "en": "Pekerja Migran Indonesia: Indonesian migrant workers abroad.",
    },
    "kalurahan": {
        "id": "Desa di kabupaten DIY (sebutan khusus DIY); di Kota Yogyakarta disebut "
              "kelurahan.",
        "en": "A village in a DIY regency (DIY's own term for desa); in Kota Yogyakarta the "
              "unit is a kelurahan.",
    },
    "kapanewon": {
        "id": "Kecamatan di kabupaten DIY; di Kota Yogyakarta disebut kemantren.",
        "en": "A district (kecamatan) in a DIY regency; in Kota Yogyakarta it is a kemantren.",
    },
    "kabupaten": {
        "id": "Kabupaten/kota: DIY terdiri atas Kulon Progo, Bantul, Gunungkidul, Sleman dan "
              "Kota Yogyakarta.",
        "en": "Regency/city: DIY has Kulon Progo, Bantul, Gunungkidul, Sleman and the city of "
              "Yogyakarta.",
    },
    "KC": {
        "id": "Kantor Cabang BPJS Ketenagakerjaan.",
        "en": "Kantor Cabang: a BPJS Ketenagakerjaan branch office.",
    },
    "KCP": {
        "id": "Kantor Cabang Perintis: kantor cabang yang lebih kecil.",
        "en": "Kantor Cabang Perintis: a smaller, pioneer branch office.",
    },
    "radius 5 km": {
        "id": "Aturan jangkauan: tidak boleh ada pekerja dalam radius 5 km (garis lurus) dari "
              "kantor yang belum terdaftar.",
        "en": "Reach rule: nobody within 5 km (straight line) of an office may be left "
              "unregistered.",
    },
    "kesenjangan terhadap target": {
        "id": "Target dikurangi cakupan, dalam poin persen; positif berarti di bawah target.",
        "en": "Gap to target: the target minus the coverage, in percentage points; positive "
              "means below the target.",
    },
    "pekerja belum terdaftar": {
        "id": "Angkatan kerja (atau penduduk bekerja) dikurangi peserta aktif.",
        "en": "Uncovered workers: the labour force (or employed population) minus the active "
              "participants.",
    },
}
"""Short explanations of the domain terms, term → language → text."""


def t(key: str, lang: Language = "id", **fmt: object) -> str:
    """
    Look up a label and fill in its placeholders.

    Parameters
    ----------
    key
        A key of :data:`LABELS`, e.g. ``"tab.map"``.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    **fmt
        Values for the label's ``{placeholders}``.

    Returns
    -------
    str
        The label in ``lang``.

    Raises
    ------
    KeyError
        For an unknown key or language (a programming error, not a user one).

    Examples
    --------
    >>> t("note.target", "en", target="40%")
    'Coverage target: 40%'
    """
    _check_language(lang)
    if key not in LABELS:
        raise KeyError(f"no label {key!r}; add it to geo_outreach.i18n.LABELS")
    text = LABELS[key][lang]
    return text.format(**fmt) if fmt else text


def has_label(key: str) -> bool:
    """
    Tell whether a label exists.

    Parameters
    ----------
    key
        A candidate key of :data:`LABELS`.

    Returns
    -------
    bool
        True when :func:`t` knows ``key``.
    """
    return key in LABELS


def column_labels(
    columns: Iterable[str], lang: Language = "id", *, table: str | None = None
) -> dict[str, str]:
    """
    Map machine column names to display headers.

    Parameters
    ----------
    columns
        Column names, e.g. those of :data:`geo_outreach.inputs.schema.VILLAGE_OUTPUT_COLUMNS`.
    lang
        ``"id"`` or ``"en"``.
    table
        ``"villages"``, ``"offices"`` or ``"priority"`` to prefer that table's own header
        where one exists (``name`` is "Kalurahan/kelurahan" for villages, "Kantor" for
        offices).

    Returns
    -------
    dict[str, str]
        Each column to its header; a column without a label keeps its own name.

    Examples
    --------
    >>> column_labels(["coverage", "extra"], "en")
    {'coverage': 'Coverage', 'extra': 'extra'}
    """
    _check_language(lang)
    labels = {}
    for column in columns:
        keys = ([f"col.{table}.{column}"] if table else []) + [f"col.{column}"]
        found = next((key for key in keys if key in LABELS), None)
        labels[column] = LABELS[found][lang] if found else column
    return labels


def glossary(lang: Language = "id") -> dict[str, str]:
    """
    Return the glossary in one language.

    Parameters
    ----------
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    dict[str, str]
        Term → explanation.
    """
    _check_language(lang)
    return {term: texts[lang] for term, texts in GLOSSARY.items()}


def format_number(value: object, lang: Language = "id", *, decimals: int = 0) -> str:
    """
    Write a number with the language's separators.

    Parameters
    ----------
    value
        A number; None and NaN give :data:`MISSING_VALUE`.
    lang
        ``"id"``: ``1.234.567,8``; ``"en"``: ``1,234,567.8``.
    decimals
        Digits after the decimal separator.

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> format_number(1234567.891, "id", decimals=1)
    '1.234.567,9'
    """
    _check_language(lang)
    number = _as_float(value)
    if number is None:
        return MISSING_VALUE
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(fraction: object, lang: Language = "id", *, decimals: int = 1) -> str:
    """
    Write a fraction as a percentage.

    Parameters
    ----------
    fraction
        0.253 for 25.3 %; None and NaN give :data:`MISSING_VALUE`.
    lang
        ``"id"`` or ``"en"``.
    decimals
        Digits after the decimal separator.

    Returns
    -------
    str
        ``"25,3%"`` in Indonesian, ``"25.3%"`` in English.
    """
    number = _as_float(fraction)
    if number is None:
        return MISSING_VALUE
    return f"{format_number(number * 100, lang, decimals=decimals)}%"


def format_gap(gap: object, lang: Language = "id", *, decimals: int = 1) -> str:
    """
    Describe a gap to the target in percentage points.

    Parameters
    ----------
    gap
        Target minus coverage as a fraction (positive below the target).
    lang
        ``"id"`` or ``"en"``.
    decimals
        Digits after the decimal separator.

    Returns
    -------
    str
        E.g. ``"12,5 poin persen di bawah target"``.
    """
    number = _as_float(gap)
    if number is None:
        return MISSING_VALUE
    if round(abs(number) * 100, decimals) == 0:
        return t("map.gap_none", lang)
    points = format_number(abs(number) * 100, lang, decimals=decimals)
    return t("map.gap_below" if number > 0 else "map.gap_above", lang, points=points)


def format_km(value: object, lang: Language = "id", *, decimals: int = 1) -> str:
    """
    Write a distance or radius in kilometres, e.g. ``"5 km"`` or ``"2,5 km"``.

    Parameters
    ----------
    value
        Kilometres; None and NaN give :data:`MISSING_VALUE`.
    lang
        ``"id"`` or ``"en"``.
    decimals
        Maximum digits after the decimal separator; trailing zeros are dropped.

    Returns
    -------
    str
        The distance with its unit.
    """
    number = _as_float(value)
    if number is None:
        return MISSING_VALUE
    text = format_number(number, lang, decimals=decimals)
    separator = "," if lang == "id" else "."
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return t("map.distance_km", lang, distance=text)


def _as_float(value: object) -> float | None:
    """Return ``value`` as a finite float, or None for None, NaN, NA and text."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _check_language(lang: str) -> None:
    """Refuse a language the labels do not have."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
