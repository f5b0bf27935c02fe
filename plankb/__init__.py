"""plankb: Chinese government planning documents → a queryable knowledge base of indicator values."""

__version__ = "0.1.0"
