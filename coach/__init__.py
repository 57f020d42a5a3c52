"""A career coach that answers only from its career guides, citing the passages it used."""

__version__ = "0.1.0"
