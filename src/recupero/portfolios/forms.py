"""Forms of the portfolio screens: account search, file upload, import profile."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from recupero.portfolios.listing import (
    list_search_choices,
    list_stage_choices,
    visible_creditors,
    visible_portfolios,
    visible_profiles,
)
from recupero.portfolios.models import Creditor, ImportProfile, Portfolio
from recupero.portfolios.queries import UNSTAGED

AnyUser = AbstractBaseUser | AnonymousUser

EXTRA_PREFIX = "extra."
# Blank rows offered for fields of the creditor that Recupero keeps as is.
EXTRA_ROWS = 3

# Names of the fields an import profile maps, as the interface shows them.
FIELD_LABELS = {
    "account_number": _("Account number"),
    "portfolio": _("Portfolio code"),
    "product": _("Product"),
    "currency": _("Currency"),
    "capital": _("Capital"),
    "interest": _("Interest"),
    "fees": _("Fees"),
    "balance": _("Balance"),
    "credit_limit": _("Credit limit"),
    "due_date": _("Due date"),
    "days_past_due": _("Days past due"),
    "balance_as_of": _("Balance as of"),
    "is_legal": _("In legal proceedings"),
    "debtor_name": _("Debtor name"),
    "debtor_kind": _("Debtor kind (person/company)"),
    "tax_id": _("CUIT/CUIL/DNI"),
    "customer_number": _("Customer number"),
    "phone": _("Phone"),
    "phone_2": _("Phone 2"),
    "phone_3": _("Phone 3"),
    "mobile": _("Mobile"),
    "email": _("E-mail"),
    "email_2": _("E-mail 2"),
    "street": _("Street and number"),
    "city": _("City"),
    "province": _("Province"),
    "postal_code": _("Postal code"),
    "guarantor_name": _("Guarantor name"),
    "guarantor_tax_id": _("Guarantor CUIT/DNI"),
    "guarantor_phone": _("Guarantor phone"),
}
VALUE_KINDS = {
    "text": _("text"),
    "amount": _("amount"),
    "date": _("date"),
    "number": _("whole number"),
    "flag": _("yes/no"),
}
ENCODINGS = [
    ("auto", _("Detect")),
    ("utf-8", "UTF-8"),
    ("cp1252", "Windows-1252 (ANSI)"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
]
DELIMITERS = [
    ("auto", _("Detect")),
    (";", _("; (semicolon)")),
    (",", _(", (comma)")),
    ("tab", _("Tab")),
    ("|", _("| (pipe)")),
]
DECIMAL_SEPARATORS = [(",", _(", (comma)")), (".", _(". (full stop)"))]
DATE_FORMATS = ["dd/mm/aaaa", "dd-mm-aaaa", "dd.mm.aaaa", "iso", "excel"]


def mappable_fields() -> Mapping[str, Any] | None:
    """Return the import engine's field specs, or None before it exists."""
    try:
        from recupero.portfolios.importing.mapping import FIELDS
    except ImportError:
        return None
    return FIELDS


def known_transforms() -> list[str] | None:
    try:
        from recupero.portfolios.importing.mapping import TRANSFORMS
    except ImportError:
        return None
    return list(TRANSFORMS)


def check_profile_or_raise(profile: ImportProfile) -> None:
    """Raise ValidationError with the import engine's reason for a bad profile."""
    try:
        from recupero.portfolios.importing.mapping import ProfileError, check_profile
    except ImportError:
        return
    try:
        check_profile(profile)
    except ProfileError as error:
        raise ValidationError(error.message, code="bad_profile") from error


class PortfolioChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Portfolio) -> str:
        return f"{obj.creditor} · {obj}"


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ImportProfile) -> str:
        return f"{obj.creditor} · {obj.name}"


class AccountSearchForm(forms.Form):
    """One search box and three filters; choices are read once, in __init__."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Account, name, CUIT/DNI or phone")}
        ),
    )
    creditor = forms.ChoiceField(label=_("Creditor"), required=False)
    portfolio = forms.ChoiceField(label=_("Portfolio"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)

    def __init__(self, user: AnyUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creditors, portfolios = list_search_choices(user)
        self._creditors = {str(creditor.pk): creditor for creditor in creditors}
        self._portfolios = {str(portfolio.pk): portfolio for portfolio in portfolios}
        self.fields["creditor"].choices = [("", _("All creditors"))] + [
            (pk, str(creditor)) for pk, creditor in self._creditors.items()
        ]
        self.fields["portfolio"].choices = [("", _("All portfolios"))] + [
            (pk, f"{portfolio.creditor} · {portfolio}")
            for pk, portfolio in self._portfolios.items()
        ]
        self.fields["stage"].choices = [
            ("", _("All stages")),
            *list_stage_choices(user),
            (UNSTAGED, _("No stage yet")),
        ]

    def clean_creditor(self) -> Creditor | None:
        return self._creditors.get(self.cleaned_data["creditor"])

    def clean_portfolio(self) -> Portfolio | None:
        return self._portfolios.get(self.cleaned_data["portfolio"])


class ImportUploadForm(forms.Form):
    creditor = forms.ModelChoiceField(
        label=_("Creditor"), queryset=Creditor.objects.none()
    )
    profile = ProfileChoiceField(
        label=_("Import profile"), queryset=ImportProfile.objects.none()
    )
    portfolio = PortfolioChoiceField(
        label=_("Portfolio"),
        queryset=Portfolio.objects.none(),
        required=False,
        empty_label=_("As the file or the profile says"),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, TXT or Excel (.xlsx) as the creditor sent it."),
    )
    force = forms.BooleanField(
        label=_("Import again even if this same file was already imported"),
        required=False,
    )

    def __init__(self, user: AnyUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = visible_creditors(user).order_by("name")
        profiles = visible_profiles(user).select_related("creditor")
        portfolios = visible_portfolios(user).select_related("creditor")
        creditor_id = self.data.get("creditor") or self.initial.get("creditor")
        if creditor_id and str(creditor_id).isdigit():
            profiles = profiles.filter(creditor_id=creditor_id)
            portfolios = portfolios.filter(creditor_id=creditor_id)
        self.fields["profile"].queryset = profiles.order_by("creditor__name", "name")
        self.fields["portfolio"].queryset = portfolios.order_by(
            "creditor__name", "name"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        creditor = data.get("creditor")
        for name in ("profile", "portfolio"):
            chosen = data.get(name)
            if creditor and chosen and chosen.creditor_id != creditor.pk:
                self.add_error(
                    name,
                    ValidationError(
                        _("It belongs to another creditor."), code="other_creditor"
                    ),
                )
        return data


class ImportProfileForm(forms.ModelForm):
    """The profile's file options; the column mapping is a formset beside it."""

    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODINGS)
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITERS)
    decimal_separator = forms.ChoiceField(
        label=_("Decimal separator"), choices=DECIMAL_SEPARATORS
    )
    date_format = forms.ChoiceField(label=_("Date format"))
    history = forms.JSONField(
        label=_("Balance history columns"),
        required=False,
        help_text=_(
            'Older balances in the file, as a JSON list: [{"column": "Saldo '
            'mayo", "as_of": "2025-05-31"}].'
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = ImportProfile
        fields = [
            "creditor",
            "name",
            "kind",
            "encoding",
            "delimiter",
            "decimal_separator",
            "date_format",
            "default_area",
            "history",
        ]

    def __init__(self, user: AnyUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = visible_creditors(user).order_by("name")
        if self.instance.pk:
            # A profile's jobs point at it; moving it would mislabel them.
            self.fields["creditor"].disabled = True
        self.fields["date_format"].choices = [(f, f) for f in DATE_FORMATS]
        for name in ("encoding", "delimiter", "date_format"):
            self._keep_current_choice(name)

    def _keep_current_choice(self, name: str) -> None:
        current = getattr(self.instance, name, "")
        choices = list(self.fields[name].choices)
        if current and current not in {value for value, _label in choices}:
            self.fields[name].choices = [*choices, (current, current)]

    def clean_history(self) -> list[Any]:
        return self.cleaned_data.get("history") or []


class MappingRowForm(forms.Form):
    """One Recupero field and where its value comes from in the file."""

    field = forms.CharField(max_length=80, required=False)
    column = forms.CharField(label=_("File column"), max_length=200, required=False)
    value = forms.CharField(label=_("Fixed value"), max_length=200, required=False)
    transform = forms.CharField(label=_("Transform"), max_length=200, required=False)
    optional = forms.BooleanField(label=_("May be missing"), required=False)

    def clean_field(self) -> str:
        name = self.cleaned_data["field"].strip()
        if name and " " in name:
            raise ValidationError(_("A field name has no spaces."), code="spaces")
        return name

    def clean_transform(self) -> list[str]:
        names = self.cleaned_data["transform"].replace(",", " ").split()
        known = known_transforms()
        unknown = [name for name in names if known is not None and name not in known]
        if unknown:
            raise ValidationError(
                _("Unknown transform %(names)s; there are: %(known)s."),
                code="unknown_transform",
                params={"names": ", ".join(unknown), "known": ", ".join(known or [])},
            )
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("column") and data.get("value"):
            raise ValidationError(
                _("Give a file column or a fixed value, not both."), code="both"
            )
        return data

    def as_entry(self) -> tuple[str, dict[str, Any]] | None:
        """Return (field, mapping entry) or None when the row maps nothing."""
        data = self.cleaned_data
        name, column, value = data.get("field"), data.get("column"), data.get("value")
        if not name or not (column or value):
            return None
        entry: dict[str, Any] = {"column": column} if column else {"value": value}
        transforms = data.get("transform") or []
        if transforms:
            entry["transform"] = transforms[0] if len(transforms) == 1 else transforms
        if column and data.get("optional"):
            entry["required"] = False
        return name, entry


class BaseMappingFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            entry = form.as_entry()
            if entry is None:
                continue
            if entry[0] in seen:
                raise ValidationError(
                    _("The field %(field)s is mapped twice."),
                    code="twice",
                    params={"field": entry[0]},
                )
            seen.add(entry[0])

    def columns(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Return the profile's ``columns`` built from the rows."""
        columns: dict[str, Any] = {}
        for form in self.forms:
            entry = form.as_entry()
            if entry is None:
                continue
            name, spec = entry
            if name not in fields and not name.startswith(EXTRA_PREFIX):
                name = EXTRA_PREFIX + name
            columns[name] = spec
        return columns


MappingFormSet = forms.formset_factory(
    MappingRowForm, formset=BaseMappingFormSet, extra=0
)


def mapping_initial(columns: Mapping[str, Any], fields: Mapping[str, Any]) -> list:
    """Return one formset row per mappable field, then the profile's extras."""
    rows = [_row(name, columns.get(name)) for name in fields]
    rows += [
        _row(name.removeprefix(EXTRA_PREFIX), entry)
        for name, entry in columns.items()
        if name not in fields
    ]
    rows += [{"field": ""} for _blank in range(EXTRA_ROWS)]
    return rows


@dataclass(frozen=True)
class MappingRow:
    form: MappingRowForm
    label: str
    value_kind: str
    is_extra: bool


def mapping_rows(
    formset: BaseMappingFormSet, fields: Mapping[str, Any]
) -> list[MappingRow]:
    """Return the formset's rows with the label and kind of value of each field."""
    rows = []
    for form in formset.forms:
        name = form["field"].value() or ""
        spec = fields.get(name)
        if spec is None:
            rows.append(MappingRow(form, "", "", is_extra=True))
            continue
        kind = getattr(spec, "kind", "text")
        label = FIELD_LABELS.get(name, name)
        rows.append(
            MappingRow(form, str(label), str(VALUE_KINDS.get(kind, kind)), False)
        )
    return rows


def _row(name: str, entry: object) -> dict[str, Any]:
    if isinstance(entry, str):
        entry = {"column": entry}
    if not isinstance(entry, dict):
        return {"field": name}
    transform = entry.get("transform") or []
    if isinstance(transform, str):
        transform = [transform]
    return {
        "field": name,
        "column": entry.get("column", ""),
        "value": "" if entry.get("value") is None else str(entry["value"]),
        "transform": ", ".join(transform),
        "optional": entry.get("required") is False,
    }


class ColumnsJSONForm(forms.Form):
    """The column mapping as JSON, for when the field list is not known."""

    columns = forms.JSONField(
        label=_("Column mapping (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "mono"}),
        help_text=_(
            'Each Recupero field to {"column": "file header"} or {"value": '
            '"fixed value"}, optionally with "transform".'
        ),
    )

    def clean_columns(self) -> dict[str, Any]:
        columns = self.cleaned_data["columns"]
        if not isinstance(columns, dict):
            raise ValidationError(_("The mapping must be a JSON object."), code="type")
        for name, entry in columns.items():
            if isinstance(entry, str):
                continue
            if not isinstance(entry, dict) or not ({"column", "value"} & set(entry)):
                raise ValidationError(
                    _('%(field)s: expected {"column": …} or {"value": …}.'),
                    code="entry",
                    params={"field": name},
                )
        return columns


def columns_as_json(columns: object) -> str:
    return json.dumps(columns or {}, ensure_ascii=False, indent=2)
