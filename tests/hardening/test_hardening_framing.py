"""Where a request ends: the framing the buffering worker relies on before a thread runs it."""

from __future__ import annotations

from backend.http_framing import Frame
from backend.http_framing import RequestBuffer


def buffer(max_body: int = 1000) -> RequestBuffer:
    return RequestBuffer(max_header_bytes=256, max_body_bytes=max_body)


def feed_bytewise(data: bytes, max_body: int = 1000) -> list[Frame]:
    buf = buffer(max_body)
    return [buf.feed(data[i : i + 1]) for i in range(len(data))]


def test_a_get_is_whole_only_once_its_blank_line_arrives():
    frames = feed_bytewise(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert frames[-1] is Frame.COMPLETE
    assert set(frames[:-1]) == {Frame.INCOMPLETE}


def test_a_body_of_known_length_is_whole_at_its_last_byte():
    frames = feed_bytewise(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
    assert frames[-1] is Frame.COMPLETE
    assert set(frames[:-1]) == {Frame.INCOMPLETE}


def test_a_chunked_body_is_whole_after_its_last_chunk_and_trailers():
    request = (
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n3;x=1\r\nabc\r\n0\r\n\r\n"
    )
    frames = feed_bytewise(request)
    assert frames[-1] is Frame.COMPLETE
    assert set(frames[:-1]) == {Frame.INCOMPLETE}
    with_trailer = request[:-2] + b"X-T: 1\r\n\r\n"
    assert feed_bytewise(with_trailer)[-1] is Frame.COMPLETE


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read():
    buf = buffer(max_body=10)
    assert buf.feed(b"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n") is Frame.BODY_TOO_LARGE


def test_chunks_adding_up_over_the_limit_are_refused():
    buf = buffer(max_body=10)
    frame = buf.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n")
    assert frame is Frame.BODY_TOO_LARGE


def test_headers_over_the_limit_are_refused_even_without_their_end():
    assert buffer().feed(b"GET / HTTP/1.1\r\nX: " + b"a" * 300) is Frame.HEADERS_TOO_LARGE


def test_smuggling_shapes_go_to_gunicorns_parser_as_malformed():
    both = b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
    twice = b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"
    not_chunked_last = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
    bad_size = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    for request in (both, twice, not_chunked_last, bad_size):
        assert buffer().feed(request) is Frame.MALFORMED, request


def test_expect_continue_is_noticed():
    buf = buffer()
    buf.feed(b"POST / HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
    assert buf.expects_continue and buf.headers_done


def test_a_megabyte_sent_in_one_byte_chunks_frames_in_linear_time():
    import time

    body = b"1\r\na\r\n" * 100_000
    buf = RequestBuffer(max_header_bytes=256, max_body_bytes=1_000_000)
    buf.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    started = time.perf_counter()
    for offset in range(0, len(body), 600):
        buf.feed(body[offset : offset + 600])
    assert buf.feed(b"0\r\n\r\n") is Frame.COMPLETE
    assert time.perf_counter() - started < 2.0
