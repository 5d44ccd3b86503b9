import { describe, expect, it } from "vitest";
import { jsonObjectError } from "./lib/jsonValue";
import { isDarkMode, themeMode } from "./theme";
import { exampleRecord, recordsOf, timeoutError, validateInput } from "./validation";

const schema = {
  type: "object",
  required: ["trip_distance", "pickup_hour"],
  properties: {
    trip_distance: { type: "number", minimum: 0 },
    pickup_hour: { type: "integer", minimum: 0, maximum: 23 },
  },
  additionalProperties: false,
};

describe("validateInput", () => {
  it("accepts a valid record and every serving format", () => {
    expect(validateInput('{"trip_distance": 2.5, "pickup_hour": 9}', schema)).toBeNull();
    expect(
      validateInput('{"dataframe_split": {"columns": ["trip_distance", "pickup_hour"], "data": [[1, 2]]}}', schema),
    ).toBeNull();
    expect(validateInput('{"instances": [{"trip_distance": 1, "pickup_hour": 3}]}', schema)).toBeNull();
  });
  it("explains the first problem", () => {
    expect(validateInput("{", schema)).toMatch(/^Not valid JSON/);
    expect(validateInput('{"trip_distance": 2.5}', schema)).toBe("missing required field 'pickup_hour'");
    expect(
      validateInput('[{"trip_distance": 1, "pickup_hour": 1}, {"trip_distance": 1, "pickup_hour": 1, "x": 1}]', schema),
    ).toBe("record 1: unexpected field 'x'");
    expect(validateInput('{"trip_distance": 1, "pickup_hour": 30}', schema)).toMatch(/pickup_hour/);
    expect(validateInput("[]", schema)).toMatch(/^Input must be/);
    expect(validateInput('{"inputs": 1, "instances": []}', schema)).toMatch(/^Input must be/);
  });
  it("builds a valid example", () => {
    expect(validateInput(JSON.stringify(exampleRecord(schema)), schema)).toBeNull();
    expect(recordsOf(3)).toBeNull();
  });
});

describe("timeoutError", () => {
  it.each(["1", "30", "300"])("accepts %s", (text) => expect(timeoutError(text)).toBeNull());
  it.each(["", "0", "301", "2.5", "abc", " "])("rejects %j", (text) => expect(timeoutError(text)).not.toBeNull());
});

describe("jsonObjectError", () => {
  it("wants a JSON object of at most 100 KB", () => {
    expect(jsonObjectError('{"mode": "dark"}')).toBeNull();
    expect(jsonObjectError("[1, 2]")).toMatch(/JSON object/);
    expect(jsonObjectError("null")).toMatch(/JSON object/);
    expect(jsonObjectError("{")).toMatch(/^Not valid JSON/);
    expect(jsonObjectError(JSON.stringify({ a: "x".repeat(110_000) }))).toMatch(/100 KB/);
  });
});

describe("theme", () => {
  it("reads the mode case-insensitively, defaulting to system", () => {
    expect(themeMode({ mode: "Dark" })).toBe("dark");
    expect(themeMode({ mode: "light" })).toBe("light");
    expect(themeMode({ mode: "purple" })).toBe("system");
    expect(themeMode(null)).toBe("system");
    expect(isDarkMode("system", true)).toBe(true);
    expect(isDarkMode("light", true)).toBe(false);
    expect(isDarkMode("dark", false)).toBe(true);
  });
});
