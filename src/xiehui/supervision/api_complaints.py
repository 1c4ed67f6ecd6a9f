"""Data port routes for supervision: complaints (SUP-1) and key inspections (SUP-2) (mounted by supervision/api.py)."""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.core.files.uploadedfile import UploadedFile
from django_ratelimit.core import is_ratelimited
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, CURSOR, ERRORS, Problem, list_page, optional_actor
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import User
from xiehui.registry import selectors as registry_selectors

from . import selectors_complaints as selectors
from .models import Complaint, KeyInspection
from .schemas_complaints import (
    AnswerIn,
    AssignIn,
    CloseIn,
    ComplaintCreateIn,
    ComplaintDetailOut,
    ComplaintFiledOut,
    ComplaintPage,
    ComplaintProgressOut,
    DismissIn,
    InspectionCreateIn,
    InspectionDetailOut,
    InspectionOrderIn,
    InspectionOrderOut,
    InspectionPage,
    InterviewIn,
    InterviewOut,
    InvestigateIn,
)
from .services import complaints as services
from .services import inspections as inspection_services

router = Router(tags=["supervision 监管"])
MAX_LIMIT = 100
FILING_ERRORS: dict[int, type[Problem]] = {**ERRORS, 429: Problem}
_SCHEMA = ComplaintCreateIn.model_json_schema()
# The body is read by hand (JSON, or multipart with files), so the OpenAPI document gets it spelled out.
FILING_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _SCHEMA},
            "multipart/form-data": {
                "schema": {
                    **_SCHEMA,
                    "properties": {
                        **_SCHEMA["properties"],
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "证据材料（PDF、PNG、JPEG）",
                        },
                    },
                }
            },
        },
    }
}


def _filing_input(request: Any) -> tuple[ComplaintCreateIn, list[UploadedFile]]:
    if request.content_type == "multipart/form-data":
        data: Any = request.POST.dict()
        files = request.FILES.getlist("files")
    else:
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "请求内容不是有效的 JSON") from None
        files = []
    try:
        return ComplaintCreateIn.model_validate(data if data is not None else {}), files
    except pydantic.ValidationError as exc:
        raise ValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from None


@router.post("/complaints", response={201: ComplaintFiledOut, **FILING_ERRORS}, auth=None, openapi_extra=FILING_BODY)
def file_complaint(request: Any) -> Status[object]:
    """File a complaint about an association (SUP-1), named or anonymous: JSON, or multipart with `files`."""
    if is_ratelimited(
        request,
        group=services.FILING_RATE_GROUP,
        key="ip",
        rate=services.FILING_RATE,
        method="POST",
        increment=True,
    ):
        raise ApplicationError("提交过于频繁，请一小时后再试", code="rate_limited", status=429)
    payload, files = _filing_input(request)
    actor = optional_actor(request)
    try:
        org = registry_selectors.organization_get(actor=actor, uscc=payload.uscc)
    except NotFound:
        raise ApplicationError(
            "未找到该统一社会信用代码对应的社会团体", code="organization_unknown", field="uscc"
        ) from None
    complaint = services.complaint_file(
        organization=org,
        pledge=payload.pledge,
        description=payload.description,
        anonymous=payload.anonymous,
        name=payload.name,
        phone=payload.phone,
        uploads=files,
        actor=actor if isinstance(actor, User) else None,
        now=clock.now(),
    )
    return Status(201, complaint)


@router.get("/complaints/track/{code}", response={200: ComplaintProgressOut, **ERRORS}, auth=None)
def track_complaint(request: Any, code: str) -> object:
    """Follow a complaint by its code: status, public steps and the answer (never the complainant)."""
    return selectors.complaint_by_code(code)


def _officer(actor: User) -> User:
    officer = registry_selectors.as_officer(actor)
    if officer is None:
        raise PermissionDenied("仅登记管理机关工作人员可以查看")
    return officer


@router.get("/complaints", response={200: ComplaintPage, **ERRORS}, auth=AUTH)
def list_complaints(
    request: Any,
    status: str = "",
    pledge: str = "",
    overdue: bool = False,
    mine: bool = False,
    q: str = Query("", max_length=60),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=100_000),
    cursor: str = CURSOR,
) -> dict:
    """Officers: complaints in their jurisdiction, soonest answer due first (status=open for all unfinished)."""
    officer = _officer(request.auth)
    filters = selectors.ComplaintFilters(status=status, pledge=pledge, overdue=overdue, mine=mine, q=q)
    qs = selectors.complaint_queue(actor=officer, filters=filters, as_of=clock.today())
    return list_page(qs, ordering=("due_on", "id"), limit=limit, offset=offset, cursor=cursor)


def _detail(actor: User, pk: int) -> Complaint:
    complaint = selectors.complaint_get(actor=actor, pk=pk)
    complaint.complainant = selectors.complainant_identity(actor, complaint)  # type: ignore[attr-defined]
    complaint.attachments = selectors.complaint_attachments(actor, complaint)  # type: ignore[attr-defined]
    complaint.event_list = selectors.complaint_events(complaint)  # type: ignore[attr-defined]
    complaint.why = selectors.complaint_why(complaint)  # type: ignore[attr-defined]
    return complaint


@router.get("/complaints/{int:complaint_id}", response={200: ComplaintDetailOut, **ERRORS}, auth=AUTH)
def get_complaint(request: Any, complaint_id: int) -> object:
    """One complaint with its steps; the complainant only for the handling officers."""
    return _detail(request.auth, complaint_id)


@router.post("/complaints/{int:complaint_id}/assign", response={200: ComplaintDetailOut, **ERRORS}, auth=AUTH)
def assign_complaint(request: Any, complaint_id: int, payload: AssignIn) -> object:
    """Triage: assign to an officer of the association's authority."""
    complaint = selectors.complaint_get(actor=request.auth, pk=complaint_id)
    assignee = User.objects.filter(username=payload.assignee).first()
    if assignee is None:
        raise ApplicationError(f"用户“{payload.assignee}”不存在", code="assignee_unknown", field="assignee")
    services.complaint_assign(actor=request.auth, complaint=complaint, assignee=assignee, now=clock.now())
    return _detail(request.auth, complaint_id)


@router.post("/complaints/{int:complaint_id}/dismiss", response={200: ComplaintDetailOut, **ERRORS}, auth=AUTH)
def dismiss_complaint(request: Any, complaint_id: int, payload: DismissIn) -> object:
    """Triage: decline to accept, with the reason told to the complainant."""
    complaint = selectors.complaint_get(actor=request.auth, pk=complaint_id)
    services.complaint_dismiss(actor=request.auth, complaint=complaint, reason=payload.reason, now=clock.now())
    return _detail(request.auth, complaint_id)


@router.post("/complaints/{int:complaint_id}/investigate", response={200: ComplaintDetailOut, **ERRORS}, auth=AUTH)
def investigate_complaint(request: Any, complaint_id: int, payload: InvestigateIn) -> object:
    """Start or continue the investigation with an internal note."""
    complaint = selectors.complaint_get(actor=request.auth, pk=complaint_id)
    services.complaint_investigate(actor=request.auth, complaint=complaint, note=payload.note, now=clock.now())
    return _detail(request.auth, complaint_id)


class ContactOut(Schema):
    phone: str


@router.post("/complaints/{int:complaint_id}/contact", response={200: ContactOut, **ERRORS}, auth=AUTH)
def reveal_complaint_contact(request: Any, complaint_id: int) -> dict[str, str]:
    """Handling officers: the complainant's full phone number (shown masked elsewhere; every reveal is audited)."""
    complaint = selectors.complaint_get(actor=request.auth, pk=complaint_id)
    return {"phone": services.complaint_contact_reveal(actor=request.auth, complaint=complaint, now=clock.now())}


@router.post("/complaints/{int:complaint_id}/answer", response={200: ComplaintDetailOut, **ERRORS}, auth=AUTH)
def answer_complaint(request: Any, complaint_id: int, payload: AnswerIn) -> object:
    """Record the outcome and answer the complainant (SUP-1)."""
    complaint = selectors.complaint_get(actor=request.auth, pk=complaint_id)
    services.complaint_answer(actor=request.auth, complaint=complaint, now=clock.now(), **payload.dict())
    return _detail(request.auth, complaint_id)


# -- key inspections --------------------------------------------------------------------------------


@router.get("/inspections", response={200: InspectionPage, **ERRORS}, auth=AUTH)
def list_inspections(
    request: Any,
    status: str = "",
    origin: str = Query("", description="rule：规则触发；manual：监管人员立案"),
    q: str = Query("", max_length=60),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=100_000),
    cursor: str = CURSOR,
) -> dict:
    """Officers: key-inspection cases in their jurisdiction, open first."""
    officer = _officer(request.auth)
    filters = selectors.InspectionFilters(status=status, origin=origin, q=q)
    qs = selectors.inspection_list(actor=officer, filters=filters)
    return list_page(qs, ordering=("status", "-opened_on", "-pk"), limit=limit, offset=offset, cursor=cursor)


def _case(actor: User, pk: int) -> KeyInspection:
    case = selectors.inspection_get(actor=actor, pk=pk)
    case.why = selectors.inspection_why(case)  # type: ignore[attr-defined]
    return case


@router.get("/inspections/{int:inspection_id}", response={200: InspectionDetailOut, **ERRORS}, auth=AUTH)
def get_inspection(request: Any, inspection_id: int) -> object:
    """One case with its interviews, orders and why."""
    return _case(request.auth, inspection_id)


@router.post("/inspections", response={201: InspectionDetailOut, **ERRORS}, auth=AUTH)
def open_inspection(request: Any, payload: InspectionCreateIn) -> Status[object]:
    """Put an association under key inspection for a stated reason (SUP-2, the authority's officers)."""
    org = registry_selectors.organization_get_for_officer(actor=request.auth, uscc=payload.uscc)
    case = inspection_services.inspection_open(
        actor=request.auth, organization=org, reason=payload.reason, now=clock.now()
    )
    return Status(201, _case(request.auth, case.pk))


@router.post("/inspections/{int:inspection_id}/interviews", response={201: InterviewOut, **ERRORS}, auth=AUTH)
def record_interview(request: Any, inspection_id: int, payload: InterviewIn) -> Status[object]:
    """Record an interview (约谈): date, attendees and minutes."""
    case = selectors.inspection_get(actor=request.auth, pk=inspection_id)
    interview = inspection_services.interview_record(
        actor=request.auth, inspection=case, now=clock.now(), **payload.dict()
    )
    return Status(201, interview)


@router.post("/inspections/{int:inspection_id}/close", response={200: InspectionDetailOut, **ERRORS}, auth=AUTH)
def close_inspection(request: Any, inspection_id: int, payload: CloseIn) -> object:
    """Close the case with its conclusion."""
    case = selectors.inspection_get(actor=request.auth, pk=inspection_id)
    inspection_services.inspection_close(
        actor=request.auth, inspection=case, conclusion=payload.conclusion, now=clock.now()
    )
    return _case(request.auth, inspection_id)


@router.post("/inspections/{int:inspection_id}/orders", response={201: InspectionOrderOut, **ERRORS}, auth=AUTH)
def issue_inspection_order(request: Any, inspection_id: int, payload: InspectionOrderIn) -> Status[object]:
    """Order the association to rectify by a deadline, as a result of the case."""
    case = selectors.inspection_get(actor=request.auth, pk=inspection_id)
    order = inspection_services.inspection_order_issue(
        actor=request.auth, inspection=case, now=clock.now(), **payload.dict()
    )
    return Status(201, order)
