"""Why a collections action refuses its input, as stable codes.

Actions raise ``django.core.exceptions.ValidationError`` with one of these
codes and a Spanish message an agent can act on; forms and the API show the
message and may branch on the code.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    NO_ACCOUNTS = "no_accounts"
    CODE_UNKNOWN = "code_unknown"
    CODE_INACTIVE = "code_inactive"
    CHANNEL_NOT_ALLOWED = "channel_not_allowed"
    CONTACT_POINT_REQUIRED = "contact_point_required"
    CONTACT_POINT_OF_OTHER_DEBTOR = "contact_point_of_other_debtor"
    CONTACT_POINT_WRONG_KIND = "contact_point_wrong_kind"
    ENDS_BEFORE_START = "ends_before_start"
    PROMISE_REQUIRED = "promise_required"
    PROMISE_ONE_ACCOUNT = "promise_one_account"
    PROMISE_AMOUNT = "promise_amount"
    PROMISE_DATE_PAST = "promise_date_past"
    PROMISE_DATE_TOO_FAR = "promise_date_too_far"
    REASON_REQUIRED = "reason_required"
    REASON_UNKNOWN = "reason_unknown"
    MASS_CODE_NEEDS_DETAILS = "mass_code_needs_details"
    MASS_CODE_DEBTOR_WIDE = "mass_code_debtor_wide"
    PAYMENT_AMOUNT = "payment_amount"
