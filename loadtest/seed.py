# ruff: noqa: S311 - seeded randomness makes test data, nothing secret
"""The people and case files the simulated users work with, written through the project's services.

Each parent owns one case with a history (incidents, people, a few photos as exhibits); each
advocate has been added to a few parents' cases. Everything goes through accounts.services and
incidents.services, so rows, revisions and audit chains are what the site itself would write.
Accounts get a real password hash (Django's default hasher, computed once and shared: every
account has the same password), so a log-in under load costs what it costs in production.
"""

import datetime as dt
import io
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts import services as account_services
from incidents.models import Case, Incident, Membership, Party, Role
from incidents.services import cases as case_services
from incidents.services import evidence as evidence_services
from incidents.services import incidents as incident_services
from incidents.services import parties as party_services
from incidents.services import sharing as sharing_services

PASSWORD = "load-test-password-7c41"  # noqa: S105 - every seeded account's, known to the locustfile

WORDS = (  # noqa: SIM905 - a word list reads better as prose
    "referral anonymous social worker visit nursery school employer brand forum thread post message screenshot "
    "police welfare check letter email phone call account handle fake profile review comment doorstep address "
    "health visitor manager complaint report neighbour group chat shared reposted claimed"
).split()


@dataclass(frozen=True)
class Sizes:
    parents: int
    advocates: int
    incidents_per_case: int = 25
    photos_per_case: int = 2
    cases_per_advocate: int = 3


def png(rng: random.Random, width: int = 320, height: int = 240) -> bytes:
    """A small screenshot-like picture whose bytes differ every time (so it is a new exhibit, not a duplicate)."""
    image = Image.new("RGB", (width, height), (245, 245, 245))
    for row in range(0, height, 12):
        shade = rng.randrange(60, 200)
        image.paste((shade, shade, rng.randrange(256)), (8, row, 8 + rng.randrange(40, width - 16), row + 7))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def seed(sizes: Sizes) -> dict:
    """Write the accounts and cases; return the plan the locustfile reads (who logs in, which cases they use)."""
    rng = random.Random(8)
    now = timezone.now()
    # Hashing costs about 0.3 s here; once is enough, as every account has the same password.
    encoded = make_password(PASSWORD)

    def sign_up(email: str, full_name: str):
        user = account_services.user_sign_up(email=email, full_name=full_name, password=None)
        user.password = encoded
        user.save(update_fields=["password"])
        return user

    kinds = Incident.Kind.values
    parents, advocates = [], []
    for n in range(sizes.parents):
        email = f"parent{n}@load.example.org"
        owner = sign_up(email, f"Parent Number{n}")
        case = case_services.case_create(user=owner, title=f"Reports about family {n}")
        suspects = [
            party_services.party_create(user=owner, case=case, kind=Party.Kind.SUSPECT, name=f"anon_account_{n}_{k}")
            for k in range(2)
        ]
        party_services.party_create(user=owner, case=case, kind=Party.Kind.SOCIAL_SERVICES, name="Children's services")
        incidents = []
        for k in range(sizes.incidents_per_case):
            incidents.append(
                incident_services.incident_log(
                    user=owner,
                    case=case,
                    kind=kinds[k % len(kinds)],
                    occurred_at=now - dt.timedelta(days=2 * (sizes.incidents_per_case - k), hours=rng.randrange(24)),
                    title=sentence(rng, 5),
                    narrative="\n\n".join(sentence(rng, 40) for _ in range(2)),
                    impact=sentence(rng, 15),
                    parties=[suspects[k % 2]],
                )
            )
        for k in range(sizes.photos_per_case):
            evidence_services.evidence_attach(
                user=owner,
                case=case,
                kind="screenshot",
                description=f"Screenshot {k + 1} of the post",
                uploaded_file=SimpleUploadedFile(f"screenshot-{k + 1}.png", png(rng), content_type="image/png"),
                incidents=incidents[k * 3 : k * 3 + 2],
            )
        parents.append({"email": email, "case": case.pk, "incidents": [i.pk for i in incidents]})

    for n in range(sizes.advocates):
        email = f"advocate{n}@load.example.org"
        advocate = sign_up(email, f"Advocate Number{n}")
        cases = []
        for k in range(min(sizes.cases_per_advocate, len(parents))):
            parent = parents[(n * sizes.cases_per_advocate + k) % len(parents)]
            if parent["case"] in [c["case"] for c in cases]:
                continue
            case = Case.objects.get(pk=parent["case"])
            owner = Membership.objects.get(case=case, role=Role.OWNER).user
            sharing_services.membership_add(case=case, user=advocate, role=Role.ADVOCATE, added_by=owner)
            cases.append(parent)
        advocates.append({"email": email, "cases": cases})
    return {"password": PASSWORD, "parents": parents, "advocates": advocates}


def add_photos(case_id: int, count: int) -> None:
    """More exhibits for one case, so that its dossier takes a few seconds to make (the worker drill)."""
    case = Case.objects.get(pk=case_id)
    owner = Membership.objects.get(case=case, role=Role.OWNER).user
    rng = random.Random(case_id)
    for k in range(count):
        evidence_services.evidence_attach(
            user=owner,
            case=case,
            kind="photo",
            description=f"Photo {k + 1} of the letter",
            uploaded_file=SimpleUploadedFile(f"photo-{k + 1}.png", png(rng, 1200, 1600), content_type="image/png"),
        )
