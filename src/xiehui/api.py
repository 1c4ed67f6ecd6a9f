"""The data port `/api/v1` (004 §10): one NinjaAPI, each domain mounts its router.

Errors are RFC 9457 problem details (`application/problem+json`) with a
stable `code` and the Chinese message in `detail`; every operation declares
the error responses it can give (core/api.py: ERRORS).
"""

from __future__ import annotations

from xiehui.core.api import build_api
from xiehui.credit.api import router as credit_router
from xiehui.dataport.api import router as dataport_router
from xiehui.disclosure.api import router as disclosure_router
from xiehui.governance.api import router as governance_router
from xiehui.membership.api import router as membership_router
from xiehui.membership.api_fees import router as fees_router
from xiehui.registry.api import router as registry_router
from xiehui.selfregulation.api import router as selfregulation_router
from xiehui.supervision.api import router as supervision_router
from xiehui.voting.api import router as voting_router

api = build_api()
api.add_router("/", registry_router)
api.add_router("/", supervision_router)
api.add_router("/", credit_router)
api.add_router("/", membership_router)
api.add_router("/", fees_router)
api.add_router("/", disclosure_router)
api.add_router("/", selfregulation_router)
api.add_router("/", governance_router)
api.add_router("/", voting_router)
api.add_router("/", dataport_router)
