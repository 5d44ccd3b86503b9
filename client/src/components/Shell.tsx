import { Tag, Typography, useDesignSystemTheme } from "@databricks/design-system";
import type { ReactNode } from "react";
import type { Schemas } from "../api/client";
import { ActingAsNotice } from "./ActingAsNotice";
import { SECTIONS, type SectionPath } from "../routes";

type ShellProps = {
  user: Schemas["UserInfo"] | null;
  path: SectionPath;
  navigate: (path: SectionPath) => void;
  children: ReactNode;
};

/** Top bar (app name, user, mode) and the sidebar with one link per section. */
export function Shell({ user, path, navigate, children }: ShellProps) {
  const { theme } = useDesignSystemTheme();
  const border = `1px solid ${theme.colors.border}`;
  return (
    <div style={{ minHeight: "100vh", background: theme.colors.backgroundPrimary, color: theme.colors.textPrimary }}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header
        style={{ display: "flex", alignItems: "center", justifyContent: "space-between", padding: "8px 24px", borderBottom: border, background: theme.colors.backgroundSecondary }}
      >
        <Typography.Text bold size="lg">
          Databricks App Template
        </Typography.Text>
        <div style={{ display: "flex", gap: 8, alignItems: "center" }} aria-label="Signed-in user">
          <Typography.Text>{user ? user.display_name : "…"}</Typography.Text>
          {user ? (
            <Tag componentId="topbar.mode" color={user.mode === "local" ? "teal" : "indigo"}>
              {user.mode}
            </Tag>
          ) : null}
        </div>
      </header>
      <div style={{ display: "flex" }}>
        <nav aria-label="Sections" style={{ width: 220, borderRight: border, padding: 12, minHeight: "calc(100vh - 49px)" }}>
          <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 4 }}>
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <a
                  href={s.path}
                  className="nav-link"
                  aria-current={s.path === path ? "page" : undefined}
                  style={{
                    color: theme.colors.textPrimary,
                    background: s.path === path ? theme.colors.actionDefaultBackgroundPress : "transparent",
                    fontWeight: s.path === path ? 600 : 400,
                  }}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(s.path);
                  }}
                >
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} style={{ flex: 1, padding: 24, maxWidth: 1400, overflowX: "auto" }}>
          <ActingAsNotice user={user} />
          {children}
        </main>
      </div>
    </div>
  );
}
