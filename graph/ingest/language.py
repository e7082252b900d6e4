"""Is this English? A dependency-free check: the share of common English function words.

Running English prose has 35-50 % of its words among the hundred most common function words;
French, German, Persian in Latin script or Urdu have almost none of them. The extractors only
know English, so a text below the threshold is registered but not extracted.
"""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    {
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
        "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "if", "in", "into",
        "is", "it", "its", "may", "more", "most", "no", "not", "of", "on", "one", "or", "other", "our", "out", "over",
        "said", "she", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
        "this", "those", "to", "under", "up", "was", "we", "were", "what", "when", "which", "while", "who", "will",
        "with", "would", "you"
    }
)  # fmt: skip
MIN_WORDS = 40  # fewer words than this say too little to judge
THRESHOLD = 0.15
_WORD = re.compile(r"[^\W\d_]+")


def english_share(text: str, sample: int = 200_000) -> tuple[float, int]:
    """(share of English function words, words counted) over the first `sample` characters."""
    words = [w.lower() for w in _WORD.findall(text[:sample])]
    if not words:
        return 0.0, 0
    return sum(1 for w in words if w in STOPWORDS) / len(words), len(words)


def not_english(text: str) -> str | None:
    """Why the text does not look English (None when it does, or is too short to tell)."""
    share, counted = english_share(text)
    if counted < MIN_WORDS or share >= THRESHOLD:
        return None
    return f"does not look like English ({share:.0%} English function words, {counted} words)"
