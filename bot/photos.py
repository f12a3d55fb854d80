"""Photos as the store keeps them (``core.evidence.PhotoPreparer``), with Pillow.

A photo is decoded only after its size was checked, with a pixel limit against decompression
bombs; it is turned upright, downscaled to MAX_PHOTO_SIDE and saved as JPEG without metadata.
The GPS position of its EXIF, where present, is returned beside it.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from core.evidence import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_SIDE,
    Location,
    PhotoProblem,
    PhotoRejected,
    PreparedPhoto,
    gps_degrees,
)

__all__ = ["MAX_PIXELS", "prepare_photo"]

MAX_PIXELS = 50_000_000  # a 50-megapixel photo decodes; a larger "image" is refused
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")  # MPO photos open as JPEG
_GPS_IFD = 0x8825
Image.init()  # registers every format plugin, so that ``formats`` can name them
_LATITUDE_REF, _LATITUDE, _LONGITUDE_REF, _LONGITUDE = 1, 2, 3, 4


def _location(image: Image.Image) -> Location | None:
    """The GPS position of the EXIF, if the file kept a usable one."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
        latitude = gps_degrees(gps[_LATITUDE], str(gps.get(_LATITUDE_REF, "N")))
        longitude = gps_degrees(gps[_LONGITUDE], str(gps.get(_LONGITUDE_REF, "E")))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None
    location = Location(latitude, longitude)
    return location if location.valid() else None


def prepare_photo(content: bytes, *, max_bytes: int = MAX_PHOTO_BYTES) -> PreparedPhoto:
    if len(content) > max_bytes:
        raise PhotoRejected(PhotoProblem.TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(content), formats=_FORMATS)
            if opened.width * opened.height > MAX_PIXELS:
                raise PhotoRejected(PhotoProblem.TOO_LARGE)
            location = _location(opened)
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=82, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(PhotoProblem.TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        # Not an image, a truncated one, or a format Pillow cannot read (HEIC, for one).
        raise PhotoRejected(PhotoProblem.UNSUPPORTED) from None
    return PreparedPhoto(
        sha256=hashlib.sha256(content).hexdigest(),
        content=out.getvalue(),
        mime="image/jpeg",
        width=image.width,
        height=image.height,
        location=location,
    )
