"""Default stages and the rule that puts an account in one."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class StageDefault:
    slug: str
    name: str
    min_days: int
    max_days: int | None
    is_legal: bool = False


# Aligned with the BCRA consumer "situación" bands; editable per creditor.
DEFAULT_STAGES = (
    StageDefault("activa", gettext_noop("Activa"), 0, 0),
    StageDefault("mora_temprana", gettext_noop("Mora temprana"), 1, 90),
    StageDefault("mora_tardia", gettext_noop("Mora tardía"), 91, 180),
    StageDefault("prejudicial", gettext_noop("Prejudicial"), 181, 365),
    StageDefault("judicial", gettext_noop("Judicial"), 366, None, is_legal=True),
)


class StageBand(Protocol):
    """What a stage needs to place an account."""

    slug: str
    min_days: int
    max_days: int | None
    is_legal: bool


S = TypeVar("S", bound=StageBand)


def pick_stage(stages: Iterable[S], days_past_due: int, *, is_legal: bool) -> S | None:
    """Return the stage of an account, or None when no band holds its days.

    An account in legal proceedings goes to the legal stage whatever its
    days past due.
    """
    stages = list(stages)
    if is_legal:
        for stage in stages:
            if stage.is_legal:
                return stage
    for stage in stages:
        upper = stage.max_days
        if days_past_due >= stage.min_days and (
            upper is None or days_past_due <= upper
        ):
            return stage
    return None
