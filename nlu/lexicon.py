"""Word lists shared by the splitter, the matcher and the rules (all lower case, normalised)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def words(text: str) -> frozenset[str]:
    """The set of whitespace-separated words of text (word lists are written as text blocks), in
    NFKC as prepared messages are (so "बढ़ाओ" compares equal however its nukta was typed)."""
    return frozenset(unicodedata.normalize("NFKC", text).split())


def words_in_order(text: str) -> list[str]:
    return text.split()


# Words that join two items in one line.
SEPARATOR_WORDS = words("ra and aur ani tatha also र और अनि तथा एवं")

# When to deliver: "anda 1 crate bihana sabere", "atta 2 bora kal subah tak" (the day and the
# time of day said after an item are no part of its name).
TIME_WORDS = words("""
    aaja aja bholi parsi ahile aile abhi turuntai turunt turant chhito chito jaldi quickly urgent
    asap bihana bihanai sabere sabera saberai chadai diuso diusa beluka belukai sanjh saanjh raati
    rati subah subha dopahar shaam sham raat kal parso tak samma today tomorrow tonight now soon
    morning noon afternoon evening night
    आज भोलि पर्सि अहिले तुरुन्तै छिटो बिहान बिहानै सबेरै दिउँसो बेलुका बेलुकी साँझ राति सम्म
    अभी तुरंत जल्दी सुबह दोपहर शाम रात कल परसों तक
""")

# Words that carry no product information: requests, politeness, grammar, time.
STOPWORDS = words("""
    pathaunu pathaidinu pathaidinus pathaunus pathaunuhos pathaidinuhos pathaidiyo pathau pathai
    pathaideu pathaunuhola pathaunu pathaidinusna pathaidina dinu dinus dinuhos dinuhola dinuhosna
    please pls plz plzz send need needed want wanted order ordered i we me my our us mero malai
    hamilai hamro dai bhai didi sir ji hajur bhaiya bhaiyaa ko ka ki ke ma le lai ni na ta hai
    chahiyo chahiye chaiyo chaiye chahincha chaincha chainchha bhejo bhej bhejna bhejde bhejdo
    bhejiye dijiye dena kar karo do de diyo deu of the a an some also
    for to from with by in on wala wali vala vali matra only just total jamma chai chahi chaai
    lai hola hos garnu garnus garidinu garidinus gardinu gardinus ok okay thanks thank dhanyabad
    dhanyabaad namaste namaskar hello hi new naya aru ajha yo tyo
    h x mujhe hume humko bhi kripaya krpaya chaiyeko chahiyeko rakhnu rakhidinu loose single
    banau banaunu banaidinu banaideu banaunus thap thapa thapnu thapidinu thapdeu thapnus add make
    change badal badalnu karnu kardo badha badhao badhau ghatau ghatanu update
    बनाउ बनाउनु बनाइदिनु थप थपिदिनु थप्नु बदल्नु घटाउ
    र को का की के मा लाई ले पठाउनुहोस् पठाउनु पठाइदिनु पठाइदिनुहोस् चाहियो चाहिन्छ मुझे चाहिए
    भेजो दिनुहोस् है नि हजुर दाइ भाइ कृपया मलाई हामीलाई मेरो
""") | TIME_WORDS

# Words that tie a size to its quantity: "surf 1 kg ko 10 packet", "5 kg wala india gate".
CONNECTORS = words("ko ka ki ke wala wali vala vali waala को का की के वाला वाली")

# Words that cancel the amount or item just before them ("crate hoina", "sprite chai pardaina").
NEGATIONS = words("""
    hoina haina hoena nahi nahin nai not pardaina pardain chahidaina chaidaina chaindaina
    chahiyena chahiindaina chaidain nako mat होइन हैन होईन नाई नाइ पर्दैन चाहिँदैन चाहिदैन नहीं नही
""")

# Verbs that ask for goods to be sent: with an amount they make an order of a message that also asks
# something ("coke cha? 2 crate pathaidinu"). "dinu"/"dena" (give) are not here: "2 crate ko rate dinu".
ORDER_VERBS = words("""
    pathaunu pathaidinu pathaidinus pathaunus pathaunuhos pathaidinuhos pathaidiyo pathau pathaideu
    pathaidina pathaunuhola bhejo bhejdo bhejiye bhejna bhejdijiye bhej send deliver chahiyo chaiyo
    chahiye chaiye chahincha chahinchha order
    पठाउनुहोस् पठाउनु पठाइदिनु पठाइदिनुहोस् चाहियो चाहिन्छ चाहिए भेजो भेजिए भेजना भेज
""")

# Question words: what a price or a stock inquiry sounds like.
PRICE_WORDS = words("""
    rate rates price prices pricing bhau bhaau bhav dam daam kati kitne kitna kitni cost costs
    parcha parchha parxa pardcha much mol mulya मूल्य भाउ भाव कति दाम रेट पर्छ मोल कितने कितना
""")
STOCK_WORDS = words("""
    cha chha chaa xa available availability stock stok milega milcha milchha painchha paincha
    paaincha pauchha aayo aaya khatam sakiyo have chaina chhaina chhainw छ छैन मिल्छ
    पाइन्छ उपलब्ध स्टक आयो मिलेगा
""")
QUESTION_WORDS = words("kya k ke ki kun kasto kaha how what which do does is are क्या के कुन")

# Whole-message answers. FILLER words may accompany them ("ok dai", "no thanks").
AFFIRM_WORDS = words("""
    yes y yeah yep yup ya yah ok okay okk okey ho hajur huncha hunchha hunxa hun6 hunchh hus huss
    haan han haa ha ji thik theek thikai thikcha thikxa sahi correct confirm confirmed done
    sure right fine good perfect agreed accept pathaunus pathau send हो हुन्छ हजुर हाँ हां ठिक ठीक
    सहि सही ओके गर्नुस्
""")
DENY_WORDS = words("""
    no nope nah na hoina haina hoena pardaina nahi nahin nai chahidaina chaidaina galat wrong
    dont don't not never नाई होइन हैन पर्दैन नहीं गलत चाहिँदैन
""")
FILLER_WORDS = words("""
    dai bhai didi sir ji hajur please pls plz thanks thank you dhanyabad cha chha hai is it that
    ho ok garnus gara garnu hola ni na la है छ दाइ हो
""")


_SUFFIXES = ("ko", "को", "का", "की")


@lru_cache(maxsize=100_000)
def strip_suffix(word: str) -> str:
    """Drop a possessive joined to a noun: "chiniko" -> "chini", "तोरीको" -> "तोरी"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 3:
            return word[: -len(suffix)]
    return word

# Edit verbs: what a message does to a line already in the draft, wherever the verb stands
# ("thap 2 crate coke", "2 crate coke thap", "1 kg musuro dal thapnu").
ADD_VERBS = words("""
    add adding thap thapa thapnu thapidinu thapideu thapdeu thapnus thapdinu thapau badhau badhaunu
    badhaidinu badhaideu badha badhao badhaiye badhado aru extra
    थप थप्नु थपिदिनु थपिदिनुहोस् बढाउ बढाउनु बढाओ बढ़ाओ बढाइदिनु अरु
""")
REDUCE_VERBS = words("""
    ghatau ghataunu ghataidinu ghataideu ghata ghatao ghataiye minus kam kami
    घटाउ घटाउनु घटाइदिनु घटाओ कम
""")
REMOVE_VERBS = words("""
    remove delete hatau hataunu hatai hataidinu hataideu hata hatanu hatao hatado hataiye nikal nikala
    nikalnu nikalo nikaldo chahidaina chaidaina chaindaina chahiyena pardaina hatana
    हटाउ हटाउनु हटाइदिनु हटाओ हटा निकाल निकालो चाहिँदैन चाहिदैन पर्दैन
""")
SET_VERBS = words("""
    banau banaunu banaidinu banaideu banaunus banao banado banaiye make change badal badalnu
    update
    बनाउ बनाउनु बनाइदिनु बनाओ बदल्नु
""")
# Two words that together refuse a line: "coke nahi chahiye", "sprite mat bhejo".
REMOVE_PAIRS = frozenset({
    (no, want) for no in ("nahi", "nahin", "nai", "mat", "नहीं", "नही", "मत")
    for want in ("chahiye", "chaiye", "chahie", "chaiya", "bhejo", "bhejna", "dena", "चाहिए", "भेजो", "देना")})
# Words that say "also" after a product ("wai wai pani 2 carton" = wai wai too, 2 cartons);
# before any product word "pani" is the product itself (water).
ALSO_WORDS = words("pani bhi पनि भी")
# Words that add only when they open or close the message or follow an amount: Hindi "aur" is both "and"
# and "more", "plus" is also part of names ("clinic plus").
MORE_OR_AND = words("aur और plus")

# Filler words in chat that a catalogue's names may also say ("Total Repair", "Extra Strong",
# "New Formula", "Malai Kulfi", "Good Night"): product words where the catalogue's names have them.
NAME_FILLERS = words("total extra new malai") | TIME_WORDS

# Words of a question, a request or an edit that never name a product.
NOT_PRODUCT = (STOPWORDS | PRICE_WORDS | STOCK_WORDS | QUESTION_WORDS | NEGATIONS | FILLER_WORDS
               | ADD_VERBS | REDUCE_VERBS | REMOVE_VERBS | SET_VERBS | (MORE_OR_AND - {"plus"}))
