"""Chat over the indexed knowledge (no Dagster, no FastAPI): retrieval through the hybrid search, prompts that
pass retrieved text as quoted data, streamed answers from Claude or OpenAI (or extractive without a key), and
sessions persisted in app.chat_sessions / app.chat_messages."""
