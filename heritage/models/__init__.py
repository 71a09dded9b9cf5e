"""The domain model. Knows nothing of files, maps, PDFs or the command line."""

from heritage.models.allegation import Allegation, Claimant, Perpetrator
from heritage.models.catalogue_info import CatalogueInfo, Party
from heritage.models.custody import CustodyAction, CustodyEvent
from heritage.models.evidence import Evidence
from heritage.models.geometry import Point, Polygon
from heritage.models.report import ConditionReport, FieldSubmission, ObserverPosition, RecordedWarning
from heritage.models.retraction import Retraction
from heritage.models.review import Review, ReviewAspect
from heritage.models.site import Designation, Dispute, Location, Name, Period, Site
from heritage.models.source import Citation, EvidenceFile, SatelliteImage, Source
from heritage.models.types import When
from heritage.models.verification import SubjectKind, Verification, VerificationResult, VerificationStep
from heritage.models.vocab import (
    Access,
    AllegationStatus,
    AllegedAct,
    Certainty,
    Condition,
    LocationPrecision,
    Method,
    Reliability,
    Sensitivity,
    SourceKind,
    Vocabulary,
)

__all__ = [
    "Access",
    "Allegation",
    "AllegationStatus",
    "AllegedAct",
    "CatalogueInfo",
    "Certainty",
    "Citation",
    "Claimant",
    "Condition",
    "ConditionReport",
    "CustodyAction",
    "CustodyEvent",
    "Designation",
    "Dispute",
    "Evidence",
    "EvidenceFile",
    "FieldSubmission",
    "Location",
    "LocationPrecision",
    "Method",
    "Name",
    "ObserverPosition",
    "Party",
    "Period",
    "Perpetrator",
    "Point",
    "Polygon",
    "RecordedWarning",
    "Reliability",
    "Retraction",
    "Review",
    "ReviewAspect",
    "SatelliteImage",
    "Sensitivity",
    "Site",
    "Source",
    "SourceKind",
    "SubjectKind",
    "Verification",
    "VerificationResult",
    "VerificationStep",
    "Vocabulary",
    "When",
]
