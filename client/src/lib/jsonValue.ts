// Validation of preference values typed as JSON.

const MAX_BYTES = 100 * 1024;

/** An error message when the text is not a JSON object of at most 100 KB, else null. */
export function jsonObjectError(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return 'The value must be a JSON object, like {"mode": "dark"}.';
  }
  if (new TextEncoder().encode(JSON.stringify(value)).length > MAX_BYTES) return "The value must be at most 100 KB.";
  return null;
}
