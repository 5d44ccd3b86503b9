import { Alert } from "@databricks/design-system";
import type { Schemas } from "../api/client";

/** Says so when the app calls Databricks as its service principal rather than as the user. */
export function ActingAsNotice({ user }: { user: Schemas["UserInfo"] | null }) {
  if (user?.acting_as !== "app_service_principal") return null;
  return (
    <Alert
      componentId="shell.acting-as-app"
      type="warning"
      closable={false}
      message="This app reads data as its service principal, not as you"
      description="User authorization is off (or no user token was forwarded), so tables and endpoints are what the app's service principal was granted, the same for every user. See docs/auth.md."
    />
  );
}
