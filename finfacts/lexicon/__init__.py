"""Language and market data for finfacts: generated CLDR tables and small supplements."""
