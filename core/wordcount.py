"""字数: the character count of regulation.md clarification 11, as Word and WPS show it in 字数统计.

The rule is one pure function over the text a document reads as (core.documents builds that text: body,
tables, text boxes, footnotes and endnotes, tracked changes accepted, field results; no headers or footers).
"""

from __future__ import annotations

# Punctuation outside the CJK blocks that Chinese text uses and Word counts one each: "——" is two em dashes
# and counts two, "……" is two ellipses and counts two, the 间隔号 in 克里斯·保罗 counts one.
_CJK_PUNCTUATION = frozenset("\u2014\u2015\u2026\u00b7\u2016\u2025\u203b")
# Curly quotes read with what they stand beside: one each around Chinese text (“真的” is four), part of the word
# around a Latin word (“Hello” is one), as LibreOffice and Word both count them.
_QUOTES = frozenset("\u2018\u2019\u201c\u201d")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x20000 <= code <= 0x3134F  # extensions B–G
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x2E80 <= code <= 0x2FDF  # radicals
        or 0x3000 <= code <= 0x303F  # CJK symbols and punctuation (、。《》【】…)
        or 0x3040 <= code <= 0x30FF  # kana, counted as Word does
        or 0x3100 <= code <= 0x312F  # bopomofo
        or 0x3200 <= code <= 0x33FF  # enclosed CJK letters, CJK compatibility (㈠ ㎡)
        or 0x2460 <= code <= 0x24FF  # circled numbers ① ② ③, one each
        or 0xFE10 <= code <= 0xFE1F  # vertical forms
        or 0xFE30 <= code <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= code <= 0xFFEF  # full-width forms (，！？（）２０２５)
        or ch in _CJK_PUNCTUATION
    )


def count_chars(text: str) -> int:
    """字数 (regulation.md, clarification 11): one per CJK character and per full-width punctuation mark ("——"
    and "……" two each), one per run of other non-space characters (a Latin word, a number such as 3.11 or
    50%), nothing for white space, full-width spaces included."""
    count = 0
    in_run = False
    length = len(text)
    for index, ch in enumerate(text):
        if ch.isspace():
            in_run = False
        elif ch in _QUOTES:
            following = text[index + 1] if index + 1 < length else " "
            if in_run:
                continue  # closes the Latin word it follows
            if not (following.isspace() or _is_cjk(following) or following in _QUOTES):
                count += 1  # opens a Latin word: the quote and the word count one
                in_run = True
            else:
                count += 1
        elif _is_cjk(ch):
            count += 1
            in_run = False
        elif not in_run:
            count += 1
            in_run = True
    return count
