import { ApplyGlobalStyles, DesignSystemProvider, DesignSystemThemeProvider, Spinner } from "@databricks/design-system";
import { QueryClientProvider, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Suspense, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { BrowserRouter, Route, Routes, useLocation } from "react-router";
import { api, call } from "./api/client";
import { createQueryClient } from "./api/queryClient";
import { ErrorAlert } from "./components/ErrorAlert";
import { NotFound } from "./components/NotFound";
import { Shell } from "./components/Shell";
import { routePattern, SECTIONS, sectionOf } from "./routes";
import { isDarkMode, THEME_STORAGE_KEY, ThemeContext, type ThemeMode, themeMode } from "./theme";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function subscribeSystemDark(onChange: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener("change", onChange);
  return () => media.removeEventListener("change", onChange);
}

/** The stored mode index.html applied before the first paint, until the preference answers. */
function bootMode(): ThemeMode {
  try {
    return themeMode({ mode: window.localStorage.getItem(THEME_STORAGE_KEY) });
  } catch {
    return "system";
  }
}

/** The `theme` preference, mirrored to localStorage and the <html data-theme> attribute. */
function useThemeState() {
  const client = useQueryClient();
  const systemDark = useSyncExternalStore(subscribeSystemDark, () => window.matchMedia(DARK_QUERY).matches);
  const [fallback] = useState(bootMode);
  const preference = useQuery({
    queryKey: ["preferences", "theme"],
    queryFn: () => call(api.GET("/api/preferences", { params: { query: { preference_key: "theme" } } })),
  });
  const mode = preference.data ? themeMode(preference.data[0]?.preference_value) : fallback;
  const save = useMutation({
    mutationFn: (next: ThemeMode) =>
      call(api.POST("/api/preferences", { body: { preference_key: "theme", preference_value: { mode: next } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["preferences"] }),
  });
  const dark = isDarkMode(mode, systemDark);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    try {
      window.localStorage.setItem(THEME_STORAGE_KEY, mode);
    } catch {
      // Storage may be disabled; the preference still applies after it loads.
    }
  }, [dark, mode]);
  const setMode = useCallback(async (next: ThemeMode) => void (await save.mutateAsync(next)), [save.mutateAsync]);
  return useMemo(() => ({ mode, dark, setMode }), [mode, dark, setMode]);
}

/** Moves focus to the main landmark when the section changes (not on query-string changes). */
function useFocusOnSectionChange(): void {
  const { pathname } = useLocation();
  const section = sectionOf(pathname)?.path ?? "not-found";
  const previous = useRef(section);
  useEffect(() => {
    if (previous.current === section) return;
    previous.current = section;
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [section]);
}

function Themed() {
  const theme = useThemeState();
  const user = useQuery({ queryKey: ["user"], queryFn: () => call(api.GET("/api/user/me")) });
  useFocusOnSectionChange();
  return (
    <DesignSystemThemeProvider isDarkMode={theme.dark}>
      <DesignSystemProvider>
        <ApplyGlobalStyles />
        <ThemeContext.Provider value={theme}>
          <Shell user={user.data ?? null}>
            <ErrorAlert componentId="app.user-error" error={user.error} onRetry={() => void user.refetch()} />
            <Suspense fallback={<Spinner label="Loading section" />}>
              <Routes>
                {SECTIONS.map((section) => (
                  <Route
                    key={section.path}
                    path={routePattern(section)}
                    element={<section.component user={user.data ?? null} />}
                  />
                ))}
                <Route path="*" element={<NotFound />} />
              </Routes>
            </Suspense>
          </Shell>
        </ThemeContext.Provider>
      </DesignSystemProvider>
    </DesignSystemThemeProvider>
  );
}

export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <Themed />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
