"""Recognising text that speaks to a machine instead of reporting news (prompt injection).

Feed text is quoted, never briefbot's own voice: an item whose description tells "the
assistant" to ignore its instructions, or tells readers to act on a link ("reset your password
at ..."), must not be shown to the model as an article, printed as a summary extract, or turned
into a Bottom Line bullet. The patterns follow the families catalogued in OWASP's LLM01 (prompt
injection) guidance: overriding earlier instructions, assigning a new role, addressing the model
or its system prompt, dictating the output, and urgent calls to act on a link.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules|"
    r"guidelines|directions|context|messages?)\b",
    r"\b(previous|prior|above|earlier|preceding|all)\s+(instructions?|prompts?|rules)\b",
    r"\byou\s+(are|will|must|shall|should)\s+(now\s+)?(act|behave|pretend|respond|write|output|"
    r"say|reply|answer|print)\b",
    r"\b(act|pretend|behave)\s+as\s+(if|an?|the)\b",
    r"\b(system|developer)\s+(prompt|message|instructions?)\b",
    r"\b(as an ai|language model|the assistant|chatgpt|the ai)\b.{0,30}\b(must|should|will|"
    r"write|output|say|respond)\b",
    r"\b(respond|reply|answer|write|output|print|say)\s+(only|exactly|verbatim|the following)\b",
    r"\bwrite\s*:\s*['\"“]",
    r"\bnew\s+instructions?\b",
    r"\b(urgent|immediately|action required)\b.{0,80}\b(password|account|login|credentials|"
    r"verify|click|visit)\b",
    r"\b(reset|verify|confirm|update)\s+(your|their)\s+(password|account|login|credentials|"
    r"payment)\b",
    r"<\|?(im_start|im_end|system|assistant|user|endoftext)\|?>",
    r"\[/?(INST|SYS)\]",
]
_INSTRUCTIONS = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS), re.IGNORECASE)
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+\b", re.IGNORECASE)


def looks_like_instructions(text: str) -> bool:
    """True for text that addresses a machine or urges readers to act on an account or link."""
    return bool(_INSTRUCTIONS.search(text))


def has_link(text: str) -> bool:
    """True for text carrying a URL or an e-mail address (model text never may: the brief links
    only to the items it vetted)."""
    return bool(_LINK.search(text))


def without_links(text: str) -> str:
    """The text with URLs and e-mail addresses taken out (for quoting a source's own words)."""
    return " ".join(_LINK.sub("", text).split())
