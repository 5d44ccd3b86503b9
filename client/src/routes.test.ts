import { describe, expect, it } from "vitest";
import { routePattern, SECTIONS, sectionOf } from "./routes";

describe("sections", () => {
  it("maps paths to their section, unknown ones to none", () => {
    expect(sectionOf("/")?.label).toBe("Welcome");
    expect(sectionOf("/unity-catalog/main/samples/orders")?.label).toBe("Unity Catalog");
    expect(sectionOf("/unity-catalogue")).toBeNull();
    expect(sectionOf("/does-not-exist")).toBeNull();
  });
  it("has unique paths and patterns that own sub-paths", () => {
    expect(new Set(SECTIONS.map((s) => s.path)).size).toBe(SECTIONS.length);
    expect(SECTIONS.map(routePattern)).toContain("/unity-catalog/*");
  });
});
