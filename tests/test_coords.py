"""Coordinates as people write them: one value, one point, one geometry, and the blanks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heritage.coords import BLANKS, is_blank, parse_coordinate, parse_geometry, parse_point
from heritage.tables import read_table

REAL = Path(__file__).parent / "data" / "real"
DMS = 39 + 48 / 60 + 44 / 3600
DM = 39 + 48.73 / 60


@pytest.mark.parametrize(
    ("text", "axis", "value"),
    [
        ("39.8123", "lat", 39.8123),
        ("39,8123", "lat", 39.8123),  # decimal comma
        (" -46.7 ", "lon", -46.7),
        ("+46.7", "lon", 46.7),
        ("−46.7", "lon", -46.7),  # the minus sign of word processors
        ("39.81N", "lat", 39.81),
        ("39.81 s", "lat", -39.81),
        ("46.75 E", "lon", 46.75),
        ("46.75W", "lon", -46.75),
        ("S 12.5", "lat", -12.5),
        ("39°48′44″N", "lat", DMS),
        ("39°48'44\"N", "lat", DMS),
        ("39º 48’ 44” N", "lat", DMS),
        ("39°48'44''N", "lat", DMS),  # two apostrophes for seconds
        ("39 48 44 N", "lat", DMS),
        ("39 48 44", "lat", DMS),
        ("39d48m44s", "lat", DMS),  # the s is seconds, not south
        ("39d48m44sS", "lat", -DMS),
        ("39°48.73'N", "lat", DM),
        ("39°48,73′", "lat", DM),
        ("N39°", "lat", 39.0),
        ("180", "lon", 180.0),
        ("-90", "lat", -90.0),
        ("0", "lat", 0.0),
        ("1.5e-07", "lon", 1.5e-07),  # as programs write small numbers
        ("-2E+1", "lon", -20.0),
        ("not found", "lat", None),
        ("Не найдено", "lon", None),
        ("", "lat", None),
    ],
)
def test_coordinate(text: str, axis: str, value: float | None) -> None:
    result = parse_coordinate(text, axis)  # type: ignore[arg-type]
    assert result == (None if value is None else pytest.approx(value, abs=1e-12))


@pytest.mark.parametrize(
    ("text", "axis", "message"),
    [
        ("46.75 N", "lon", "'46.75 N' is not a longitude: it says N (north), which belongs to a latitude"),
        ("39.8 E", "lat", "'39.8 E' is not a latitude: it says E (east), which belongs to a longitude"),
        ("91", "lat", "'91' is not a latitude: a latitude lies between -90 and 90"),
        ("-180.5", "lon", "'-180.5' is not a longitude: a longitude lies between -180 and 180"),
        ("39°60′", "lat", "minutes run from 0 to 59"),
        ("39°48′60″", "lat", "seconds run from 0 to 59"),
        ("39.5°30′", "lat", "only the last of degrees, minutes and seconds may have a fraction"),
        ("-39 S", "lat", "it has both a minus sign and S"),
        ("39.81, 46.75", "lat", "'39.81, 46.75' is not a latitude: give decimal degrees"),
        ("39,81,2", "lat", "is not a latitude"),
        ("39 48 44 12", "lat", "is not a latitude"),
        ("44″ 39°", "lat", "is not a latitude"),
        ("north", "lat", "'north' is not a latitude"),
        ("1e5", "lon", "'1e5' is not a longitude: a longitude lies between"),
    ],
)
def test_coordinate_errors_quote_the_value_and_say_what_is_read(text: str, axis: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_coordinate(text, axis)  # type: ignore[arg-type]
    assert message in str(error.value)
    assert "such as 39.8123" in str(error.value) or "such as 46.7512" in str(error.value)
    assert "\\d" not in str(error.value) and "[" not in str(error.value)  # no pattern talk


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("39.81, 46.75", (46.75, 39.81)),  # plain pairs are lat, lon
        ("39.81,46.75", (46.75, 39.81)),
        ("39.81 46.75", (46.75, 39.81)),
        ("39.81; 46.75", (46.75, 39.81)),
        ("39,81; 46,75", (46.75, 39.81)),  # decimal commas, a semicolon between
        ("39,81 46,75", (46.75, 39.81)),  # decimal commas, a space between
        ("-33.9, 18.4", (18.4, -33.9)),
        ("51°29′N 31°17′E", (31 + 17 / 60, 51 + 29 / 60)),
        ("51°29′10″N, 31°17′05″E", (31 + 17 / 60 + 5 / 3600, 51 + 29 / 60 + 10 / 3600)),
        ("31°17′05″E 51°29′10″N", (31 + 17 / 60 + 5 / 3600, 51 + 29 / 60 + 10 / 3600)),  # letters say which
        ("N 51°29′ E 31°17′", (31 + 17 / 60, 51 + 29 / 60)),
        ("39.81S, 46.75W", (-46.75, -39.81)),
        ("39d48m44s, 46d45m4s", (46 + 45 / 60 + 4 / 3600, DMS)),  # each s is seconds: no letters here
        ("39d48m44sS 46d45m4sE", (46 + 45 / 60 + 4 / 3600, -DMS)),
        ("POINT (46.75 39.81)", (46.75, 39.81)),  # WKT is lon lat
        ("point(46.75 39.81)", (46.75, 39.81)),
        ("POINT Z (46.75 39.81 1200)", (46.75, 39.81)),
        ("POINT (46.75 39.81 1200)", (46.75, 39.81)),
        ("POINT M (46.75 39.81 7)", (46.75, 39.81)),
        ("POINT ZM (46.75 39.81 1200 7)", (46.75, 39.81)),
        ("SRID=4326;POINT(46.75 39.81)", (46.75, 39.81)),
        ("POINT(-0.304960 51.513514)", (-0.30496, 51.513514)),
        ("POINT EMPTY", None),
        ("POINT Z EMPTY", None),
        ("n/a", None),
        ("—", None),
        ("немає", None),
    ],
)
def test_point(text: str, point: tuple[float, float] | None) -> None:
    result = parse_point(text)
    assert result == (None if point is None else pytest.approx(point, abs=1e-12))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "39.81 46.75 12",
            "'39.81 46.75 12' is not a point: give 'lat, lon', degrees-minutes-seconds such as 51°29′N 31°17′E, "
            "or WKT POINT(lon lat)",
        ),
        ("39,81,46,75", "'39,81,46,75' is not a point: give 'lat, lon'"),  # which comma is the decimal one?
        ("39,81, 46,75", "is not a point"),
        ("39.81", "'39.81' is not a point"),
        ("146.75, 39.81", "(it looks like lon, lat: a plain pair is read as lat, lon): its latitude '146.75'"),
        ("51°29′N 31°17′N", "both values are latitudes"),
        ("51°29′N 31°17′", "give a hemisphere letter to both values or neither"),
        ("51°29′N E 31°17′", "put each hemisphere letter on the same side of its value"),
        ("39.81, abc", "its longitude 'abc' cannot be read"),
        ("POINT (46.75)", "it has 1 numbers"),
        ("POINT Z (46.75 39.81)", "it has 2 numbers"),
        ("POINT (39.81 146.75)", "is outside longitude -180..180 and latitude -90..90 (it looks like lat lon"),
        ("POINT (200 10)", "is outside longitude -180..180 and latitude -90..90"),
        ("POINT (nan nan)", "is outside"),
        ("SRID=3857;POINT(5204000 4838000)", "is in SRID 3857, not in longitude and latitude (4326)"),
        ("POINT (46,75 39,81)", "its numbers are not decimal numbers"),
        ("LINESTRING (0 0, 1 1)", "is not a point"),
    ],
)
def test_point_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_point(text)
    assert message in str(error.value)
    assert repr(text) in str(error.value)


def test_geometry() -> None:
    assert parse_geometry("39.81, 46.75") == {"type": "Point", "coordinates": [46.75, 39.81]}
    assert parse_geometry("POINT Z (46.75 39.81 5)") == {"type": "Point", "coordinates": [46.75, 39.81]}
    assert parse_geometry("POLYGON Z ((46 39 1, 47 39 1, 47 40 1, 46 39 1))") == {
        "type": "Polygon",
        "coordinates": [[[46.0, 39.0], [47.0, 39.0], [47.0, 40.0], [46.0, 39.0]]],
    }
    multi = parse_geometry("SRID=4326;MULTIPOLYGON (((46 39, 47 39, 47 40, 46 39)), ((0 0, 1 0, 1 1, 0 0)))")
    assert multi is not None and multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2
    assert parse_geometry("POLYGON EMPTY") is None
    assert parse_geometry("unknown") is None
    for text, message in [
        ("POLYGON ((46 39, 47 39))", "is not a readable WKT POLYGON"),
        ("POLYGON ((46 39, 247 39, 47 40, 46 39))", "reaches outside longitude -180..180"),
        ("SRID=3857;POLYGON ((0 0, 1 0, 1 1, 0 0))", "is in SRID 3857"),
        ("LINESTRING (0 0, 1 1)", "is a WKT LINESTRING: a location is a POINT"),
    ]:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
            parse_geometry(text)


def test_blanks_are_listed_in_one_place() -> None:
    for text in BLANKS:
        assert is_blank(text) and is_blank(f"  {text.upper()}  ")
    assert is_blank("N/A.") and is_blank("Not Found")
    assert not is_blank("0") and not is_blank("N") and not is_blank("39.81")


# --- round trips: a point written as people write it reads back within 1e-6 degrees -----------

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


def dms(value: float, axis: str, marks: tuple[str, str, str]) -> str:
    letter = ("N" if value >= 0 else "S") if axis == "lat" else ("E" if value >= 0 else "W")
    whole_seconds = round(abs(value) * 3600 * 10_000)  # tenths of milliseconds of arc, never 60″
    degrees, rest = divmod(whole_seconds, 3600 * 10_000)
    minutes, seconds = divmod(rest, 60 * 10_000)
    d, m, s = marks
    return f"{degrees}{d}{minutes}{m}{seconds / 10_000:.4f}{s}{letter}"


@given(lats, lons, st.sampled_from([("°", "′", "″"), ("°", "'", '"'), (" ", " ", " "), ("d", "m", "s")]))
def test_dms_round_trip(lat: float, lon: float, marks: tuple[str, str, str]) -> None:
    written = f"{dms(lat, 'lat', marks)} {dms(lon, 'lon', marks)}"
    point = parse_point(written)
    assert point is not None
    assert point == pytest.approx((lon, lat), abs=1e-6), written
    assert parse_coordinate(dms(lat, "lat", marks), "lat") == pytest.approx(lat, abs=1e-6)


@given(lats, lons, st.sampled_from(["{lat}, {lon}", "{lat} {lon}", "{lat};{lon}", "POINT ({lon} {lat})"]))
def test_decimal_and_wkt_round_trip(lat: float, lon: float, form: str) -> None:
    written = form.format(lat=repr(lat), lon=repr(lon))
    assert parse_point(written) == pytest.approx((lon, lat), abs=1e-6), written


@given(lats, lons)
def test_decimal_comma_round_trip(lat: float, lon: float) -> None:
    written = f"{lat:.7f}; {lon:.7f}".replace(".", ",")
    assert parse_point(written) == pytest.approx((lon, lat), abs=1e-6), written
    assert parse_geometry(written) == {"type": "Point", "coordinates": pytest.approx([lon, lat], abs=1e-6)}


# --- real files --------------------------------------------------------------------------------


def test_every_point_of_the_real_files_reads() -> None:
    """The register's WKT, the volunteers' "lat, lon" text, the GeoJSON's geometry: each point
    reads, each site whose cell says "not found" or nothing has none, and none is out of place."""
    register = read_table(REAL / "historic_england_har.csv")
    points = [parse_point(row.cells["point"]) for row in register.rows]
    assert all(p is not None and -6 < p[0] < 2 and 49 < p[1] < 56 for p in points)  # England
    volunteers = read_table(REAL / "unesco_ukraine_volunteers.csv")
    cells = [row.cells["Geo location"] for row in volunteers.rows]
    read = [parse_point(text) for text in cells]
    assert sum(p is None for p in read) == 6  # the two headings and four sites without a point
    assert all(22 < p[0] < 41 and 44 < p[1] < 53 for p in read if p)  # Ukraine
    assert read[1] == (31.297107515663622, 51.492920278077726)
    churches = read_table(REAL / "osm_lviv_churches.geojson")
    geometries = [parse_geometry(row.cells["geometry"]) for row in churches.rows]
    assert geometries[0] == {"type": "Point", "coordinates": [24.0150782, 49.868064]}
    assert all(g and g["type"] == "Point" for g in geometries)
    standin = read_table(REAL / "nk_status_standin.json")
    values = [(row.cells["coordinates.lat"], row.cells["coordinates.lon"]) for row in standin.rows]
    pairs = [(parse_coordinate(lat, "lat"), parse_coordinate(lon, "lon")) for lat, lon in values]
    assert pairs[0] == (39.758819, 46.747883) and pairs[3] == (None, None)
