"""The SEN2 XML tree in element order, per collection year (sen2-return.md section 3).

Each container lists its children in the order COLLECT expects them, with how many may appear.
No DfE 2027 specification has been published: 2027 uses the 2026 tree (section 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

MANY = 1_000_000


class Child(NamedTuple):
    tag: str
    least: int
    most: int


def _c(spec: str) -> tuple[Child, ...]:
    """ "A 1|B ?|C *|D +|E 0..2" -> Child tuples."""
    found: list[Child] = []
    for part in spec.split("|"):
        tag, count = part.split()
        least, most = {"1": (1, 1), "?": (0, 1), "*": (0, MANY), "+": (1, MANY)}.get(count, (0, 0))
        if ".." in count:
            low, high = count.split("..")
            least, most = int(low), int(high)
        found.append(Child(tag, least, most))
    return tuple(found)


_PLACE_ID = "URN ?|UKPRN ?|SENsetting ?|SENSettingOther ?|PlacementRank 1"

TREE_2026: Mapping[str, tuple[Child, ...]] = MappingProxyType(
    {
        "Message": _c("Header 1|Persons 1"),
        "Header": _c("CollectionDetails 1|Source 1"),
        "CollectionDetails": _c("Collection 1|Year 1|ReferenceDate 1"),
        "Source": _c(
            "SourceLevel 1|LEA 1|SoftwareCode 1|Release 1|SerialNo 1|DateTime 1|DMO 1|DCO 1|DSCO 1"
        ),
        "Persons": _c("Person +"),
        "Person": _c(
            "Surname 1|Forename 1|PersonBirthDate 1|Sex 1|Ethnicity 1|PostCode ?|UPN ?"
            "|UniqueLearnerNumber ?|UPNunknown ?|Requests +"
        ),
        "Requests": _c(
            "ReceivedDate ?|RequestSource ?|RYA ?|RequestOutcomeDate ?|RequestOutcome 1"
            "|RequestMediation ?|RequestTribunal ?|Exported ?|Assessment ?|ActivePlans ?"
        ),
        "Assessment": _c(
            "AssessmentOutcome 1|AssessmentOutcomeDate ?|AssessmentMediation ?"
            "|AssessmentTribunal ?|OtherMediation ?|OtherTribunal ?|Week20 ?|NamedPlan ?"
        ),
        "NamedPlan": _c(
            "StartDate 1|PlanDetail 0..2|PlanRes ?|PlanWBP ?|PB ?|OA ?|DP ?|CeaseDate ?"
            "|CeaseReason ?"
        ),
        "PlanDetail": _c(_PLACE_ID + "|SENunitIndicator ?|ResourcedProvisionIndicator ?"),
        "ActivePlans": _c(
            "TransferLA ?|PlacementDetail *|SENneed 0..2|ReviewMeeting ?|ReviewOutcome ?"
            "|ReviewDraft ?|PhaseTransferDueDate ?|PhaseTransferFinalDate ?|LastReview ?"
        ),
        "PlacementDetail": _c(
            _PLACE_ID + "|EntryDate 1|LeavingDate ?|SENunitIndicator ?"
            "|ResourcedProvisionIndicator ?|Res ?|WBP ?"
        ),
        "SENneed": _c("SENtype 1|SENtypeRank 1"),
    }
)

TREES: Mapping[int, Mapping[str, tuple[Child, ...]]] = MappingProxyType(
    {2026: TREE_2026, 2027: TREE_2026}
)

DATE_ITEMS = frozenset(
    [
        "ReferenceDate",
        "PersonBirthDate",
        "ReceivedDate",
        "RequestOutcomeDate",
        "AssessmentOutcomeDate",
        "StartDate",
        "CeaseDate",
        "EntryDate",
        "LeavingDate",
        "ReviewMeeting",
        "ReviewDraft",
        "PhaseTransferDueDate",
        "PhaseTransferFinalDate",
        "LastReview",
    ]
)
FLAG_ITEMS = frozenset(
    [
        "RYA",
        "RequestMediation",
        "RequestTribunal",
        "AssessmentMediation",
        "AssessmentTribunal",
        "OtherMediation",
        "OtherTribunal",
        "Week20",
        "PB",
        "OA",
        "SENunitIndicator",
        "ResourcedProvisionIndicator",
    ]
)

# The words a caseworker knows each item by, for messages.
ITEM_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "Surname": "surname",
        "Forename": "first name",
        "PersonBirthDate": "date of birth",
        "Sex": "sex",
        "Ethnicity": "ethnicity",
        "PostCode": "postcode",
        "UPN": "UPN",
        "UniqueLearnerNumber": "ULN",
        "UPNunknown": "reason the UPN is unknown",
        "ReceivedDate": "date the request was received",
        "RequestSource": "who made the request",
        "RYA": "'in youth custody' flag",
        "RequestOutcomeDate": "date of the decision whether to assess",
        "RequestOutcome": "decision whether to assess",
        "Exported": "LA the child moved to",
        "AssessmentOutcome": "outcome of the assessment",
        "AssessmentOutcomeDate": "date of the final plan or the decision not to issue",
        "Week20": "20-week exception flag",
        "StartDate": "date the plan started",
        "PlanDetail": "setting named in the plan (section I)",
        "PB": "personal budget",
        "CeaseDate": "date the plan ceased",
        "CeaseReason": "reason the plan ceased",
        "TransferLA": "LA the plan transferred from",
        "PlacementDetail": "placement",
        "EntryDate": "placement start date",
        "LeavingDate": "placement leaving date",
        "SENneed": "special educational need",
        "ReviewMeeting": "annual review meeting date",
        "LEA": "authority's DfE LA number",
        "DMO": "answer on a designated medical officer (Y, N or R)",
        "DCO": "answer on a designated clinical officer (Y, N or R)",
        "DSCO": "answer on a designated social care officer (Y, N or R)",
        "ReviewOutcome": "annual review decision",
        "ReviewDraft": "date the proposed amendments were sent",
        "PhaseTransferDueDate": "phase-transfer deadline",
        "PhaseTransferFinalDate": "date the phase-transfer plan was finalised",
        "LastReview": "date the review decision was sent",
    }
)
