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
# Collections: result codes and the policy are parameters; activities,
# attachments and promises are added by the agent's day; states and their
# changes move only through the automaton, so nobody but the administrator
# changes them by hand. The activity-account link table is left out: it is
# part of an activity, never opened on its own.
COLLECTIONS_MODELS = (
    "collections.resultcode",
    "collections.collectionspolicy",
    "collections.activity",
    "collections.attachment",
    "collections.promise",
    "collections.accountstate",
    "collections.debtorstate",
    "collections.statechange",
)
READ_STATES = _view(
    "collections.accountstate", "collections.debtorstate", "collections.statechange"
)
READ_COLLECTIONS = _view(*COLLECTIONS_MODELS)
MASS_RESULT = ["collections.register_mass_result"]
WORK_ACCOUNTS = [
    *_view("collections.resultcode"),
    *_model_permissions("collections.activity", "view", "add"),
    *_model_permissions("collections.attachment", "view", "add"),
    *_model_permissions("collections.promise", "view", "add"),
    *READ_STATES,
]

# Payment plans: an agent proposes, accepts and withdraws them
# (``add``); approving one beyond the limits is ``change``, a supervisor's.
PROPOSE_PLANS = [
    *_model_permissions("payments.paymentplan", "view", "add"),
    *_view("payments.installment"),
]
APPROVE_PLANS = ["payments.change_paymentplan"]

AGENT = [*READ_BOOK, *ENRICH_CONTACTS, *WORK_ACCOUNTS, *PROPOSE_PLANS]
SUPERVISOR = [
    *AGENT,
    *APPROVE_PLANS,
    *READ_COLLECTIONS,
    *MASS_RESULT,
    *_model_permissions("access.accountassignment", "view", "add", "change", "delete"),
    *_view("access.area", "access.membership", "access.portfolioarea"),
]
# The till: open and close one, take payments, issue and reprint receipts.
TAKE_PAYMENTS = [
    *_view("payments.branch", "payments.receipt", "payments.ledgerentry"),
    *_model_permissions("payments.till", "view", "add", "change"),
    *_model_permissions("payments.payment", "view", "add"),
]
CASHIER = [
    *_view(
        "parties.debtor",
        "portfolios.creditor",
        "portfolios.portfolio",
        "portfolios.account",
        # A payment may keep a promise: the cashier sees which.
        "collections.promise",
    ),
    *TAKE_PAYMENTS,
]
STRATEGY_MANAGER = [
    *READ_BOOK,
    *_model_permissions("portfolios.stage", "add", "change"),
    *_view("portfolios.cyclerun", "portfolios.stagechange", "portfolios.importjob"),
    *READ_COLLECTIONS,
    # Adding result codes stays with the administrator; a creditor without a
    # policy of its own gets one added the first time its rules change.
    "collections.change_resultcode",
    *_model_permissions("collections.collectionspolicy", "add", "change"),
]
BACK_OFFICE = [
    *READ_BOOK,
    *_model_permissions("portfolios.portfolio", "add", "change"),
    *_model_permissions("portfolios.importprofile", "view", "add", "change"),
    *_model_permissions("portfolios.importjob", "view", "add"),
    *_view("portfolios.importissue", "portfolios.cyclerun"),
    *READ_COLLECTIONS,
    # The results of a letter run or an SMS campaign, recorded in mass.
    "collections.add_activity",
    *MASS_RESULT,
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
    "collections.activity",
    "collections.promise",
    "collections.accountstate",
    "collections.debtorstate",
    "collections.statechange",
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
