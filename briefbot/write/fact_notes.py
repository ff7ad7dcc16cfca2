"""Why It Matters from the facts: when no draft of the model passes, a fixed sentence of the
story's kind filled with facts its sources state, so a reader still learns what changes for
them. A security story says who must update to what ("Anyone running an affected version of
TensorHarbor should update to 1.7.3."), a release under what licence anyone can now run it, a
dataset under what licence anyone can use it, a leaderboard story where the model now stands
for anyone choosing one. Each is checked like any note, and shown labelled as made from the
facts; a story of another kind, or one whose facts do not fill the sentence, gets none.

Own code, not a library's: this is writing what the facts say, what briefbot exists for.
"""

from __future__ import annotations

import re

from briefbot.collect.leaderboard import OPEN, OTHER, PROPRIETARY
from briefbot.models import Story, StoryText, WrittenStory
from briefbot.sentences import split_sentences
from briefbot.write.bottom_line import LICENCES, subject
from briefbot.write.kinds import Kind
from briefbot.write.verify import ORDINALS, Verifier

# A listing row of a leaderboard snapshot (collect/leaderboard.py): "#4 Halcyon-R2 (Halcyon
# Labs, open-weight): 79.6 points".
_ROW = re.compile(
    rf"^#(\d+) (.+?) \((.+), ({OPEN}|{PROPRIETARY}|{OTHER})\): ([\d.]+) points$", re.M
)
_TRAILING_VERSION = re.compile(r"(?:\s+v?\d+(?:\.\d+)+)+$")

# A tool's release as its title tells it: "QuantForge 0.14 adds the 2.5-bit Q2_X format",
# "Hearth 2.0 splits models across mismatched GPUs", "llama.cpp adds Q3_HX, a 3-bit quant ...".
# A verb of what the tool gives its users, or of what they can now do with it; never a verb
# of the tool's own work ("rewrites its scheduler"), which says nothing its users can do.
_GIVES = r"adds|brings|introduces|ships|gets|gains|supports|offers"
_LETS = "|".join(  # "splits" of one tool, "split" of several ("ArcLight kernels speed up")
    form
    for base in "split run speed-up load serve fit shrink download convert train".split()
    for form in (base.replace("-", "s ", 1) if "-" in base else base + "s", base.replace("-", " "))
)
_TOOL_TITLE = re.compile(
    rf"^(?P<tool>[\w.+-]+(?: [\w.+-]+)*?)"
    rf"(?: (?P<version>v?\d+(?:\.\d+)+(?: release candidate| beta)?))?"
    rf" (?P<verb>{_GIVES}|{_LETS}) (?P<what>[^,:;()]+)"
)
_POSSESSED = re.compile(r"^(?:its|their|his|her)\b", re.IGNORECASE)
# A leaderboard article's title: "OpenRank June update: Mixer-2 climbs to fourth", "ToolRun
# league: Fenn 14B is the top open model at sixth", "EmbedBoard: Thimble-Embed Large leads".
_PLACE = rf"#\d+|\d+(?:st|nd|rd|th)|{'|'.join(ORDINALS)}"
_RANKED_TITLE = re.compile(
    rf"^(?P<board>[^:]+): (?P<name>.+?),? (?:(?P<leads>leads)\b|"
    rf"(?:(?:climbs|jumps|rises|moves|falls|drops|slips) to |takes |holds |enters at |"
    rf"is (?:the )?(?:top open(?:-weight)? model )?at )?(?P<place>{_PLACE})\b)"
)
# A build or version the items' sentences give the new part ("first appears in build b7421").
_BUILD = re.compile(r"\b(?:in|from) (build b?\d+|version \d+(?:\.\d+)+)\b")


def fact_note(story: Story, kind: Kind, verifier: Verifier) -> str:
    """The story's note from its facts, or "" where its kind has no such sentence or its facts
    do not fill it."""
    about = _as_written(subject(WrittenStory(story, StoryText("", ""))), story)
    if kind is Kind.SECURITY:
        return _security(_TRAILING_VERSION.sub("", about), verifier)
    if kind in (Kind.RELEASE, Kind.RESEARCH):
        return _licensed(story, about, kind)
    if kind is Kind.LEADERBOARD:
        return _standing(story) or _ranked(story, verifier)
    if kind is Kind.TOOLING:
        return _tooling(story)
    return ""


def _as_written(about: str, story: Story) -> str:
    """The subject as the items' texts write it: without a title's opening word they never
    write with it ("Critical Dockyard flaw ...")."""
    texts = story.texts
    words = about.split()
    if about not in texts and len(words) > 1 and " ".join(words[1:]) in texts:
        return " ".join(words[1:])
    return about


def _security(product: str, verifier: Verifier) -> str:
    fixed = verifier.fixed_versions()
    if not fixed or not product:
        return ""
    versions = fixed[0] if len(fixed) == 1 else ", ".join(fixed[:-1]) + " or " + fixed[-1]
    return f"Anyone running an affected version of {product} should update to {versions}."


def _licensed(story: Story, about: str, kind: Kind) -> str:
    """The licence every item that names one gives; none when they differ."""
    found = {
        match.group(0)
        for item in story.items
        for match in LICENCES.finditer(f"{item.title} {item.text or ''}")
    }
    if len(found) != 1:
        return ""
    licence = found.pop()
    verb = "use" if kind is Kind.RESEARCH else "download and run"
    return f"Anyone can now {verb} {about} under the {licence} licence."


def _standing(story: Story) -> str:
    """Where the story's model stands in its snapshot's listing, for anyone choosing a model:
    first among the open-weight models, or its rank."""
    snapshots = [item for item in story.items if item.source_type == "leaderboard"]
    model = next((str(i.metadata["model"]) for i in snapshots if i.metadata.get("model")), "")
    listing = next((i for i in snapshots if _ROW.search(i.text or "")), None)
    if listing is None:
        return ""
    rows = [match.groups() for match in _ROW.finditer(listing.text or "")]
    # a move's own model (none when it left the listing), else the standing's best open one
    named = [row for row in rows if (row[1] == model if model else row[3] == OPEN)]
    if not named:
        return ""
    rank, name, _, side, _ = named[0]
    board = listing.source
    first_open = next((row for row in rows if row[3] == OPEN), None)
    if side == OPEN and first_open is not None and first_open[1] == name:
        return (
            f"Anyone choosing an open-weight model now has its highest-ranked option on "
            f"{board} in {name}, at #{rank}."
        )
    return f"Anyone choosing a model by {board}'s ranking will now find {name} at #{rank}."


def _ranked(story: Story, verifier: Verifier) -> str:
    """Where a leaderboard article's title places its model, for anyone choosing one: first
    among the open-weight models where the sources say so of it (as the verifier reads them),
    or its place. "" where the items' texts name neither the board nor the model."""
    if not (title := _RANKED_TITLE.match(story.lead.title)):
        return ""
    board, name = title["board"].split()[0], title["name"]
    place = "first" if title["leads"] else title["place"].lower()
    rank = ORDINALS.get(place) or int(re.sub(r"\D", "", place))
    texts = story.texts
    if board not in texts or name not in texts:
        return ""
    if verifier.check(f"{name} is the best open-weight model on {board}.", summary=False).ok:
        return (
            f"Anyone choosing an open-weight model now has its highest-ranked option on "
            f"{board} in {name}, at #{rank}."
        )
    # the first place as words: "#1" reads as a figure, and the sources write "first"
    where = "in first place" if rank == 1 else f"at #{rank}"
    return f"Anyone choosing a model by {board} will now see {name} {where}."


def _tooling(story: Story) -> str:
    """What a tool's release gives its users and from which version, as its lead title tells
    it, or "" where the title tells no such thing or its tool is not named in the items."""
    if not (title := _TOOL_TITLE.match(story.lead.title)):
        return ""
    tool, what, verb = title["tool"], title["what"].strip(), title["verb"]
    texts = story.texts
    if tool.split()[0] not in texts or _POSSESSED.match(what):
        return ""
    if re.fullmatch(_GIVES, verb):
        does = f"get {what}"
    else:
        first, _, rest = verb.partition(" ")
        does = " ".join([_base_form(first), rest]).strip() + f" {what}"
    version = title["version"]
    if version is None:
        named = what.split()[0]
        builds = {
            found
            for sentence in split_sentences(texts)
            if named in sentence
            for found in _BUILD.findall(sentence)
        }
        version = builds.pop() if len(builds) == 1 else None
    elif " " in version:
        version = f"the {version}"
    upgrade = f" by updating to {version}" if version else ""
    return f"Anyone using {tool} can now {does}{upgrade}."


def _base_form(verb: str) -> str:
    """A verb of the third person singular in its base form: "splits" -> "split", "pushes" ->
    "push", "carries" -> "carry"."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x|z)es$", verb):
        return verb[:-2]
    return verb.removesuffix("s")
