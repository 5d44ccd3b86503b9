// The `theme` preference ({"mode": "light" | "dark" | "system"}) switches the whole UI. The mode is
// also kept in localStorage so index.html applies it before the first paint.
import { createContext, useContext } from "react";

export type ThemeMode = "light" | "dark" | "system";
export const THEME_MODES: ThemeMode[] = ["light", "dark", "system"];
export const THEME_STORAGE_KEY = "theme-mode";

export type ThemeState = { mode: ThemeMode; dark: boolean; setMode: (mode: ThemeMode) => Promise<void> };
export const ThemeContext = createContext<ThemeState>({ mode: "system", dark: false, setMode: async () => undefined });

/** The current theme and a way to change it (saved as the `theme` preference). */
export function useTheme(): ThemeState {
  return useContext(ThemeContext);
}

/** The mode a preference value asks for, case-insensitively; "system" when it names none. */
export function themeMode(value: unknown): ThemeMode {
  const mode = typeof value === "object" && value !== null ? (value as { mode?: unknown }).mode : undefined;
  const normal = typeof mode === "string" ? mode.trim().toLowerCase() : "";
  return (THEME_MODES as string[]).includes(normal) ? (normal as ThemeMode) : "system";
}

/** True when a mode is dark, given whether the system prefers dark. */
export function isDarkMode(mode: ThemeMode, systemDark: boolean): boolean {
  return mode === "dark" || (mode === "system" && systemDark);
}
