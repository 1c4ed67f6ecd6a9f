"""Self-regulation pages: norms and the integrity body (urls_norms), pledges and ratings (urls_commitments)."""

from __future__ import annotations

from . import urls_commitments, urls_norms

app_name = "selfregulation"

urlpatterns = [*urls_norms.urlpatterns, *urls_commitments.urlpatterns]
