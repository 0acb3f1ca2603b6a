"""What each profile may do by default, as ``app_label.codename`` lists.

These are only the defaults ``ensure_default_profiles`` grants once; the
administrator edits each profile's group in the admin afterwards.
Permissions of apps not installed yet are skipped, and granted when the
action runs again after they are.
"""

from recupero.access.models import ProfileKind

# Every permission there is, for the administrator.
EVERYTHING = "*"


def _model_permissions(label: str, *verbs: str) -> list[str]:
    app_label, model = label.split(".")
    return [f"{app_label}.{verb}_{model}" for verb in verbs]


def _view(*labels: str) -> list[str]:
    return [name for label in labels for name in _model_permissions(label, "view")]


READ_BOOK = _view(
    "parties.debtor",
    "parties.relatedperson",
    "parties.contactpoint",
    "portfolios.creditor",
    "portfolios.portfolio",
    "portfolios.account",
    "portfolios.balancesnapshot",
    "portfolios.stage",
)
ENRICH_CONTACTS = [
    *_model_permissions("parties.contactpoint", "add", "change"),
    *_model_permissions("parties.relatedperson", "add", "change"),
]
AGENT = [*READ_BOOK, *ENRICH_CONTACTS]
SUPERVISOR = [
    *AGENT,
    *_model_permissions("access.accountassignment", "view", "add", "change", "delete"),
    *_view("access.area", "access.membership", "access.portfolioarea"),
]
CASHIER = _view(
    "parties.debtor",
    "portfolios.creditor",
    "portfolios.portfolio",
    "portfolios.account",
)
STRATEGY_MANAGER = [
    *READ_BOOK,
    *_model_permissions("portfolios.stage", "add", "change"),
    *_view("portfolios.cyclerun", "portfolios.stagechange", "portfolios.importjob"),
]
BACK_OFFICE = [
    *READ_BOOK,
    *_model_permissions("portfolios.portfolio", "add", "change"),
    *_model_permissions("portfolios.importprofile", "view", "add", "change"),
    *_model_permissions("portfolios.importjob", "view", "add"),
    *_view("portfolios.importissue", "portfolios.cyclerun"),
]
CREDITOR = _view(
    "parties.debtor",
    "portfolios.creditor",
    "portfolios.portfolio",
    "portfolios.account",
    "portfolios.balancesnapshot",
    "portfolios.stage",
    "portfolios.importjob",
    "portfolios.importissue",
)

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    ProfileKind.AGENT: AGENT,
    ProfileKind.SUPERVISOR: SUPERVISOR,
    ProfileKind.CASHIER: CASHIER,
    ProfileKind.STRATEGY_MANAGER: STRATEGY_MANAGER,
    ProfileKind.BACK_OFFICE: BACK_OFFICE,
    ProfileKind.CREDITOR: CREDITOR,
    ProfileKind.ADMINISTRATOR: [EVERYTHING],
}
