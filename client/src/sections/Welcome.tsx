import { ResourceStatusIndicator, Tag, Typography } from "@databricks/design-system";
import { useQuery } from "@tanstack/react-query";
import { ApiError, api, call } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { Section } from "../components/Section";
import type { SectionProps } from "../routes";

type Backend = { status: string; detail: string };

export default function Welcome({ user }: SectionProps) {
  const ready = useQuery({ queryKey: ["health", "ready"], queryFn: () => call(api.GET("/health/ready")) });
  const failed =
    ready.error instanceof ApiError ? (ready.error.details.backends as Record<string, Backend> | undefined) : undefined;
  const backends = ready.data?.backends ?? failed ?? null;

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
        {ready.isPending ? <Typography.Text>Checking the backends…</Typography.Text> : null}
        <ErrorAlert componentId="welcome.ready-error" error={ready.error} onRetry={() => void ready.refetch()} />
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
