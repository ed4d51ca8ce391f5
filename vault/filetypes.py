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


# Each allowed type in words, as a person calls it ("PNG picture"), for pages that list a file's type.
WORDS = {
    "image/png": "PNG picture", "image/jpeg": "JPEG picture", "image/gif": "GIF picture",
    "image/webp": "WebP picture", "image/heic": "HEIC picture (iPhone)", "image/heif": "HEIF picture",
    "application/pdf": "PDF document", "text/plain": "text file", "message/rfc822": "saved email",
    "text/html": "saved web page", "application/xhtml+xml": "saved web page",
    "application/msword": "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
    "Word document", "application/vnd.oasis.opendocument.text": "OpenDocument text", "application/rtf":
    "RTF document", "text/rtf": "RTF document",
    "audio/mpeg": "MP3 recording", "audio/mp4": "M4A recording", "audio/x-m4a": "M4A recording",
    "audio/wav": "WAV recording", "audio/x-wav": "WAV recording", "audio/ogg": "Ogg recording",
    "audio/webm": "WebM recording", "audio/aac": "AAC recording",
    "video/mp4": "MP4 video", "video/quicktime": "QuickTime video (iPhone)", "video/webm": "WebM video",
    "video/3gpp": "3GP video", "video/x-matroska": "MKV video",
}  # fmt: skip

# What may be added, in words: said wherever a file is refused and beside the upload field.
ALLOWED_IN_WORDS = (
    "pictures (JPEG, PNG, GIF, WebP, HEIC), PDF documents, Word and other text documents, saved emails (.eml) "
    "and web pages, sound recordings (MP3, M4A, WAV, Ogg) and videos (MP4, MOV, WebM)"
)

# Why a refused type is refused, by family, in words a parent can act on.
_PROGRAM = "This is a program, not a picture or document, so it cannot be added."
_SCRIPT = "This is a script (a small program), not a picture or document, so it cannot be added."
_ARCHIVE = (
    "This is a compressed folder (such as a ZIP file), so it cannot be added. "
    "Open it and add the files inside it one by one."
)
REFUSED_WORDS = {
    "application/vnd.microsoft.portable-executable": _PROGRAM, "application/x-dosexec": _PROGRAM,
    "application/x-msdownload": _PROGRAM, "application/x-executable": _PROGRAM,
    "application/x-pie-executable": _PROGRAM, "application/x-sharedlib": _PROGRAM,
    "application/x-mach-binary": _PROGRAM, "application/x-msi": _PROGRAM, "application/java-archive": _PROGRAM,
    "application/vnd.android.package-archive": _PROGRAM, "application/x-elf": _PROGRAM,
    "text/x-shellscript": _SCRIPT, "text/x-script.python": _SCRIPT, "text/x-python": _SCRIPT,
    "text/x-php": _SCRIPT, "text/x-perl": _SCRIPT, "text/x-msdos-batch": _SCRIPT,
    "application/javascript": _SCRIPT, "text/javascript": _SCRIPT,
    "image/svg+xml": (
        "This is an SVG drawing, which can hide a program inside it, so it cannot be added. "
        "Take a screenshot of it and add that instead."
    ),
    "application/zip": _ARCHIVE, "application/x-rar": _ARCHIVE, "application/vnd.rar": _ARCHIVE,
    "application/x-7z-compressed": _ARCHIVE, "application/gzip": _ARCHIVE, "application/x-tar": _ARCHIVE,
    "application/x-bzip2": _ARCHIVE, "application/x-xz": _ARCHIVE,
}  # fmt: skip


def words(content_type: str) -> str:
    """A file's type as a person calls it: "PNG picture"; "file" for a type with no words."""
    return WORDS.get(content_type, "file")


def refusal(content_type: str) -> str:
    """Why a file of this (sniffed) type cannot be added, and what can be, in plain words."""
    reason = REFUSED_WORDS.get(content_type, "This kind of file cannot be added.")
    return f"{reason} You can add {ALLOWED_IN_WORDS}."


def extension(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")


def is_inline_image(content_type: str) -> bool:
    return content_type in INLINE_IMAGE_TYPES
