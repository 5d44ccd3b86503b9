// Browser-side JSON Schema validation of model inputs, mirroring the server's messages.
import Ajv, { type ErrorObject } from "ajv";

const ajv = new Ajv({ allErrors: false, strict: false });
const FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"];

function describe(error: ErrorObject): string {
  if (error.keyword === "required") return `missing required field '${String(error.params.missingProperty)}'`;
  if (error.keyword === "additionalProperties") return `unexpected field '${String(error.params.additionalProperty)}'`;
  const field = error.instancePath.replace(/^\//, "").replace(/\//g, ".");
  return field ? `field '${field}' ${error.message ?? "is invalid"}` : (error.message ?? "is invalid");
}

/** The records an input holds, as the server reads them; null when the shape is not records. */
export function recordsOf(input: unknown): unknown[] | null {
  if (Array.isArray(input)) return input;
  if (typeof input !== "object" || input === null) return null;
  const obj = input as Record<string, unknown>;
  const present = FORMATS.filter((f) => f in obj);
  if (present.length === 0) return [obj];
  if (present.length > 1) return null;
  const value = obj[present[0]];
  if (present[0] === "dataframe_split") {
    const split = value as { columns?: string[]; data?: unknown[][] };
    if (!Array.isArray(split?.data)) return null;
    return split.data.map((row) => Object.fromEntries((split.columns ?? []).map((c, i) => [c, row[i]])));
  }
  return Array.isArray(value) ? value : null;
}

/** An error message for the first invalid record, or null when every record is valid. */
export function validateInput(text: string, schema: Record<string, unknown> | null | undefined): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  const records = recordsOf(parsed);
  if (records === null || records.length === 0) {
    return "Input must be a JSON object (one record), a list of records, or one serving format.";
  }
  if (!schema) return null;
  const validate = ajv.compile(schema);
  for (const [index, record] of records.entries()) {
    if (!validate(record) && validate.errors?.length) {
      const where = records.length > 1 ? `record ${index}: ` : "";
      return where + describe(validate.errors[0]);
    }
  }
  return null;
}

type Property = { type?: string; minimum?: number; maximum?: number };

/** A starting record built from the schema: one sensible value per field. */
export function exampleRecord(schema: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, Property>;
  const example: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(properties)) {
    const low = prop.minimum ?? 0;
    const high = prop.maximum ?? low + 10;
    if (prop.type === "integer") example[name] = Math.round((low + high) / 2);
    else if (prop.type === "number") example[name] = Math.round(((low + Math.min(high, low + 20)) / 2) * 10) / 10;
    else if (prop.type === "boolean") example[name] = false;
    else example[name] = name === "text" ? "My package has not arrived yet" : "value";
  }
  return example;
}

const TASK_EXAMPLES: Record<string, unknown> = {
  "llm/v1/chat": { messages: [{ role: "user", content: "How do I deploy this app?" }], max_tokens: 128 },
  "llm/v1/completions": { prompt: "Deploying the bundle", max_tokens: 64 },
  "llm/v1/embeddings": { input: ["first text", "second text"] },
};

/** A starting body for an endpoint: its task's request format, or a record from its schema. */
export function exampleInput(task: string | null | undefined, schema: Record<string, unknown> | null | undefined): unknown {
  if (task) return TASK_EXAMPLES[task] ?? {};
  return exampleRecord(schema);
}
