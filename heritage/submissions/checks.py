"""What is odd about a field visit, kept on its report for a person to judge: the observer far
from the site, a photo taken on another day, a photo whose file did not come, a site added.

Each message carries the figures it rests on (distances, dates, the photo's name), since the
person reading it decides whether it matters: a site whose location is approximate to a
kilometre can well be seen from 800 m away.
"""

from __future__ import annotations

import io
import itertools
import math
import warnings
from datetime import date

from heritage.models import Evidence, RecordedWarning, Site
from heritage.models.geometry import Point, Polygon
from heritage.models.report import FAR_FROM_SITE, NEW_SITE, PHOTO_MISSING, PHOTO_OTHER_DAY
from heritage.models.vocab import LocationPrecision
from heritage.submissions.answers import Fix

EARTH_RADIUS_M = 6_371_008.8  # the mean radius: haversine on it is within 0.5% of the ellipsoid's geodesic


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Even-odd rule on the ring's edges (a site's polygon is small enough to treat lon/lat as a plane)."""
    inside = False
    for (x1, y1, *_), (x2, y2, *_) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _to_segment_m(lon: float, lat: float, a: list[float], b: list[float]) -> float:
    """Metres from the point to the edge a-b, on a plane tangent at the point (equirectangular):
    within a fraction of a percent at the distances a site's outline spans."""
    scale = math.cos(math.radians(lat))
    ax, ay = (a[0] - lon) * scale, a[1] - lat
    bx, by = (b[0] - lon) * scale, b[1] - lat
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.radians(math.hypot(ax + t * dx, ay + t * dy)) * EARTH_RADIUS_M


def distance_m(geometry: Point | Polygon, lon: float, lat: float) -> float:
    """Metres from a position to a site's geometry: to its point, or to its outline (0 inside it)."""
    if isinstance(geometry, Point):
        return haversine_m(lon, lat, geometry.coordinates[0], geometry.coordinates[1])
    outer, *holes = geometry.coordinates
    if _inside(outer, lon, lat) and not any(_inside(hole, lon, lat) for hole in holes):
        return 0.0
    return min(_to_segment_m(lon, lat, a, b) for ring in geometry.coordinates for a, b in itertools.pairwise(ring))


def metres(value: float) -> str:
    return f"{value:,.0f} m" if value < 10_000 else f"{value / 1000:,.1f} km"


def within(value: float) -> str:
    """An uncertainty ('±7 m' for 6.5): rounded up, never said to be smaller than it is."""
    return f"±{metres(math.ceil(value))}"


def far_from_site(site: Site, fix: Fix, limit_m: float) -> RecordedWarning | None:
    """A warning if the observer stood farther than `limit_m` from the site's geometry."""
    if site.geometry is None:
        return None
    away = distance_m(site.geometry, fix.lon, fix.lat)
    if away <= limit_m:
        return None
    accuracy = f"GPS accuracy {within(fix.accuracy_m)}" if fix.accuracy_m else "no GPS accuracy given"
    location = site.location
    known = location.precision.value
    if location.precision is LocationPrecision.approximate and location.uncertainty_m:
        known += f" ({within(location.uncertainty_m)})"
    shape = "outline" if isinstance(site.geometry, Polygon) else "point"
    message = (
        f"the observer stood {metres(away)} from the site's {shape}, more than the {metres(limit_m)} allowed "
        f"({accuracy}; the site's location is {known})"
    )
    return RecordedWarning(code=FAR_FROM_SITE, message=message)


def _photo_day(evidence: Evidence) -> tuple[date, str] | None:
    """The day a photo was taken, as its file says, and how it says it."""
    if evidence.captured_at is not None:  # in the photo's own offset: the local day where it was taken
        return evidence.captured_at.date(), f"EXIF {evidence.captured_at.isoformat()}"
    if evidence.camera_time:
        try:
            return date.fromisoformat(evidence.camera_time[:10]), "the camera's clock, no time zone in the file"
        except ValueError:
            return None
    return None


def photo_other_day(evidence: Evidence, shown_name: str, visit_day: date) -> RecordedWarning | None:
    """A warning if the photo's file says it was taken on another day than the visit."""
    found = _photo_day(evidence)
    if found is None or found[0] == visit_day:
        return None
    day, how = found
    message = f"photo {shown_name} was taken on {day} ({how}); the visit was on {visit_day}"
    return RecordedWarning(code=PHOTO_OTHER_DAY, message=message)


def photo_missing(shown_name: str) -> RecordedWarning:
    message = f"photo {shown_name} is named by the submission but its file was not there: imported without it"
    return RecordedWarning(code=PHOTO_MISSING, message=message)


def new_site(site: Site) -> RecordedWarning:
    uncertainty = site.location.uncertainty_m
    how = (
        f"{within(uncertainty)}, the phone's GPS accuracy rounded up"
        if uncertainty
        else "no GPS accuracy (a point placed by hand?)"
    )
    message = (
        f"the site {site.display_name()!r} was not on the form's list; added as site {site.id} of type 'other', "
        f"at the position the form gave ({how}): check its name, type and place"
    )
    return RecordedWarning(code=NEW_SITE, message=message)


PHOTO_COPY_FIX = (
    "copy the photo again from the phone (a copy over USB that was cut off leaves the file short); if the "
    "phone's own file is damaged too, take the photo out of the submission (edit it on the phone)"
)


def photo_damage(data: bytes, shown_name: str) -> str | None:
    """Why a photo's bytes cannot be what the camera saved: empty, or an image cut short or not
    the image its name says. A file of a kind the imaging library does not know (HEIC) is taken as
    it is: only a kind it knows is checked."""
    if not data:
        return "is empty (0 bytes)"
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # a 108-megapixel photo: no bomb
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":  # decoded at an eighth of its size: every byte read, little memory
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                    image.load()
                else:
                    image.verify()  # the file's structure and checksums, without decoding its pixels
    except UnidentifiedImageError:
        if shown_name.lower().endswith((".jpg", ".jpeg", ".png")):
            return "is not the image its name says: its bytes are no JPEG or PNG"
        return None
    except (OSError, SyntaxError, ValueError) as error:
        return f"is a damaged or incomplete image ({error})"
    except Image.DecompressionBombError:
        return None  # a large image is no damaged one; it is stored as it is
    return None
