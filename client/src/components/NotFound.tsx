import { Typography } from "@databricks/design-system";
import { Link, useLocation } from "react-router";
import { SECTIONS } from "../routes";
import { Section } from "./Section";

/** The view for a path no section owns: says so and links every section. */
export function NotFound() {
  const { pathname } = useLocation();
  return (
    <Section title="Page not found" intro={`Nothing lives at ${pathname}. It may have moved, or the link is mistyped.`}>
      <div>
        <Typography.Text>Go to one of the sections:</Typography.Text>
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <Link to={section.path}>{section.label}</Link>
            </li>
          ))}
        </ul>
      </div>
    </Section>
  );
}
