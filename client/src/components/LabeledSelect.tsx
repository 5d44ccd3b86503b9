import { SimpleSelect, SimpleSelectOption } from "@databricks/design-system";
import { Field } from "./Field";

type Option = { value: string; label?: string };

type LabeledSelectProps = {
  id: string;
  label: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  disabled?: boolean;
  placeholder?: string;
  minWidth?: number;
};

/** A DuBois SimpleSelect with a visible label. */
export function LabeledSelect({
  id,
  label,
  value,
  options,
  onChange,
  disabled,
  placeholder,
  minWidth,
}: LabeledSelectProps) {
  return (
    <Field id={id} label={label} minWidth={minWidth}>
      <SimpleSelect
        id={id}
        componentId={id}
        label={label}
        value={value}
        disabled={disabled}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <SimpleSelectOption key={option.value} value={option.value}>
            {option.label ?? option.value}
          </SimpleSelectOption>
        ))}
      </SimpleSelect>
    </Field>
  );
}
