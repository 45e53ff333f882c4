/**
 * What a redirect's `error` / `notice` code means to a person. Codes, never free text, travel in the URL: nothing a
 * third party writes into a link can appear on the page as if the app said it.
 */
const ERRORS: Readonly<Record<string, string>> = {
  unknown_connector: "That connector is not deployed here.",
  unknown_connection: "That connection does not exist in this workspace.",
  dpa_required: "Accept the data processing agreement before connecting this source.",
  key_refused: "The source refused that key. Check it and try again; nothing was stored.",
  invalid_key: "The key is missing or malformed; nothing was stored.",
  connect_failed: "The source could not be reached to check the key; nothing was stored. Try again.",
  oauth_not_configured: "This OAuth connector is not configured on this deployment.",
  oauth_denied: "Consent was denied at the provider; nothing was stored.",
  oauth_bad_state: "That authorization was not started by this browser and workspace, or was already used; nothing was stored. Start again.",
  oauth_expired: "The authorization took too long and expired; nothing was stored. Start again.",
  oauth_provider_error: "The provider answered with an error; nothing was stored. Start again.",
  oauth_exchange_failed: "The provider did not accept the authorization code; nothing was stored. Start again.",
  oauth_no_session: "Sign in, then start connecting again.",
  invalid_sign_in: "Give a workspace (letters, digits, - and _) and a user name.",
  not_active: "Reconnect this connection before syncing it.",
};

const NOTICES: Readonly<Record<string, string>> = {
  connected: "Connected.",
  sync_started: "Sync started.",
  sync_running: "A sync of this connection is already running.",
  disconnected: "Disconnected and its credentials deleted.",
  disconnected_revoked: "Disconnected; access was revoked at the provider and the credentials deleted.",
  disconnected_revoke_failed: "Disconnected and the credentials deleted; revoking at the provider failed, so revoke the app there too.",
  dpa_accepted: "Data processing agreement accepted.",
};

export function errorMessage(code: string | undefined): string | undefined {
  return code === undefined ? undefined : (ERRORS[code] ?? "Something went wrong.");
}

export function noticeMessage(code: string | undefined): string | undefined {
  return code === undefined ? undefined : NOTICES[code];
}

/** A single string from a page's searchParams value. */
export function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
