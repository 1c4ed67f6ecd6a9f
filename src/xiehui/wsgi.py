import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
django_application = get_wsgi_application()

from xiehui.dataport import fastlane  # noqa: E402  (needs the app registry loaded above)
from xiehui.dataport.scopes import warm  # noqa: E402

application = fastlane.wrap(django_application)
warm()
