"""The Celery application; without a broker its tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recupero.settings")

app = Celery("recupero")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
