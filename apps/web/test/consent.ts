/**
 * Plays the person at a sandbox's consent page, as a browser would: follows the authorization URL and, when the
 * provider shows an Allow/Deny form, submits it with the chosen button. Returns where the provider sends the
 * browser back (our callback URL with `code` or `error`). Providers that approve at once simply redirect.
 */
export async function consent(authorizeUrl: string, decision: "allow" | "deny"): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: "manual" });
  if (page.status >= 300 && page.status < 400) return redirectOf(page, authorizeUrl);
  const html = await page.text();
  const form = /<form([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (form === null) throw new Error(`consent page has no form (HTTP ${page.status})`);
  const [, attributes = "", inner = ""] = form;
  // A form without an action posts back to the page's own URL, query included (HTML's rule).
  const action = /action="([^"]*)"/i.exec(attributes)?.[1] ?? authorizeUrl;
  const fields = new URLSearchParams();
  for (const input of inner.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[0])?.[1];
    const value = /value="([^"]*)"/i.exec(input[0])?.[1] ?? "";
    if (name !== undefined) fields.set(name, decode(value));
  }
  const label = decision === "allow" ? "Allow" : "Deny";
  const button = new RegExp(`<button[^>]*name="([^"]*)"[^>]*value="([^"]*)"[^>]*>\\s*${label}\\s*</button>`, "i").exec(inner);
  if (button?.[1] !== undefined) fields.set(button[1], button[2] ?? "");
  const answer = await fetch(new URL(decode(action), authorizeUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: fields.toString(),
  });
  return redirectOf(answer, authorizeUrl);
}

function redirectOf(response: Response, base: string): URL {
  const location = response.headers.get("location");
  if (location === null) throw new Error(`expected a redirect from the provider, got HTTP ${response.status}`);
  return new URL(location, base);
}

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
