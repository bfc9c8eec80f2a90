"""Language and market data that finfacts' rules read: generated CLDR tables and small supplements."""
