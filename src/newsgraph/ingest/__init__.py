"""Stage 1: read article files (formats, encodings, metadata) and detect their language."""
