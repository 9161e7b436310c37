"""BlurHash (https://blurha.sh): a few bytes of text that apps paint as a blur of a picture
while it loads. Computed here from a 32-pixel copy, which is all the algorithm can use anyway."""

import math

from PIL import Image

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
COMPONENTS = (4, 3)  # across and down: Mastodon's


def encode(picture: Image.Image) -> str:
    small = picture.convert("RGB")
    small.thumbnail((32, 32))
    width, height = small.size
    linear = [tuple(_to_linear(c) for c in pixel) for pixel in small.get_flattened_data()]
    across, down = COMPONENTS
    factors = []
    for j in range(down):
        for i in range(across):
            columns = [math.cos(math.pi * i * x / width) for x in range(width)]
            rows = [math.cos(math.pi * j * y / height) for y in range(height)]
            total = [0.0, 0.0, 0.0]
            for y in range(height):
                for x in range(width):
                    basis = columns[x] * rows[y]
                    pixel = linear[y * width + x]
                    for c in range(3):
                        total[c] += basis * pixel[c]
            scale = (1 if i == j == 0 else 2) / (width * height)
            factors.append([t * scale for t in total])
    dc, ac = factors[0], factors[1:]
    text = _base83((across - 1) + (down - 1) * 9, 1)
    largest = max((abs(v) for f in ac for v in f), default=0.0)
    quantised = max(0, min(82, math.floor(largest * 166 - 0.5))) if ac else 0
    maximum = (quantised + 1) / 166 if ac else 1.0
    text += _base83(quantised, 1)
    text += _base83((_to_srgb(dc[0]) << 16) + (_to_srgb(dc[1]) << 8) + _to_srgb(dc[2]), 4)
    for f in ac:
        r, g, b = (max(0, min(18, math.floor(_signed_root(v / maximum) * 9 + 9.5))) for v in f)
        text += _base83(r * 19 * 19 + g * 19 + b, 2)
    return text


def _to_linear(value: int) -> float:
    v = value / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _to_srgb(value: float) -> int:
    v = max(0.0, min(1.0, value))
    return int(v * 12.92 * 255 + 0.5) if v <= 0.0031308 else int((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5)


def _signed_root(value: float) -> float:
    return math.copysign(abs(value) ** 0.5, value)


def _base83(value: int, length: int) -> str:
    return "".join(ALPHABET[(value // 83 ** (length - 1 - i)) % 83] for i in range(length))
