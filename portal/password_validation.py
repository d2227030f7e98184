"""Refuse passwords made of a Vietnamese or organisational word plus digits ("Matkhau1", "Hanoi2026")."""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORD_LIST = Path(__file__).resolve().parent / "data" / "vietnamese_password_words.txt"
# Look-alike characters people use inside a word ("M@tkh@u").
LOOKALIKES = str.maketrans({"@": "a", "0": "o", "3": "e", "$": "s", "4": "a", "5": "s"})
MIN_WORD = 3


def fold(text: str) -> str:
    """Lowercase ASCII without diacritics: "Hà Nội" → "ha noi", "Đà Nẵng" → "da nang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1)
def guessable_words() -> frozenset[str]:
    words = {
        line.strip()
        for line in WORD_LIST.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    try:  # the current provinces, from the same package as the unit tree
        from vietnam_provinces import Province

        for province in Province.iter_all():
            words.add(re.sub(r"[^a-z]", "", fold(province.codename)))
    except (ImportError, AttributeError):  # the file's legacy list still covers them
        pass
    return frozenset(word for word in words if len(word) >= MIN_WORD)


def is_run_of_words(letters: str, words: frozenset[str]) -> bool:
    """True when ``letters`` is one listed word or several in a row (word break)."""
    longest = max(map(len, words))
    reachable = [True] + [False] * len(letters)
    for end in range(MIN_WORD, len(letters) + 1):
        for start in range(max(0, end - longest), end - MIN_WORD + 1):
            if reachable[start] and letters[start:end] in words:
                reachable[end] = True
                break
    return reachable[-1]


class VietnameseWordListValidator:
    """Digits and symbols around a listed word (or words) do not make a password."""

    def validate(self, password, user=None):
        folded = fold(password)
        core = re.sub(r"^[^a-z@$]+|[^a-z]+$", "", folded)
        letters = re.sub(r"[^a-z]", "", core.translate(LOOKALIKES))
        if not letters or is_run_of_words(letters, guessable_words()):
            raise ValidationError(
                _(
                    "Mật khẩu này dễ đoán: một từ thông dụng (mật khẩu, tên tỉnh, tên cơ quan…) "
                    "thêm chữ số hoặc ký hiệu. Hãy dùng một cụm từ dài hơn, không liên quan đến "
                    "cơ quan và địa danh."
                ),
                code="password_guessable_word",
            )

    def get_help_text(self):
        return _("Mật khẩu không được là một từ thông dụng, tên tỉnh hay tên cơ quan kèm chữ số.")
