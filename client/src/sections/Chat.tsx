import { Alert, Button, Input, Typography } from "@databricks/design-system";
import { useEffect, useRef, useState } from "react";
import { api, call, type Schemas } from "../api/client";
import { streamChat } from "../chatStream";
import { ErrorAlert } from "../components/ErrorAlert";
import { Field } from "../components/Field";
import { LabeledSelect } from "../components/LabeledSelect";
import { Section } from "../components/Section";

type Message = Schemas["ChatMessage"];
type Settings = { endpoint: string; system: string; temperature: string; maxTokens: string };

// Kept outside the component so the conversation survives navigating to another section and back.
const saved: { messages: Message[]; settings: Settings } = {
  messages: [],
  settings: { endpoint: "", system: "You are a helpful assistant.", temperature: "0.7", maxTokens: "256" },
};

function numberProblem(text: string, min: number, max: number, integer: boolean): string | null {
  const value = Number(text);
  const ok =
    text.trim() !== "" &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  return ok ? null : `Use ${integer ? "a whole number" : "a number"} from ${min} to ${max}.`;
}

function Transcript({ messages, streaming }: { messages: Message[]; streaming: boolean }) {
  return (
    // The log scrolls once the conversation is taller than half the screen, so it takes focus:
    // a keyboard user scrolls it with the arrow keys (axe: scrollable-region-focusable).
    <div
      role="log"
      aria-live="polite"
      aria-label="Conversation"
      aria-busy={streaming}
      className="chat-log"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
      tabIndex={0}
    >
      {messages.length === 0 ? <Typography.Text color="secondary">No messages yet.</Typography.Text> : null}
      {messages.map((message, index) => (
        <div key={index} className={`chat-message chat-${message.role}`}>
          <Typography.Text bold>{message.role === "user" ? "You" : "Assistant"}</Typography.Text>
          <div className="chat-content">{message.content}</div>
        </div>
      ))}
    </div>
  );
}

export default function Chat() {
  const [endpoints, setEndpoints] = useState<Schemas["ModelEndpoint"][] | null>(null);
  const [messages, setMessagesState] = useState<Message[]>(saved.messages);
  const [settings, setSettingsState] = useState<Settings>(saved.settings);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const setMessages = (update: (previous: Message[]) => Message[]) =>
    setMessagesState((previous) => (saved.messages = update(previous)));
  const setSetting = (key: keyof Settings, value: string) =>
    setSettingsState((previous) => (saved.settings = { ...previous, [key]: value }));

  useEffect(() => {
    call(api.GET("/api/model-serving/endpoints"))
      .then((all) => setEndpoints(all.filter((e) => (e.task ?? "").endsWith("/chat"))))
      .catch(setError);
    return () => abort.current?.abort();
  }, []);

  const temperatureProblem = numberProblem(settings.temperature, 0, 2, false);
  const maxTokensProblem = numberProblem(settings.maxTokens, 1, 32768, true);
  const canSend =
    Boolean(settings.endpoint) && draft.trim() !== "" && !streaming && !temperatureProblem && !maxTokensProblem;

  const send = () => {
    if (!canSend) return;
    const conversation: Message[] = [...messages, { role: "user", content: draft.trim() }];
    const system: Message[] = settings.system.trim() ? [{ role: "system", content: settings.system.trim() }] : [];
    setMessages(() => [...conversation, { role: "assistant", content: "" }]);
    setDraft("");
    setError(null);
    setStreaming(true);
    const controller = new AbortController();
    abort.current = controller;
    const body = {
      endpoint_name: settings.endpoint,
      messages: [...system, ...conversation],
      temperature: Number(settings.temperature),
      max_tokens: Number(settings.maxTokens),
      stream: true,
      timeout_seconds: 120,
    };
    const append = (piece: string) =>
      setMessages((previous) => {
        const last = previous[previous.length - 1];
        return [...previous.slice(0, -1), { ...last, content: last.content + piece }];
      });
    streamChat(body, append, controller.signal)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      })
      .finally(() => setStreaming(false));
  };

  return (
    <Section
      title="Chat"
      intro="Chat with a serving endpoint whose task is llm/v1/chat; answers stream in as they are generated."
    >
      <ErrorAlert componentId="chat.error" error={error} />
      {endpoints && endpoints.length === 0 ? (
        <Alert
          componentId="chat.none"
          type="info"
          closable={false}
          message="No chat endpoint is available."
          description="Add an endpoint with task llm/v1/chat (docs/model-serving.md)."
        />
      ) : null}
      <div className="chat-settings">
        <LabeledSelect
          id="chat-endpoint"
          label="Chat endpoint"
          value={settings.endpoint}
          placeholder="Choose an endpoint"
          options={(endpoints ?? []).map((e) => ({ value: e.endpoint_name, label: `${e.endpoint_name} (${e.state})` }))}
          onChange={(value) => setSetting("endpoint", value)}
        />
        <Field id="chat-temperature" label="Temperature" hint={temperatureProblem ?? "0 to 2"}>
          <Input
            id="chat-temperature"
            componentId="chat.temperature"
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={settings.temperature}
            aria-invalid={temperatureProblem ? true : undefined}
            onChange={(event) => setSetting("temperature", event.target.value)}
          />
        </Field>
        <Field id="chat-max-tokens" label="Max tokens" hint={maxTokensProblem ?? "1 to 32768"}>
          <Input
            id="chat-max-tokens"
            componentId="chat.max-tokens"
            type="number"
            min={1}
            max={32768}
            value={settings.maxTokens}
            aria-invalid={maxTokensProblem ? true : undefined}
            onChange={(event) => setSetting("maxTokens", event.target.value)}
          />
        </Field>
      </div>
      <Field id="chat-system" label="System prompt">
        <Input.TextArea
          id="chat-system"
          componentId="chat.system"
          rows={2}
          value={settings.system}
          onChange={(event) => setSetting("system", event.target.value)}
        />
      </Field>
      <Transcript messages={messages} streaming={streaming} />
      <Field id="chat-message" label="Your message" hint="Enter sends; Shift+Enter starts a new line.">
        <Input.TextArea
          id="chat-message"
          componentId="chat.message"
          rows={3}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              send();
            }
          }}
        />
      </Field>
      <div style={{ display: "flex", gap: 12 }}>
        <Button componentId="chat.send" type="primary" disabled={!canSend} loading={streaming} onClick={send}>
          Send
        </Button>
        <Button componentId="chat.stop" disabled={!streaming} onClick={() => abort.current?.abort()}>
          Stop
        </Button>
        <Button
          componentId="chat.clear"
          disabled={streaming || messages.length === 0}
          onClick={() => setMessages(() => [])}
        >
          Clear conversation
        </Button>
      </div>
    </Section>
  );
}
