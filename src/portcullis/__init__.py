"""Portcullis: open customs risk management and selectivity."""

__version__ = "0.1.0"
