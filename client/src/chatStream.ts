// Streaming chat: POST /api/model-serving/chat through the generated client, read as server-sent
// events (OpenAI-compatible chunks, `data: [DONE]`, or `event: error` carrying the error envelope).
import { ApiError, api, type Schemas } from "./api/client";

export type SseEvent = { event: string; data: string };
type Envelope = { error_code?: string; message?: string; technical_details?: Record<string, unknown> };

/** Complete events at the front of `buffer`, and the unfinished rest. */
export function parseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  const events = blocks
    .filter((block) => block.trim() !== "")
    .map((block) => {
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      return { event, data: data.join("\n") };
    });
  return { events, rest };
}

/** The text a chunk adds (chat delta or completion text). */
export function chunkText(data: string): string {
  const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string | null }; text?: string }[] };
  const choice = chunk.choices?.[0];
  return choice?.delta?.content ?? choice?.text ?? "";
}

/** An ApiError from an error envelope. */
export function envelopeError(envelope: Envelope, status: number, requestId: string | null): ApiError {
  const details = envelope.technical_details ?? {};
  const id = requestId ?? (typeof details.request_id === "string" ? details.request_id : null);
  return new ApiError(envelope.message ?? `HTTP ${status}`, status, envelope.error_code ?? "HTTP_ERROR", id, details);
}

/** Stream an answer: `onText` gets each piece as it arrives; rejects with an ApiError. */
export async function streamChat(
  body: Schemas["ChatRequest"],
  onText: (piece: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const { response, error } = await api.POST("/api/model-serving/chat", { body, parseAs: "stream", signal });
  const requestId = response.headers.get("x-request-id");
  if (!response.ok || !response.body) {
    throw envelopeError((error ?? (await response.json().catch(() => ({})))) as Envelope, response.status, requestId);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const parsed = parseEvents(buffer + value);
    buffer = parsed.rest;
    for (const { event, data } of parsed.events) {
      if (event === "error") throw envelopeError(JSON.parse(data) as Envelope, 200, requestId);
      if (data === "[DONE]") return;
      onText(chunkText(data));
    }
  }
}
