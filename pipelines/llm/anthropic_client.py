"""Claude through the official `anthropic` SDK: the Messages API with one tool, forced with
tool_choice, whose input_schema constrains the answer. The SDK reads ANTHROPIC_BASE_URL itself and
retries 429, 5xx and 529 with backoff, honouring retry-after."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from pipelines.llm.base import Answer, CallSink, ChatTurn, RecordedClient, StreamUsage, Tool

DEFAULT_MODEL = "claude-haiku-4-5"  # current, cheap, and good at filling in a tool; IES_LLM_MODEL overrides


class AnthropicLlm(RecordedClient):
    provider = "anthropic"
    label = "Anthropic"
    key_variable = "ANTHROPIC_API_KEY"
    takes_images = True  # every current Claude model reads images (base64 image content blocks)

    def __init__(self, *, api_key: str, model: str = DEFAULT_MODEL, sink: CallSink | None = None,
                 max_retries: int = 3, timeout: float = 120.0) -> None:
        import anthropic

        super().__init__(model=model, sink=sink, max_retries=max_retries, timeout=timeout)
        self.client = anthropic.Anthropic(api_key=api_key, max_retries=max_retries, timeout=timeout)

    def _send(self, *, system: str, prompt: str, tool: Tool, max_tokens: int, images: list[bytes]) -> Answer:
        content: Any = prompt
        if images:  # pictures first, then the text that refers to them, as Anthropic recommends
            content = [*({"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                                       "data": base64.b64encode(png).decode()}} for png in images),
                       {"type": "text", "text": prompt}]
        message = self.client.messages.create(
            model=self.model,
            max_tokens=max_tokens,
            system=system,
            messages=[{"role": "user", "content": content}],
            tools=[{"name": tool.name, "description": tool.description, "input_schema": tool.input_schema}],
            tool_choice={"type": "tool", "name": tool.name},
        )
        arguments: dict[str, Any] | None = None
        texts = []
        for block in message.content:
            if block.type == "tool_use" and block.name == tool.name:
                arguments = dict(block.input)
            elif block.type == "text":
                texts.append(block.text)
        usage = message.usage
        return Answer(arguments, usage.input_tokens, usage.output_tokens, " ".join(texts) or message.stop_reason)

    def _stream(self, *, system: str, messages: list[ChatTurn], max_tokens: int, usage: StreamUsage) -> Iterator[str]:
        # The SDK's messages.stream helper: text deltas as they arrive, then the final message's usage.
        with self.client.messages.stream(
            model=self.model,
            max_tokens=max_tokens,
            system=system,
            messages=[{"role": turn.role, "content": turn.content} for turn in messages],
        ) as stream:
            yield from stream.text_stream
            final = stream.get_final_message()
        usage.input_tokens, usage.output_tokens = final.usage.input_tokens, final.usage.output_tokens
