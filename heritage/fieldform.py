"""The field condition form: its questions, their names, and the vocabularies they draw on.

One definition serves both directions. `xlsform` writes it for ODK Collect and KoboCollect, and
`submissions` reads the answers back by these names: a name changed here changes both, where a
name changed in only one of them would lose answers without a word. Choice values are the
catalogue's own keys (a site's id, `intact`, `explosion_heavy_weaponry`), so an answer is stored
as it comes, with no table between the phone and the catalogue.

Labels are English here. A catalogue may translate them in `catalogue.json` under `translations`,
by language and then by key: `form.<question>` for a question or its hint (`form.condition`,
`form.condition.hint`) and `<vocabulary>.<value>` for a choice (`condition.intact`).
"""

from __future__ import annotations

from dataclasses import dataclass

FORM_ID = "heritage_condition"
NOT_LISTED = "_not_listed"
"""The site answer for "a site not on the list". No record id can take it: ids begin with a
letter or digit (see `heritage.models.types.ID_PATTERN`)."""

SITES = "sites"
"""The choice list of the sites a form offers (built per form from the catalogue)."""

PHOTOS = "photos"
"""The repeat that holds one photo and its caption per entry."""

DEVICE = "deviceid"
"""The metadata question by which the phone writes its own id into every filled form."""

METADATA = ("start", "end", DEVICE)
"""The metadata questions of the form, which the phone fills by itself in every submission."""


@dataclass(frozen=True)
class Question:
    name: str  # the answer's name in the submission (XML element, CSV column)
    kind: str  # XLSForm type: text, date, time, geopoint, image, select_one, select_multiple
    label: str
    hint: str = ""
    choices: str = ""  # the vocabulary (or SITES) a select draws its choices from
    required: bool = False
    relevant: str = ""  # XLSForm relevance expression: when the question is asked
    default: str = ""
    appearance: str = ""
    repeat: str = ""  # the repeat the question belongs to (PHOTOS), or "" for the form's top level


QUESTIONS: tuple[Question, ...] = (
    Question(
        "site",
        "select_one",
        "Which site are you at?",
        "Type part of any of its names to search.",
        choices=SITES,
        required=True,
        appearance="autocomplete",
    ),
    Question(
        "new_site_name",
        "text",
        "Name of the site",
        "As people here call it; add other names in the notes.",
        required=True,
        relevant=f"${{site}} = '{NOT_LISTED}'",
    ),
    Question(
        "new_site_position",
        "geopoint",
        "Position of the site",
        "Stand at the site, or as close as you can, and record the position.",
        required=True,
        relevant=f"${{site}} = '{NOT_LISTED}'",
    ),
    Question("visit_date", "date", "Date of the visit", required=True, default="today()"),
    Question("visit_time", "time", "Time you were at the site", "Local time at the site."),
    Question("access", "select_one", "Access to the site", choices="access", required=True),
    Question(
        "access_reason",
        "text",
        "Why was access partial, impossible or refused?",
        "Who stopped you, what blocked the way, which parts you could not see.",
        required=True,
        relevant="${access} != 'full'",
    ),
    Question("condition", "select_one", "Condition of the site", choices="condition", required=True),
    Question("certainty", "select_one", "How sure are you of that condition?", choices="certainty", required=True),
    Question(
        "damage_extent",
        "select_one",
        "Extent of the damage",
        "The share of the site that is damaged.",
        choices="damage_extent",
        relevant="${condition} != 'intact'",
    ),
    Question(
        "damage_effects",
        "select_multiple",
        "What the damage looks like",
        "Choose every one that you see.",
        choices="damage_effect",
        relevant="${condition} != 'intact'",
    ),
    Question(
        "damage_causes",
        "select_multiple",
        "What caused it",
        "Only what you can see or were shown; leave blank if you cannot tell.",
        choices="damage_cause",
        relevant="${condition} != 'intact'",
    ),
    Question("observer", "text", "Your name, or your team's", required=True),
    Question(
        "position",
        "geopoint",
        "Where you are standing",
        "Wait until the accuracy is a few metres before you accept it.",
    ),
    Question("photo", "image", "Photo", repeat=PHOTOS),
    Question("caption", "text", "What the photo shows", "Which side of the building, which detail.", repeat=PHOTOS),
    Question("notes", "text", "Notes", "Anything else you saw or were told.", appearance="multiline"),
)

VOCABULARIES = ("access", "condition", "certainty", "damage_extent", "damage_effect", "damage_cause")
"""The vocabularies the form's choices come from, named as `heritage.models.labels.vocabularies`
names them."""


def question(name: str) -> Question:
    for item in QUESTIONS:
        if item.name == name:
            return item
    raise KeyError(name)
