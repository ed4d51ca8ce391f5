"""Which files the vault accepts, which it may show inline, and the extension each is saved with.

The type is the one sniffed from the bytes (libmagic), never the uploaded name. One table, read by the
store (what to refuse), the previews (what to decode), the downloads and the evidence pack (the name)."""

# Sniffed type -> what the file may be. Anything else is refused.
ALLOWED_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif",
    "application/pdf", "text/plain", "message/rfc822", "text/html", "application/xhtml+xml",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text", "application/rtf", "text/rtf",
    "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/wav", "audio/x-wav", "audio/ogg", "audio/webm", "audio/aac",
    "video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/x-matroska",
})  # fmt: skip

# Images a page may show inline (and Pillow may decode for a preview), with Pillow's name for each format.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
DECODABLE = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}

# The extension a stored file is saved with, by its sniffed type; anything not listed is .bin.
EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "application/pdf": "pdf",
    "text/plain": "txt", "message/rfc822": "eml", "text/html": "html", "audio/mpeg": "mp3", "video/mp4": "mp4",
    "video/quicktime": "mov", "audio/mp4": "m4a", "audio/x-m4a": "m4a", "audio/wav": "wav", "audio/x-wav": "wav",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx", "application/msword": "doc",
}  # fmt: skip


def extension(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")


def is_inline_image(content_type: str) -> bool:
    return content_type in INLINE_IMAGE_TYPES
