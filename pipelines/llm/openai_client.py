"""OpenAI through the official `openai` SDK: Chat Completions with one function tool in strict mode
(the arguments must match its JSON schema), forced with tool_choice. The SDK reads OPENAI_BASE_URL
itself and retries 429 and 5xx with backoff, honouring retry-after."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

from pipelines.llm.base import Answer, CallSink, ChatTurn, RecordedClient, StreamUsage, Tool

DEFAULT_MODEL = "gpt-4.1-mini"  # IES_LLM_MODEL overrides


class OpenAILlm(RecordedClient):
    provider = "openai"
    label = "OpenAI"
    key_variable = "OPENAI_API_KEY"
    takes_images = True  # the GPT-4.1 / GPT-4o families read images (image_url content parts)

    def __init__(self, *, api_key: str, model: str = DEFAULT_MODEL, sink: CallSink | None = None,
                 max_retries: int = 3, timeout: float = 120.0) -> None:
        import openai

        super().__init__(model=model, sink=sink, max_retries=max_retries, timeout=timeout)
        self.client = openai.OpenAI(api_key=api_key, max_retries=max_retries, timeout=timeout)

    def _send(self, *, system: str, prompt: str, tool: Tool, max_tokens: int, images: list[bytes]) -> Answer:
        content: Any = prompt
        if images:
            content = [{"type": "text", "text": prompt}, *(
                {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(png).decode(),
                                                    "detail": "high"}} for png in images)]
        completion = self.client.chat.completions.create(
            model=self.model,
            max_completion_tokens=max_tokens,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": content}],
            tools=[{"type": "function", "function": {"name": tool.name, "description": tool.description,
                                                     "parameters": tool.input_schema, "strict": True}}],
            tool_choice={"type": "function", "function": {"name": tool.name}},
        )
        usage = completion.usage
        tokens = (usage.prompt_tokens, usage.completion_tokens) if usage else (None, None)
        message = completion.choices[0].message if completion.choices else None
        for call in (message.tool_calls or []) if message else []:
            if call.type == "function" and call.function.name == tool.name:
                try:
                    return Answer(json.loads(call.function.arguments), *tokens)
                except json.JSONDecodeError:
                    return Answer(None, *tokens, refusal="its arguments were not JSON")
        refusal = (message.refusal or message.content) if message else None
        return Answer(None, *tokens, refusal=refusal)

    def _stream(self, *, system: str, messages: list[ChatTurn], max_tokens: int, usage: StreamUsage) -> Iterator[str]:
        # include_usage adds a last chunk (no choices) with the token counts.
        stream = self.client.chat.completions.create(
            model=self.model,
            max_completion_tokens=max_tokens,
            messages=[{"role": "system", "content": system}]
            + [{"role": turn.role, "content": turn.content} for turn in messages],
            stream=True,
            stream_options={"include_usage": True},
        )
        with stream:
            for chunk in stream:
                if chunk.usage is not None:
                    usage.input_tokens, usage.output_tokens = chunk.usage.prompt_tokens, chunk.usage.completion_tokens
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
