"""Copy cataloguing: search other libraries' SRU and Z39.50 servers (the targets staff keep
in `models.CopyTarget`), compare what they hold with our records, and catalogue one of theirs
as new or over ours (`catalog.services.catalogue_copy`)."""
