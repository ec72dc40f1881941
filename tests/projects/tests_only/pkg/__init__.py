# Classes used in bulk only in tests/ (and classes defined there) are not flagged.
