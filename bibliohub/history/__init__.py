"""One append-only history of what the network does, shared by every app.

Every service records what it changed through `bibliohub.history.services.record`, with the
kind of thing that happened (each app declares its kinds in its `kinds` module), who did it
and through which channel (an `Actor`), where, when and to what. Daily roll-ups of these
entries are what statistics and indicators read; staff read the entries themselves as the
audit log. This app is at the bottom of the layers: it knows no other app.

Kinds and actors are importable from here; the models and services from their modules (the
package is imported before Django's models are ready)."""

from bibliohub.history.actors import Actor, ActorKind, Channel
from bibliohub.history.kinds import Domain, Kind

__all__ = ["Actor", "ActorKind", "Channel", "Domain", "Kind"]
