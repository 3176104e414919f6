"""Text normalisation, tokenisation, language guess and a phonetic key for product names."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

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


def encodable(text: str) -> str:
    """`text` with each lone UTF-16 surrogate (no character, and nothing UTF-8 can write) made "?"."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


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
    return replace_number_words(split_runs(text, is_unit), is_unit)


def split_runs(text: str, is_unit: Callable[[str], bool]) -> list[str]:
    """tokenize() before number words are read: each run of letters and digits is one token, or
    its pieces when it writes amounts. Whitespace-separated parts of text split independently."""
    tokens: list[str] = []
    for run in _RUN_RE.findall(text):
        pieces = _TOKEN_RE.findall(run)
        tokens.extend(pieces if len(pieces) == 1 or _is_amount_run(run, pieces, is_unit) else [run])
    return tokens


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
# Words and endings that tell Hindi from Nepali, in each script. Words both languages use alike
# ("ko", "ho", "na", "bhai", "rate") count as Roman South Asian but for neither side.

def _folded(text: str) -> frozenset[str]:
    """A word list in the form prepare() gives messages (NFKC, so nukta letters compare equal)."""
    return words(prepare(text))


_HINDI_ROMAN = _folded("""
    hai hain ka ki ke kya kitna kitne kitni mera meri mere mujhe muje mujhko humko hume humein hamara hamari
    aap aapka aapke aapki aapko apna apne chahiye chaiye chahie chahiya bhejo bhejna bhejiye bhejdo bhejo
    dijiye dena lena karo kar do kardo karna kijiye karoge karunga karenge nahi nahin nhi haan han aur mein se par
    bhi tak wali wale aaya aayi aaye gaya gayi gaye hua hui hue tha thi kab kaise kaisa kyu kyun kyon
    abhi kal batao bataiye bata bolo rupaye rupay raha rahi rahe rha rhi sakte sakta sakti bhaiya theek
    accha acha achha thoda thodi zyada jyada jaldi sirf bas woh wo yeh ye kaun konsa kaunsa unka uska isme
    usme isko usko liye dukaan dukan hoga hogi milega milegi wapas sab sabhi kuch kuchh baad pehle pichla
    pichli pichle jaisa bahut bohot yaar diya diye kiya liya lo lunga dunga denge samajh pata baat mil hoon
    hu tum tera apni aaj subah shaam raat hafte mahina wahi dono teesra doosra dusra saath phir toota tuta
    phata phati phooti phoota dalna daal dalo hatao hata jodo jod bhav bhaav shukriya dhanyavaad kitna
    hisaab udhaar kharab lagega lagegi chalega jayega jayegi aayega aayegi mangta mangwana chahta
    atta aata chawal namak chai cheeni haldi mirch ghee
""")
_NEPALI_ROMAN = _folded("""
    cha chha chaina chhaina chhan chhu chhau chhau hoina haina ra ani lai le bata sanga sangai kati kasto
    kasari kahile kaile kina k garnus garnu gardinu garidinu garidinus gardinus garnuhos gara gari pathaunu
    pathaidinu pathaunus pathaidinus pathaideu pathau pathaye dinus dinu dinuhos dinuhola deu dai didi hajur
    chahiyo chahincha chahinchha chaiyo chainchha chahidaina chaidaina chahiyeko bhayo bhayena bhaisakyo
    bhaeko bhayeko mero malai hamro hami tapai tapain tapaiko tapailai aaja bholi hijo huncha hunchha hunna
    hunuhunchha pardaina parcha parchha aayo aaena aayena aaeko aayeko khoi ni ta yo tyo yaha tyaha kehi sabai
    dherai ali thorai jati kun kunai pugyo gayo garyo diyo sakiyo painchha paincha pauncha milcha milchha
    ramro naramro sasto mahango aba ahile aile pachhi pahile euta duita wota wata bhanda bhannus bhana hola
    pani ma thap thapnu hatau banau ghatau bhau thiyo thiye thiena thiyena sakchha sakchhu saknuhunchha
    chhito dhilo bela choti pali pheri arko tesro duitai tyahi purano naya nayaa sanchai khata hisab udharo
    tirnu tireko tiridiye linchhu dinchhu garchhu garchhau jaanchha lagchha aauchha aaucha
    chiya pitho nun chamal ghiu tori besar khursani pasal
""")
_SHARED_ROMAN = words("""
    ko ho na bhai ji namaste namaskar dhanyabad thik kaha kahan ek saman samaan rate kilo paisa dam
    wala yahi kam kaam din sasta order hi
""") - _HINDI_ROMAN - _NEPALI_ROMAN
# Word endings: Nepali polite imperatives, -chha forms, past -yo/-yena, participles -eko; Hindi -iye, futures.
_NEPALI_ROMAN_ENDING = re.compile(r"(?:nus|nos|nuhos|chha|chhu|chhau|[nkgtpl]cha|[^c]yo|yena|aena|eko|eka|dai)$")
_HINDI_ROMAN_ENDING = re.compile(r"(?:iye|ega|egi|enge|unga|ungi|oge|aya)$")
_HINDI_DEVA = _folded("""
    है हैं का की के क्या कितना कितने कितनी मेरा मेरी मेरे मुझे हमें हमारा हमारी आप आपका आपके आपकी आपको चाहिए
    चाहिये भेजो भेजना भेज दो दीजिए दीजिये दिया दिए दे देना लेना लो करो कर करना कीजिए करेंगे नहीं हाँ हां और में
    से पर भी तक वाली वाले आया आई आए गया गई गए हुआ हुई हुए था थी थे कब कैसे कैसा क्यों अभी कल बताओ बताइए
    बोलो रुपये रहा रही रहे सकते सकता भैया ठीक अच्छा थोड़ा ज़्यादा ज्यादा जल्दी सिर्फ बस वो वह ये यह कौन उसमें
    इसमें लिए दुकान होगा होगी मिलेगा मिलेगी वापस सब सारा कुछ बाद पिछला पिछली जैसा बहुत यार समझ पता बात हूँ हूं
    तुम अपना आज सुबह शाम हफ्ते दोनों तीसरा दूसरा साथ फिर टूटा फटा फूटी डाल हटा जोड़ भाव शुक्रिया हिसाब उधार
    बचा बचे चल जाएगा आएगा लगेगी लगेगा बताओ पहुँचा खत्म कम
    आटा चावल नमक चाय चीनी हल्दी मिर्च घी सरसों
""")
_NEPALI_DEVA = _folded("""
    छ छैन छन् छु छौं छौँ होइन हैन र अनि लाई ले बाट सँग कति कस्तो कसरी कहिले किन गर्नुस् गर्नुहोस् गर्नु
    गरिदिनुस् पठाउनुस् पठाइदिनुस् पठाउनुहोस् पठाउनु दिनुस् दिनुहोस् दाइ दिदी हजुर चाहियो चाहिन्छ चाहिँदैन भयो
    भएन भइसक्यो मेरो मलाई हाम्रो तपाईं तपाई तपाईंको तपाईंलाई भोलि हिजो हुन्छ हुँदैन पर्दैन पर्छ आयो आएन खोइ नि
    त यो त्यो यहाँ त्यहाँ केही सबै धेरै अलि थोरै कुन कुनै पुग्यो गयो गर्यो दियो सकियो पाइन्छ मिल्छ राम्रो
    नराम्रो सस्तो महँगो अब अहिले पछि पहिले एउटा वटा भन्दा भन्नुस् होला पनि मा थप हटाउ बनाउ घटाउ भाउ
    थियो थिएँ थिएन सक्छ सक्नुहुन्छ छिटो ढिलो बेला पटक फेरि अर्को तेस्रो दुवै त्यही पुरानो नयाँ सन्चै उधारो
    न ल चिया पिठो नुन चामल घिउ तोरी बेसार खुर्सानी पसल चिनी
""")
_NEPALI_DEVA_ENDING = re.compile(
    r"(?:[^\s]{2,}(?:को|का|मा|ले|लाई|बाट|सँग|देखि|सम्म)|नुस्|नुहोस्|न्छ|न्छु|न्छौं|छु|छौँ|छौं|यो|एन|एको|एका|ँदै|्दै|एर|एँ)$")
_HINDI_DEVA_ENDING = re.compile("(?:िए|िये|ेगा|ेगी|ेंगे|ूँगा|ूंगा|ूँगी|ोगे|ाया|ाई|ता|ती|ते|ना)$")
_ENGLISH_MARKERS = words("""
    the is are please send need want how much what where when my order of and to for you do
    have with can i we price rate status cancel yes no thanks hello hi
""")
_DEVA_RE = re.compile(f"[{_DEVA}]")
_LATIN_RE = re.compile(r"[a-z]")
# A Roman message is taken as Hindi with confidence when Hindi cues lead Nepali ones by this many.
_CONFIDENT_LEAD = 2


@dataclass(frozen=True)
class LanguageGuess:
    language: str    # en, ne, ne-deva, hi or hi-deva
    confident: bool  # the cues leave little doubt (a short or mixed message is not confident)


def _cues(words: list[str], vocabulary: tuple[frozenset[str], frozenset[str]],
          endings: tuple[re.Pattern[str], re.Pattern[str]]) -> tuple[int, int]:
    """(Hindi, Nepali) cue counts: a listed word counts once; an unlisted word by its ending."""
    hindi = nepali = 0
    for word in words:
        in_hindi, in_nepali = word in vocabulary[0], word in vocabulary[1]
        if in_hindi or in_nepali:
            hindi += in_hindi
            nepali += in_nepali
        elif len(word) > 3 and word not in _SHARED_ROMAN:
            hindi += bool(endings[0].search(word))
            nepali += bool(endings[1].search(word))
    return hindi, nepali


def guess_language(text: str, prepared: str | None = None) -> LanguageGuess:
    """The language and script of a message, and whether the guess is safe to answer in
    (`prepared`: prepare(text), when the caller has it)."""
    prepared = prepare(text) if prepared is None else prepared
    tokens = _TOKEN_RE.findall(prepared)
    deva = len(_DEVA_RE.findall(prepared))
    if deva and deva >= len(_LATIN_RE.findall(prepared)) / 2:
        deva_words = [w for w in tokens if _DEVA_RE.match(w)]
        hindi, nepali = _cues(deva_words, (_HINDI_DEVA, _NEPALI_DEVA), (_HINDI_DEVA_ENDING, _NEPALI_DEVA_ENDING))
        language = "hi-deva" if hindi > nepali else "ne-deva"
        return LanguageGuess(language, abs(hindi - nepali) >= _CONFIDENT_LEAD)
    hindi, nepali = _cues(tokens, (_HINDI_ROMAN, _NEPALI_ROMAN), (_HINDI_ROMAN_ENDING, _NEPALI_ROMAN_ENDING))
    shared = sum(w in _SHARED_ROMAN for w in tokens)
    english = sum(w in _ENGLISH_MARKERS for w in tokens)
    if not (hindi or nepali or shared) or hindi + nepali + shared < english:
        return LanguageGuess("en", english > 0)
    if hindi > nepali:
        return LanguageGuess("hi", hindi - nepali >= _CONFIDENT_LEAD and hindi >= english)
    return LanguageGuess("ne", nepali - hindi >= _CONFIDENT_LEAD and nepali >= english)


def detect_language(text: str, prepared: str | None = None) -> str:
    """"en", "ne" (Roman Nepali), "ne-deva", "hi" (Roman Hindi) or "hi-deva"; Nepali when the cues tie."""
    return guess_language(text, prepared).language


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
