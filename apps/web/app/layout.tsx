import "@picocss/pico/css/pico.classless.min.css";
import type { ReactNode } from "react";
import styles from "./layout.module.css";

export const metadata = { title: "GTM Clarity connections" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className={styles.header}>
          <nav aria-label="Main">
            <ul>
              <li>
                <strong>GTM Clarity</strong>
              </li>
            </ul>
            <ul>
              <li>
                <a href="/connections">Connections</a>
              </li>
              <li>
                <a href="/accounts">Accounts</a>
              </li>
            </ul>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
