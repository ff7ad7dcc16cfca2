"""Prompts and output schemas. Change PROMPT_VERSION with any change here: it keys the cache."""

from __future__ import annotations

import json

from briefbot.models import Story, WrittenStory
from briefbot.write.backends import Messages

PROMPT_VERSION = "v3"
SOURCE_CHARS = 2400

SYSTEM = (
    "You are the editor of a daily brief on open-source AI. You compress news into a few plain "
    "sentences in your own words. You use only facts stated in the material you are given: "
    "never add numbers, names or claims that are not there."
)

STORY_INSTRUCTIONS = (
    "Write a JSON object:\n"
    "- summary: 2 sentences, at most 45 words, in your own words: who did what, with the one "
    "or two most important numbers.\n"
    "- why_it_matters: 1 sentence, at most 30 words: what people who build with or run open "
    "models can now do, or must now watch out for, because of this. Name the model or tool."
)

# One worked example (an invented article) shows the model how much to compress and what a
# specific "why it matters" looks like; small models follow an example better than rules.
EXAMPLE_ARTICLE = (
    "Title: Acme Labs publishes Falcon-Lite 3B with a 32k context\n"
    "Article:\n<<<\n"
    "Acme Labs today published Falcon-Lite 3B, a 3-billion-parameter language model trained on "
    "4.1 trillion tokens. The weights are released under the MIT licence. On the company's own "
    "tests, the model scores 58.2 on GSM8K, ahead of the 52.0 of its predecessor, and it handles "
    'a 32,000-token context. "We built it for laptops," said research lead Dana Ortiz. A 4-bit '
    "build needs 2.1 GB of memory.\n>>>"
)
EXAMPLE_ANSWER = json.dumps(
    {
        "summary": "Acme Labs released Falcon-Lite 3B, a 3-billion-parameter model under the MIT "
        "licence with a 32,000-token context. It scores 58.2 on GSM8K, up from 52.0 for the "
        "previous version.",
        "why_it_matters": "At 2.1 GB in 4-bit form, Falcon-Lite 3B gives laptop users a "
        "permissively licensed model for long documents.",
    }
)

STORY_SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": 360},
        "why_it_matters": {"type": "string", "maxLength": 240},
    },
    "required": ["summary", "why_it_matters"],
}

BOTTOM_LINE_SCHEMA = {
    "type": "object",
    "properties": {
        "bullets": {
            "type": "array",
            "items": {"type": "string", "minLength": 20, "maxLength": 200},
            "minItems": 3,
            "maxItems": 5,
        }
    },
    "required": ["bullets"],
}


def story_source_text(story: Story) -> str:
    """The text the writer sees for a story, cut to a size a small model reads well."""
    text = story.lead.best_text.strip() or story.lead.title
    if len(text) > SOURCE_CHARS:
        text = text[:SOURCE_CHARS].rsplit(" ", 1)[0] + " ..."
    return text


def story_messages(story: Story) -> Messages:
    article = f"Title: {story.lead.title}\nArticle:\n<<<\n{story_source_text(story)}\n>>>"
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"{EXAMPLE_ARTICLE}\n\n{STORY_INSTRUCTIONS}"},
        {"role": "assistant", "content": EXAMPLE_ANSWER},
        {"role": "user", "content": f"{article}\n\n{STORY_INSTRUCTIONS}"},
    ]


def story_retry_messages(story: Story, problems: list[str]) -> Messages:
    """The story's prompt again, with what was wrong with the first answer spelled out.

    A fresh conversation rather than a follow-up turn: shown its own answer, a small model
    tends to repeat it.
    """
    messages = story_messages(story)
    last = messages[-1]
    messages[-1] = {
        "role": last["role"],
        "content": last["content"] + "\nAvoid these problems: " + "; ".join(problems) + ".",
    }
    return messages


def bottom_line_messages(stories: list[WrittenStory]) -> Messages:
    listing = "\n".join(
        f"{number}. {written.story.lead.title}: {written.text.summary}"
        for number, written in enumerate(stories, start=1)
    )
    user = (
        f"Today's top stories:\n{listing}\n\n"
        'Write a JSON object with one field, "bullets": 3 to 5 bullets for the brief\'s '
        '"Bottom Line". Each bullet is one short sentence, at most 20 words, with a different '
        "takeaway for people who build with or run open models, and names the model, tool or "
        "organisation it comes from. Use only facts from the stories above."
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
