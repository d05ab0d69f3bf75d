"""Where an HTTP/1.1 request ends, read incrementally from bytes as they arrive.

Pure: it only looks at bytes. `backend.gunicorn_worker` feeds it what a connection has sent so
far and hands the request to a thread only once it is whole, so a slow client costs a buffer,
never a thread. Anything it cannot frame is passed on as "malformed" for gunicorn's own parser to
answer with its 400.
"""

from __future__ import annotations

import enum

CRLF = b"\r\n"
HEADER_END = b"\r\n\r\n"
MAX_CHUNK_SIZE_LINE = 1024
"""Bytes. Longest chunk-size line (size + extensions) accepted; longer is malformed."""


class Frame(enum.Enum):
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    HEADERS_TOO_LARGE = "headers_too_large"
    BODY_TOO_LARGE = "body_too_large"
    MALFORMED = "malformed"


class RequestBuffer:
    """The bytes of one request so far, and how far they have been framed.

    The chunked scan resumes where it stopped, so a body sent one byte at a time costs linear
    work, not quadratic.
    """

    def __init__(self, *, max_header_bytes: int, max_body_bytes: int) -> None:
        self.data = bytearray()
        self.max_header_bytes = max_header_bytes
        self.max_body_bytes = max_body_bytes
        self.header_end: int | None = None  # offset of the first body byte
        self._searched = 0  # bytes already searched for the end of the headers
        self.expects_continue = False
        self._content_length: int | None = None
        self._chunked = False
        self._chunk_pos = 0  # where the next chunk-size line starts
        self._body_seen = 0  # body bytes announced by the chunks scanned so far
        self.verdict = Frame.INCOMPLETE

    @property
    def headers_done(self) -> bool:
        return self.header_end is not None

    def feed(self, chunk: bytes) -> Frame:
        if self.verdict is not Frame.INCOMPLETE:
            return self.verdict
        self.data += chunk
        self.verdict = self._frame()
        return self.verdict

    def _frame(self) -> Frame:
        if self.header_end is None:
            # Search only what is new (with an overlap for a terminator split across reads).
            end = self.data.find(HEADER_END, max(0, self._searched - len(HEADER_END) + 1))
            self._searched = len(self.data)
            if end < 0:
                if len(self.data) > self.max_header_bytes:
                    return Frame.HEADERS_TOO_LARGE
                return Frame.INCOMPLETE
            if end > self.max_header_bytes:
                return Frame.HEADERS_TOO_LARGE
            self.header_end = end + len(HEADER_END)
            problem = self._read_headers(bytes(self.data[:end]))
            if problem is not None:
                return problem
            self._chunk_pos = self.header_end
        if self._chunked:
            return self._scan_chunks()
        length = self._content_length or 0
        if len(self.data) - self.header_end >= length:
            return Frame.COMPLETE
        return Frame.INCOMPLETE

    def _read_headers(self, head: bytes) -> Frame | None:
        lengths: list[bytes] = []
        encodings: list[bytes] = []
        for line in head.split(CRLF)[1:]:
            name, sep, value = line.partition(b":")
            if not sep:
                return Frame.MALFORMED
            key = name.strip().lower()
            if key == b"content-length":
                lengths.append(value.strip())
            elif key == b"transfer-encoding":
                encodings += [v.strip().lower() for v in value.split(b",")]
            elif key == b"expect" and value.strip().lower() == b"100-continue":
                self.expects_continue = True
        if encodings:
            if lengths or encodings[-1] != b"chunked":
                return Frame.MALFORMED  # smuggling shapes: gunicorn refuses them
            self._chunked = True
            return None
        if len(set(lengths)) > 1 or (lengths and not lengths[0].isdigit()):
            return Frame.MALFORMED
        self._content_length = int(lengths[0]) if lengths else 0
        if self._content_length > self.max_body_bytes:
            return Frame.BODY_TOO_LARGE
        return None

    def _scan_chunks(self) -> Frame:
        data = self.data
        while True:
            line_end = data.find(CRLF, self._chunk_pos, self._chunk_pos + MAX_CHUNK_SIZE_LINE)
            if line_end < 0:
                if len(data) - self._chunk_pos >= MAX_CHUNK_SIZE_LINE:
                    return Frame.MALFORMED
                return Frame.INCOMPLETE
            size_text = bytes(data[self._chunk_pos : line_end]).split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                return Frame.MALFORMED
            if size < 0 or len(size_text) > 16:
                return Frame.MALFORMED
            if size == 0:
                return self._scan_trailers(line_end + len(CRLF))
            self._body_seen += size
            if self._body_seen > self.max_body_bytes:
                return Frame.BODY_TOO_LARGE
            next_pos = line_end + len(CRLF) + size + len(CRLF)
            if len(data) < next_pos:
                self._body_seen -= size  # counted again when the chunk is whole
                return Frame.INCOMPLETE
            if data[next_pos - len(CRLF) : next_pos] != CRLF:
                return Frame.MALFORMED
            self._chunk_pos = next_pos

    def _scan_trailers(self, start: int) -> Frame:
        if self.data[start : start + len(CRLF)] == CRLF:
            return Frame.COMPLETE
        end = self.data.find(HEADER_END, start)
        if end >= 0:
            return Frame.COMPLETE
        if len(self.data) - start > self.max_header_bytes:
            return Frame.HEADERS_TOO_LARGE
        return Frame.INCOMPLETE
