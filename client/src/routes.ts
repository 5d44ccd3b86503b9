// The one registry of sections: the navigation, the router and the document titles read it.
// Adding a section is adding one entry here (its component takes SectionProps).
import { type ComponentType, type LazyExoticComponent, lazy } from "react";
import type { Schemas } from "./api/client";

export type SectionProps = { user: Schemas["UserInfo"] | null };

export type SectionEntry = {
  /** The URL prefix; the section owns every path below it (e.g. /unity-catalog/main/samples). */
  path: string;
  label: string;
  component: LazyExoticComponent<ComponentType<SectionProps>>;
};

export const SECTIONS: readonly SectionEntry[] = [
  { path: "/", label: "Welcome", component: lazy(() => import("./sections/Welcome")) },
  { path: "/unity-catalog", label: "Unity Catalog", component: lazy(() => import("./sections/UnityCatalog")) },
  { path: "/model-serving", label: "Model Serving", component: lazy(() => import("./sections/ModelServing")) },
  { path: "/sql", label: "SQL editor", component: lazy(() => import("./sections/SqlEditor")) },
  { path: "/chat", label: "Chat", component: lazy(() => import("./sections/Chat")) },
  { path: "/preferences", label: "Preferences", component: lazy(() => import("./sections/Preferences")) },
];

/** The section a location belongs to, or null for an unknown path. */
export function sectionOf(pathname: string): SectionEntry | null {
  if (pathname === "/") return SECTIONS.find((s) => s.path === "/") ?? null;
  return SECTIONS.find((s) => s.path !== "/" && (pathname === s.path || pathname.startsWith(`${s.path}/`))) ?? null;
}

/** The router pattern of a section: itself and every path below it. */
export function routePattern(section: SectionEntry): string {
  return section.path === "/" ? "/" : `${section.path}/*`;
}
