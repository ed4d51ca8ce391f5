"""Checking uploaded images and making previews, with Pillow's decompression-bomb protection.

Works on file objects handed over by the evidence store; never opens evidence itself.
"""

import io
import warnings

from PIL import Image, UnidentifiedImageError

from .filetypes import DECODABLE

MAX_PIXELS = 60_000_000  # a 60-megapixel photo is larger than any phone takes
PREVIEW_SIDE = 640


class BadImage(Exception):
    pass


def _open(handle) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(handle)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadImage("This image is too large in pixels to open safely.") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise BadImage("This file says it is an image but it is damaged or not an image.") from None


def check_and_preview(handle, content_type: str) -> bytes | None:
    """Refuse a damaged or oversized image; return a small JPEG preview (no metadata), or None if not decodable."""
    expected = DECODABLE.get(content_type)
    if expected is None:
        return None
    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_PIXELS
    try:
        handle.seek(0)
        image = _open(handle)
        if image.format != expected:
            raise BadImage("This file's contents do not match an image type we accept.")
        if image.width * image.height > MAX_PIXELS:
            raise BadImage("This image is too large in pixels to open safely.")
        try:
            image.verify()
            handle.seek(0)
            image = _open(handle)
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))
                image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
                preview = image.convert("RGB")
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
            raise BadImage("This file says it is an image but it is damaged or not an image.") from error
        out = io.BytesIO()
        preview.save(out, format="JPEG", quality=80)
        return out.getvalue()
    finally:
        Image.MAX_IMAGE_PIXELS = previous
