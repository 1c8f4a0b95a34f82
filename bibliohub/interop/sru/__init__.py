"""SRU 1.2 and 2.0 at /sru: explain, searchRetrieve and scan over the OPAC's search
(docs/interop.md)."""
