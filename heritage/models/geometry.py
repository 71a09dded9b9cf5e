"""GeoJSON geometries in WGS84 (longitude, latitude), as geojson-pydantic shapes them."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator

from heritage.models.base import Model

# Longitude, latitude and, as GeoJSON allows, an altitude that heritage keeps but does not use.
Position = Annotated[list[float], Field(min_length=2, max_length=3)]


def check_position(position: Position) -> Position:
    lon, lat = position[0], position[1]
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("coordinates must be finite numbers")
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat} is outside [-90, 90] (GeoJSON order is [longitude, latitude])")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon} is outside [-180, 180]")
    return position


class Point(Model):
    type: Literal["Point"]
    coordinates: Position

    @field_validator("coordinates")
    @classmethod
    def _in_range(cls, value: Position) -> Position:
        return check_position(value)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        lon, lat = self.coordinates[0], self.coordinates[1]
        return lon, lat, lon, lat

    @property
    def representative(self) -> tuple[float, float]:
        return self.coordinates[0], self.coordinates[1]


class Polygon(Model):
    type: Literal["Polygon"]
    coordinates: list[list[Position]] = Field(min_length=1)

    @field_validator("coordinates")
    @classmethod
    def _rings(cls, rings: list[list[Position]]) -> list[list[Position]]:
        for number, ring in enumerate(rings):
            if len(ring) < 4:
                raise ValueError(f"ring {number} has {len(ring)} positions; a ring needs at least 4")
            if ring[0] != ring[-1]:
                raise ValueError(f"ring {number} is not closed (first and last positions differ)")
            for position in ring:
                check_position(position)
        return rings

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        lons = [p[0] for p in self.coordinates[0]]
        lats = [p[1] for p in self.coordinates[0]]
        return min(lons), min(lats), max(lons), max(lats)

    @property
    def representative(self) -> tuple[float, float]:
        """The mean of the outer ring's vertices: good enough for labels and region checks."""
        ring = self.coordinates[0][:-1]  # the closing position repeats the first
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


Geometry = Annotated[Point | Polygon, Field(discriminator="type")]
