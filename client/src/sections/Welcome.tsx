import { ResourceStatusIndicator, Tag, Typography } from "@databricks/design-system";
import { useEffect, useState } from "react";
import { ApiError, api, call, type Schemas } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { Section } from "../components/Section";

type Backend = { status: string; detail: string };

export default function Welcome({ user }: { user: Schemas["UserInfo"] | null }) {
  const [backends, setBackends] = useState<Record<string, Backend> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    call(api.GET("/health/ready"))
      .then((ready) => setBackends(ready.backends))
      .catch((err: unknown) => {
        const details = err instanceof ApiError ? err.details.backends : undefined;
        if (details) setBackends(details as Record<string, Backend>);
        setError(err);
      });
  }, []);

  return (
    <Section title="Welcome" intro="Who you are, how the app runs, and whether each backend answers.">
      <div>
        <Typography.Title level={2}>You</Typography.Title>
        {user ? (
          <dl className="facts">
            <dt>User</dt>
            <dd>{user.user_id}</dd>
            <dt>Name</dt>
            <dd>{user.display_name}</dd>
            <dt>Groups</dt>
            <dd>{user.groups.length ? user.groups.join(", ") : "none"}</dd>
            <dt>Mode</dt>
            <dd>{user.mode === "local" ? "local (embedded engines, no Databricks)" : "databricks workspace"}</dd>
          </dl>
        ) : (
          <Typography.Text>Loading…</Typography.Text>
        )}
      </div>
      <div>
        <Typography.Title level={2}>Backends</Typography.Title>
        <ErrorAlert componentId="welcome.ready-error" error={error} />
        <ul aria-label="Backend status" style={{ listStyle: "none", padding: 0, display: "grid", gap: 8 }}>
          {Object.entries(backends ?? {}).map(([name, backend]) => (
            <li key={name} style={{ display: "flex", gap: 8, alignItems: "center" }}>
              <ResourceStatusIndicator status={backend.status === "ok" ? "online" : "offline"} />
              <Tag componentId={`welcome.backend.${name}`} color={backend.status === "ok" ? "lime" : "coral"}>
                {backend.status === "ok" ? "ready" : "unavailable"}
              </Tag>
              <Typography.Text bold>{name.replace("_", " ")}</Typography.Text>
              <Typography.Text color="secondary">{backend.detail}</Typography.Text>
            </li>
          ))}
        </ul>
      </div>
    </Section>
  );
}
