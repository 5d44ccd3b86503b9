import { describe, expect, it } from "vitest";
import {
  columnWidth,
  formatCell,
  formatCount,
  formatNumber,
  isNumericType,
  pageCount,
  parseFilterValue,
  parsePage,
} from "./format";

describe("isNumericType", () => {
  it.each(["BIGINT", "int", "DECIMAL(12,2)", "double", "FLOAT"])("%s is numeric", (type) => {
    expect(isNumericType(type)).toBe(true);
  });
  it.each(["STRING", "DATE", "TIMESTAMP", "INTERVAL", "BOOLEAN", "VARCHAR"])("%s is not numeric", (type) => {
    expect(isNumericType(type)).toBe(false);
  });
});

describe("formatNumber", () => {
  it("groups thousands", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(-4799)).toBe("-4,799");
  });
  it("keeps at most six decimals", () => {
    expect(formatNumber(1234.5)).toBe("1,234.5");
    expect(formatNumber(0.123456789)).toBe("0.123457");
  });
  it("groups DECIMAL strings without losing precision", () => {
    expect(formatNumber("12345678901234567890.12")).toBe("12,345,678,901,234,567,890.12");
    expect(formatNumber("-1000")).toBe("-1,000");
  });
  it("leaves non-numeric strings and non-finite numbers alone", () => {
    expect(formatNumber("n/a")).toBe("n/a");
    expect(formatNumber(Number.NaN)).toBe("NaN");
  });
});

describe("formatCell", () => {
  it("shows NULL, numbers, JSON and text", () => {
    expect(formatCell(null, true)).toBe("NULL");
    expect(formatCell(undefined, false)).toBe("NULL");
    expect(formatCell(15000, true)).toBe("15,000");
    expect(formatCell(15000, false)).toBe("15000");
    expect(formatCell({ a: [1] }, false)).toBe('{"a":[1]}');
    expect(formatCell(true, false)).toBe("true");
  });
  it("formats a count", () => {
    expect(formatCount(120000)).toBe("120,000");
  });
});

describe("columnWidth", () => {
  it("fits the widest value or the header, within bounds", () => {
    expect(columnWidth("id", ["1", "22"])).toBe(9);
    expect(columnWidth("l_shipinstruct", ["DELIVER IN PERSON"])).toBe(21);
    expect(columnWidth("c", ["x".repeat(500)])).toBe(60);
  });
});

describe("paging", () => {
  it("counts pages, at least one", () => {
    expect(pageCount(120000, 25)).toBe(4800);
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
  });
  it("parses a page within range", () => {
    expect(parsePage("12", 100)).toBe(12);
    expect(parsePage("0", 100)).toBe(1);
    expect(parsePage("999", 100)).toBe(100);
    expect(parsePage("1.5", 100)).toBeNull();
    expect(parsePage("", 100)).toBeNull();
    expect(parsePage("-3", 100)).toBeNull();
  });
});

describe("parseFilterValue", () => {
  it("types numbers, booleans, text and NULL", () => {
    expect(parseFilterValue("1,000", "BIGINT")).toEqual({ value: 1000 });
    expect(parseFilterValue("2.5", "DOUBLE")).toEqual({ value: 2.5 });
    expect(parseFilterValue("TRUE", "BOOLEAN")).toEqual({ value: true });
    expect(parseFilterValue("null", "STRING")).toEqual({ value: null });
    expect(parseFilterValue(" Paris ", "STRING")).toEqual({ value: " Paris " });
  });
  it("rejects values that do not fit the column", () => {
    expect(parseFilterValue("abc", "INT")).toHaveProperty("error");
    expect(parseFilterValue("", "INT")).toHaveProperty("error");
    expect(parseFilterValue("yes", "BOOLEAN")).toHaveProperty("error");
  });
});
