"""
Column contracts: the canonical names every stage uses, and the names users bring.

Each input is renamed to canonical English column names as soon as it is read; from
then on no stage looks at a user's own header. The alias lists hold the Indonesian and
agency names met in practice (Kemendagri, BIG, BPS, BPJS reports); a user can map any
other header explicitly.
"""

from __future__ import annotations

import re
from typing import Final

_SEPARATORS: Final = re.compile(r"[\s.\-/_\ufeff\u200b]+")
"""What :func:`normalise_header` turns into one underscore."""
_BRACKETED: Final = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
"""A bracketed note in a header: a unit "(jiwa)", a year "[2024]"."""

# --- administrative words ----------------------------------------------------------
# Official tables name a unit by its level, in the words of the province (DIY writes
# kalurahan and kapanewon, elsewhere desa/kelurahan and kecamatan), often combined with
# a slash ("Kalurahan/Kelurahan") or qualified ("Nama Desa", "Kode Desa").
VILLAGE_WORDS: Final = ("desa", "kelurahan", "kalurahan", "kel", "kal", "desa_kelurahan",
                        "desa_kel", "kelurahan_desa", "kel_desa", "kalurahan_kelurahan", "gampong",
                        "nagari")
"""Words for a village: desa, kelurahan, DIY's kalurahan; gampong (Aceh), nagari (Sumbar)."""
DISTRICT_WORDS: Final = ("kecamatan", "kapanewon", "kemantren", "kec", "kapanewon_kemantren",
                         "kecamatan_kapanewon", "distrik")
"""Words for a district (kecamatan; kapanewon and kemantren in DIY; distrik in Papua)."""
REGENCY_WORDS: Final = ("kabupaten", "kota", "kab_kota", "kabupaten_kota", "kota_kabupaten",
                        "kab", "kabkota", "kab_kot", "kabkot")
"""Words for a regency or city (kabupaten/kota)."""
NAME_QUALIFIERS: Final = ("nama", "nm")
"""Words that make a unit word a name column: "Nama Desa", "NM_KEC"."""
CODE_QUALIFIERS: Final = ("kode", "kd", "kode_wilayah", "kode_kemendagri", "kode_bps")
"""Words that make a unit word a code column: "Kode Desa", "KD_KEC", "Kode Wilayah Desa"."""


def _distinct(*names: str) -> tuple[str, ...]:
    """Return the names once each, in their first order."""
    return tuple(dict.fromkeys(names))


def qualified(qualifiers: tuple[str, ...], words: tuple[str, ...]) -> tuple[str, ...]:
    """
    Combine qualifier and unit words into header keys.

    Parameters
    ----------
    qualifiers
        Leading words, e.g. :data:`NAME_QUALIFIERS`.
    words
        Unit words, e.g. :data:`VILLAGE_WORDS`.

    Returns
    -------
    tuple of str
        Every ``qualifier_word`` pair, qualifiers in the outer loop:
        ``("nama_desa", "nama_kelurahan", ..., "nm_desa", ...)``.
    """
    return tuple(f"{qualifier}_{word}" for qualifier in qualifiers for word in words)


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
    "code": _distinct(
        "code", "kode", "kode_wilayah", "kode_desa", "kode_kel", "kdepum", "kd_desa",
        "kode_kemendagri", "kode_wilayah_kemendagri", "kode_bps", "kode_wilayah_bps", "kode_wil",
        "kd_wilayah", *qualified(CODE_QUALIFIERS, VILLAGE_WORDS)),
    "name": _distinct(
        "name", "nama", "namobj", "nama_desa", "desa", "kelurahan", "kalurahan", "desa_kelurahan",
        "nm_desa", *VILLAGE_WORDS, *qualified(NAME_QUALIFIERS, VILLAGE_WORDS), "village",
        "village_name"),
    "district": _distinct(
        "district", "kecamatan", "kapanewon", "kemantren", "wadmkc", "nama_kecamatan", "nm_kec",
        *DISTRICT_WORDS, *qualified(NAME_QUALIFIERS, DISTRICT_WORDS), "district_name"),
    "regency": _distinct(
        "regency", "kabupaten", "kab_kota", "kabupaten_kota", "wadmkk", "nama_kabupaten", "nm_kab",
        "kota", *REGENCY_WORDS, *qualified(NAME_QUALIFIERS, REGENCY_WORDS), "regency_name",
        "city"),
    "kind": ("kind", "jenis"),
    "district_code": _distinct("district_code", "kode_kecamatan", "kdcpum",
                               *qualified(CODE_QUALIFIERS, DISTRICT_WORDS)),
    "regency_code": _distinct("regency_code", "kode_kabupaten", "kdpkab",
                              *qualified(CODE_QUALIFIERS, REGENCY_WORDS)),
    "population": ("population", "penduduk", "jumlah_penduduk", "penduduk_dukcapil_des2019",
                   "jml_penduduk", "total_penduduk"),
}
"""Canonical boundary column to the header keys (:func:`normalise_header`) that mean it."""

# --- participation table ----------------------------------------------------------
SEGMENTS: Final = ("pu", "bpu", "jakon", "pmi")
"""Participant segments: Penerima Upah, Bukan Penerima Upah, Jasa Konstruksi, Pekerja Migran."""

PARTICIPATION_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "code": BOUNDARY_ALIASES["code"],
    "name": BOUNDARY_ALIASES["name"],
    "district": BOUNDARY_ALIASES["district"],
    "regency": BOUNDARY_ALIASES["regency"],
    "labour_force": ("labour_force", "labor_force", "angkatan_kerja", "jumlah_angkatan_kerja",
                     "ak", "jml_angkatan_kerja", "total_angkatan_kerja", "jumlah_ak", "jml_ak",
                     "penduduk_angkatan_kerja"),
    "employed": ("employed", "penduduk_bekerja", "bekerja", "jumlah_bekerja",
                 "jumlah_penduduk_bekerja", "jml_penduduk_bekerja", "jml_bekerja",
                 "penduduk_yang_bekerja", "employed_population"),
    "participants": ("participants", "peserta_aktif", "peserta", "jumlah_peserta",
                     "total_peserta_aktif", "active_participants", "jumlah_peserta_aktif",
                     "jml_peserta", "jml_peserta_aktif", "total_peserta", "peserta_bpjs_tk",
                     "peserta_bpjs_ketenagakerjaan", "peserta_aktif_bpjs_ketenagakerjaan"),
    "pu": ("pu", "peserta_pu", "penerima_upah", "peserta_penerima_upah", "jumlah_peserta_pu",
           "jml_peserta_pu"),
    "bpu": ("bpu", "peserta_bpu", "bukan_penerima_upah", "peserta_bukan_penerima_upah",
            "jumlah_peserta_bpu", "jml_peserta_bpu"),
    "jakon": ("jakon", "peserta_jakon", "jasa_konstruksi", "peserta_jasa_konstruksi",
              "jumlah_peserta_jakon", "jml_peserta_jakon"),
    "pmi": ("pmi", "peserta_pmi", "pekerja_migran", "peserta_pekerja_migran",
            "pekerja_migran_indonesia", "peserta_pekerja_migran_indonesia", "jumlah_peserta_pmi",
            "jml_peserta_pmi"),
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
    "office_id": ("office_id", "id", "kode_kantor", "kode", "id_kantor", "kd_kantor",
                  "kode_kantor_cabang"),
    "name": ("name", "nama", "nama_kantor", "kantor", "nama_kantor_cabang", "office_name"),
    "office_type": ("office_type", "type", "jenis", "tipe", "jenis_kantor", "tipe_kantor"),
    "lat": ("lat", "latitude", "lintang", "y", "koordinat_lintang", "koordinat_y"),
    "lon": ("lon", "lng", "long", "longitude", "bujur", "x", "koordinat_bujur", "koordinat_x"),
    "approximate": ("approximate", "perkiraan", "lokasi_perkiraan"),
    "location_note": ("location_note", "location_quality", "catatan_lokasi", "keterangan"),
    "address": ("address", "alamat", "alamat_kantor", "alamat_lengkap"),
}

# --- household points ---------------------------------------------------------------
HOUSEHOLD_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "household_id", "id_rumah_tangga", "id_rt", "id_keluarga", "no_kk", "nomor_kk",
           "kk", "idartbdt", "id_dtks", "id_p3ke", "id_ruta", "id_keluarga_p3ke",
           "no_kartu_keluarga", "nomor_kartu_keluarga"),
    "lat": OFFICE_ALIASES["lat"],
    "lon": OFFICE_ALIASES["lon"],
    "workers": ("workers", "jumlah_pekerja", "pekerja", "anggota_bekerja", "art_bekerja",
                "jumlah_art_bekerja", "jml_art_bekerja", "jumlah_anggota_bekerja"),
    "registered": ("registered", "terdaftar", "jumlah_terdaftar", "peserta", "peserta_bpjs",
                   "status_bpjs", "bpjs_tk", "terdaftar_bpjs", "terdaftar_bpjs_tk",
                   "peserta_bpjs_tk", "status_kepesertaan", "kepesertaan_bpjs",
                   "bpjs_ketenagakerjaan"),
}
"""Only these columns are read from a household file: names, NIK and the rest never are."""

PERSONAL_HEADERS: Final = frozenset({
    "nik", "no_nik", "nomor_nik", "nama_kk", "nama_kepala_keluarga", "nama_kepala_rumah_tangga",
    "nama_lengkap", "nama_art", "nama_anggota", "no_hp", "nomor_hp", "no_telp", "telepon",
})
"""Person-level headers: a slash-combined header with one of these parts ("No KK/NIK") is
never matched by its other parts, so no personal field is read as an id or a count."""

# --- route stops --------------------------------------------------------------------
STOP_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "stop_id": ("stop_id", "id", "kode_titik", "h3"),
    "label": ("label", "nama_titik", "keterangan"),
    "village": _distinct("village", "desa", "kelurahan", "kalurahan", *VILLAGE_WORDS,
                *qualified(NAME_QUALIFIERS, VILLAGE_WORDS)),
    "district": _distinct("district", "kecamatan", "kapanewon", "kemantren", *DISTRICT_WORDS,
                 *qualified(NAME_QUALIFIERS, DISTRICT_WORDS)),
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
        Lower-case, trimmed, every run of spaces (line breaks and non-breaking spaces
        too), dots, dashes, slashes and underscores as one underscore:
        ``"Peserta  Aktif"``, ``"PESERTA_AKTIF"`` and ``"Peserta.Aktif"`` all become
        ``"peserta_aktif"``; ``"Desa/Kel."`` becomes ``"desa_kel"``.
    """
    return _SEPARATORS.sub("_", str(header).strip().lower()).strip("_")


def _slash_parts(header: str) -> list[str]:
    """Keys of the slash-separated parts, the first part's qualifier carried to one-word parts."""
    parts = [key for key in (normalise_header(part) for part in header.split("/")) if key]
    if len(parts) < 2:  # noqa: PLR2004 - a combined header has two parts or more
        return []
    qualifier = parts[0].rpartition("_")[0]  # "kode_desa/kel" means kode_desa and kode_kel
    return [parts[0], *(f"{qualifier}_{part}" if qualifier and "_" not in part else part
                        for part in parts[1:])]


def header_keys(header: object) -> tuple[str, ...]:
    """
    List the keys a header can be looked up by, the whole header first.

    Parameters
    ----------
    header
        A header cell as read.

    Returns
    -------
    tuple of str
        :func:`normalise_header` of the whole header; then of the header without a
        bracketed note (``"Angkatan Kerja (jiwa)"`` gives ``angkatan_kerja``); then of
        each slash-separated part, a qualifier in front carried to the one-word parts
        after it: ``"Kalurahan/Kelurahan"`` gives ``kalurahan`` and ``kelurahan``,
        ``"Kode Desa/Kel."`` gives ``kode_desa`` and ``kode_kel``. Each key once.
    """
    text = str(header)
    bare = _BRACKETED.sub(" ", text)
    keys = [normalise_header(text), normalise_header(bare), *_slash_parts(bare)]
    return _distinct(*(key for key in keys if key))
