"""Every statutory letter and notice the program writes: who it goes to, the law, what it must carry.

Taken from the domain file letters.md (tags [L] law, [G] Code of Practice, [P] practice). The
program owns the locked blocks (STATUTORY: the dates and legal content of this kind; RIGHTS: the
appeal and mediation rights of reg 32; IAS: SENDIASS, CFA s.32); an authority's template owns the
wording around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from send_desktop.timeline.catalogue import letter_step

# CFA 2014 s.51(2): what the parent or young person may appeal against, per letter.
APPEAL_GROUNDS: dict[str, str] = {
    "a": "our decision not to carry out an EHC needs assessment",
    "b": (
        "our decision, following the assessment, that it is not necessary for special "
        "educational provision to be made in accordance with an EHC plan"
    ),
    "c": (
        "the special educational needs described in the plan, the special educational "
        "provision in it, the school or other institution (or type) named in it, or that none "
        "is named"
    ),
    "e": "our decision not to amend the plan after the review",
    "f": "our decision to cease to maintain the EHC plan",
}


@dataclass(frozen=True)
class Need:
    """Something the caseworker types for this letter (the store does not hold it)."""

    key: str
    label: str
    is_date: bool = False


REASONS = Need("reasons", "The reasons for the decision")


@dataclass(frozen=True)
class LetterKind:
    code: str
    title: str
    to: str  # who it goes to, in words
    source: str  # the law it answers to
    blocks: tuple[str, ...]  # locked blocks the template must carry
    ground: str | None = None  # s.51(2) ground when the letter carries RIGHTS
    needs: tuple[Need, ...] = ()
    family: bool = True  # addressed to the parent/young person (else an adviser or school)
    # The letter's dates run from the day it is sent (appeal clock, 15-day windows): it may only
    # be marked sent on the day it is dated.
    dated_by_sending: bool = False

    @property
    def step(self) -> str | None:
        """The step this letter is written for (a step id prefix): the catalogue says which."""
        return letter_step(self.code)


FAMILY_BLOCKS = ("STATUTORY", "IAS")
RIGHTS_BLOCKS = ("STATUTORY", "RIGHTS")

KINDS: tuple[LetterKind, ...] = (
    LetterKind(
        "ACK",
        "Acknowledgement of a request for an EHC needs assessment",
        "the parent or young person",
        "CFA s.36(4),(7); reg 5(1) (practice: councils confirm receipt)",
        FAMILY_BLOCKS,
    ),
    LetterKind(
        "DA",
        "Decision to carry out an EHC needs assessment",
        "the parent or young person (copy: reg 4(2) persons)",
        "reg 5(1),(2); reg 6(1); reg 7",
        FAMILY_BLOCKS,
    ),
    LetterKind(
        "DNA",
        "Decision not to carry out an EHC needs assessment",
        "the parent or young person (copy: reg 4(2) persons)",
        "CFA s.36(5); regs 4(1), 5(1),(3)",
        RIGHTS_BLOCKS,
        ground="a",
        needs=(REASONS,),
        dated_by_sending=True,
    ),
    LetterKind(
        "ADV",
        "Request for advice and information",
        "the adviser",
        "reg 6(1); reg 8",
        ("STATUTORY",),
        family=False,
    ),
    LetterKind(
        "CHASE",
        "Reminder: advice overdue",
        "the adviser",
        "reg 8 (practice: chasing late advice)",
        ("STATUTORY",),
        family=False,
    ),
    LetterKind(
        "NP",
        "Decision not to issue an EHC plan",
        "the parent or young person (copy: health body, head teacher or principal)",
        "CFA s.36(9); reg 10(1),(2)",
        RIGHTS_BLOCKS,
        ground="b",
        needs=(REASONS,),
        dated_by_sending=True,
    ),
    LetterKind(
        "DP",
        "Draft EHC plan: your right to comment and to ask for a school or college",
        "the parent or young person",
        "CFA s.38(2)-(5), s.49; reg 13(1); CoP 9.77",
        FAMILY_BLOCKS,
        dated_by_sending=True,
    ),
    LetterKind(
        "CON",
        "Consultation on naming a school or college in an EHC plan",
        "the school or college (governing body, proprietor or principal)",
        "CFA s.39(2),(4), s.40(3); CoP 9.83",
        ("STATUTORY",),
        family=False,
    ),
    LetterKind(
        "FP",
        "Final EHC plan",
        "the parent or young person (copy: the named school or college, the health body)",
        "reg 13(2); reg 14; CFA s.43",
        RIGHTS_BLOCKS,
        ground="c",
        dated_by_sending=True,
    ),
    LetterKind(
        "DEL",
        "A time limit will be missed",
        "the parent or young person",
        "regs 5(4), 8(2), 10(4), 13(3); CoP 9.42-9.43",
        FAMILY_BLOCKS,
        needs=(
            Need("step", "Which step (e.g. N5)"),
            Need("expected", "When we now expect to finish it", is_date=True),
            Need("reason", "Why the time limit will be missed"),
        ),
    ),
    LetterKind(
        "AR",
        "Invitation to the annual review meeting",
        "the parent or young person, the head teacher or principal, the SEN officer, health and social care",
        "CFA s.44; reg 20(1)-(7)",
        FAMILY_BLOCKS,
        needs=(Need("time", "Time of the meeting"), Need("place", "Place of the meeting")),
    ),
    LetterKind(
        "RD",
        "Annual review decision",
        "the parent or young person (copy: head teacher or principal)",
        "reg 20(10),(11); reg 22(2); R (L, M, P) v Devon CC [2022] EWHC 493 (Admin)",
        ("STATUTORY", "IAS"),  # RIGHTS too when the decision is to maintain (checked per case)
        ground="e",
        dated_by_sending=True,
    ),
    LetterKind(
        "FAP",
        "Final amended EHC plan",
        "the parent or young person (copy: the named school or college, the health body)",
        "reg 22(3),(5)",
        RIGHTS_BLOCKS,
        ground="c",
        dated_by_sending=True,
    ),
    LetterKind(
        "NTA",
        "Decision not to amend the EHC plan",
        "the parent or young person",
        "reg 22(4),(5)",
        RIGHTS_BLOCKS,
        ground="e",
        needs=(REASONS,),
        dated_by_sending=True,
    ),
    LetterKind(
        "PT",
        "Phase transfer: the plan must name the next school or college",
        "the parent or young person",
        "reg 18",
        FAMILY_BLOCKS,
    ),
    LetterKind(
        "CP",
        "Proposal to cease to maintain the EHC plan",
        "the parent or young person (consulting the head teacher or principal)",
        "CFA s.45; regs 29-31(1)",
        FAMILY_BLOCKS,
        needs=(
            Need("ground", "Ground (no longer responsible / no longer necessary)"),
            Need("evidence", "The evidence we relied on"),
            Need("views_by", "Date for your views", is_date=True),
        ),
    ),
    LetterKind(
        "CD",
        "Decision to cease to maintain the EHC plan",
        "the parent or young person (copy: the named institution, the health body)",
        "CFA s.45; reg 31(2),(3)",
        RIGHTS_BLOCKS,
        ground="f",
        needs=(
            Need("ground", "Ground (no longer responsible / no longer necessary)"),
            REASONS,
        ),
        dated_by_sending=True,
    ),
)
KINDS_BY_CODE: dict[str, LetterKind] = {k.code: k for k in KINDS}
# Letters whose sending starts the appeal clock (A1/A2 run from the date the notice is sent).
APPEALABLE = frozenset(k.code for k in KINDS if k.ground is not None)
CEASE_GROUNDS = {
    "no longer responsible": "we are no longer responsible for the child or young person",
    "no longer necessary": "it is no longer necessary for the plan to be maintained",
}
