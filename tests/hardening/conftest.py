"""The connected app of the lookup tests (Greenhouse sandbox over real HTTP, loopback DNS)."""

from tests.lookup.conftest import dns  # noqa: F401
from tests.lookup.conftest import gh_app  # noqa: F401
from tests.lookup.conftest import gh_auth  # noqa: F401
from tests.lookup.conftest import gh_config  # noqa: F401
from tests.lookup.conftest import sandbox  # noqa: F401
