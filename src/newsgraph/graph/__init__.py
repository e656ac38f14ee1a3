"""Stage 6: the corpus knowledge graph, and writing it with the records (JSONL, GraphML, GEXF, JSON)."""
