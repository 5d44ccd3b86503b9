// Client-side routes: each section has its own URL so reload and back work.
import { useEffect, useState } from "react";

export const SECTIONS = [
  { path: "/", label: "Welcome" },
  { path: "/unity-catalog", label: "Unity Catalog" },
  { path: "/model-serving", label: "Model Serving" },
  { path: "/chat", label: "Chat" },
  { path: "/preferences", label: "Preferences" },
] as const;

export type SectionPath = (typeof SECTIONS)[number]["path"];

function current(): SectionPath {
  const found = SECTIONS.find((s) => s.path === window.location.pathname);
  return found ? found.path : "/";
}

/** The current section path, following pushState navigation and back/forward. */
export function usePath(): [SectionPath, (path: SectionPath) => void] {
  const [path, setPath] = useState<SectionPath>(current);
  useEffect(() => {
    const onPop = () => setPath(current());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const navigate = (next: SectionPath) => {
    if (next !== window.location.pathname) window.history.pushState(null, "", next);
    setPath(next);
  };
  return [path, navigate];
}
