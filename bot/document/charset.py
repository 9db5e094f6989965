"""Read document bytes and repair text that went through the wrong charset.

The seed document was UTF-8, decoded once as cp1252 and saved again as UTF-8: `ó` became `Ã³`,
🔴 became `ðŸ”´`. Worse, the bytes cp1252 cannot show (0x81, 0x8D, 0x8F, 0x90, 0x9D) and the soft
hyphen (0xAD) were dropped on the way, so `í` (C3 AD) and `Á` (C3 81) left a lone `Ã` behind. ftfy
undoes the first kind; the lost-byte kind needs a guess from context, made here.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

from bot.document.plan import DocumentError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

# Only the encoding fixes: quotes, dashes, ligatures, widths, HTML entities, control characters
# and line breaks are the author's and must stay exactly as written.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # undefined in cp1252: a C1 control if it survived at all


# What a UTF-8 continuation byte (0x80-0xBF) looks like after a cp1252 mis-decoding.
_CONTINUATION = "".join(_cp1252_char(b) for b in range(0x80, 0xC0))
_CONT = f"[{re.escape(_CONTINUATION)}]"

# Mojibake of Spanish and English text always shows `Ã` or `Â` (accents, ¿, ¡), or `â`, `ð`, `ï`
# followed by a continuation byte (punctuation, emoji), or a C1 control. Only such lines go through
# ftfy: every other line is left untouched by construction (ftfy would read a lone `É“` as `ɓ`),
# and parsing big documents stays fast.
_SUSPECT_LINE = re.compile(f"[ÃÂ\u0080-\u009f]|[âðï]{_CONT}")

# A multi-byte sequence whose last byte was lost: `â€` (E2 80 + lost), `ðŸ”` (F0 9F 94 + lost).
# Fixed before ftfy, which would otherwise read a following space as a lost no-break space
# (`â€ ` -> `†` instead of `”`).
_TRUNCATED = re.compile(f"(?:[âï]{_CONT}|ðŸ{_CONT}?)(?!{_CONT})")
# The likeliest character for each truncated prefix, most likely first: `”` (E2 80 9D) is by far
# the most common casualty, then arrows, the emoji variation selector and common emoji.
_LIKELY = "”←\ufe0fﬁ🔍📝📍🔐🔁📁🐛🏁🏗📏📐🔝"
_ZERO_WIDTH_JOINER = "\u200d"  # E2 80 8D: the lost byte between two emoji
_LOST_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD)

_LONE_A_TILDE = re.compile(rf"([^\WÃ]*)Ã(?!{_CONT})([^\WÃ]*)")
_LONE_A_CIRCUMFLEX = re.compile(r"Â(?![\w" + re.escape(_CONTINUATION) + "])")


def decode(data: bytes, *, path: str = "<document>") -> str:
    """Decode document bytes as text, or raise DocumentError for binary or undecodable data."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError("document.too_large_size", path=path, size=round(len(data) / 1_048_576, 1))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows editors save "Unicode" as UTF-16 with a BOM; its NUL bytes are not binary.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DocumentError("document.bad_utf16", path=path) from error
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DocumentError("document.binary", path=path, line=data.count(b"\n", 0, nul) + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        # A document saved by an old Windows editor: cp1252 text, not binary.
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, utf8_error.start) + 1
        raise DocumentError("document.undecodable", path=path, line=line) from None
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r\f" for char in text):
        line = data.count(b"\n", 0, utf8_error.start) + 1
        raise DocumentError("document.control", path=path, line=line)
    return text


def repair(text: str) -> str:
    """Return `text` as its author wrote it: mojibake undone, BOM dropped, LF line endings."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    changed = False
    for index, line in enumerate(lines):
        if _SUSPECT_LINE.search(line):
            fixed = ftfy.fix_text(_complete_lost_bytes(line), _FTFY_CONFIG)
            if fixed != line:
                lines[index] = fixed
                changed = True
    text = "\n".join(lines)
    if "Ã" in text or "Â" in text:
        text = _fix_lone_lead_chars(text, mojibake_seen=changed)
    return text


def _complete_lost_bytes(line: str) -> str:
    """Complete the sequences that lost their last byte with the likeliest character."""

    def complete(match: re.Match[str]) -> str:
        try:
            prefix = match.group().encode("cp1252")
        except UnicodeEncodeError:
            return match.group()
        if prefix == b"\xe2\x80" and line.startswith("ð", match.end()):
            return _ZERO_WIDTH_JOINER
        for char in _LIKELY:
            encoded = char.encode()
            if len(encoded) == len(prefix) + 1 and encoded.startswith(prefix) and encoded[-1] in _LOST_BYTES:
                return char
        # A broken emoji is dropped: no emoji beats a wrong one. Others are left for ftfy.
        return "" if prefix.startswith(b"\xf0") else match.group()

    return _TRUNCATED.sub(complete, line)


def _fix_lone_lead_chars(text: str, *, mojibake_seen: bool) -> str:
    """Replace the `Ã` and `Â` whose second byte was lost.

    `Ã` next to a lowercase letter (`crÃticas`, `aquÃ`) cannot be correct text in any language, and
    the only lowercase letter whose second byte cp1252 loses is `í` (0xAD, the soft hyphen). In an
    uppercase word the lost byte was 0x81 (`Á`), 0x8D (`Í`), 0x8F, 0x90 or 0x9D; we pick `Á`
    (`RÃPIDO`), except before a vowel, where Spanish has the hiatus `Í` (`DÃA`, `AUDITORÃA`) and
    almost never `Á`. Uppercase `Ã` ending a word or before O, E, S is real Portuguese (`NÃO`,
    `MÃE`), so those are only touched when the text showed other mojibake. A lone `Â` only ever
    carried an invisible byte, so it goes.
    """

    def in_lowercase_word(match: re.Match[str]) -> bool:
        before, after = match.group(1), match.group(2)
        capitalized_short_word = len(before) == 1 and before.isupper() and not after  # `SÃ!` is Sí
        return any(char.islower() for char in before + after) or capitalized_short_word

    def not_portuguese(match: re.Match[str]) -> bool:
        # Portuguese `Ã` only ever ends a word or comes before O, E or S (NÃO, MÃE, IRMÃS).
        return in_lowercase_word(match) or match.group(2)[:1] not in ("", "O", "E", "S")

    mojibake_seen = mojibake_seen or any(map(not_portuguese, _LONE_A_TILDE.finditer(text)))
    if not mojibake_seen:
        return text

    def replace(match: re.Match[str]) -> str:
        before, after = match.group(1), match.group(2)
        if in_lowercase_word(match):
            return f"{before}í{after}"
        hiatus = after[:1] in ("A", "E", "O", "U")
        return f"{before}{'Í' if hiatus else 'Á'}{after}"

    return _LONE_A_CIRCUMFLEX.sub("", _LONE_A_TILDE.sub(replace, text))
