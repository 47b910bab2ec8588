import os

from django.core.asgi import get_asgi_application

from microstore.startup import setup_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microstore.settings")
setup_or_exit()
application = get_asgi_application()
