"""OAI-PMH 2.0 at /oai: the catalogue's records and deletions for harvesters
(docs/interop.md)."""
