import { Button, Tag, Typography, useDesignSystemTheme } from "@databricks/design-system";
import { type ReactNode, useState } from "react";
import { NavLink, useLocation } from "react-router";
import type { Schemas } from "../api/client";
import { SECTIONS, sectionOf } from "../routes";
import { ActingAsNotice } from "./ActingAsNotice";

type ShellProps = { user: Schemas["UserInfo"] | null; children: ReactNode };

/** Top bar (app name, user, mode) and the section navigation, which collapses below 768 px. */
export function Shell({ user, children }: ShellProps) {
  const { theme } = useDesignSystemTheme();
  const { pathname } = useLocation();
  const current = sectionOf(pathname);
  const [navOpen, setNavOpen] = useState(false);
  const border = `1px solid ${theme.colors.border}`;
  return (
    <div className="shell" style={{ background: theme.colors.backgroundPrimary, color: theme.colors.textPrimary }}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar" style={{ borderBottom: border, background: theme.colors.backgroundSecondary }}>
        <div style={{ display: "flex", gap: 8, alignItems: "center", minWidth: 0 }}>
          <span className="nav-toggle">
            <Button
              componentId="shell.nav-toggle"
              aria-expanded={navOpen}
              aria-controls="sections-nav"
              onClick={() => setNavOpen(!navOpen)}
            >
              {navOpen ? "Close menu" : "Menu"}
            </Button>
          </span>
          <Typography.Text bold size="lg">
            Databricks App Template
          </Typography.Text>
        </div>
        <div className="topbar-user">
          <Typography.Text>{user ? user.display_name : "…"}</Typography.Text>
          {user ? (
            <Tag componentId="topbar.mode" color={user.mode === "local" ? "teal" : "indigo"}>
              {user.mode}
            </Tag>
          ) : null}
        </div>
      </header>
      <div className="shell-body">
        <nav
          id="sections-nav"
          aria-label="Sections"
          className={navOpen ? "sidebar open" : "sidebar"}
          style={{ borderRight: border, background: theme.colors.backgroundPrimary }}
        >
          <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 4 }}>
            {SECTIONS.map((s) => {
              const active = current?.path === s.path;
              return (
                <li key={s.path}>
                  <NavLink
                    to={s.path}
                    end={s.path === "/"}
                    className="nav-link"
                    aria-current={active ? "page" : undefined}
                    style={{
                      color: theme.colors.textPrimary,
                      background: active ? theme.colors.actionDefaultBackgroundPress : "transparent",
                      fontWeight: active ? 600 : 400,
                    }}
                    onClick={() => setNavOpen(false)}
                  >
                    {s.label}
                  </NavLink>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} className="main">
          <ActingAsNotice user={user} />
          {children}
        </main>
      </div>
    </div>
  );
}
