"""Models of the protocol servers, defined next to their protocol."""

from bibliohub.interop.copycat.models import CopyTarget
from bibliohub.interop.sip2.models import SelfCheckTerminal

__all__ = ["CopyTarget", "SelfCheckTerminal"]
