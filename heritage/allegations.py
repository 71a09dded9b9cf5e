"""Allegations with their reviews: current status, responses, filters and counts.

An allegation's status is never stored on it: it is the status set by its latest review, for each
aspect separately (damage: did it happen; attribution: who did it), and 'reported' until a review
exists. Both parties' allegations go through exactly the same code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from heritage import chains
from heritage.errors import RecordNotFound
from heritage.models import Allegation, AllegationStatus, AllegedAct, Review, ReviewAspect, When
from heritage.store import Catalogue

if TYPE_CHECKING:
    from heritage.index import Index


def review_order(reviews: Iterable[Review]) -> list[Review]:
    """An allegation's reviews, oldest first: the one rule for which finding is the latest. A review
    comes after every review it follows through `supersedes` links, whatever the clocks say (a
    laptop whose clock runs ahead cannot outrank a review written after its own): it takes the
    later of its own recorded_at and that of the review it supersedes. Reviews that no link
    orders (older records without links, or two written apart) go by recorded_at, then id: such
    reviews compete (`competing_reviews`), and `validate` reports them."""
    reviews = list(reviews)
    by_id = {r.id: r for r in reviews}
    rank: dict[str, tuple[datetime, int]] = {}  # the time it counts at, and how many links lead to it
    for review in reviews:
        chain, step = [], review
        while step.id not in rank and step.id not in chain:  # a loop of links counts once
            chain.append(step.id)
            if step.supersedes not in by_id:
                break
            step = by_id[step.supersedes]
        at, depth = rank[step.id] if step.id not in chain else (datetime.min.replace(tzinfo=UTC), -1)
        for review_id in reversed(chain):
            at, depth = max(at, by_id[review_id].recorded_at), depth + 1
            rank[review_id] = (at, depth)
    return sorted(reviews, key=lambda r: (*rank[r.id], r.recorded_at, r.id))


def competing_reviews(reviews: Iterable[Review], aspect: ReviewAspect) -> list[str]:
    """The reviews of one aspect that each stand as the latest because no link orders them
    (written apart: two first reviews, two reviews of one, two chains), and those on a loop of
    links, sorted; none when the reviews form one chain. Which of them gives the status rests on
    the clocks alone, so every reader that shows the status says so."""
    links = {r.id: r.supersedes for r in reviews if r.aspect is aspect}
    return sorted({*chains.apart(links)}.union(*chains.loops(links)))


def latest_review(reviews: Iterable[Review], aspect: ReviewAspect) -> Review | None:
    ordered = review_order(r for r in reviews if r.aspect is aspect)
    return ordered[-1] if ordered else None


def current_status(reviews: Iterable[Review], aspect: ReviewAspect = ReviewAspect.damage) -> AllegationStatus:
    latest = latest_review(reviews, aspect)
    return latest.status if latest else AllegationStatus.reported


@dataclass
class ReviewedAllegation:
    allegation: Allegation
    reviews: list[Review] = field(default_factory=list)  # oldest first
    responses: list[str] = field(default_factory=list)  # allegations that answer this one

    @property
    def damage_status(self) -> AllegationStatus:
        return current_status(self.reviews, ReviewAspect.damage)

    @property
    def attribution_status(self) -> AllegationStatus:
        return current_status(self.reviews, ReviewAspect.attribution)

    @property
    def competing(self) -> dict[ReviewAspect, list[str]]:
        """Each aspect whose reviews compete -> those reviews (`competing_reviews`)."""
        found = {aspect: competing_reviews(self.reviews, aspect) for aspect in ReviewAspect}
        return {aspect: ids for aspect, ids in found.items() if ids}

    def status_line(self) -> str:
        """The status of each aspect, saying which reviews compete where some do."""
        competing = self.competing

        def said(aspect: ReviewAspect, status: AllegationStatus) -> str:
            rivals = competing.get(aspect)
            return f"{aspect.value}: {status.value}" + (
                f" (competing reviews {', '.join(rivals)}, written apart: the status rests on clocks alone)"
                if rivals
                else ""
            )

        return "; ".join(
            [said(ReviewAspect.damage, self.damage_status), said(ReviewAspect.attribution, self.attribution_status)]
        )

    def as_json(self) -> dict[str, Any]:
        return self.allegation.model_dump(mode="json", exclude_none=True) | {
            "status": {"damage": self.damage_status.value, "attribution": self.attribution_status.value},
            "competing_reviews": {aspect.value: ids for aspect, ids in self.competing.items()},
            "reviews": [r.model_dump(mode="json", exclude_none=True) for r in self.reviews],
            "responses": self.responses,
        }


def reviews_by_allegation(catalogue: Catalogue) -> dict[str, list[Review]]:
    found: dict[str, list[Review]] = defaultdict(list)
    for review in catalogue.reviews():
        found[review.allegation].append(review)
    return {allegation: review_order(reviews) for allegation, reviews in found.items()}


def allegations_about(catalogue: Catalogue, index: Index, site_id: str) -> list[ReviewedAllegation]:
    """`load_allegations` for the allegations about one site, found through the index: reads only those
    allegations, their reviews and the ids of the allegations that answer them."""
    paths = {p for (p,) in index.rows("SELECT path FROM allegation_sites WHERE site = ?", (site_id,))}
    found = (catalogue.read(Allegation, catalogue.root / path) for path in paths)
    reviewed = []
    for allegation in sorted(found, key=lambda a: (a.made_on.start or date.min, a.id)):
        reviews = review_order(catalogue.reviews(allegation.id))
        answers = index.rows("SELECT id FROM allegations WHERE responds_to = ? ORDER BY made_day, id", (allegation.id,))
        reviewed.append(ReviewedAllegation(allegation, reviews, [a for (a,) in answers]))
    return reviewed


def load_allegations(catalogue: Catalogue) -> list[ReviewedAllegation]:
    allegations = sorted(catalogue.allegations(), key=lambda a: (a.made_on.start or date.min, a.id))
    reviews = reviews_by_allegation(catalogue)
    responses: dict[str, list[str]] = defaultdict(list)
    for allegation in allegations:
        if allegation.responds_to:
            responses[allegation.responds_to].append(allegation.id)
    return [ReviewedAllegation(a, reviews.get(a.id, []), responses.get(a.id, [])) for a in allegations]


@dataclass
class AllegationFilter:
    statuses: set[AllegationStatus] = field(default_factory=set)  # damage status
    claimant_parties: set[str] = field(default_factory=set)
    perpetrator_parties: set[str] = field(default_factory=set)
    acts: set[AllegedAct] = field(default_factory=set)
    site: str | None = None
    made_from: date | None = None
    made_to: date | None = None
    period: When | None = None  # the alleged period overlaps this window
    bbox: tuple[float, float, float, float] | None = None  # a site concerned, or the area, lies in it
    site_points: dict[str, tuple[float, float]] = field(default_factory=dict)

    def matches(self, reviewed: ReviewedAllegation) -> bool:
        a = reviewed.allegation
        if self.period is not None:
            alleged = a.alleged_period
            if (
                alleged is None
                or (alleged.end or date.max) < (self.period.start or date.min)
                or (alleged.start or date.min) > (self.period.end or date.max)
            ):
                return False
        if self.bbox is not None and not self._in_box(a):
            return False
        if self.statuses and reviewed.damage_status not in self.statuses:
            return False
        if self.claimant_parties and a.claimant.party not in self.claimant_parties:
            return False
        perpetrator = a.alleged_perpetrator.party if a.alleged_perpetrator else None
        if self.perpetrator_parties and perpetrator not in self.perpetrator_parties:
            return False
        if self.acts and not self.acts & set(a.acts):
            return False
        if self.site and self.site not in a.sites:
            return False
        # A claim dated only roughly matches a period it may fall in.
        if self.made_from and (a.made_on.end or date.max) < self.made_from:
            return False
        if self.made_to and (a.made_on.start or date.min) > self.made_to:
            return False
        return True

    def _in_box(self, allegation: Allegation) -> bool:
        assert self.bbox is not None
        west, south, east, north = self.bbox
        for site in allegation.sites:
            point = self.site_points.get(site)
            if point and west <= point[0] <= east and south <= point[1] <= north:
                return True
        if allegation.area is not None:
            x0, y0, x1, y1 = allegation.area.bounds
            return not (x1 < west or x0 > east or y1 < south or y0 > north)
        return False


def select_allegations(catalogue: Catalogue, where: AllegationFilter) -> list[ReviewedAllegation]:
    """The catalogue's claims that `where` matches, by date made. A box is tried against the sites'
    points, read here unless `where` brings them."""
    if where.bbox is not None and not where.site_points:
        points = {s.id: s.geometry.representative for s in catalogue.sites() if s.geometry}
        where = replace(where, site_points=points)
    return [reviewed for reviewed in load_allegations(catalogue) if where.matches(reviewed)]


def find_allegation(catalogue: Catalogue, allegation_id: str) -> ReviewedAllegation:
    """One allegation as a claim: with its reviews and the allegations that answer it."""
    reviewed = next((c for c in load_allegations(catalogue) if c.allegation.id == allegation_id), None)
    if reviewed is None:
        raise RecordNotFound("no such allegation", record=allegation_id)
    return reviewed


def stats(allegations: Iterable[ReviewedAllegation]) -> dict[str, Counter[str]]:
    """Counts of allegations by the claimant's party and damage status ('no party' for the rest)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for reviewed in allegations:
        table[reviewed.allegation.claimant.party or "no party"][reviewed.damage_status.value] += 1
    return dict(sorted(table.items()))
