from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "bibliohub.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Search depends on the catalogue, not the other way round: the catalogue's writers
        # keep the index current through the index plugged in here.
        from bibliohub.catalog.indexing import register_index
        from bibliohub.search.indexing import SearchIndex

        register_index(SearchIndex())
