"""The risk engine: framework-free (no Django), usable from a notebook or the command line.

It takes files, dicts and Polars frames and returns dataclasses and frames; persistence,
users and web pages belong to ``portcullis.web``.
"""
