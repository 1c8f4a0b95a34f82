"""Models of the protocol servers, defined next to their protocol."""

from bibliohub.interop.sip2.models import SelfCheckTerminal

__all__ = ["SelfCheckTerminal"]
