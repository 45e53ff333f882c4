/**
 * The interactive questions, asked only for what no flag answered. Returns undefined when the user cancels
 * (Ctrl-C or Escape), before anything has been written.
 */
import * as p from "@clack/prompts";
import type { Readable, Writable } from "node:stream";
import {
  AUTH_MODES,
  DEFAULT_AUTH,
  DEFAULT_KINDS,
  DEFAULT_WEBHOOKS,
  RECORD_KINDS,
  defaultDisplayName,
  displayNameProblem,
  type AuthMode,
  type RecordKind,
} from "./options.js";

export interface PromptAnswers {
  name: string;
  displayName: string;
  auth: AuthMode;
  kinds: RecordKind[];
  webhooks: boolean;
}

export interface KnownAnswers {
  name?: string | undefined;
  displayName?: string | undefined;
  auth?: AuthMode | undefined;
  kinds?: readonly RecordKind[] | undefined;
  webhooks?: boolean | undefined;
}

export interface PromptIo {
  input?: Readable;
  output?: Writable;
}

const AUTH_LABELS: Record<AuthMode, { label: string; hint: string }> = {
  "api-key": { label: "API key", hint: "a key the user pastes in, encrypted at rest" },
  oauth: { label: "OAuth 2.0", hint: "authorization code with signed state, PKCE and refresh" },
};

const KIND_LABELS: Record<RecordKind, string> = {
  person: "people (contacts, leads, users)",
  account: "accounts (companies, organisations)",
  activity: "activities (meetings, emails, events)",
};

/**
 * Asks for every answer not in `known`. `validateName` checks a typed name (format and workspace collisions)
 * so the user can fix it in place.
 */
export async function askForOptions(
  known: KnownAnswers,
  validateName: (name: string) => string | undefined,
  io: PromptIo = {},
): Promise<PromptAnswers | undefined> {
  const common = { ...(io.input ? { input: io.input } : {}), ...(io.output ? { output: io.output } : {}) };

  let name = known.name;
  if (name === undefined) {
    const answer = await p.text({
      ...common,
      message: "Connector name (kebab-case)",
      placeholder: "acme-crm",
      validate: (value) => validateName(value ?? ""),
    });
    if (p.isCancel(answer)) return undefined;
    name = answer;
  }

  let displayName = known.displayName;
  if (displayName === undefined) {
    const fallback = defaultDisplayName(name);
    const answer = await p.text({
      ...common,
      message: "Display name",
      placeholder: fallback,
      defaultValue: fallback,
      validate: (value) => (value === undefined || value === "" ? undefined : displayNameProblem(value)),
    });
    if (p.isCancel(answer)) return undefined;
    displayName = answer === "" ? fallback : answer;
  }

  let auth = known.auth;
  if (auth === undefined) {
    const answer = await p.select<AuthMode>({
      ...common,
      message: "How does it authenticate?",
      initialValue: DEFAULT_AUTH,
      options: AUTH_MODES.map((mode) => ({ value: mode, ...AUTH_LABELS[mode] })),
    });
    if (p.isCancel(answer)) return undefined;
    auth = answer;
  }

  let kinds = known.kinds ? [...known.kinds] : undefined;
  if (kinds === undefined) {
    const answer = await p.multiselect<RecordKind>({
      ...common,
      message: "Which records does it sync?",
      initialValues: DEFAULT_KINDS,
      required: true,
      options: RECORD_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] })),
    });
    if (p.isCancel(answer)) return undefined;
    kinds = RECORD_KINDS.filter((kind) => answer.includes(kind));
  }

  let webhooks = known.webhooks;
  if (webhooks === undefined) {
    const answer = await p.confirm({
      ...common,
      message: "Does it receive webhooks?",
      initialValue: DEFAULT_WEBHOOKS,
    });
    if (p.isCancel(answer)) return undefined;
    webhooks = answer;
  }

  return { name, displayName, auth, kinds, webhooks };
}
