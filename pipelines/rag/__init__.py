"""Retrieval: chunking, embeddings, the incremental index in rag.chunks and hybrid search.

Plain modules (no Dagster), shared by the `rag/chunks` asset, the API and the benchmarks.
"""
