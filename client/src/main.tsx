import "@databricks/design-system/dist/index.css";
// Dark mode renders components with the du-bois-dark- class prefix, styled by this sheet.
import "@databricks/design-system/dist/index-dark.css";
import "./styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
