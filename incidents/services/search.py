"""The text that full-text search looks in: rebuilt by every write that changes what an incident says or
links to (its own fields, its people, tags and reference numbers)."""

from ..models import Incident


def search_text_rebuild(incidents) -> None:
    """Rebuild the text that full-text search looks in."""
    incidents = incidents.prefetch_related("party_links__party", "tags", "references")
    for incident in incidents:
        parts = [incident.title, incident.narrative, incident.impact, incident.platform, incident.url, incident.outcome]
        for link in incident.party_links.all():
            parts += [link.party.name, link.party.handles, link.party.aliases]
        parts += [tag.name for tag in incident.tags.all()]
        parts += [ref.number for ref in incident.references.all()]
        text = "\n".join(p for p in parts if p)
        if text != incident.search_text:
            Incident.objects.filter(pk=incident.pk).update(search_text=text)
