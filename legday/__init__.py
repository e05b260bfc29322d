"""legday: does my running count as leg day?

The package is importable without Streamlit: ``legday.io`` reads watch exports
into the canonical model (``legday.model``); later stages classify efforts and
weigh them against strength training.
"""

__version__ = "0.1.0"
