import { TableHeader, TableRow } from "@databricks/design-system";

/** The header row of a DuBois table. */
export function HeaderRow({ names, idPrefix }: { names: string[]; idPrefix: string }) {
  return (
    <TableRow isHeader>
      {names.map((name) => (
        <TableHeader key={name} componentId={`${idPrefix}.${name}`}>
          {name}
        </TableHeader>
      ))}
    </TableRow>
  );
}
