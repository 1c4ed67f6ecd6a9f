"""Self-regulation on the data port: norms and the integrity body; pledges and social evaluation (BL-2)."""

from ninja import Router

from .api_commitments import router as commitments_router
from .api_norms import router as norms_router

router = Router()
router.add_router("/", norms_router)
router.add_router("/", commitments_router)
