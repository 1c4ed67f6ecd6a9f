from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from xiehui.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("xiehui.web.urls")),
    path("accounts/", include("xiehui.core.urls")),
    path("", include("xiehui.registry.urls")),
    path("", include("xiehui.supervision.urls")),
    path("", include("xiehui.credit.urls")),
    path("", include("xiehui.membership.urls")),
    path("", include("xiehui.disclosure.urls")),
    path("", include("xiehui.selfregulation.urls")),
    path("", include("xiehui.governance.urls")),
    path("", include("xiehui.voting.urls")),
    path("", include("xiehui.dataport.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
