"""Z39.50: a responder over the catalogue's search (`server.py`, `responder.pl`, `worker.py`),
and the Type-1 query mapping (`query.py`)."""
