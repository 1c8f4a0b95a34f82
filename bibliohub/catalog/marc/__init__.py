"""MARC 21 in and out: reading ISO 2709 and MARCXML (MARC-8 or UTF-8), extracting the fields
we search and show, importing records with their Koha-style 952 items, and exporting them."""
