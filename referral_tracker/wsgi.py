import os

from django.core.wsgi import get_wsgi_application

from referral_tracker.runtime import tune_gc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_tracker.settings")

application = get_wsgi_application()
tune_gc()
