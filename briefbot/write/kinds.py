"""The kind of a story (a release, a security fix, a leaderboard move, ...), told from its items.

A reader wants a different "Why It Matters" from each kind: what they can now run, who must
update to what, what a move means for choosing a model. The writer gives each kind its own
instruction and worked example (`templates/prompts/story_examples.yaml`), and the Bottom Line's
fallback groups stories by kind.
"""

from __future__ import annotations

import re
from enum import StrEnum

from briefbot.models import Story


class Kind(StrEnum):
    RELEASE = "release"
    SECURITY = "security"
    LEADERBOARD = "leaderboard"
    TOOLING = "tooling"
    BUSINESS = "business"
    POLICY = "policy"
    RESEARCH = "research"


# Label of each kind in the Bottom Line's fallback lines ("Releases: Nova 2 32B, ...").
KIND_LABELS = {
    Kind.RELEASE: "Releases",
    Kind.SECURITY: "Security",
    Kind.LEADERBOARD: "Leaderboards",
    Kind.TOOLING: "Tools",
    Kind.BUSINESS: "Business",
    Kind.POLICY: "Policy",
    Kind.RESEARCH: "Research and data",
}

# Checked in this order, on the title first, then on the lead: the first kind whose words match.
_SIGNS = [
    (
        Kind.SECURITY,
        r"\bcve-\d|\bvulnerab|\bexploit|\bsecurity\b|\bremote code|\bsandbox escape|"
        r"\bflaw\b|\bpatch(es|ed)?\b|\bmalicious|\bcompromised|\bpoisoned|\btampered|"
        r"\bstolen\b|\bleak(s|ed)?\b|\brce\b",
    ),
    (
        Kind.LEADERBOARD,
        r"\bleaderboard|\branking|\bclimbs\b|\benters the\b|\btop \d+\b|"
        r"\barena\b|\bleague\b|\b(weekly|monthly)\b.*:|\btable\b|\btop open model\b|"
        r"\b(takes|jumps to|climbs to|falls to|at|is)\s+(first|second|third|fourth|fifth|sixth|"
        r"seventh|eighth|ninth|tenth|\d+(st|nd|rd|th))\b|, (second|third)\b|\bleads\b",
    ),
    (
        Kind.POLICY,
        r"\bbill\b|\blaw\b|\bregulat|\bruling\b|\bcourt\b|\bgovernment|\bministry|"
        r"\bguidance\b|\blegislat|\bexport (rule|control)|\bcompliance\b|\bthe eu\b|\bact\b|"
        r"\bproposes\b|\bfines?\b|\bcouncil\b|\bdefinition\b|\bdata office\b|\bpublishers\b",
    ),
    (
        Kind.BUSINESS,
        r"\braises?\b.*\$|\bfunding\b|\bseries [a-e]\b|\bacqui(re|res|red|sition)|"
        r"\bvaluation\b|\brevenue\b|\bpric(e|es|ing)\b|\blayoffs?\b|\bjob cuts\b|\binvest|"
        r"\bto buy\b|\bbuys\b|\bdeal\b|\blicenses\b.*\bto\b|\$\d",
    ),
    (
        Kind.RESEARCH,
        r"\bpaper\b|\bdataset\b|\bcorpus\b|\bstudy\b|\bresearchers\b|\barxiv\b|"
        r"\bbenchmark\b.*\b(new|introduc|releas)|\bsurvey\b|\bhours of\b|\btokens of\b|"
        r"\bsolutions\b",
    ),
    (
        Kind.TOOLING,
        r"\bllama\.cpp\b|\bquantiz|\bquantis|\bquant\b|\bkernels?\b|\bruntime\b|"
        r"\binference (server|engine)|\blibrary\b|\bframework\b|\bsdk\b|\bcli\b|\btool(s|kit)?\b|"
        r"\bserver\b|\brelease candidate\b|\bv?\d+\.\d+(\.\d+)?\b (adds|brings|splits|runs|"
        r"rewrites|pairs|ships|gets)|\bbuild b\d+",
    ),
    (
        Kind.RELEASE,
        r"\b(releases?|publish(es)?|open-sources?|ships|launch(es)?|unveils)\b|"
        r"\b\d+(\.\d+)?[bm]\b",
    ),
]
_COMPILED = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _SIGNS]
LEAD_WORDS = 60


def story_kind(story: Story) -> Kind:
    """The story's kind: a leaderboard source's items are leaderboard stories; otherwise the
    first kind whose words the lead's title use, else its opening, else a release."""
    if any(item.source_type == "leaderboard" for item in story.items):
        return Kind.LEADERBOARD
    lead = story.lead
    for text in (lead.title, " ".join(lead.best_text.split()[:LEAD_WORDS])):
        for kind, pattern in _COMPILED:
            if pattern.search(text):
                return kind
    return Kind.RELEASE
