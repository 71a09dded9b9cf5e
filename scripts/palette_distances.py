"""How far apart the condition colours stay for people with colour-vision deficiencies.

    python scripts/palette_distances.py

For each condition colour, prints the smallest CIELAB distance (ΔE 1976) to any other condition
colour under normal vision and simulated protanopia, deuteranopia and tritanopia (the full-severity
matrices of Machado, Oliveira and Fernandes, 2009), and which colour and vision give it. Below
about 10 two dots are hard to tell apart on a map.
"""

from __future__ import annotations

import numpy as np

from heritage.palette import CONDITION_COLOURS

VISION = {
    "normal": np.eye(3),
    "protan": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deutan": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritan": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])


def linear(colour: str) -> np.ndarray:
    channels = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(rgb, 0, 1) / WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str) -> float:
    matrix = VISION[vision]
    return float(np.linalg.norm(lab(matrix @ linear(a)) - lab(matrix @ linear(b))))


def main() -> None:
    print(f"{'condition':<16} {'colour':<8} {'closest':>7}  to, under")
    for condition, colour in CONDITION_COLOURS.items():
        nearest = min(
            (distance(colour, other, vision), str(name), vision)
            for name, other in CONDITION_COLOURS.items()
            if name != condition
            for vision in VISION
        )
        print(f"{condition:<16} {colour:<8} {nearest[0]:7.1f}  {nearest[1]}, {nearest[2]}")


if __name__ == "__main__":
    main()
