import { DesignSystemProvider, DesignSystemThemeProvider, Spinner } from "@databricks/design-system";
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from "react";
import { api, call, type Schemas } from "./api/client";
import { ErrorAlert } from "./components/ErrorAlert";
import { Shell } from "./components/Shell";
import { usePath } from "./routes";
import { ThemeContext, isDark } from "./theme";

const Welcome = lazy(() => import("./sections/Welcome"));
const UnityCatalog = lazy(() => import("./sections/UnityCatalog"));
const ModelServing = lazy(() => import("./sections/ModelServing"));
const Preferences = lazy(() => import("./sections/Preferences"));
const Chat = lazy(() => import("./sections/Chat"));

const VIEWS = {
  "/": Welcome,
  "/unity-catalog": UnityCatalog,
  "/model-serving": ModelServing,
  "/chat": Chat,
  "/preferences": Preferences,
} as const;

export function App() {
  const [path, navigate] = usePath();
  const [user, setUser] = useState<Schemas["UserInfo"] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dark, setDark] = useState(false);

  const reload = useCallback(() => {
    call(api.GET("/api/preferences", { params: { query: { preference_key: "theme" } } }))
      .then((rows) => setDark(rows.length > 0 && isDark(rows[0].preference_value)))
      .catch(() => setDark(false));
  }, []);

  useEffect(() => {
    call(api.GET("/api/user/me")).then(setUser).catch(setError);
    reload();
  }, [reload]);

  useEffect(() => {
    document.documentElement.dataset.theme = dark ? "dark" : "light";
  }, [dark]);

  useEffect(() => {
    document.title = `${path === "/" ? "Welcome" : path.slice(1).replace("-", " ")} · Databricks App Template`;
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [path]);

  const themeState = useMemo(() => ({ dark, reload }), [dark, reload]);
  const View = VIEWS[path];
  return (
    <DesignSystemThemeProvider isDarkMode={dark}>
      <DesignSystemProvider>
        <ThemeContext.Provider value={themeState}>
          <Shell user={user} path={path} navigate={navigate}>
            <ErrorAlert componentId="app.user-error" error={error} />
            <Suspense fallback={<Spinner label="Loading section" />}>
              <View user={user} />
            </Suspense>
          </Shell>
        </ThemeContext.Provider>
      </DesignSystemProvider>
    </DesignSystemThemeProvider>
  );
}
