"""The text that full-text search looks in: rebuilt by every write that changes what an incident says or
links to (its own fields, its people, tags and reference numbers)."""

from django.db import connection

from ..models import Incident
from ..rules import search_stems


def search_text_of(parts: list[str], *, with_stems: bool) -> str:
    """The stored search text of these parts; with_stems: and a last line of their words' English stems."""
    text = "\n".join(p for p in parts if p)
    if with_stems and text:
        text += "\n" + " ".join(search_stems(text))
    return text


def search_text_rebuild(incidents) -> None:
    """Rebuild the text that full-text search looks in. PostgreSQL stems it itself (search_vector, 'english');
    elsewhere (SQLite) a last line of its words' English stems is added, for queries.incidents.stemmed_search."""
    with_stems = connection.vendor != "postgresql"
    incidents = incidents.prefetch_related("party_links__party", "tags", "references")
    for incident in incidents:
        parts = [incident.title, incident.narrative, incident.impact, incident.platform, incident.url, incident.outcome]
        for link in incident.party_links.all():
            parts += [link.party.name, link.party.handles, link.party.aliases]
        parts += [tag.name for tag in incident.tags.all()]
        parts += [ref.number for ref in incident.references.all()]
        text = search_text_of(parts, with_stems=with_stems)
        if text != incident.search_text:
            Incident.objects.filter(pk=incident.pk).update(search_text=text)
