"""Settings for the test suite: fast hashing, in-process tasks."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("RECUPERO_VAR_DIR", tempfile.mkdtemp(prefix="recupero-test-"))

from recupero.settings import *  # noqa: E402,F403
from recupero.settings import CELERY_BROKER_URL, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a broker is given (the worker run of CI).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
MEDIA_ROOT = Path(VAR_DIR) / "media"
RECUPERO_IMPORT_CHUNK_ROWS = 3
