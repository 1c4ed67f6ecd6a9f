from __future__ import annotations

from . import urls_complaints, urls_engine, urls_orders, urls_reports

app_name = "supervision"

urlpatterns = [
    *urls_reports.urlpatterns,
    *urls_orders.urlpatterns,
    *urls_complaints.urlpatterns,
    *urls_engine.urlpatterns,
]
