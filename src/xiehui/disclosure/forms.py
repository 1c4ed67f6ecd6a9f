"""Web forms of disclosure, generated from the catalogue item type (its `fields` and repeating `rows`).

They parse input and check each value with the catalogue's own rule, so every wrong value is shown
at once on its field; the services check everything again and their refusals land on the field they
name ("fields.income", "rows.0.amount", "files", …) through `Editor.add_service_error`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiehui.core.errors import ApplicationError
from xiehui.core.models import Attachment, Region
from xiehui.core.selectors import home_province_regions
from xiehui.registry.forms import MultipleFileField

from . import catalogue
from .catalogue import EVENT, HALFYEARLY, STANDING, YEARLY, FieldSpec, ItemType
from .models import ChangeKind, DisclosureVersion

EXTRA_ROWS = 3
SERVICE_FIELDS = {"files": "attachments"}  # the services' name for a field -> the form's
NEW, EDIT, REVISE = "new", "edit", "revise"


def _widget(spec: FieldSpec, in_row: bool) -> forms.Widget:
    if spec.kind == "textarea":
        return forms.Textarea(attrs={"rows": 2 if in_row else (14 if spec.name == "text" else 4)})
    if spec.kind == "date":
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if spec.kind == "money":
        return forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})
    if spec.kind == "integer":
        return forms.NumberInput(attrs={"step": "1", "min": "0", "inputmode": "numeric"})
    if spec.kind == "url":
        return forms.URLInput()
    return forms.TextInput(attrs={"maxlength": "200"})


class SpecField(forms.CharField):
    """One catalogue field: the widget by its kind, the value checked by the catalogue (the service's message)."""

    def __init__(self, spec: FieldSpec, *, in_row: bool = False) -> None:
        self.spec = spec
        super().__init__(
            label=spec.label,
            required=spec.required and not in_row,  # a row's columns are required only in a non-blank row
            help_text="" if in_row else spec.help,
            widget=_widget(spec, in_row),
            error_messages={"required": f"请填写“{spec.label}”"},
        )

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            try:
                catalogue.clean_value(dataclasses.replace(self.spec, required=False), value, "", self.spec.name)
            except ApplicationError as exc:
                raise ValidationError(exc.message, code=exc.code) from None
            except ValueError:  # "²".isdigit() holds but int("²") fails: refuse it like any bad number
                raise ValidationError(f"“{self.spec.label}”应为不小于 0 的整数", code="invalid_integer") from None


class FieldsForm(forms.Form):
    """The item type's structured fields (prefix "fields": "fields.<name>" errors land here)."""

    def __init__(self, *args: Any, item: ItemType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in item.fields:
            self.fields[spec.name] = SpecField(spec)


class RowForm(forms.Form):
    """One row of the item type's repeating table; a blank row is no row."""

    def __init__(self, *args: Any, columns: tuple[FieldSpec, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for spec in columns:
            self.fields[spec.name] = SpecField(spec, in_row=True)
            self.fields[spec.name].widget.attrs["aria-label"] = spec.label  # the column header labels it visually

    def values(self) -> dict[str, str]:
        return {spec.name: self.cleaned_data.get(spec.name) or "" for spec in self.columns}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(spec.name) for spec in self.columns):
            for spec in self.columns:
                if spec.required and not data.get(spec.name) and spec.name not in self.errors:
                    self.add_error(spec.name, f"请填写“{spec.label}”")
        return data


@functools.cache
def _row_formset(extra: int) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        RowForm,
        extra=extra,
        can_delete=True,
        max_num=catalogue.MAX_ROWS,
        validate_max=True,
        absolute_max=catalogue.MAX_ROWS,
    )


def _effective_on_field(required: bool) -> forms.DateField:
    return forms.DateField(
        label=_("事项发生或变更日期"),
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("公开时限自该日起算（DIS-3：30 日内公开）"),
        error_messages={
            "required": _("请填写事项发生或变更日期（用于计算公开时限，DIS-3）"),
            "invalid": _("日期应为 YYYY-MM-DD 格式，如 2026-03-01"),
        },
    )


def _period_help(item: ItemType) -> str:
    return "填写年度，如 2025" if item.cadence == YEARLY else "填写半年度，如 2025H1（上半年）或 2025H2（下半年）"


def _text(label: Any, help_text: Any, required_message: str, *, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, help_text=help_text, error_messages={"required": required_message}
    )


def _change_kind_field(item: ItemType) -> forms.ChoiceField:
    choices = [(ChangeKind.CORRECTION.value, "更正：已公开的内容有误")]
    if item.cadence == STANDING:
        choices.append((ChangeKind.UPDATE.value, "事项变更：事项本身发生了变化（如换届、修改章程）"))
    return forms.ChoiceField(
        label=_("版本类型"), choices=choices, widget=forms.RadioSelect, initial=ChangeKind.CORRECTION.value
    )


def _reason_field() -> forms.CharField:
    field = _text(
        _("更正或变更原因"),
        _("原因随新版本一并公开（DIS-4）"),
        "请说明更正或变更的原因，原因将随新版本一并公开",
        max_length=2000,
    )
    field.widget = forms.Textarea(attrs={"rows": 3, "maxlength": "2000"})
    return field


def _meta_fields(item: ItemType, mode: str, version: DisclosureVersion | None) -> dict[str, forms.Field]:
    """The fields this item type and mode ask for, in the order they are shown."""
    fields: dict[str, forms.Field] = {}
    correction = version is not None and version.change_kind == ChangeKind.CORRECTION
    published = version is not None and version.disclosure.is_published
    if mode == NEW and item.cadence in (YEARLY, HALFYEARLY):
        fields["period"] = _text(_("期间"), _period_help(item), "请填写期间", max_length=8)
    if item.cadence == EVENT and (mode == NEW or (mode == EDIT and not published)):
        fields["title"] = _text(_("标题"), _("如“2026年3月赴德国考察”"), "请填写标题")
    if mode == REVISE:
        fields["change_kind"] = _change_kind_field(item)
    if item.cadence in (STANDING, EVENT) and (mode == NEW or (mode == EDIT and not correction)):
        fields["effective_on"] = _effective_on_field(required=True)
    elif mode == REVISE and item.cadence == STANDING:
        fields["effective_on"] = _effective_on_field(required=False)
        fields["effective_on"].help_text = _("事项变更时必填；更正不改变事项发生日期")
    if mode == REVISE or (mode == EDIT and version is not None and version.number > 1):
        fields["reason"] = _reason_field()
    return fields


class MetaForm(forms.Form):
    """What the item type asks besides its fields: period, title, dates, reason, body, attachments."""

    body = forms.CharField(
        label=_("正文（补充说明）"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    attachments = MultipleFileField(
        label=_("附件（PDF、PNG、JPEG，可多选）"),
        required=False,
        help_text=_("按文件内容识别类型；公开后附件随版本一并公开，不能替换"),
    )

    def __init__(
        self,
        *args: Any,
        item: ItemType,
        mode: str,
        version: DisclosureVersion | None = None,
        attachments: list[Attachment] | tuple[()] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {**_meta_fields(item, mode, version), **self.fields}
        if mode == EDIT and attachments:
            self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
                label=_("删除附件"),
                required=False,
                coerce=int,
                choices=[(a.pk, a.original_name) for a in attachments],
                widget=forms.CheckboxSelectMultiple,
            )


class Editor:
    """The whole draft form of one item type: MetaForm, FieldsForm and the rows formset, validated together."""

    def __init__(
        self,
        item: ItemType,
        *,
        mode: str,
        data: Any = None,
        files: Any = None,
        initial: dict[str, Any] | None = None,
        version: DisclosureVersion | None = None,
        attachments: list[Attachment] | tuple[()] = (),
        extra_rows: int = EXTRA_ROWS,
    ) -> None:
        initial = initial or {}
        self.item, self.mode = item, mode
        self.meta = MetaForm(
            data,
            files,
            item=item,
            mode=mode,
            version=version,
            attachments=attachments,
            initial=initial.get("meta"),
        )
        self.fields = FieldsForm(data, item=item, prefix="fields", initial=initial.get("fields"))
        self.rows: forms.BaseFormSet | None = None
        if item.rows:
            # bound rows ignore the initial ones: a row equal to its initial value must still count as typed
            rows_initial = None if data is not None else initial.get("rows") or None
            self.rows = _row_formset(extra_rows)(
                data, prefix="rows", initial=rows_initial, form_kwargs={"columns": item.rows}
            )

    def is_valid(self) -> bool:
        valid = [self.meta.is_valid(), self.fields.is_valid(), self.rows.is_valid() if self.rows is not None else True]
        return all(valid)

    def _row_values(self, form: forms.Form) -> dict[str, Any]:
        if self.rows is not None and self.rows.can_delete and form.cleaned_data.get("DELETE"):
            return {}  # keeps the row numbers the service names in its errors
        return form.values()  # type: ignore[attr-defined, no-any-return]

    def data(self) -> dict[str, Any]:
        """{"fields": …, "rows": […]} for the services; every formset row in order (blank ones are skipped there)."""
        fields = {spec.name: self.fields.cleaned_data.get(spec.name) or "" for spec in self.item.fields}
        rows = [self._row_values(form) for form in self.rows.forms] if self.rows is not None else []
        return {"fields": fields, "rows": rows}

    def meta_value(self, name: str, default: Any = None) -> Any:
        return self.meta.cleaned_data.get(name, default) if name in self.meta.fields else default

    def add_service_error(self, exc: ApplicationError) -> None:
        """Put a service refusal on the field it names; otherwise above the form."""
        parts = (exc.field or "").split(".")
        if parts[0] == "fields" and len(parts) == 2 and parts[1] in self.fields.fields:
            self.fields.add_error(parts[1], exc.message)
            return
        if parts[0] == "rows" and len(parts) == 3 and self.rows is not None and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self.rows.forms) and parts[2] in self.rows.forms[index].fields:
                self.rows.forms[index].add_error(parts[2], exc.message)
                return
        name = SERVICE_FIELDS.get(parts[0], parts[0])
        field = name if len(parts) == 1 and name in self.meta.fields else None
        self.meta.add_error(field, exc.message)

    def posted_initial(self) -> dict[str, Any]:
        """What was typed, as initial values (to show the form again with more blank rows, without errors)."""
        meta = {name: self.meta[name].value() for name in self.meta.fields if name != "attachments"}
        fields = {name: self.fields[name].value() for name in self.fields.fields}
        rows: list[dict[str, Any]] = []
        if self.rows is not None:
            for form in self.rows.forms:
                if not form["DELETE"].value():
                    rows.append({name: form[name].value() for name in form.fields if name != "DELETE"})
        return {"meta": meta, "fields": fields, "rows": rows}


def initial_from(version: DisclosureVersion, *, mode: str) -> dict[str, Any]:
    """A version's content as the form's initial values (edit a draft; correct or update a published item)."""
    data = version.data or {}
    meta: dict[str, Any] = {
        "body": version.body,
        "effective_on": version.effective_on,
        "title": version.disclosure.title,
    }
    if mode == EDIT:
        meta["reason"] = version.reason
    return {"meta": meta, "fields": dict(data.get("fields") or {}), "rows": list(data.get("rows") or [])}


def default_period(item: ItemType, today: dt.date) -> str:
    """The latest ended period (what an association usually discloses next)."""
    if item.cadence == YEARLY:
        return str(today.year - 1)
    if item.cadence == HALFYEARLY:
        return f"{today.year}H1" if today > dt.date(today.year, 6, 30) else f"{today.year - 1}H2"
    return ""


# -- filters ----------------------------------------------------------------------------------------------


class WorkspaceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("标题或期间"), required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )
    item_type = forms.ChoiceField(label=_("公开事项"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_type"].choices = [("", "全部事项")] + [  # type: ignore[attr-defined]
            (t.code, t.title) for t in catalogue.typed_types()
        ]


AS_OF_FIRST, AS_OF_LAST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # as the API's DIS-3 status accepts
SORT_CHOICES = [
    ("completeness", _("完整率（低者在前）")),
    ("-completeness", _("完整率（高者在前）")),
    ("missing", _("逾期未公开（多者在前）")),
    ("late", _("逾期公开（多者在前）")),
    ("name", _("名称")),
]


class PortalFilterForm(forms.Form):
    """The public list of an association's items: by type, by year published, by title."""

    q = forms.CharField(
        label=_("标题或期间"), required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )
    item_type = forms.ChoiceField(label=_("公开事项"), required=False)
    year = forms.IntegerField(label=_("公开年度"), required=False, min_value=2000, max_value=2099)

    def __init__(self, *args: Any, members: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_type"].choices = [("", "全部事项")] + [  # type: ignore[attr-defined]
            (t.code, t.title) for t in catalogue.typed_types() if members or not t.members_only
        ]


class ConsoleFilterForm(forms.Form):
    as_of = forms.DateField(
        label=_("统计日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("统计日期应为 YYYY-MM-DD 格式的日期，如 2026-05-31")},
    )
    q = forms.CharField(
        label=_("名称或统一社会信用代码"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    region = forms.ChoiceField(label=_("登记管理机关所在地区"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = home_province_regions().filter(kind=Region.Kind.CITY)
        self.fields["region"].choices = [("", _("全部")), *[(c.code[:4], c.name) for c in cities]]  # type: ignore[attr-defined]

    def clean_as_of(self) -> dt.date | None:
        """DIS-3 walks every period from the first platform year to the date: keep it to the years the data port
        accepts too, or one date in year 9999 costs thousands of periods for every association in the jurisdiction."""
        as_of: dt.date | None = self.cleaned_data.get("as_of")
        if as_of is not None and not AS_OF_FIRST <= as_of <= AS_OF_LAST:
            raise ValidationError(
                f"统计日期 {as_of:%Y-%m-%d} 超出范围，应在 {AS_OF_FIRST:%Y-%m-%d} 至 {AS_OF_LAST:%Y-%m-%d} 之间",
                code="as_of_range",
            )
        return as_of
