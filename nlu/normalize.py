"""Text normalisation, tokenisation, language guess and a phonetic key for product names."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

from nlu.lexicon import words, words_in_order
from nlu.numbers import DEVANAGARI_DIGITS, replace_number_words

# Emoji that carry an answer; every other emoji or symbol is dropped.
_EMOJI_WORDS = {"👍": " ok ", "👌": " ok ", "✅": " ok ", "✔": " ok ", "☑": " ok ",
                "👎": " no ", "❌": " no ", "✖": " no "}
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75}
_VULGAR_RE = re.compile(r"(\d*)\s*([½¼¾])")

_DEVA = "\u0900-\u0963\u0970-\u097f"  # Devanagari letters and signs, not digits or danda
WORD = rf"[a-z\u00e0-\u024f{_DEVA}]+"
NUMBER = r"\d+(?:\.\d+)?(?:/\d+)?"
_TOKEN_RE = re.compile(rf"{NUMBER}|{WORD}")
# A run of letters and digits with no space ("2kg", "h2o", "b12", "2x200"), cut into pieces.
_RUN_RE = re.compile(rf"(?:{NUMBER}|{WORD})+")
_MULTIPACK_RE = re.compile(r"\d+(?:\.\d+)?[x×]\d")
# Money written onto its number ("rs500", "5000rs") is a number and a currency word.
_CURRENCY_WORDS = frozenset({"rs", "npr", "nrs", "inr", "rupees", "rupee", "rupaiya"})
# Keep what the splitter and entity rules need: separators, decimals, currency and refs.
_DROP_RE = re.compile(rf"[^\w\s{_DEVA},;+&/.#:()\-•*·|@%₹]")


def _vulgar(match: re.Match[str]) -> str:
    whole = float(match.group(1) or 0)
    return f" {whole + _VULGAR[match.group(2)]:g} "


def prepare(text: str) -> str:
    """Unicode NFKC, lower case, ASCII digits, emoji answers as words; separators kept."""
    if text.isascii():  # most catalogue names and many messages: nothing to fold or map
        return _DROP_RE.sub(" ", text.lower())
    text = _VULGAR_RE.sub(_vulgar, text)  # before NFKC, which turns ½ into 1⁄2
    for emoji, word in _EMOJI_WORDS.items():
        text = text.replace(emoji, word)
    text = unicodedata.normalize("NFKC", text).casefold().translate(DEVANAGARI_DIGITS)
    text = text.replace("\u2044", "/").replace("\u200d", "").replace("\u200c", "")
    return _DROP_RE.sub(" ", text)


def tokenize(text: str, is_unit: Callable[[str], bool] | None = None) -> list[str]:
    """Words and numbers of prepared text; number words become numerals.

    "2kg" splits into "2", "kg" because the tokens are matched separately; is_unit tells which
    words may follow an ambiguous number word ("tin crate" = 3 crates, "tin" alone = can).
    """
    is_unit = is_unit or _default_is_unit
    tokens: list[str] = []
    for run in _RUN_RE.findall(text):
        pieces = _TOKEN_RE.findall(run)
        tokens.extend(pieces if len(pieces) == 1 or _is_amount_run(run, pieces, is_unit) else [run])
    return replace_number_words(tokens, is_unit)


def _is_amount_run(run: str, pieces: list[str], is_unit: Callable[[str], bool]) -> bool:
    """Whether a letter-digit run writes amounts: "2kg", "1kg500gm", "chini2kg", "2x200", "rs500";
    not "h2o", "b12", "covid19", "mp3", "2x", "1e30" (one word each)."""
    if _MULTIPACK_RE.match(run):
        return True
    for a, b in itertools.pairwise(pieces):
        number, word = (a, b) if a[0].isdigit() else (b, a)
        if number[0].isdigit() and not word[0].isdigit() and (
                word in _CURRENCY_WORDS or (number is a and is_unit(word))):
            return True
    return False


def _default_is_unit(word: str) -> bool:
    from nlu.units import default_units  # pint loads on first use only

    return default_units().lookup(word) is not None


def normalize(text: str, is_unit: Callable[[str], bool] | None = None) -> str:
    """One canonical form of a message: lower case, numerals, no punctuation or emoji."""
    return " ".join(tokenize(prepare(text), is_unit))


# --- language guess -------------------------------------------------------------------------

_ROMAN_MARKERS = words("""
    cha chha chaina chhaina ho hoina haina ko ka ki ra ani ma lai le bata pani ni na hai
    kati kasto kaha kahile kaile k ke garnus garnu gardinu garidinu pathaunu pathaidinu pathaunus
    pathaidinus pathaidinu dai didi bhai hajur chahiyo chahincha chaiyo chainchha bhayo bhayena
    mero malai hamro aaja bholi hijo huncha hunchha pardaina thik namaste namaskar dhanyabad
    aur hai kya kitna kitne kab mera mujhe chahiye bhejo bhej karo kar do nahi haan theek
    wala wali aayo aaena khoi kilo paisa rate bhau dam saman
""")
_ENGLISH_MARKERS = words("""
    the is are please send need want how much what where when my order of and to for you do
    have with can i we price rate status cancel yes no thanks hello hi
""")
_DEVA_RE = re.compile(f"[{_DEVA}]")
_LATIN_RE = re.compile(r"[a-z]")


def detect_language(text: str) -> str:
    """"ne-deva" for Devanagari script, "ne" for Roman Nepali/Hindi, else "en"."""
    prepared = prepare(text)
    deva = len(_DEVA_RE.findall(prepared))
    if deva and deva >= len(_LATIN_RE.findall(prepared)) / 2:
        return "ne-deva"
    words = _TOKEN_RE.findall(prepared)
    roman = sum(w in _ROMAN_MARKERS for w in words)
    english = sum(w in _ENGLISH_MARKERS for w in words)
    return "ne" if roman and roman >= english else "en"


# --- phonetic key ---------------------------------------------------------------------------

_VOWEL_SIGNS = {"ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "े": "e", "ै": "ai",
                "ो": "o", "ौ": "au", "ॅ": "e", "ॉ": "o"}
_VOWELS = {"अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri", "ए": "e",
           "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o"}
_CONSONANTS = dict(zip(
    words_in_order("क ख ग घ ङ च छ ज झ ञ ट ठ ड ढ ण त थ द ध न प फ ब भ म य र ल व श ष स ह ळ"),
    words_in_order("k kh g gh n ch chh j jh n t th d dh n t th d dh n p ph b bh m y r l w sh sh s h l"),
    strict=True))
_NASALS = {"ं": "n", "ँ": "n", "ः": "h"}
_VIRAMA, _NUKTA = "्", "़"


def transliterate(text: str) -> str:
    """Devanagari to a rough Roman spelling (कोलगेट -> kolget, चिनी -> chini); Latin passes through.

    A consonant's inherent "a" is written except before a vowel sign or virama, at the end of a
    word, and in the middle of a word between a vowel and a consonant+vowel (Hindi/Nepali schwa
    deletion: कोलगेट is "kolget", not "kolaget").
    """
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _CONSONANTS:
            out.append(_CONSONANTS[ch])
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt in _VOWEL_SIGNS or nxt in (_VIRAMA, _NUKTA) or nxt not in _CONSONANTS:
                continue  # a sign follows, or the word ends here
            after = text[i + 2] if i + 2 < n else ""
            prev_vowel = i > 0 and (text[i - 1] in _VOWEL_SIGNS or text[i - 1] in _VOWELS)
            if not (prev_vowel and after in _VOWEL_SIGNS):
                out.append("a")
        elif ch in _VOWEL_SIGNS:
            out.append(_VOWEL_SIGNS[ch])
        elif ch in _VOWELS:
            out.append(_VOWELS[ch])
        elif ch in _NASALS:
            out.append(_NASALS[ch])
        elif ch not in (_VIRAMA, _NUKTA):
            out.append(ch)
    return "".join(out)


_SKELETON_RULES = [(re.compile(p), r) for p, r in [
    (r"c(?!h)", "k"), (r"chh", "c"), (r"ch", "c"), (r"sh", "s"), (r"ph", "f"), (r"([tdbkgj])h", r"\1"),
    (r"q", "k"), (r"z", "j"), (r"w", "v"), (r"x", "ks"), (r"ee", "i"), (r"oo", "u"), (r"y", "i"),
    (r"(.)\1+", r"\1"), (r"(?<=[a-z]{2}[^aeiou\s])[aeiou]\b", ""), (r"\bh", ""),
]]


def skeleton(text: str) -> str:
    """Phonetic key that merges spelling variants: cheeni, chini, चिनी -> "cin".

    Never empty for a word that is not: "h" (Hinglish "is") would lose its only letter to the
    silent-h rule, and the index pairs every word with exactly one skeleton word.
    """
    key = transliterate(text)
    for pattern, repl in _SKELETON_RULES:
        key = pattern.sub(repl, key)
    return key if key.strip() else text
