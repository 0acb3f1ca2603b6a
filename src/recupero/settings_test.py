"""Settings for the test suite: fast hashing, in-process tasks."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("RECUPERO_VAR_DIR", tempfile.mkdtemp(prefix="recupero-test-"))

from recupero.settings import *  # noqa: E402,F403
from recupero.settings import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = Path(VAR_DIR) / "media"
RECUPERO_IMPORT_CHUNK_ROWS = 3
