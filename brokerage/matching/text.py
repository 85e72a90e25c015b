"""Words for offer fit: normalised, stemmed, de-duplicated, without words that say nothing.

Matching compares `fit_words`: the stems of a text's meaningful words (volunteer,
volunteers and volunteering are one word), plus one token per synonym group the text
mentions ("literacy support" and "reading helpers" are the same help in other words).
Function words and the app's own words ("demo", "listing", "offer") never count as fit;
general words ("support", "older people", "every week") count for little.
`words` is the directory search's simpler reading: unstemmed, as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import OSA

# Short function words would make every text look alike; they carry no fit.
STOPWORDS = frozenset(
    "about all also and any are but can for from has have into its not our out per that the "
    "their them they this those through was were what when where which who will with would "
    "you your".split()
)
# More words that say nothing about what is offered or needed, for matching's fit.
FIT_STOPWORDS = (
    STOPWORDS
    | frozenset(
        "above after again among around because been before being both cannot could did does "
        "doing done during each either every few had having her here hers him his how just like "
        "may might more most much must nor off once only onto other ours over own same she should "
        "some such than then there these too under until upon very via while whom whose why "
        "within without yet yours".split()
    )
    | frozenset(
        # A number says how many, not what: "two of our team", "hear children read" asked by
        # "two primaries" is no shared help.
        "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
        "fifty hundred hundreds thousand thousands dozen dozens couple".split()
    )
)
# Every listing on the site is an offer, a need or an opportunity, and demo ones say they
# are fictional examples: these words are the app's, not what is offered or needed.
APP_WORDS = frozenset(
    "demo example fictional listed listing listings need needed needing needs offer offered "
    "offering offers opportunity opportunities placeholder sample want wanted wants "
    "written".split()
)
MIN_WORD_LENGTH = 3
# Words shorter than that which name a kind of help when written in capitals ("IT support",
# "an HR seminar"); in lower case "it" is a pronoun, and stays out.
SHORT_DOMAIN_WORDS = frozenset("AI HR IT PR".split())
_SHORT_DOMAIN_WORD = re.compile(rf"\b(?:{'|'.join(sorted(SHORT_DOMAIN_WORDS))})\b")
# Words that say little about which help is asked for or given: nearly every listing
# supports or helps some local people or community, with volunteers, as a service ("support"
# put bookkeeping first for an English language need); who is helped ("older people",
# "young people", "families": every kind of help is for someone); how often or how long
# ("every week", "a day a year"); how it is organised ("groups", "sessions"); and who gives
# it ("our staff", "two of our team": every offer is given by someone). Matched by stem, so
# their families too. Shared, they count for little (GENERAL_WORD_WEIGHT), so the words that
# say the help decide, and the reasons say so.
GENERAL_WORDS = {
    "words that say little about the help": (
        "community help local people person service support volunteer"
    ),
    "words for who is helped": "adult child children elderly family older resident young",
    "words for how often": "day week weekly year",
    "words for how help is organised": "activity group session",
    "words for who gives the help": "colleague employee staff team",
}
# Below this many letters a word is compared exactly: short words one letter apart are
# other words (read, ready), not typos.
MIN_FUZZY_LENGTH = 5
# A typo adds or drops a letter or two; words further apart in length are other words
# (county, community), however many letters they share.
MAX_TYPO_LENGTH_CHANGE = 2
# A typo in a word of up to this many letters changes one letter ("cleen" for clean,
# "menter" for mentor); two changes there make another word (plant, paint), however alike
# the two look by their share of letters.
SHORT_TYPO_LENGTH = 6
SYNONYM_MARK = "="

# The same help in other words (relevance.md): each group's name, and its phrases.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "reading help": ("reading helpers", "literacy support", "hearing children read"),
    "computers": ("laptops", "computers", "devices", "tablets", "IT"),
    "work experience": ("work experience", "job shadowing"),
    "English lessons": ("ESOL", "English language"),
    "decorating": ("decorating", "fresh paint"),
    "jobs for people leaving prison": ("ban the box", "leaving prison"),
}


# A title that marks its listing as no longer open: "CLOSED - reading volunteers",
# "Laptop giveaway (expired offer)", "ARCHIVED: mentoring". The word must stand as a label
# (leading or trailing, or in brackets), so "Closed-loop recycling" is not one.
_CLOSED = r"(?:closed|expired|archived|withdrawn|cancell?ed)"
_CLOSED_TITLE = re.compile(
    rf"^\W*{_CLOSED}\s*(?::|\s[-\u2013\u2014|])"  # leading label
    rf"|(?::|\s[-\u2013\u2014|])\s*{_CLOSED}\W*$"  # trailing label
    rf"|[(\[][^)\]]*\b{_CLOSED}\b[^)\]]*[)\]]",  # in brackets
    re.IGNORECASE,
)


def title_says_closed(title: str) -> bool:
    """Whether a title marks its listing as closed, expired or archived (relevance.md: such
    listings are not matches, whatever their dates say)."""
    return bool(_CLOSED_TITLE.search(title or ""))


# A listing that says its help comes online, by phone or by post (relevance.md: "delivered
# remotely or by post"): "Online English conversation practice", "laptops, sent by post",
# "advice by phone or in person".
_REMOTE = re.compile(
    r"\bonline\b|\bremotely\b|\bby (?:post|phone|video)\b|\bvideo calls?\b|\bposted\b",
    re.IGNORECASE,
)


def says_delivered_remotely(text: str) -> bool:
    """Whether a listing says its help can be delivered online, by phone or by post."""
    return bool(_REMOTE.search(text or ""))


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of at least three letters, stopwords removed, first occurrence kept
    (the directory's search words: unstemmed, so its reasons quote them as typed)."""
    processed = utils.default_process(text or "")
    return tuple(
        dict.fromkeys(
            word
            for word in processed.split()
            if len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS
        )
    )


def _undouble(word: str) -> str:
    """shopp -> shop, plann -> plan (a doubled consonant left by -ing or -ed)."""
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: one family of words, one stem.

    volunteer(s, ing) -> volunteer; mentor(s, ing, ship) -> mentor; apprentice(s, ship)
    -> apprentic; families -> family. Misspellings pass through mostly unchanged, and typo
    tolerance compares the stems.
    """
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("ng") and word[-3] not in "aeiouy":
        word = word[:-2] + "ing"  # an -ing with its i dropped: readng, cookng
    for suffix in ("ship", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = _undouble(word[: -len(suffix)])
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _meaningful(text: str) -> list[str]:
    """The words that can say what is offered or needed, in order, repeats kept: not
    function words or the app's own, and long enough or a short domain word in capitals."""
    processed = utils.default_process(text or "")
    short = {word.lower() for word in _SHORT_DOMAIN_WORD.findall(text or "")}
    return [
        word
        for word in processed.split()
        if (len(word) >= MIN_WORD_LENGTH or word in short)
        and word not in FIT_STOPWORDS
        and word not in APP_WORDS
    ]


def _stems(text: str) -> list[str]:
    return [stem(word) for word in _meaningful(text)]


# How much a general word counts, against 1 for any other word (TITLE_WORD_WEIGHT aside).
GENERAL_WORD_WEIGHT = 0.1
# Each general word's stem, with why it counts for little, as the reasons say it.
_GENERAL_STEMS = {
    stem(word): why for why, listed in GENERAL_WORDS.items() for word in listed.split()
}


# How alike a misspelt word must be to a general word to stand for it ("volunters" for
# volunteers), as matching's default word similarity.
GENERAL_TYPO_SIMILARITY = 80


@lru_cache(maxsize=200_000)
def _general_stem(word: str) -> str | None:
    """The general word's stem that a fit word is, or that it misspells, or None."""
    if word in _GENERAL_STEMS:
        return word
    for general in _GENERAL_STEMS:
        if may_be_typo(word, general) and fuzz.ratio(word, general) >= GENERAL_TYPO_SIMILARITY:
            return general
    return None


def general_word_weight(word: str) -> float:
    """How much a fit word counts for what it says about the help: GENERAL_WORD_WEIGHT
    for a general word or a misspelt one ("volunters"), 1 for any other."""
    return 1.0 if _general_stem(word) is None else GENERAL_WORD_WEIGHT


def why_general(word: str) -> str | None:
    """Why a fit word counts for little (GENERAL_WORDS), or None if it counts in full."""
    general = _general_stem(word)
    return None if general is None else _GENERAL_STEMS[general]


@lru_cache(maxsize=64)
def place_stems(names: frozenset[str]) -> frozenset[str]:
    """The fit words of place names ("Bicester", "Blackbird Leys"): shared, they say where
    the help is, not what it is."""
    return frozenset(word for name in names for word in _stems(name))


def is_place(word: str, places: frozenset[str]) -> bool:
    """Whether a fit word is one of the place names' (`places`, as names)."""
    return word in place_stems(places)


# Each synonym phrase as stems, by its first stem, with its group's token.
_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _name, _phrases in SYNONYMS.items():
    for _phrase in _phrases:
        _stemmed = tuple(_stems(_phrase))
        _PHRASES.setdefault(_stemmed[0], []).append((_stemmed, SYNONYM_MARK + _name))
_PHRASE_STEMS = frozenset(word for group in _PHRASES.values() for p, _ in group for word in p)
# How alike a misspelt word must be to a synonym phrase's word to stand for it
# ("compters" for computers); stricter than one letter changed in five (plant, paint).
SYNONYM_TYPO_SIMILARITY = 85
# Each long phrase word by its length, so a word is compared only with those a typo could
# have made of it.
_LONG_PHRASE_STEMS: dict[int, list[str]] = {}
for _word in sorted(_PHRASE_STEMS):
    if len(_word) >= MIN_FUZZY_LENGTH:
        _LONG_PHRASE_STEMS.setdefault(len(_word), []).append(_word)
_STANDS_FOR: dict[str, str] = {}  # a cache: building a pool reads every word of every text
_STANDS_FOR_LIMIT = 200_000


def _closest_phrase_stem(word: str) -> str:
    if word in _PHRASE_STEMS or compared_exactly(word):
        return word
    near = [
        other
        for length in range(
            len(word) - MAX_TYPO_LENGTH_CHANGE, len(word) + MAX_TYPO_LENGTH_CHANGE + 1
        )
        for other in _LONG_PHRASE_STEMS.get(length, ())
    ]
    found = process.extractOne(word, near, scorer=fuzz.ratio, score_cutoff=SYNONYM_TYPO_SIMILARITY)
    return found[0] if found else word


def _as_phrase_stem(word: str) -> str:
    """The synonym phrases' stem a (possibly misspelt) stem stands for, or itself."""
    found = _STANDS_FOR.get(word)
    if found is None:
        if len(_STANDS_FOR) >= _STANDS_FOR_LIMIT:
            _STANDS_FOR.clear()
        found = _STANDS_FOR[word] = _closest_phrase_stem(word)
    return found


def synonym_tokens(stems: list[str]) -> list[str]:
    """A token for each synonym group one of whose phrases the stems hold (a misspelt
    word standing for its phrase's word), in the order the table lists the groups."""
    known = _STANDS_FOR.get  # most words are known: no Python call for them
    stems = [known(word) or _as_phrase_stem(word) for word in stems]
    found = set()
    for i, first in enumerate(stems):
        for phrase, token in _PHRASES.get(first, ()):
            if tuple(stems[i : i + len(phrase)]) == phrase:
                found.add(token)
    order = [SYNONYM_MARK + name for name in SYNONYMS]
    return sorted(found, key=order.index)


# Each group's phrases as stems, by the group's token.
_GROUP_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _group in _PHRASES.values():
    for _stemmed, _token in _group:
        _GROUP_PHRASES.setdefault(_token, []).append(_stemmed)


def synonym_cover(words: Sequence[str]) -> dict[str, frozenset[str]]:
    """For each synonym token among fit `words`, the words that spell one of its phrases
    in full ("computers" for the computers group): a candidate that names the same help
    in other words ("laptops") has found them too."""
    tokens = [word for word in words if is_synonym_token(word)]
    if not tokens:  # most texts name no synonym group: nothing to read
        return {}
    standing_for: dict[str, list[str]] = {}
    for word in words:
        if not is_synonym_token(word):
            standing_for.setdefault(_as_phrase_stem(word), []).append(word)
    cover: dict[str, frozenset[str]] = {}
    for token in tokens:
        spelt = [
            word
            for phrase in _GROUP_PHRASES.get(token, ())
            if all(stem in standing_for for stem in phrase)
            for stem in phrase
            for word in standing_for[stem]
        ]
        if spelt:
            cover[token] = frozenset(spelt)
    return cover


def spells_a_phrase_of(token: str, words: Iterable[str]) -> bool:
    """Whether fit `words` hold one of the synonym group's phrases in full ("reading
    helpers" for reading help), a misspelt word standing for its phrase's word."""
    standing = {_as_phrase_stem(word) for word in words}
    return any(set(phrase) <= standing for phrase in _GROUP_PHRASES.get(token, ()))


def is_synonym_token(word: str) -> bool:
    return word.startswith(SYNONYM_MARK)


def compared_exactly(word: str) -> bool:
    """Synonym tokens and short words match only themselves, never a similar word."""
    return len(word) < MIN_FUZZY_LENGTH or is_synonym_token(word)


def may_be_typo(word: str, other: str) -> bool:
    """Whether two different words may be one misspelt: both long, of similar length, and
    a short one only one letter added, dropped, changed or swapped."""
    if compared_exactly(word) or compared_exactly(other):
        return False
    if abs(len(word) - len(other)) > MAX_TYPO_LENGTH_CHANGE:
        return False
    if min(len(word), len(other)) <= SHORT_TYPO_LENGTH:
        return OSA.distance(word, other, score_cutoff=1) <= 1
    return True


# A listing's title says what it asks for in a few words; its description adds context
# (places, who it is for). A title's words count this many times a description's.
TITLE_WORD_WEIGHT = 2.0


def title_fit_words(text: str) -> frozenset[str]:
    """The fit words of a text's first line: its title (the matching inputs write a
    listing's text as its title, a new line, then its description)."""
    return frozenset(fit_words(text.split("\n", 1)[0]))


@lru_cache(maxsize=4096)
def fit_words(text: str) -> tuple[str, ...]:
    """What matching compares: the stems of the meaningful words, then synonym tokens;
    first occurrence kept."""
    stems = _stems(text)
    return tuple(dict.fromkeys([*stems, *synonym_tokens(stems)]))


@lru_cache(maxsize=4096)
def fit_words_as_written(text: str) -> Mapping[str, str]:
    """Each of `fit_words(text)` as a person reads it: a stem's first word as written, a
    synonym token its group's name. Read only: kept for the next reason that quotes the
    same text (a query's words are quoted for each of its matches)."""
    written: dict[str, str] = {}
    for word in _meaningful(text):
        short = len(word) < MIN_WORD_LENGTH  # a short domain word, written in capitals
        written.setdefault(stem(word), word.upper() if short else word)
    # fit_words' synonym tokens (its own cache holds them: a pair's reasons read both).
    for token in fit_words(text):
        if is_synonym_token(token):
            written[token] = token.removeprefix(SYNONYM_MARK)
    return MappingProxyType(written)
