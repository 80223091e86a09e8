"""
Column contracts: the canonical names every stage uses, and the names users bring.

Each input is renamed to canonical English column names as soon as it is read; from
then on no stage looks at a user's own header. The alias lists hold the Indonesian and
agency names met in practice (Kemendagri, BIG, BPS, BPJS reports); a user can map any
other header explicitly.
"""

from __future__ import annotations

from typing import Final

# --- village boundaries -----------------------------------------------------------
VILLAGE_COLUMNS: Final = (
    "code",  # Kemendagri kode wilayah, dotted: 34.04.07.2003
    "name",  # kalurahan / kelurahan / desa name
    "district",  # kapanewon / kemantren / kecamatan name
    "regency",  # kabupaten / kota name
)
"""Required columns of a village boundary layer (besides geometry)."""

VILLAGE_OPTIONAL_COLUMNS: Final = ("kind", "district_code", "regency_code", "population")

BOUNDARY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "code": ("code", "kode", "kode_wilayah", "kode_desa", "kode_kel", "kdepum", "kd_desa"),
    "name": ("name", "nama", "namobj", "nama_desa", "desa", "kelurahan", "kalurahan",
             "desa_kelurahan", "nm_desa"),
    "district": ("district", "kecamatan", "kapanewon", "kemantren", "wadmkc", "nama_kecamatan",
                 "nm_kec"),
    "regency": ("regency", "kabupaten", "kab_kota", "kabupaten_kota", "wadmkk", "nama_kabupaten",
                "nm_kab", "kota"),
    "kind": ("kind", "jenis"),
    "district_code": ("district_code", "kode_kecamatan", "kdcpum"),
    "regency_code": ("regency_code", "kode_kabupaten", "kdpkab"),
    "population": ("population", "penduduk", "jumlah_penduduk", "penduduk_dukcapil_des2019"),
}

# --- participation table ----------------------------------------------------------
SEGMENTS: Final = ("pu", "bpu", "jakon", "pmi")
"""Participant segments: Penerima Upah, Bukan Penerima Upah, Jasa Konstruksi, Pekerja Migran."""

PARTICIPATION_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "code": BOUNDARY_ALIASES["code"],
    "name": BOUNDARY_ALIASES["name"],
    "district": BOUNDARY_ALIASES["district"],
    "regency": BOUNDARY_ALIASES["regency"],
    "labour_force": ("labour_force", "labor_force", "angkatan_kerja", "jumlah_angkatan_kerja",
                     "ak"),
    "employed": ("employed", "penduduk_bekerja", "bekerja", "jumlah_bekerja"),
    "participants": ("participants", "peserta_aktif", "peserta", "jumlah_peserta",
                     "total_peserta_aktif", "active_participants"),
    "pu": ("pu", "peserta_pu", "penerima_upah"),
    "bpu": ("bpu", "peserta_bpu", "bukan_penerima_upah"),
    "jakon": ("jakon", "peserta_jakon", "jasa_konstruksi"),
    "pmi": ("pmi", "peserta_pmi", "pekerja_migran"),
}

DENOMINATORS: Final = ("labour_force", "employed")
"""Columns that can serve as the coverage denominator."""

DENOMINATOR_LABELS: Final[dict[str, dict[str, str]]] = {
    "labour_force": {"id": "angkatan kerja", "en": "labour force"},
    "employed": {"id": "penduduk bekerja", "en": "employed population"},
}

# --- offices ----------------------------------------------------------------------
OFFICE_TYPES: Final = ("KC", "KCP", "unknown")
"""Kantor Cabang, Kantor Cabang Perintis, or not known."""

OFFICE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "office_id": ("office_id", "id", "kode_kantor", "kode"),
    "name": ("name", "nama", "nama_kantor", "kantor"),
    "office_type": ("office_type", "type", "jenis", "tipe", "jenis_kantor"),
    "lat": ("lat", "latitude", "lintang", "y"),
    "lon": ("lon", "lng", "long", "longitude", "bujur", "x"),
    "approximate": ("approximate", "perkiraan", "lokasi_perkiraan"),
    "location_note": ("location_note", "location_quality", "catatan_lokasi", "keterangan"),
    "address": ("address", "alamat"),
}

# --- household points ---------------------------------------------------------------
HOUSEHOLD_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "household_id", "id_rumah_tangga", "id_rt", "id_keluarga", "no_kk", "nomor_kk",
           "kk", "idartbdt", "id_dtks", "id_p3ke"),
    "lat": OFFICE_ALIASES["lat"],
    "lon": OFFICE_ALIASES["lon"],
    "workers": ("workers", "jumlah_pekerja", "pekerja", "anggota_bekerja", "art_bekerja",
                "jumlah_art_bekerja"),
    "registered": ("registered", "terdaftar", "jumlah_terdaftar", "peserta", "peserta_bpjs",
                   "status_bpjs", "bpjs_tk", "terdaftar_bpjs"),
}
"""Only these columns are read from a household file: names, NIK and the rest never are."""

# --- route stops --------------------------------------------------------------------
STOP_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "stop_id": ("stop_id", "id", "kode_titik", "h3"),
    "label": ("label", "nama_titik", "keterangan"),
    "village": ("village", "desa", "kelurahan", "kalurahan"),
    "district": ("district", "kecamatan", "kapanewon", "kemantren"),
    "households": ("households", "rumah_tangga", "jumlah_rumah_tangga", "jumlah_kk"),
    "lat": OFFICE_ALIASES["lat"],
    "lon": OFFICE_ALIASES["lon"],
}
"""The columns of a stops CSV (``geo-outreach routes --stops``)."""

# --- outputs ----------------------------------------------------------------------
VILLAGE_OUTPUT_COLUMNS: Final = (
    "code", "name", "district", "regency", "labour_force", "participants", "coverage",
    "gap_to_target", "uncovered", "share_within_radius", "uncovered_within_radius",
    "nearest_office", "distance_to_office_km",
)
"""The machine names of ``villages.csv``, in order; extra columns follow them."""

OFFICE_OUTPUT_COLUMNS: Final = (
    "office_id", "name", "office_type", "approximate", "lat", "lon", "villages_within_radius",
    "labour_force_within_radius", "participants_within_radius", "coverage_within_radius",
    "gap_to_target", "uncovered_within_radius", "workers_to_target_within_radius",
)

PRIORITY_OUTPUT_COLUMNS: Final = (
    "rank", "code", "name", "district", "regency", "nearest_office", "distance_to_office_km",
    "share_within_radius", "uncovered_within_radius", "coverage", "gap_to_target",
    "workers_to_target",
)


def normalise_header(header: object) -> str:
    """
    Turn a user's column header into a lookup key.

    Parameters
    ----------
    header
        A header cell as read (may be a number or None in messy spreadsheets).

    Returns
    -------
    str
        Lower-case, trimmed, with spaces, dots and dashes as underscores:
        ``"Peserta Aktif"`` becomes ``"peserta_aktif"``.
    """
    text = str(header).strip().lower()
    for char in " .-/":
        text = text.replace(char, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")
