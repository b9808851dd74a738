"""The text of a letter's PDF as a reader extracts it: no PDF library (none is a
dependency), just what the file says.

Each font is a Type 0 (CID) font with an embedded TrueType subset; its ``/ToUnicode``
CMap says which Unicode characters each two-byte glyph code stands for. The page
content shows strings in ``TJ`` arrays after ``/Fn size Tf``; each string's codes,
looked up in that font's map, are the text. A character the PDF cannot name (no
mapping) comes out as ``?`` — what the old base-14 letters printed.
"""

from __future__ import annotations

import re
import zlib

_OBJECT_HEAD = re.compile(rb"(\d+) 0 obj\s*")
_STREAM_START = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length (\d+)( 0 R)?")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(document: bytes) -> dict[int, bytes]:
    """Each object's bytes, from its offset in the cross-reference table to the next
    object's (``_stream`` cuts a stream's data by its ``/Length``): compressed data may
    hold any bytes, ``endstream`` and ``endobj`` included, so searching for those ends
    cut a stream short now and then."""
    start = int(document[document.rindex(b"startxref") + 9 :].split()[0])
    lines = document[start:].split(b"\n")
    assert lines[0].strip() == b"xref", "a classic cross-reference table"
    first, count = (int(n) for n in lines[1].split())
    offsets = sorted(
        (int(line[:10]), first + i)
        for i, line in enumerate(lines[2 : 2 + count])
        if line.split()[2:3] == [b"n"]
    )
    out: dict[int, bytes] = {}
    for (offset, number), (end, _) in zip(offsets, [*offsets[1:], (start, 0)], strict=True):
        head = _OBJECT_HEAD.match(document, offset)
        assert head is not None and int(head[1]) == number, f"object {number} at {offset}"
        out[number] = document[head.end() : end]
    return out


def _stream(body: bytes, objects: dict[int, bytes]) -> bytes:
    start = _STREAM_START.search(body)
    length = _LENGTH.search(body)
    assert start is not None and length is not None
    size = int(objects[int(length[1])].split()[0]) if length[2] else int(length[1])
    data = body[start.end() : start.end() + size]
    return zlib.decompress(data) if b"/FlateDecode" in body[: start.start()] else data


def _hex(text: bytes) -> str:
    return bytes.fromhex(text.decode()).decode("utf-16-be")


def unicode_map(cmap: bytes) -> dict[int, str]:
    """Glyph code → text, from a ToUnicode CMap's bfchar and bfrange sections."""
    out: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", section):
            out[int(code, 16)] = _hex(text)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, target in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)", section
        ):
            codes = range(int(first, 16), int(last, 16) + 1)
            if target.startswith(b"["):
                texts = [_hex(t) for t in re.findall(rb"<([0-9a-fA-F]+)>", target)]
                out.update(zip(codes, texts, strict=True))
            else:
                start = int(target[1:-1], 16)
                out.update((code, chr(start + i)) for i, code in enumerate(codes))
    return out


def _literal(raw: bytes) -> bytes:
    """A PDF string literal's bytes (escapes resolved)."""
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal[0], 8) & 0xFF)
            i += 1 + len(octal[0])
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def fonts(document: bytes) -> dict[str, dict[int, str]]:
    """Each font resource name (``F1``…) and its glyph code → text map."""
    objects = _objects(document)
    out: dict[str, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            font = objects[int(ref)]
            tounicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            assert tounicode is not None, f"font {name!r} has no ToUnicode map"
            out[name.decode()] = unicode_map(_stream(objects[int(tounicode[1])], objects))
    return out


def text_of(document: bytes) -> str:
    """The text shown on the pages, a line per text object."""
    maps = fonts(document)
    objects = _objects(document)
    lines = []
    for body in objects.values():
        if not re.search(rb"/Length \d+ 0 R /Filter /FlateDecode", body):
            continue  # page contents (the font programs and maps carry /Length1 or no ref)
        content = _stream(body, objects)
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            current: dict[int, str] = {}
            line = []
            for font, string in re.findall(
                rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", block, re.S
            ):
                if font:
                    current = maps[font.decode()]
                    continue
                data = _literal(string)
                codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
                line.append("".join(current.get(c, "?") for c in codes))
            lines.append("".join(line))
    return "\n".join(lines)
