"use client";
import { useState } from "react";

interface Revealed {
  secret: string;
  url: string;
}

/** Makes or rotates the secret; the answer is the only time it is shown, and it is never stored in the page. */
export function WebhookSecret({ connectionId, url, isSet }: { connectionId: string; url: string; isSet: boolean }) {
  const [revealed, setRevealed] = useState<Revealed | undefined>();
  const [error, setError] = useState<string | undefined>();
  async function rotate() {
    setError(undefined);
    const response = await fetch(`/api/connections/${connectionId}/webhook-secret`, { method: "POST" });
    if (!response.ok) {
      setError("The secret could not be changed; try again.");
      return;
    }
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && "secret" in body && "url" in body) {
      setRevealed({ secret: String(body.secret), url: String(body.url) });
    }
  }
  return (
    <div>
      <p>
        Webhook URL: <code>{revealed?.url ?? url}</code>
      </p>
      {revealed ? (
        <p role="status">
          Signing secret (shown once, copy it into the source now): <code>{revealed.secret}</code>
        </p>
      ) : (
        <p>{isSet ? "A signing secret is set; it cannot be shown again." : "No signing secret yet: webhooks are refused."}</p>
      )}
      {error && <p role="alert">{error}</p>}
      <button type="button" onClick={() => void rotate()}>
        {isSet || revealed ? "Rotate webhook secret" : "Create webhook secret"}
      </button>
    </div>
  );
}
