"""How a unit's name is folded for search: one rule for what is stored and what is typed.

"Giao Thủy" and "Giao Thuỷ" differ only in where the tone mark sits; "hai duong" is
"Hải Dương" typed without diacritics. Folding removes every combining mark (NFD), turns
"đ" into "d", lowercases, keeps letters and digits separated by one space, and drops the
kind word in front ("Tỉnh", "Huyện", "Phường"…) so that a prefix match on the stored key
finds a unit by the start of its proper name.

A unit is also found from any word of its name ("thuy" finds "Huyện Giao Thủy", "dinh" finds
"Phường Ba Đình"): ``search_terms`` are the folded name from each of its words on, one row each
in ``UnitSearchTerm``, so a word-start match is an indexed prefix match on that table.

Migrations 0004 and 0008 carry copies of these rules (migrations import no app code): change all.
"""

import re
import unicodedata

# Kind words as they start official names, already folded; longest first so that
# "thanh pho" is dropped before "thanh" could be mistaken for a name.
KIND_WORDS = ("thanh pho", "thi tran", "dac khu", "thi xa", "phuong", "huyen", "tinh", "quan", "xa")

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII words of ``text``: no diacritics, "đ" → "d", one space between words."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text.lower()).strip()


def search_key(name: str) -> str:
    """The stored search key of a unit name: folded, without the kind word in front.

    A name that is only a kind word (or a kind word and a number, "Phường 1") keeps what is
    left after the kind word ("1").
    """
    folded = fold(name or "")
    for word in KIND_WORDS:
        if folded.startswith(word + " "):
            return folded[len(word) + 1 :]
    return folded


def search_terms(name: str) -> list[str]:
    """The stored terms of a unit name: the folded name from each word on, kind word included.

    "Huyện Giao Thủy" → ["huyen giao thuy", "giao thuy", "thuy"]: a prefix of any term is a
    match at a word start.
    """
    words = fold(name or "").split()
    return list(dict.fromkeys(" ".join(words[start:]) for start in range(len(words))))


def query_keys(text: str) -> list[str]:
    """What a typed text is looked up as: folded, and folded without a leading kind word.

    "Huyện Giao Thủy" looks up "huyen giao thuy" (the district) and "giao thuy" (every Giao Thủy).
    """
    return [key for key in dict.fromkeys((fold(text or ""), search_key(text or ""))) if key]
