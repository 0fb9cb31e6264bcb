"""Words that carry no evidence for matching: English function words and chat filler."""

from __future__ import annotations

# Snowball's English stop list (function words), folded to ASCII.
FUNCTION_WORDS = frozenset(
    """
    i me my myself we us our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing would should could ought a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up down in
    out on off over under again further then once here there when where why how all any both
    each few more most other some such no nor not only own same so than too very can will just
    don't shouldn't now im i'm ive i've id i'd youre you're hes he's shes she's its it's were
    we're theyre they're isnt isn't arent aren't wasnt wasn't werent weren't hasnt hasn't havent
    haven't hadnt hadn't doesnt doesn't dont didnt didn't wont won't wouldnt wouldn't cant can't
    cannot couldnt couldn't mustnt mustn't let's lets thats that's whos who's whats what's
    heres here's theres there's whens when's wheres where's whys why's hows how's also may might
    must shall yet whose upon via per
    """.split()
)

# Words people wrap questions in that say nothing about the article's content. Folded forms.
QUESTION_FILLER = frozenset(
    """
    say says said saying tell tells told think thinks thought
    mention mentions mentioned mentioning explain explains explained know knows knew
    happen happens happened happening anything something thing things stuff someone somebody
    anyone anybody article bot text story piece news take takes taking took time
    please pls plz thanks thx ty hey hi hello yo ok okay lol lmao idk tbh btw imo
    wat wut wht whats wats abt bout u ur r ya yall y'all tho dat dis da cuz coz bc
    gonna wanna gotta kinda sorta dunno lemme gimme
    get gets got getting go goes going gone went put puts putting make makes made making
    want wants wanted like really actually exactly basically even still much many
    exactly kind sort lot lots bit way well anyway hmm um uh eh
    does doing did done whole quick question questions answer wondering wonder curious
    """.split()
)

STOPWORDS = FUNCTION_WORDS | QUESTION_FILLER


def is_evidence_word(folded: str) -> bool:
    """A folded word that can be an index term: not a stop word, and a number or two
    characters or more."""
    return folded not in STOPWORDS and (len(folded) >= 2 or folded.isdigit())
