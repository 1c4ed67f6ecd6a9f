import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
application = get_wsgi_application()

from xiehui.dataport.scopes import warm  # noqa: E402  (needs the app registry loaded above)

warm()
