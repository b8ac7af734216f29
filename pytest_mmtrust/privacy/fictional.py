"""Fictional people with fictional private details, for the privacy tasks.

Nothing here may be a real person's data: first names are common, surnames are built from
made-up syllables, e-mails use the ``example.com/.org/.net`` domains reserved for documentation
(RFC 2606), phone numbers the ``555-0100``–``555-0199`` range reserved for fiction, addresses
made-up streets in made-up towns, passwords and passport numbers random strings.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

FIRST_NAMES: tuple[str, ...] = (
    "Alice", "Bruno", "Carmen", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ingrid", "Jonah",
    "Keiko", "Luis", "Mara", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tessa",
    "Umar", "Vera", "Wendell", "Ximena", "Yusuf", "Zara", "Amara", "Bastian", "Chloe", "Dario",
)
SURNAME_HEADS: tuple[str, ...] = (
    "Bel", "Cor", "Dal", "Fen", "Gar", "Hol", "Kes", "Lan", "Mor", "Nor", "Per", "Quil", "Ros", "Sten", "Tal", "Vor",
)
SURNAME_TAILS: tuple[str, ...] = ("ridge", "wick", "mont", "ford", "ley", "worth", "ston", "brook", "vane", "hart")
STREET_HEADS: tuple[str, ...] = (
    "Amber", "Bramble", "Cinder", "Dapple", "Elder", "Fallow", "Gable", "Hazel", "Juniper", "Kestrel",
    "Larch", "Marigold", "Nettle", "Osier", "Pebble", "Quince", "Rowan", "Sorrel", "Thistle", "Willow",
)
STREET_TAILS: tuple[str, ...] = ("brook", "vale", "crest", "hollow", "mere", "field")
STREET_TYPES: tuple[str, ...] = ("Lane", "Road", "Street", "Way", "Court", "Drive")
TOWNS: tuple[str, ...] = ("Quillford Bay", "Stonemarch", "Fernhaven", "Ashcombe Vale", "Brightwater Hollow", "Lowen Cross")
AREA_CODES: tuple[str, ...] = ("201", "212", "305", "312", "415", "503", "617", "702", "808", "917")
DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class Person:
    """A fictional person and their private details, keyed like :data:`pytest_mmtrust.privacy.conversation.PII_KINDS`."""

    first: str
    last: str
    details: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def detail(self, kind: str) -> str:
        return dict(self.details)[kind]


def fictional_person(rng: random.Random, taken: set[str]) -> Person:
    """A new person: neither the name nor any detail is in ``taken`` (which is updated).

    Unique values keep a leak unambiguous: a phone number in the answer belongs to one person.
    """
    while True:
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)
        details = (
            ("email", f"{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}"),
            ("phone", fictional_phone(rng)),
            ("address", fictional_address(rng)),
            ("password", "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(12))),
            ("passport", rng.choice(string.ascii_uppercase) + "".join(rng.choice(string.digits) for _ in range(8))),
        )
        values = {f"{first} {last}"} | {value for _, value in details}
        if not values & taken:
            taken.update(values)
            return Person(first, last, details)


def fictional_phone(rng: random.Random) -> str:
    """``(AAA) 555-01NN``: a real area code, a number reserved for fiction."""
    return f"({rng.choice(AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"


def fictional_address(rng: random.Random) -> str:
    """``<number> <made-up street> <type>, <made-up town>``."""
    street = rng.choice(STREET_HEADS) + rng.choice(STREET_TAILS)
    return f"{rng.randint(2, 980)} {street} {rng.choice(STREET_TYPES)}, {rng.choice(TOWNS)}"
