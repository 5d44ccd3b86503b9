// The `theme` preference ({"mode": "dark" | "light"}) switches the whole UI.
import { createContext, useContext } from "react";

export type ThemeState = { dark: boolean; reload: () => void };
export const ThemeContext = createContext<ThemeState>({ dark: false, reload: () => undefined });

/** The current theme and a way to re-read it after the preference changes. */
export function useTheme(): ThemeState {
  return useContext(ThemeContext);
}

/** True when a preference value asks for dark mode. */
export function isDark(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { mode?: unknown }).mode === "dark";
}
