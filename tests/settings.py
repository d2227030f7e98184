"""Settings of the test suite: portal.settings in its developer profile.

Debug is off by default in portal.settings (production must not depend on remembering a
variable); the suite runs the embedded profile, as it always did, unless the environment
says otherwise. Tests of the production profile build it themselves (tests/portal/test_headers.py)
or run manage.py in a subprocess with DJANGO_DEBUG=0 (tests/portal/test_settings.py).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from portal.settings import *  # noqa: F403

# Most tests sign staff and leaders in with force_login and test other things; the second step
# is enforced in the tests that are about it (tests/portal/test_mfa.py, test_headers.py).
PORTAL_MFA_ENFORCED = False
