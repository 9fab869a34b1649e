"""Learner grammar errors that training's rules do not target: the learner-like split's held-out patterns.

Training's grammar errors (`errors.ErrorGenerator`) are generic rules: any preposition swapped for any
other, any verb form for another, an article dropped anywhere. A split corrupted by the same rules
measures how well a model undoes them, not how it does on learners' grammar (docs/data.md). These are
the patterns teachers of English list as typical of learners (fixed prepositions, uncountable nouns,
comparatives, gerund or infinitive, tense with a time marker, word choice, adverb placement, *can to*,
*which* for people, *will* after *if*, double negatives, *I am agree*), written apart from training's
rules and never used by a training run: a model fixes them by generalising (a generic rule may still
write the same words by chance, e.g. a random preposition swap *depends on* -> *depends of*).

Each pattern is `f(tokens, rng) -> bool` over `errors.Token` lists, as training's are, so the learner
generator can mix them in by name.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

from edge_sdk.data.errors import IRREGULAR_VERBS, Token
from edge_sdk.data.misspell import match_case

# Phrase as written correctly -> what learners write instead (one word of it replaced, added or dropped).
COLLOCATIONS: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {
    ("depend", "on"): (("depend", "of"), ("depend", "from")),
    ("depends", "on"): (("depends", "of"), ("depends", "from")),
    ("interested", "in"): (("interested", "on"), ("interested", "about")),
    ("arrived", "at"): (("arrived", "to"),), ("arrive", "at"): (("arrive", "to"),),
    ("arrived", "in"): (("arrived", "to"),), ("arrive", "in"): (("arrive", "to"),),
    ("married", "to"): (("married", "with"),), ("afraid", "of"): (("afraid", "from"),),
    ("good", "at"): (("good", "in"),), ("different", "from"): (("different", "than"), ("different", "of")),
    ("consists", "of"): (("consists", "in"),), ("according", "to"): (("according", "with"),),
    ("responsible", "for"): (("responsible", "of"),), ("listen", "to"): (("listen",),),
    ("listening", "to"): (("listening",),), ("in", "the", "morning"): (("at", "the", "morning"),),
    ("at", "night"): (("in", "the", "night"),), ("on", "time"): (("in", "time"),),
    ("angry", "with"): (("angry", "on"),), ("proud", "of"): (("proud", "on"),),
    ("full", "of"): (("full", "with"),), ("think", "about"): (("think", "on"),),
    ("wait", "for"): (("wait",),), ("waiting", "for"): (("waiting",),), ("ask", "for"): (("ask",),),
    ("discuss",): (("discuss", "about"),), ("discussed",): (("discussed", "about"),),
    ("enter",): (("enter", "in"),), ("entered",): (("entered", "in"),), ("reach",): (("reach", "to"),),
    ("lack", "of"): (("lack", "in"),), ("on", "the", "other", "hand"): (("in", "the", "other", "hand"),),
    ("in", "my", "opinion"): (("on", "my", "opinion"),), ("at", "home"): (("in", "home"),),
    ("go", "home"): (("go", "to", "home"),), ("went", "home"): (("went", "to", "home"),),
    ("come", "home"): (("come", "to", "home"),), ("on", "foot"): (("by", "foot"),),
}
UNCOUNTABLE = ("information", "advice", "furniture", "equipment", "homework", "luggage", "knowledge", "research",
               "evidence", "feedback", "software", "traffic", "progress", "behaviour", "behavior", "weather",
               "news", "money", "work", "music", "luck", "damage", "fun", "permission", "scenery")
# Correct comparative/superlative -> the learner's analytic or doubled form.
COMPARATIVES = {"better": ("more better", "more good"), "worse": ("more worse", "more bad"),
                "best": ("most best", "most good"), "easier": ("more easy",), "bigger": ("more big",),
                "older": ("more old",), "cheaper": ("more cheap",), "happier": ("more happy",),
                "larger": ("more large",), "smaller": ("more small",), "faster": ("more fast",),
                "longer": ("more long",), "younger": ("more young",), "harder": ("more hard",),
                "simpler": ("more simple",), "nicer": ("more nice",), "easiest": ("most easy",),
                "biggest": ("most big",), "cheapest": ("most cheap",)}
GERUND_VERBS = frozenset({"enjoy", "enjoyed", "enjoys", "avoid", "avoided", "finish", "finished", "mind", "suggest",
                          "suggested", "keep", "kept", "stop", "stopped", "consider", "considered", "practise"})
INFINITIVE_VERBS = frozenset({"want", "wanted", "wants", "decide", "decided", "hope", "hoped", "plan", "planned",
                              "need", "needed", "agree", "agreed", "refuse", "refused", "learn",
                              "learned", "promise", "promised", "try", "tried", "forget", "forgot"})
PAST_MARKERS = frozenset({"yesterday", "ago"})
_LAST = frozenset({"year", "week", "month", "night", "time", "summer", "winter", "weekend", "spring", "autumn",
                   "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_SUBJECTS = frozenset({"i", "we", "they", "you", "he", "she"})
_AUXILIARY = frozenset({"is", "are", "was", "were", "am", "do", "does", "did", "have", "has", "had", "will", "can",
                        "would", "could", "should", "must", "may", "might", "be"})
# Correct word -> the word learners pick instead; with a second word, only before it (*do a mistake*).
WORD_CHOICE: dict[str | tuple[str, str], tuple[str, ...]] = {
    ("make", "a"): ("do",), ("made", "a"): ("did",), ("make", "mistakes"): ("do",), ("made", "mistakes"): ("did",),
    ("make", "friends"): ("do",), ("make", "money"): ("do",), ("make", "progress"): ("do",),
    ("make", "noise"): ("do",), ("do", "homework"): ("make",), ("did", "homework"): ("made",),
    ("do", "sports"): ("make",), ("do", "exercise"): ("make",), ("told", "me"): ("said",),
    ("tell", "me"): ("say",), ("tell", "you"): ("say",), ("told", "him"): ("said",), ("told", "her"): ("said",),
    ("teach", "me"): ("learn",), ("taught", "me"): ("learned",), ("lend", "me"): ("borrow",),
    "remember": ("remind",), "actually": ("currently",), "eventually": ("finally",), "sensible": ("sensitive",),
    "funny": ("fun",), "rise": ("raise",), "fewer": ("less",), "another": ("other",), "won": ("winned",),
    ("many", "people"): ("much",), ("many", "things"): ("much",), ("much", "time"): ("many",),
    ("much", "money"): ("many",), ("bring", "it"): ("take",), ("hear", "the"): ("listen",),
}
TIME_UNITS = frozenset({"years", "months", "weeks", "days", "hours", "minutes", "year", "month", "week", "day",
                        "hour", "ages", "decades", "centuries"})
ADVERBS_OF_FREQUENCY = frozenset({"always", "usually", "often", "never", "sometimes", "rarely", "seldom"})

_PAST_OF: dict[str, str] = {}
_PARTICIPLE_OF: dict[str, str] = {}
_BASE_OF: dict[str, str] = {}
for _base, _past, _participle, *_ in IRREGULAR_VERBS:
    _PAST_OF[_base] = _past
    _PARTICIPLE_OF[_past] = _participle
    _BASE_OF[_past] = _base


def _words(tokens: list[Token]) -> list[str]:
    return [t.text.lower() for t in tokens]


def _find(tokens: list[Token], phrase: tuple[str, ...]) -> list[int]:
    low = _words(tokens)
    n = len(phrase)
    return [i for i in range(len(low) - n + 1) if tuple(low[i:i + n]) == phrase
            and all(tokens[k].space_after for k in range(i, i + n - 1))]


def _put(tokens: list[Token], i: int, n: int, words: tuple[str, ...]) -> None:
    """Replace tokens[i:i+n] (words joined by spaces) with `words`, keeping the first's case and the
    last's spacing."""
    space = tokens[i + n - 1].space_after
    first = tokens[i].text
    new = [Token(w, True) for w in words]
    if new:
        new[0].text = match_case(first, new[0].text)
        new[-1].space_after = space
    elif i > 0:
        tokens[i - 1].space_after = space
    tokens[i:i + n] = new


def collocation(tokens: list[Token], rng: random.Random) -> bool:
    options = [(i, phrase) for phrase in COLLOCATIONS for i in _find(tokens, phrase)]
    if not options:
        return False
    i, phrase = rng.choice(options)
    _put(tokens, i, len(phrase), rng.choice(COLLOCATIONS[phrase]))
    return True


def uncountable(tokens: list[Token], rng: random.Random) -> bool:
    """*informations*, *advices*; or a count determiner before one (*many money*, *an advice*)."""
    low = _words(tokens)
    options: list[Callable[[], None]] = []
    for i, w in enumerate(low):
        if w in UNCOUNTABLE and w not in ("news", "money", "work", "music", "fun") and tokens[i].is_word:
            plural = tokens[i].text + ("es" if w.endswith(("ch", "sh", "s", "x")) else "s")
            options.append(lambda i=i, plural=plural: setattr(tokens[i], "text", plural))
        if i > 0 and w in UNCOUNTABLE and low[i - 1] == "much":
            options.append(lambda i=i: _put(tokens, i - 1, 1, ("many",)))
        if i > 0 and w in ("advice", "information", "homework", "furniture") and low[i - 1] in ("some", "any"):
            options.append(lambda i=i, w=w: _put(tokens, i - 1, 1, ("an" if w[0] in "aeiou" else "a",)))
    if not options:
        return False
    rng.choice(options)()
    return True


def comparative(tokens: list[Token], rng: random.Random) -> bool:
    low = _words(tokens)
    options = [i for i, w in enumerate(low) if w in COMPARATIVES and tokens[i].is_word]
    if not options:
        return False
    i = rng.choice(options)
    _put(tokens, i, 1, tuple(rng.choice(COMPARATIVES[low[i]]).split()))
    return True


def gerund_infinitive(tokens: list[Token], rng: random.Random) -> bool:
    """*enjoy to swim* for *enjoy swimming*; *want going* for *want to go*."""
    low = _words(tokens)
    options: list[Callable[[], None]] = []
    for i in range(len(low) - 1):
        after = low[i + 1]
        if low[i] in GERUND_VERBS and after.endswith("ing") and len(after) > 5 and tokens[i].space_after:
            base = after[:-3]
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # swimming -> swim
            options.append(lambda i=i, base=base: _put(tokens, i + 1, 1, ("to", base)))
        if low[i] in INFINITIVE_VERBS and after == "to" and i + 2 < len(low) and tokens[i + 2].is_word \
                and low[i + 2].isalpha() and low[i + 2] not in ("be", "the", "a"):
            verb = low[i + 2]
            ing = (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + "ing"
            options.append(lambda i=i, ing=ing: _put(tokens, i + 1, 2, (ing,)))
    if not options:
        return False
    rng.choice(options)()
    return True


def tense(tokens: list[Token], rng: random.Random) -> bool:
    """A past verb next to a past time marker put in the present perfect or the present (*Yesterday I have
    gone*, *Last year we visit*): learners' most frequent tense errors."""
    low = _words(tokens)
    if not PAST_MARKERS & set(low) and not any(a == "last" and b in _LAST for a, b in itertools.pairwise(low)):
        return False
    options: list[Callable[[], None]] = []
    for i, w in enumerate(low):
        subject = low[i - 1] if i > 0 else ""
        if not tokens[i].is_word or not w.isalpha() or subject not in ("i", "we", "they", "you", "he", "she"):
            continue
        have = "has" if subject in ("he", "she") else "have"
        if w in _PARTICIPLE_OF:
            options.append(lambda i=i, w=w, have=have: _put(tokens, i, 1, (have, _PARTICIPLE_OF[w])))
            options.append(lambda i=i, w=w: _put(tokens, i, 1, (_BASE_OF[w],)))
        elif w.endswith("ed") and len(w) > 5:  # a regular past's base is not always the stem (lived)
            options.append(lambda i=i, w=w, have=have: _put(tokens, i, 1, (have, w)))
    if not options:
        return False
    rng.choice(options)()
    return True


def word_choice(tokens: list[Token], rng: random.Random) -> bool:
    """make/do, say/tell, borrow/lend, much/many, ...; *since three years* for *for three years*."""
    low = _words(tokens)
    options: list[tuple[int, tuple[str, ...]]] = []
    for i, w in enumerate(low):
        if not tokens[i].is_word:
            continue
        after = low[i + 1] if i + 1 < len(low) else ""
        for key in (w, (w, after)):
            if key in WORD_CHOICE:
                options.append((i, WORD_CHOICE[key]))
        if w == "for" and i + 2 < len(low) and low[i + 2] in TIME_UNITS:
            options.append((i, ("since", "during")))
    if not options:
        return False
    i, choices = rng.choice(options)
    _put(tokens, i, 1, (rng.choice(choices),))
    return True


def adverb_order(tokens: list[Token], rng: random.Random) -> bool:
    """*I go always*, *Always I go* for *I always go*; *I like very much tea* for *I like tea very much*."""
    low = _words(tokens)
    options: list[Callable[[], None]] = []
    for i in range(1, len(low) - 1):
        if low[i] in ADVERBS_OF_FREQUENCY and tokens[i + 1].is_word and low[i + 1] not in _AUXILIARY \
                and low[i - 1] in _SUBJECTS:
            def after_verb(i: int = i) -> None:
                tokens[i].text, tokens[i + 1].text = tokens[i + 1].text, tokens[i].text
            options.append(after_verb)
    for i in range(2, len(low) - 1):
        if low[i] == "very" and low[i + 1] == "much" and tokens[i - 1].is_word and tokens[i - 2].is_word \
                and low[i - 2] not in ("thank", "thanks", "so", "too", "how"):
            def before_object(i: int = i) -> None:
                moved = tokens.pop(i - 1)
                tokens.insert(i + 1, moved)
                tokens[i - 1].space_after = True
                moved.space_after, tokens[i].space_after = tokens[i].space_after, True
            options.append(before_object)
    if not options:
        return False
    rng.choice(options)()
    return True


_NOT_VERBS = frozenset({"not", "don't", "doesn't", "last", "also", "just", "only", "really", "never", "always",
                        "first", "still", "then", "already", "ever", "all", "both", "too", "finally", "suddenly"})
MODALS = frozenset({"can", "could", "must", "should", "will", "would", "might", "may"})


def modal_to(tokens: list[Token], rng: random.Random) -> bool:
    """*I can to swim*, *she must goes* for *I can swim*, *she must go*."""
    low = _words(tokens)
    options: list[Callable[[], None]] = []
    for i in range(len(low) - 1):
        verb = low[i + 1]
        if low[i] in MODALS and tokens[i].space_after and verb.isalpha() and verb not in _AUXILIARY | {"not"} \
                and len(verb) > 2 and verb not in ("also", "only", "never", "always", "still", "just", "then"):
            options.append(lambda i=i: tokens.insert(i + 1, Token("to", True)))
            if not verb.endswith(("s", "sh", "ch", "y")):
                options.append(lambda i=i, verb=verb: _put(tokens, i + 1, 1, (verb + "s",)))
    if not options:
        return False
    rng.choice(options)()
    return True


def relative_pronoun(tokens: list[Token], rng: random.Random) -> bool:
    """*the man which*, *the book who*, *the thing what*: which/who/that confused."""
    low = _words(tokens)
    options: list[tuple[int, str]] = []
    for i in range(1, len(low)):
        before = tokens[i - 1]
        if not before.is_word or low[i - 1] in _SUBJECTS | _AUXILIARY:
            continue
        if low[i] == "who":
            options.append((i, "which"))
        elif low[i] == "which" and before.space_after:
            options.append((i, "who"))
        elif low[i] == "that" and low[i - 1] in ("thing", "things", "everything", "all", "something"):
            options.append((i, "what"))
    if not options:
        return False
    i, new = rng.choice(options)
    _put(tokens, i, 1, (new,))
    return True


def conditional(tokens: list[Token], rng: random.Random) -> bool:
    """*If it will rain* for *If it rains*; *when I will arrive* for *when I arrive*."""
    low = _words(tokens)
    for i in range(len(low) - 2):
        subject, verb = low[i + 1], low[i + 2]
        if low[i] in ("if", "when", "unless") and subject in {"i", "we", "they", "you", "he", "she", "it"} \
                and verb.isalpha() and verb not in _AUXILIARY | MODALS | _NOT_VERBS:
            if subject in ("he", "she", "it"):
                if not verb.endswith("s") or verb.endswith("ss"):
                    continue
                base = verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes")) else verb[:-1]
            elif verb.endswith(("ed", "s")):
                continue
            else:
                base = verb
            _put(tokens, i + 2, 1, ("will", base))
            return True
    return False


def double_negative(tokens: list[Token], rng: random.Random) -> bool:
    """*I don't know nothing* for *I don't know anything*."""
    low = _words(tokens)
    swaps = {"anything": "nothing", "anybody": "nobody", "anyone": "nobody", "anywhere": "nowhere", "any": "no",
             "ever": "never"}
    options = []
    for i, w in enumerate(low):
        if w in swaps and any(x in ("not", "n't") or x.endswith("n't") for x in low[max(0, i - 4):i]):
            options.append(i)
    if not options:
        return False
    i = rng.choice(options)
    _put(tokens, i, 1, (swaps[low[i]],))
    return True


def extra_be(tokens: list[Token], rng: random.Random) -> bool:
    """*I am agree*, *we are live here*: a form of *be* before a lexical verb."""
    low = _words(tokens)
    be = {"i": "am", "we": "are", "they": "are", "you": "are", "he": "is", "she": "is"}
    options = [i for i in range(len(low) - 1) if low[i] in be and tokens[i + 1].is_word and low[i + 1].isalpha()
               and low[i + 1] in ("agree", "agrees", "think", "thinks", "live", "lives", "like", "likes", "want",
                                  "wants", "know", "knows", "believe", "believes", "need", "needs", "feel", "feels")]
    if not options:
        return False
    i = rng.choice(options)
    verb = low[i + 1]
    if low[i] in ("he", "she") and verb.endswith("s"):
        verb = verb[:-1]
    tokens.insert(i + 1, Token(be[low[i]], True))
    _put(tokens, i + 2, 1, (verb,))
    return True


HELD_OUT_PATTERNS: dict[str, Callable[[list[Token], random.Random], bool]] = {
    "collocation": collocation, "uncountable": uncountable, "comparative": comparative,
    "gerund_infinitive": gerund_infinitive, "tense": tense, "word_choice": word_choice,
    "adverb_order": adverb_order, "modal_to": modal_to, "relative_pronoun": relative_pronoun,
    "conditional": conditional, "double_negative": double_negative, "extra_be": extra_be,
}
# The learner-like split: one held-out grammar pattern first wherever the sentence admits one (they are
# rarer than their weight: each needs its trigger words), then the rest of its errors from spelling and the
# mechanics as learner essays have them (shared with training's learner errors), and articles and missing or
# extra words, whose learner forms (a dropped or added word) are what training's rules make too.
HELD_OUT_WEIGHTS: dict[str, float] = {
    "collocation": 0.14, "uncountable": 0.08, "comparative": 0.06, "gerund_infinitive": 0.1, "tense": 0.08,
    "word_choice": 0.12, "adverb_order": 0.06, "modal_to": 0.1, "relative_pronoun": 0.08, "conditional": 0.08,
    "double_negative": 0.05, "extra_be": 0.05,
}
HELD_OUT_SHARE = 0.85  # sentences admitting a pattern that get one
MECHANICS_WEIGHTS: dict[str, float] = {
    "spelling": 0.4, "article": 0.14, "punctuation": 0.16, "capitalisation": 0.09, "merge_split": 0.1,
    "missing_word": 0.06, "extra_word": 0.05,
}
