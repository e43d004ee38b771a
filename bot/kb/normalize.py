"""Query and passage normalisation for the knowledge base.

Everything is indexed and searched in the *folded* form (no diacritics, ``đ`` → ``d``):
users on cheap phones often type without a Vietnamese keyboard, and folding both sides
makes "hoa giai" and "hòa giải" the same term. Abbreviations are expanded after folding,
so "nđ 15" and "nd 15" both become "nghi dinh 15".

Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.domain.vntext import canonical, clean_input, fold, squeeze

_WORD = re.compile(r"[a-z0-9]+")
# A letter prefix glued to a number: "d12", "dieu12", "nd15", "k2" (khoản), "tt56".
_GLUED = re.compile(r"^(dieu|d|nd|tt|ttlt|qd|kh|khoan|k|luat)(\d+)$")

# Folded abbreviation → folded expansion. Chosen from how mediators write in chats
# and in reports; ambiguous short forms ("dk": được or điều kiện) are left alone.
ABBREVIATIONS: dict[str, str] = {
    "hgv": "hoa giai vien",
    "hgvien": "hoa giai vien",
    "hgcs": "hoa giai o co so",
    "hgocs": "hoa giai o co so",
    "thg": "to hoa giai",
    "tthg": "to truong to hoa giai",
    "hg": "hoa giai",
    "ubnd": "uy ban nhan dan",
    "ub": "uy ban",
    "hdnd": "hoi dong nhan dan",
    "mttq": "mat tran to quoc",
    "mt": "mat tran",
    "ubmttq": "uy ban mat tran to quoc",
    "bttmt": "ban cong tac mat tran",
    "tand": "toa an nhan dan",
    "vks": "vien kiem sat",
    "vksnd": "vien kiem sat",
    "blttds": "bo luat to tung dan su",
    "bltths": "bo luat to tung hinh su",
    "blds": "bo luat dan su",
    "blhs": "bo luat hinh su",
    "nd": "nghi dinh",
    "ndcp": "nghi dinh",
    "ttlt": "thong tu lien tich",
    "nqlt": "nghi quyet lien tich",
    "nq": "nghi quyet",
    "qd": "quyet dinh",
    "kh": "ke hoach",
    "btp": "bo tu phap",
    "btc": "bo tai chinh",
    "ttg": "thu tuong",
    "ct": "chu tich",
    "cb": "can bo",
    "cc": "cong chuc",
    "tp": "tu phap",
    "tpht": "tu phap ho tich",
    "pbgdpl": "pho bien giao duc phap luat",
    "pl": "phap luat",
    "hngd": "hon nhan gia dinh",
    "gd": "gia dinh",
    "qsdd": "quyen su dung dat",
    "kp": "kinh phi",
    "ko": "khong",
    "k": "khong",
    "kh0ng": "khong",
    "kg": "khong",
    "hok": "khong",
    "dc": "duoc",
    "dduoc": "duoc",
    "j": "gi",
    "ji": "gi",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "bnhieu": "bao nhieu",
    "bh": "bao gio",
    "vs": "voi",
    "ng": "nguoi",
    "nguoj": "nguoi",
    "mn": "moi nguoi",
    "mk": "minh",
    "r": "roi",
    "ns": "noi",
    "lm": "lam",
    "nt": "nhu the",
    "trc": "truoc",
    "dkien": "dieu kien",
    "vd": "vi du",
    "sl": "so luong",
    "tg": "thoi gian",
    "vv": "vu viec",
}

# Question scaffolding that carries no topic: left out of the unigram query terms
# (bigrams keep them, so "không thành" still matches "hòa giải không thành").
_STOPWORD_TEXT = """
a ah ai alo anh ban be bi cac cai cam can chu co con cua cung da dang day de den di do duoc
em gi gium giup ha hay ho hoac khi khong la lai lam len ma minh mot muon nao nay ne neu nha
nhe nhi nhieu nhu nhung nua o oi on phai roi sao se tai the thi toi tren trong u va vang vao
vay vi voi xin xem biet it nghia
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())


# Phrases that frame a question without saying what it is about. Politeness ("cho em
# hỏi", "xin chào") is noise everywhere; framing ("pháp luật quy định thế nào") is noise
# for the terms only — FAQ question variants are framed the same way, so the fuzzy match
# keeps it. In a KB made of rules "quy định" and "pháp luật" match almost every article:
# a framed question ("tiêu chuẩn hòa giải viên được pháp luật quy định thế nào") was won by
# whichever article repeats them most. Quiz stems ("nội dung nào sau đây là …") frame too.
_POLITENESS_TEXT = """
cho em xin hoi | cho em hoi | cho toi hoi | cho chau hoi | cho minh hoi | cho hoi | xin hoi |
em muon hoi | toi muon hoi | chau muon hoi | xin chao | chao anh | chao chi | chao ban |
chao tro ly | cam on
"""
_FRAMING_TEXT = """
theo quy dinh cua phap luat | theo quy dinh phap luat | phap luat quy dinh | luat quy dinh |
duoc quy dinh | quy dinh nhu the nao | quy dinh the nao | quy dinh ra sao | theo quy dinh |
nhu the nao | ra sao | noi dung nao sau day | y nao sau day | phuong an nao sau day |
dap an nao sau day | nao sau day
"""


def _phrase_table(text: str) -> dict[str, list[tuple[str, ...]]]:
    """First token → phrases starting with it, longest first."""
    phrases = sorted(
        (tuple(p.split()) for p in text.replace("\n", " ").split("|") if p.strip()), key=len, reverse=True
    )
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        table.setdefault(phrase[0], []).append(phrase)
    return table


_POLITENESS = _phrase_table(_POLITENESS_TEXT)
_SCAFFOLDING = _phrase_table(_POLITENESS_TEXT + "|" + _FRAMING_TEXT)


def strip_scaffolding(tokens: list[str], framing: bool = True) -> list[str]:
    """``tokens`` without politeness phrases and, when ``framing``, question-framing ones.

    Returns ``tokens`` unchanged when nothing else would be left, so "quy định" asked alone
    is still a question.
    """
    table = _SCAFFOLDING if framing else _POLITENESS
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in table.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out if content_terms(out) else tokens


def display(text: str) -> str:
    """What we compare with diacritics: NFC, lower case, canonical tone placement, squeezed."""
    return squeeze(canonical(clean_input(text)))


def folded(text: str) -> str:
    """The search form of a text: folded (no diacritics) and squeezed."""
    # Word by word through a cache: folding is per character in Python, and a corpus
    # repeats the same few thousand syllables (index build of 10,000 passages: 20 s → 2 s).
    return " ".join(map(_fold_word, words(text)))


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    return fold(word)


def words(text: str) -> list[str]:
    """The whitespace-separated words of ``text`` as typed (NFC, control characters dropped)."""
    return clean_input(text).split()


def tokenize(text: str) -> list[str]:
    """Folded syllables and numbers of ``text`` (punctuation dropped)."""
    return word_tokens(words(text))


def word_tokens(text_words: list[str]) -> list[str]:
    """:func:`tokenize` for text already split by :func:`words`."""
    return list(itertools.chain.from_iterable(map(_word_tokens, text_words)))


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    # Cached like folding, and for the same reason.
    return tuple(_WORD.findall(fold(word)))


def expand(tokens: list[str]) -> list[str]:
    """Split glued prefixes ("d12" → "dieu 12") and expand abbreviations.

    A lone "d" is read as "điều" (and "k" as "khoản") only when a number follows, so
    "d 12" and "đ.12" become article references while other uses of the letter stay
    untouched.
    """
    # Only the lone letters depend on their neighbour; every other token expands the same
    # way wherever it stands, so its expansion is cached (index build: millions of tokens,
    # a few thousand distinct ones).
    if _CONTEXTUAL.keys().isdisjoint(tokens):
        return list(itertools.chain.from_iterable(map(_expand_token, tokens)))
    out: list[str] = []
    for i, tok in enumerate(tokens):
        readings = _CONTEXTUAL.get(tok)
        if readings is None:
            out.extend(_expand_token(tok))
        else:
            # A glued next token ("d12") starts with letters, so only a bare number counts.
            before_number = i + 1 < len(tokens) and tokens[i + 1].isdigit()
            out.extend(readings[before_number])
    return out


# Tokens read by what follows: (reading otherwise, reading before a number).
# "tt 56" is a circular (thông tư); without a number mediators mean tổ trưởng.
_CONTEXTUAL: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "d": (("d",), ("dieu",)),
    "k": (tuple(ABBREVIATIONS["k"].split()), ("khoan",)),
    "tt": (("to", "truong"), ("thong", "tu")),
}


@functools.lru_cache(maxsize=1 << 16)
def _expand_token(tok: str) -> tuple[str, ...]:
    """Expansion of a token that does not depend on its neighbours."""
    # Cheap test first: only letters followed by digits can be a glued prefix.
    glued = _GLUED.match(tok) if tok[-1].isdigit() and not tok[0].isdigit() else None
    if glued:
        prefix, number = glued.groups()
        # The number after the prefix is what makes "d", "k", "tt" article/circular words.
        head = _CONTEXTUAL[prefix][1] if prefix in _CONTEXTUAL else _expand_token(prefix)
        return (*head, number)
    if tok in ABBREVIATIONS:
        return tuple(ABBREVIATIONS[tok].split())
    return (tok,)


def terms(text: str) -> list[str]:
    """Tokenize and expand: the folded term sequence for a query or passage text."""
    return expand(tokenize(text))


# How citizens and mediators say things the law words otherwise: folded phrase (after
# abbreviation expansion) → the KB's wording. Replaced, not added, so the gate's coverage
# counts the KB's words. Only phrases whose reading does not depend on the story: "không
# chịu" alone also means refusing to carry out an agreement, so only "không chịu ra/đến/hòa
# giải" become "không đồng ý hòa giải" (Điều 17: the parties agree to or refuse mediation);
# "trả tiền" is as often a debt as a fee, so only "tiền công", "tiền bồi dưỡng" are the fee.
_PARAPHRASE_TEXT = """
nguoi lam cong tac hoa giai = hoa giai vien | nguoi hoa giai = hoa giai vien |
to vien to hoa giai = hoa giai vien | thanh vien to hoa giai = hoa giai vien |
ban hoa giai = to hoa giai |
tien cong = thu lao | tien boi duong = thu lao |
khong chiu ra = khong dong y hoa giai | khong chiu den = khong dong y hoa giai |
khong chiu hoa giai = khong dong y hoa giai | khong den hoa giai = khong dong y hoa giai |
khong ra hoa giai = khong dong y hoa giai | khong muon hoa giai = khong dong y hoa giai |
lang gieng = hang xom | ly di = ly hon |
truong ap = truong thon | truong xom = truong thon | truong lang = truong thon |
truong khu pho = truong thon | truong buon = truong thon |
bien ban hoa giai = van ban hoa giai |
can bo tu phap = cong chuc tu phap
"""


def _paraphrase_table(text: str) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """First token → (phrase, replacement) pairs starting with it, longest phrase first."""
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for entry in text.replace("\n", " ").split("|"):
        if entry.strip():
            said, meant = entry.split("=")
            pairs.append((tuple(said.split()), tuple(meant.split())))
    table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for pair in sorted(pairs, key=lambda pair: len(pair[0]), reverse=True):
        table.setdefault(pair[0][0], []).append(pair)
    return table


_PARAPHRASES = _paraphrase_table(_PARAPHRASE_TEXT)


def paraphrase(tokens: list[str]) -> list[str]:
    """``tokens`` with everyday phrases replaced by the KB's wording (_PARAPHRASE_TEXT)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for said, meant in _PARAPHRASES.get(tokens[i], ()):
            if tuple(tokens[i : i + len(said)]) == said:
                out.extend(meant)
                i += len(said)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# A word ending with one of these ends a sentence: the next word's capital is not a name's.
_SENTENCE_END = ".?!:;…"
# Opening quotes and dashes: a capital right after one starts a quotation or an item.
_OPENERS = "\"'“‘«-–—*•"
# Words that put a person's name after them ("chị Hoa", "ông A.", "bác Nam"), as written:
# folded, most of them are common words ("có", "đi", "ba", "câu").
_HONORIFICS = frozenset(
    ["anh", "chị", "em", "ông", "bà", "bác", "cô", "chú", "dì", "cậu", "mợ", "thím", "cụ", "cháu"]
)


def proper_name_positions(
    text: str, known_pair: Callable[[str, str], bool], tokens: list[str] | None = None
) -> set[int]:
    """Positions in ``terms(text)`` of the people's and places' names a story mentions.

    A citizen telling their case names people and places ("chị My ở thôn Phúc Long 1, xã
    Thành Long"); folded, those syllables are ordinary words of the KB ("long", "my", and
    "Hoa" is "hòa"), so they pull the ranking towards unrelated passages and, unknown as a
    phrase, weigh as the rarest words in the gate's coverage. A name is a run of capitalised
    words inside a sentence whose folded syllables do not form a pair the KB knows: legal
    nouns written with capitals keep their pairs ("Tòa án", "Ủy ban", "Luật Hòa giải",
    "Mặt trận Tổ quốc Việt Nam"), and a capitalised word before a number is an article or
    a document ("Điều 4", "Nghị định 15"); after "chị", "ông", "bác"… it is a name. Text
    written mostly in capitals (a headline) or in title case has no names this way.
    ``tokens`` is ``terms(text)`` when the caller has it already.
    """
    rest = text.lstrip()[1:]
    if rest == rest.lower():
        return set()  # most questions: no capital after the first letter (a C-level test)
    text_words = words(text)
    caps = [_capitalised(w) for w in text_words]
    letters = [w for w in text_words if any(ch.isalpha() for ch in w)]
    if not letters or 2 * max(sum(caps), sum(w.isupper() for w in letters)) > len(letters):
        return set()
    spans: list[range] = []
    for w in text_words:
        start = spans[-1].stop if spans else 0
        spans.append(range(start, start + _term_count(w)))
    if tokens is None:
        tokens = terms(text)
    names: set[int] = set()
    i = 0
    while i < len(text_words):
        if not caps[i] or not spans[i] or i == 0 or text_words[i - 1][-1] in _SENTENCE_END:
            i += 1
            continue
        j = i
        while j + 1 < len(text_words) and caps[j + 1] and _joins(text_words[j], text_words[j + 1]):
            j += 1
        run = [tokens[p] for k in range(i, j + 1) for p in spans[k]]
        after = tokens[spans[j].stop] if spans[j].stop < len(tokens) else ""
        if text_words[i][0] in _OPENERS:
            legal = True
        elif display(text_words[i - 1]).strip(_SENTENCE_END + ",()") in _HONORIFICS:
            legal = False
        elif len(run) > 1:
            legal = all(known_pair(a, b) for a, b in itertools.pairwise(run))
        else:
            legal = after.isdigit() or known_pair(run[0], after)
        if not legal:
            names.update(p for k in range(i, j + 1) for p in spans[k])
        i = j + 1
    return names


@functools.lru_cache(maxsize=1 << 14)
def _term_count(word: str) -> int:
    """How many terms a word becomes (the same in any context: see _CONTEXTUAL)."""
    return len(expand(list(_word_tokens(word))))


def _joins(word: str, following: str) -> bool:
    """Whether a capitalised ``following`` word continues the name ending with ``word``."""
    return word[-1] not in _SENTENCE_END + "," and following[0] not in _OPENERS


def _capitalised(word: str) -> bool:
    """Whether a word as typed starts with a capital and is not an acronym ("UBND")."""
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and letters[0].isupper() and not (len(letters) > 1 and word.isupper())


_SENTENCE = re.compile(r"[^.?!;…\n]+[.?!;…]*")


def asking_part(text: str) -> str | None:
    """The sentences of a message that ask: those ending with "?", else the last one.

    None for a message of one sentence, which is all question.
    """
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    sentences = [x for x in sentences if any(ch.isalnum() for ch in x)]
    if len(sentences) < 2:
        return None
    asked = [x for x in sentences if x.endswith("?")]
    return " ".join(asked) if asked else sentences[-1]


def bigrams(tokens: list[str]) -> list[str]:
    """Adjacent pairs joined with ``_`` ("hoa_giai"); they disambiguate folded syllables."""
    return [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]


def content_terms(tokens: list[str]) -> list[str]:
    """Tokens that carry topic: stopwords removed."""
    return [t for t in tokens if t not in STOPWORDS]


# Telex: tone keys (s f r x j) and vowel-shape keys (aa aw ee oo ow uw dd w) typed as letters
# when the phone's Vietnamese input is off: "hoaf giair" meant "hòa giải".
_TELEX_SHAPES = (("dd", "d"), ("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"))
_VOWELS = frozenset("aeiouy")


def telex_fold(token: str) -> str:
    """Folded reading of a Telex-typed syllable ("giair" → "giai", "dduwowngf" → "duong")."""
    out = token
    for pair, single in _TELEX_SHAPES:
        out = out.replace(pair, single)
    out = out.replace("w", "u")
    first_vowel = next((i for i, ch in enumerate(out) if ch in _VOWELS), None)
    if first_vowel is None:
        return out
    head, tail = out[: first_vowel + 1], out[first_vowel + 1 :]
    return head + "".join(ch for ch in tail if ch not in "sfrxj")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article named in a question: number and, when given, the clause (khoản)."""

    number: int
    clause: int | None = None


def find_article_refs(tokens: list[str]) -> list[ArticleRef]:
    """Article references in expanded tokens: "dieu 12", "khoan 2 dieu 9", "dieu 3 khoan 1"."""
    refs: list[ArticleRef] = []
    for i, tok in enumerate(tokens):
        if tok != "dieu" or i + 1 >= len(tokens):
            continue
        j = i + 1
        if tokens[j] == "so" and j + 1 < len(tokens):
            j += 1
        if not tokens[j].isdigit() or len(tokens[j]) > 3:
            continue
        clause: int | None = None
        if i >= 2 and tokens[i - 2] == "khoan" and tokens[i - 1].isdigit():
            clause = int(tokens[i - 1])
        elif j + 2 < len(tokens) and tokens[j + 1] == "khoan" and tokens[j + 2].isdigit():
            clause = int(tokens[j + 2])
        refs.append(ArticleRef(int(tokens[j]), clause))
    return refs


class PhraseMatcher:
    """Finds where each of many fixed token phrases first occurs, in one pass over a question.

    A trie over the phrases' tokens: every start position walks down it only as far as the
    question follows some phrase, so the cost grows with the question's length, not with
    the number of phrases (the search looks for a few hundred aliases and cue phrases).
    """

    def __init__(self, phrases: Sequence[tuple[str, ...]]) -> None:
        self._root = _TrieNode()
        for pid, phrase in enumerate(phrases):
            if not phrase:
                continue
            node = self._root
            for tok in phrase:
                node = node.children.setdefault(tok, _TrieNode())
            node.ends.append(pid)

    def first_positions(self, tokens: Sequence[str]) -> dict[int, int]:
        """Phrase index (its position in the constructor's list) → first start in ``tokens``."""
        found: dict[int, int] = {}
        root = self._root.children
        for start in range(len(tokens)):
            children = root
            for tok in itertools.islice(tokens, start, None):
                node = children.get(tok)
                if node is None:
                    break
                for pid in node.ends:
                    # Starts are visited in order, so the first one recorded is the first occurrence.
                    found.setdefault(pid, start)
                children = node.children
        return found


@dataclass(slots=True)
class _TrieNode:
    children: dict[str, _TrieNode] = field(default_factory=dict)
    ends: list[int] = field(default_factory=list)  # phrases ending here
