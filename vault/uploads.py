"""The upload handler: every file goes to a temporary file in chunks, and stops at the size limit."""

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

TOO_LARGE_FLAG = "evidence_upload_too_large"


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams to a temporary file in 1 MiB chunks; a file over EVIDENCE_MAX_BYTES is dropped as it arrives.

    Dropping the file (SkipFile) closes and deletes its temporary file at once, and
    marks the request so that the view can say why the file is missing.
    """

    chunk_size = 1024 * 1024

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.EVIDENCE_MAX_BYTES:
            setattr(self.request, TOO_LARGE_FLAG, True)
            self.file.close()
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)
