import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, nextSort, readView, writeView } from "./viewState";

describe("readView", () => {
  it("reads page, size, sort and filters", () => {
    const view = readView(new URLSearchParams("page=3&size=100&sort=o_total&dir=DESC&f.o_status=F&f.o_id=7"));
    expect(view).toEqual({
      page: 3,
      size: 100,
      sort: "o_total",
      direction: "DESC",
      filters: { o_status: "F", o_id: "7" },
    });
  });
  it("falls back to defaults for malformed values", () => {
    expect(readView(new URLSearchParams("page=-2&size=33&dir=sideways&f.="))).toEqual(DEFAULT_VIEW);
    expect(readView(new URLSearchParams("page=1.5&size=abc"))).toEqual(DEFAULT_VIEW);
  });
});

describe("writeView", () => {
  it("leaves out defaults", () => {
    expect(writeView(DEFAULT_VIEW).toString()).toBe("");
  });
  it("round-trips through readView", () => {
    const view = { page: 7, size: 500, sort: "a b", direction: "DESC" as const, filters: { "x&y": "1=2" } };
    expect(readView(new URLSearchParams(writeView(view).toString()))).toEqual(view);
  });
});

describe("nextSort", () => {
  it("cycles ascending, descending, none", () => {
    const first = nextSort(DEFAULT_VIEW, "a");
    expect(first).toEqual({ sort: "a", direction: "ASC" });
    const second = nextSort({ ...DEFAULT_VIEW, ...first }, "a");
    expect(second).toEqual({ sort: "a", direction: "DESC" });
    expect(nextSort({ ...DEFAULT_VIEW, ...second }, "a")).toEqual({ sort: null, direction: "ASC" });
    expect(nextSort({ ...DEFAULT_VIEW, ...second }, "b")).toEqual({ sort: "b", direction: "ASC" });
  });
});
